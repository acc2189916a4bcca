/* SPDX-License-Identifier: MIT */
/*
 * Inside the i8042 (src/devices/i8042.c, the controller, and i8042_kbd.c,
 * the PS/2 keyboard behind it and stdin as that keyboard): the state both
 * halves share and the small helpers on it.  Not for other devices.
 */
#ifndef MKVM_I8042_H
#define MKVM_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/vm.h"
#include "keymap.h"
#include "mkvm/abi.h"

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

static inline bool kbd_enabled(const struct i8042 *k)
{
	return !(k->ram[0] & CB_KBD_OFF);
}

/* The byte 0x60 would return next: a reply, else a keystroke. -1 if none. */
static inline int next_byte(const struct i8042 *k, bool *aux)
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

static inline void set_line(struct i8042 *k, bool *cur, unsigned irq, bool level)
{
	if (*cur == level)
		return;
	*cur = level;
	vm_dev_irq(k->vm, irq, level);
}

/* Drives IRQ1 and IRQ12 from the output buffer and the command byte. */
static inline void update_irq(struct i8042 *k)
{
	bool aux;
	int b = next_byte(k, &aux);

	set_line(k, &k->irq1, IRQ_KEYBOARD, b >= 0 && !aux && (k->ram[0] & CB_KBD_IRQ));
	set_line(k, &k->irq12, 12, b >= 0 && aux && (k->ram[0] & CB_AUX_IRQ));
}

static inline void reply(struct i8042 *k, uint16_t v)
{
	if (k->rcount == REPLY_MAX) {
		k->dropped++;
		return;
	}
	k->replies[(k->rhead + k->rcount++) % REPLY_MAX] = v;
}

/* A byte from the keyboard (not a keystroke): remembered for 0xFE. */
static inline void kbd_reply(struct i8042 *k, uint8_t v)
{
	k->last_sent = v;
	reply(k, v);
}

/* i8042_kbd.c: a byte the guest sends to the keyboard (write to 0x60). */
void i8042_kbd_write(struct i8042 *k, uint8_t v);

/* i8042_kbd.c: moves input bytes into the keystroke queue while there is
 * room (--keyboard); with the lock held. */
void i8042_pump(struct i8042 *k);

/* i8042_kbd.c: makes stdin the keyboard (input listener, Esc timer
 * thread).  0 or -errno. */
int i8042_attach_stdin(struct i8042 *k);

#endif
