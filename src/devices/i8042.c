/* SPDX-License-Identifier: MIT */
/*
 * The i8042 keyboard controller at 0x60 (data) and 0x64 (status/command),
 * with a PS/2 keyboard behind it on IRQ1 (docs/machine.md, "i8042 keyboard").
 *
 * With --keyboard, stdin is the keyboard: the input thread's listener turns
 * terminal bytes into scancode set 1 (keymap.c) and queues them.  Two
 * queues feed the output buffer: replies (controller and keyboard command
 * results, read first) and keystrokes (held while the keyboard is disabled,
 * as a real keyboard holds them while its clock is inhibited).  Keystrokes
 * are taken from the input only while there is room for them, so piped
 * input is never dropped; the reply queue drops on overflow.
 *
 * IRQ1 is a level: high while the next byte to read is a keyboard byte and
 * command byte bit 0 is set; reading 0x60 lowers it, so each byte is a new
 * edge for the PIC.  0xFE (pulse reset) ends the run: reboot means exit.
 *
 * Port accesses come from the vCPU thread, keystrokes from the input thread
 * and the Esc timer thread: one mutex guards it all.  Lock order: i8042,
 * then input (input_trygetchar()).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/input.h"
#include "keymap.h"
#include "mkvm/abi.h"
#include "pc_devices.h"

#define I8042_DATA   0x60
#define I8042_STATUS 0x64

/* Status register (read 0x64). */
#define ST_OBF	    0x01 /* output buffer full: 0x60 has a byte */
#define ST_SYSFLAG  0x04 /* system flag (command byte bit 2) */
#define ST_CMD	    0x08 /* last write was to 0x64 */
#define ST_UNLOCKED 0x10 /* keyboard not locked */
#define ST_AUXDATA  0x20 /* the byte in 0x60 is from the aux port */

/* Command byte (controller RAM byte 0). */
#define CB_KBD_IRQ 0x01
#define CB_AUX_IRQ 0x02
#define CB_SYSFLAG 0x04
#define CB_KBD_OFF 0x10
#define CB_AUX_OFF 0x20
#define CB_XLATE   0x40
#define CB_RESET   (CB_XLATE | CB_AUX_OFF | CB_SYSFLAG | CB_KBD_IRQ) /* as a BIOS leaves it */

#define REPLY_MAX	 16		    /* controller and keyboard replies */
#define KEYS_MAX	 64		    /* keystroke scancodes held by the keyboard */
#define KEYS_INPUT_AHEAD 16		    /* input bytes read ahead of the keyboard */
#define AUX_BIT		 0x100		    /* in replies[]: the byte comes from the aux port */
#define ESC_WAIT_NS	 (50 * 1000 * 1000) /* a lone ESC is Esc after 50 ms */

struct i8042 {
	pthread_mutex_t lock;
	struct vm *vm;
	uint8_t ram[32];     /* ram[0] is the command byte */
	uint8_t status_cmd;  /* ST_CMD */
	uint8_t pending_ctl; /* 0x64 command waiting for its data byte at 0x60, or 0 */
	uint8_t pending_kbd; /* keyboard command waiting for its data byte, or 0 */
	uint8_t last;	     /* last byte read from 0x60 (re-read when empty) */
	uint8_t last_sent;   /* last byte the keyboard sent (0xFE resend) */
	uint8_t outport;     /* output port: bit 0 reset line, bit 1 A20 */
	uint8_t scanset;     /* 1..3, as asked with 0xF0; we always send set 1 */
	bool scanning;	     /* 0xF4 / 0xF5 */
	bool irq1, irq12;    /* current levels of the lines */

	uint16_t replies[REPLY_MAX];
	unsigned rhead, rcount;
	uint8_t keys[KEYS_MAX];
	unsigned khead, kcount;
	unsigned long dropped; /* replies lost to a full queue */

	/* stdin as the keyboard (--keyboard) */
	bool has_input;
	bool input_eof;
	struct keymap km;
	pthread_cond_t esc_cond;
	struct timespec esc_deadline; /* tv_sec 0: no lone ESC waiting */
};

static bool kbd_enabled(const struct i8042 *k)
{
	return !(k->ram[0] & CB_KBD_OFF);
}

/* The byte 0x60 would return next: a reply, else a keystroke. -1 if none. */
static int next_byte(const struct i8042 *k, bool *aux)
{
	*aux = false;
	if (k->rcount) {
		uint16_t r = k->replies[k->rhead];
		*aux = r & AUX_BIT;
		return r & 0xff;
	}
	if (k->kcount && kbd_enabled(k))
		return k->keys[k->khead];
	return -1;
}

