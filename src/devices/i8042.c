/* SPDX-License-Identifier: MIT */
/*
 * The i8042 keyboard controller at 0x60 (data) and 0x64 (status/command),
 * with a PS/2 keyboard behind it on IRQ1 (docs/machine.md, "i8042 keyboard").
 *
 * The keyboard's commands and stdin as the keyboard (--keyboard: terminal
 * bytes become scancode set 1, keymap.c) are in i8042_kbd.c.  Two
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
#include "i8042.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"

/* ---- the controller ------------------------------------------------------- */

static enum io_result reset_machine(struct i8042 *k, const char *how)
{
	char why[96];

	snprintf(why, sizeof(why), "guest reset the machine (i8042 %s)", how);
	vm_dev_end(k->vm, 0, why);
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
			i8042_kbd_write(k, a->data[0]);
	} else {
		k->status_cmd = ST_CMD;
		k->pending_ctl = 0;
		r = ctl_command(k, a->data[0]);
	}
	if (r == IO_DONE) {
		i8042_pump(k);
		update_irq(k);
	}
	pthread_mutex_unlock(&k->lock);
	return r;
}

static void i8042_free(void *arg)
{
	struct i8042 *k = arg;

	if (k->has_input)
		return; /* its timer and input threads keep it: freed at exit */
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->esc_cond);
	free(k);
}

/* Controller and keyboard as a BIOS leaves them; queues emptied. */
static void i8042_reset(void *arg)
{
	struct i8042 *k = arg;

	pthread_mutex_lock(&k->lock);
	memset(k->ram, 0, sizeof(k->ram));
	k->ram[0] = CB_RESET;
	k->status_cmd = k->pending_ctl = k->pending_kbd = k->last = k->last_sent = 0;
	k->outport = 0x03; /* reset line high (running), A20 on */
	k->scanset = 2;
	k->scanning = true;
	k->rhead = k->rcount = k->khead = k->kcount = 0;
	keymap_init(&k->km);
	update_irq(k);
	pthread_mutex_unlock(&k->lock);
}

/* Everything the guest can see; the keymap's half-read escape sequence
 * belongs to the host's input, not to the record. */
static int i8042_save(void *arg, struct state_w *w)
{
	struct i8042 *k = arg;

	pthread_mutex_lock(&k->lock);
	st_begin(w, "I842", 1);
	st_put(w, k->ram, sizeof(k->ram));
	st_u8(w, k->status_cmd);
	st_u8(w, k->pending_ctl);
	st_u8(w, k->pending_kbd);
	st_u8(w, k->last);
	st_u8(w, k->last_sent);
	st_u8(w, k->outport);
	st_u8(w, k->scanset);
	st_u8(w, k->scanning);
	st_u8(w, (uint8_t)k->rcount);
	for (unsigned i = 0; i < k->rcount; i++)
		st_u16(w, k->replies[(k->rhead + i) % REPLY_MAX]);
	st_u8(w, (uint8_t)k->kcount);
	for (unsigned i = 0; i < k->kcount; i++)
		st_u8(w, k->keys[(k->khead + i) % KEYS_MAX]);
	st_u64(w, k->dropped);
	pthread_mutex_unlock(&k->lock);
	return st_end(w);
}

static bool valid_pending(uint8_t ctl, uint8_t kbd)
{
	return (ctl == 0 || (ctl >= 0x60 && ctl <= 0x7f) || (ctl >= 0xd1 && ctl <= 0xd4)) &&
	       (kbd == 0 || kbd == 0xed || kbd == 0xf0 || kbd == 0xf3);
}

static int i8042_load(void *arg, struct state_r *r)
{
	struct i8042 *k = arg;
	uint8_t ram[32], v[8], keys[KEYS_MAX], nr, nk;
	uint16_t replies[REPLY_MAX];
	uint64_t dropped;

	st_open(r, "I842", 1);
	st_get(r, ram, sizeof(ram));
	st_get(r, v, sizeof(v));
	nr = st_get8(r);
	for (unsigned i = 0; i < nr && i < REPLY_MAX; i++)
		if ((replies[i] = st_get16(r)) > (AUX_BIT | 0xff))
			return -1;
	nk = st_get8(r);
	if (nr > REPLY_MAX || nk > KEYS_MAX)
		return -1;
	st_get(r, keys, nk);
	dropped = st_get64(r);
	if (st_close(r) < 0 || (v[0] != 0 && v[0] != ST_CMD) || !valid_pending(v[1], v[2]) ||
	    v[6] < 1 || v[6] > 3 || v[7] > 1)
		return -1;
	pthread_mutex_lock(&k->lock);
	memcpy(k->ram, ram, sizeof(ram));
	k->status_cmd = v[0];
	k->pending_ctl = v[1];
	k->pending_kbd = v[2];
	k->last = v[3];
	k->last_sent = v[4];
	k->outport = v[5];
	k->scanset = v[6];
	k->scanning = v[7];
	memcpy(k->replies, replies, nr * sizeof(replies[0]));
	k->rhead = 0;
	k->rcount = nr;
	memcpy(k->keys, keys, nk);
	k->khead = 0;
	k->kcount = nk;
	k->dropped = dropped;
	update_irq(k); /* the lines follow the loaded state */
	pthread_mutex_unlock(&k->lock);
	return 0;
}

static void *i8042_create(struct vm *vm, int *err)
{
	struct i8042 *k = calloc(1, sizeof(*k));
	pthread_condattr_t ca;

	if (!k) {
		*err = -ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&k->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&k->esc_cond, &ca);
	pthread_condattr_destroy(&ca);
	k->vm = vm;
	i8042_reset(k);

	*err = bus_register(&vm->pio, I8042_DATA, 1, "i8042 data", i8042_io, k);
	if (!*err)
		*err = bus_register(&vm->pio, I8042_STATUS, 1, "i8042 status", i8042_io, k);
	if (!*err && vm->stdin_to_keyboard && vm->reads_stdin)
		*err = i8042_attach_stdin(k);
	if (*err) {
		i8042_free(k); /* ranges stay on the bus of a VM that will not run */
		return NULL;
	}
	return k;
}

const struct device_type i8042_device = {
	.name = "i8042 keyboard",
	.profiles = DEV_PC_ONLY,
	.create = i8042_create,
	.save = i8042_save,
	.load = i8042_load,
	.reset = i8042_reset,
	.destroy = i8042_free,
};