static void set_line(struct i8042 *k, bool *cur, unsigned irq, bool level)
{
	if (*cur == level)
		return;
	*cur = level;
	vm_irq_line(k->vm, irq, level);
}

/* Drives IRQ1 and IRQ12 from the output buffer and the command byte. */
static void update_irq(struct i8042 *k)
{
	bool aux;
	int b = next_byte(k, &aux);

	set_line(k, &k->irq1, IRQ_KEYBOARD, b >= 0 && !aux && (k->ram[0] & CB_KBD_IRQ));
	set_line(k, &k->irq12, 12, b >= 0 && aux && (k->ram[0] & CB_AUX_IRQ));
}

static void reply(struct i8042 *k, uint16_t v)
{
	if (k->rcount == REPLY_MAX) {
		k->dropped++;
		return;
	}
	k->replies[(k->rhead + k->rcount++) % REPLY_MAX] = v;
}

/* A byte from the keyboard (not a keystroke): remembered for 0xFE. */
static void kbd_reply(struct i8042 *k, uint8_t v)
{
	k->last_sent = v;
	reply(k, v);
}

/* ---- keystrokes from stdin ---------------------------------------------- */

static void queue_keys(struct i8042 *k, const uint8_t *codes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (k->kcount == KEYS_MAX)
			return; /* cannot happen: pump() checks for room first */
		k->keys[(k->khead + k->kcount++) % KEYS_MAX] = codes[i];
	}
}

/* Moves input bytes into the keystroke queue while there is room. */
static void pump(struct i8042 *k)
{
	uint8_t codes[KEYMAP_MAX_CODES];

	if (!k->has_input || k->input_eof || !k->scanning)
		return;
	while (KEYS_MAX - k->kcount >= KEYMAP_MAX_CODES) {
		int c = input_trygetchar();
		if (c == INPUT_EMPTY)
			break;
		if (c == INPUT_EOF) {
			queue_keys(k, codes, keymap_flush(&k->km, codes));
			k->input_eof = true;
			break;
		}
		queue_keys(k, codes, keymap_feed(&k->km, (uint8_t)c, codes));
	}
	/* A lone ESC: Esc unless more comes within ESC_WAIT_NS (esc_timer()). */
	if (k->input_eof || !keymap_lone_esc(&k->km)) {
		k->esc_deadline.tv_sec = 0;
	} else if (k->esc_deadline.tv_sec == 0) {
		clock_gettime(CLOCK_MONOTONIC, &k->esc_deadline);
		k->esc_deadline.tv_nsec += ESC_WAIT_NS;
		if (k->esc_deadline.tv_nsec >= 1000000000L) {
			k->esc_deadline.tv_sec++;
			k->esc_deadline.tv_nsec -= 1000000000L;
		}
		pthread_cond_signal(&k->esc_cond);
	}
}

/* Input thread: new bytes or the end of input. */
static void on_input(void *arg)
{
	struct i8042 *k = arg;

	pthread_mutex_lock(&k->lock);
	if (!k->vm->stopping) {
		pump(k);
		update_irq(k);
	}
	pthread_mutex_unlock(&k->lock);
}

/* Turns a lone ESC into Esc once it has waited ESC_WAIT_NS. */
static void *esc_timer(void *arg)
{
	struct i8042 *k = arg;

	pthread_mutex_lock(&k->lock);
	while (!k->vm->stopping) {
		struct timespec now;
		int err = 0;

		if (k->esc_deadline.tv_sec == 0)
			pthread_cond_wait(&k->esc_cond, &k->lock);
		else
			err = pthread_cond_timedwait(&k->esc_cond, &k->lock, &k->esc_deadline);
		if (err != ETIMEDOUT || k->esc_deadline.tv_sec == 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec < k->esc_deadline.tv_sec ||
		    (now.tv_sec == k->esc_deadline.tv_sec && now.tv_nsec < k->esc_deadline.tv_nsec))
			continue;
		k->esc_deadline.tv_sec = 0;
		/* Bytes already waiting belong to the sequence: the listener is coming. */
		if (keymap_lone_esc(&k->km) && !input_pending() &&
		    KEYS_MAX - k->kcount >= KEYMAP_MAX_CODES) {
			uint8_t codes[KEYMAP_MAX_CODES];
			queue_keys(k, codes, keymap_flush(&k->km, codes));
			update_irq(k);
		}
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

/* ---- the keyboard --------------------------------------------------------- */

/* 0x41, 0x43, 0x3f: set 2, 1, 3 as the guest reads them through translation. */
static uint8_t set_number(const struct i8042 *k)
{
	static const uint8_t xlated[4] = {0, 0x43, 0x41, 0x3f};

	return (k->ram[0] & CB_XLATE) ? xlated[k->scanset] : k->scanset;
}

/* A byte the guest sends to the keyboard (write to 0x60). */
static void kbd_write(struct i8042 *k, uint8_t v)
{
	uint8_t cmd = k->pending_kbd;

	k->pending_kbd = 0;
	switch (cmd) {
	case 0xed: /* LEDs: any bits accepted */
	case 0xf3: /* typematic rate and delay */ kbd_reply(k, 0xfa); return;
	case 0xf0: /* scancode set: 0 asks, 1..3 sets */
		if (v > 3) {
			kbd_reply(k, 0xfe);
			return;
		}
		kbd_reply(k, 0xfa);
		if (v == 0)
			kbd_reply(k, set_number(k));
		else
			k->scanset = v;
		return;
	default: break;
	}
	switch (v) {
	case 0xed:
	case 0xf0:
	case 0xf3:
		k->pending_kbd = v;
		kbd_reply(k, 0xfa);
		break;
	case 0xee: kbd_reply(k, 0xee); break; /* echo */
	case 0xf2:			      /* identify: MF2 keyboard */
		kbd_reply(k, 0xfa);
		kbd_reply(k, 0xab);
		kbd_reply(k, (k->ram[0] & CB_XLATE) ? 0x41 : 0x83);
		break;
	case 0xf4: /* enable scanning */
		k->scanning = true;
		kbd_reply(k, 0xfa);
		break;
	case 0xf5: /* disable scanning (keystrokes wait in the input) */
		k->scanning = false;
		kbd_reply(k, 0xfa);
		break;
	case 0xf6: /* defaults */
	case 0xf7:
	case 0xf8:
	case 0xf9:
	case 0xfa:
	case 0xfb:
	case 0xfc:
	case 0xfd: kbd_reply(k, 0xfa); break;
	case 0xfe: reply(k, k->last_sent); break; /* resend */
	case 0xff:				  /* reset: ACK, then self-test passed */
		k->scanning = true;
		k->scanset = 2;
		kbd_reply(k, 0xfa);
		kbd_reply(k, 0xaa);
		break;
	default: kbd_reply(k, 0xfe); break; /* unknown: resend */
	}
}

/* ---- the controller ------------------------------------------------------- */

static enum io_result reset_machine(struct i8042 *k, const char *how)
{
	vm_end(k->vm, 0, "guest reset the machine (i8042 %s)", how);
	return IO_STOP;
}

/* A data byte for the pending 0x64 command. */
static enum io_result ctl_data(struct i8042 *k, uint8_t cmd, uint8_t v)
{
	if (cmd >= 0x60 && cmd <= 0x7f) {
		k->ram[cmd & 0x1f] = v;
		return IO_DONE;
	}
	switch (cmd) {
	case 0xd1: /* write output port: bit 0 low holds the CPU in reset */
		k->outport = v;
		if (!(v & 1))
			return reset_machine(k, "output port bit 0 cleared");
		break;
	case 0xd2: reply(k, v); break;		 /* as if from the keyboard */
	case 0xd3: reply(k, v | AUX_BIT); break; /* as if from the aux device */
	case 0xd4: break;			 /* to the aux device: none there */
	default: break;
	}
	return IO_DONE;
}

static enum io_result ctl_command(struct i8042 *k, uint8_t cmd)
{
	if (cmd >= 0x20 && cmd <= 0x3f) { /* read controller RAM */
		reply(k, k->ram[cmd & 0x1f]);
		return IO_DONE;
	}
	if ((cmd >= 0x60 && cmd <= 0x7f) || (cmd >= 0xd1 && cmd <= 0xd4)) {
		k->pending_ctl = cmd;
		return IO_DONE;
	}
	if (cmd >= 0xf0 && !(cmd & 1)) /* pulse output lines: bit 0 is reset */
		return reset_machine(k, "command 0xFE");
	switch (cmd) {
	case 0xa4: reply(k, 0xf1); break; /* no password installed */
	case 0xa7: k->ram[0] |= CB_AUX_OFF; break;
	case 0xa8: k->ram[0] &= (uint8_t)~CB_AUX_OFF; break;
	case 0xa9: reply(k, 0x00); break; /* aux interface test: ok */
	case 0xaa:			  /* self test */
		k->ram[0] |= CB_SYSFLAG;
		reply(k, 0x55);
		break;
	case 0xab: reply(k, 0x00); break; /* keyboard interface test: ok */
	case 0xad: k->ram[0] |= CB_KBD_OFF; break;
	case 0xae: k->ram[0] &= (uint8_t)~CB_KBD_OFF; break;
	case 0xc0: reply(k, 0xa0); break; /* input port: not locked, colour */
	case 0xd0: {			  /* read output port */
		bool aux;
		int b = next_byte(k, &aux);
		reply(k, (uint8_t)((k->outport & 0x03) | (b >= 0 && !aux ? 0x10 : 0) |
				   (b >= 0 && aux ? 0x20 : 0)));
		break;
	}
	case 0xe0: reply(k, 0x00); break; /* test inputs */
	default: break;			  /* unknown: ignored */
	}
	return IO_DONE;
}

static uint8_t read_data(struct i8042 *k)
{
	if (k->rcount) {
		k->last = (uint8_t)k->replies[k->rhead];
		k->rhead = (k->rhead + 1) % REPLY_MAX;
		k->rcount--;
	} else if (k->kcount && kbd_enabled(k)) {
		k->last = k->keys[k->khead];
		k->khead = (k->khead + 1) % KEYS_MAX;
		k->kcount--;
	}
	return k->last; /* empty: the stale byte, as on hardware */
}

static uint8_t read_status(struct i8042 *k)
{
	bool aux;
	int b = next_byte(k, &aux);
	uint8_t st = ST_UNLOCKED | k->status_cmd | (k->ram[0] & CB_SYSFLAG);

	if (b >= 0)
		st |= ST_OBF | (aux ? ST_AUXDATA : 0);
	return st;
}

static enum io_result i8042_io(void *opaque, struct io_access *a)
{
	struct i8042 *k = opaque;
	enum io_result r = IO_DONE;
	bool data = a->addr == I8042_DATA;

	/* Byte registers: wider accesses see the byte in the low lane. */
	pthread_mutex_lock(&k->lock);
	if (!a->is_write) {
		memset(a->data, 0, a->size);
		if (data) {
			/* Lower the line first: the next byte is a new edge. */
			set_line(k, &k->irq1, IRQ_KEYBOARD, false);
			set_line(k, &k->irq12, 12, false);
			a->data[0] = read_data(k);
		} else {
			a->data[0] = read_status(k);
		}
	} else if (data) {
		uint8_t cmd = k->pending_ctl;
		k->status_cmd = 0;
		k->pending_ctl = 0;
		if (cmd)
			r = ctl_data(k, cmd, a->data[0]);
		else
			kbd_write(k, a->data[0]);
	} else {
		k->status_cmd = ST_CMD;
		k->pending_ctl = 0;
		r = ctl_command(k, a->data[0]);
	}
	if (r == IO_DONE) {
		pump(k);
		update_irq(k);
	}
	pthread_mutex_unlock(&k->lock);
	return r;
}

static void i8042_free(void *arg)
{
	struct i8042 *k = arg;

	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->esc_cond);
	free(k);
}

int i8042_register(struct vm *vm)
{
	struct i8042 *k = calloc(1, sizeof(*k));
	pthread_condattr_t ca;
	int err;

	if (!k)
		return -ENOMEM;
	pthread_mutex_init(&k->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->esc_cond, &ca);
	pthread_condattr_destroy(&ca);
	k->vm = vm;
	k->ram[0] = CB_RESET;
	k->outport = 0x03; /* reset line high (running), A20 on */
	k->scanset = 2;
	k->scanning = true;
	keymap_init(&k->km);

	err = bus_register(&vm->pio, I8042_DATA, 1, "i8042 data", i8042_io, k);
	if (!err)
		err = bus_register(&vm->pio, I8042_STATUS, 1, "i8042 status", i8042_io, k);
	if (err)
		return err;
	if (vm->stdin_to_keyboard && vm->reads_stdin) {
		pthread_t t;
		sigset_t all, old;

		/* The timer thread takes no signals, like the input thread. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		err = pthread_create(&t, NULL, esc_timer, k);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (err)
			return -err;
		pthread_detach(t);
		k->has_input = true;
		/* Input waits in the host pipe while the keyboard's buffer is full. */
		input_set_capacity(KEYS_INPUT_AHEAD);
		input_set_listener(on_input, k);
		return 0; /* its timer and input threads keep it: freed at exit */
	}
	return vm_on_destroy(vm, i8042_free, k);
}
