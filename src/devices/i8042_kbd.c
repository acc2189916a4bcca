/* SPDX-License-Identifier: MIT */
/*
 * The PS/2 keyboard behind the i8042 (its commands and replies), and stdin
 * as that keyboard with --keyboard: the input thread's listener turns
 * terminal bytes into scancode set 1 (keymap.c) and queues them; a timer
 * thread turns a lone ESC into Esc.  Called with the i8042's lock held,
 * except the listener and the timer, which take it.  Lock order: i8042,
 * then input (input_trygetchar()).
 */
#include <errno.h>
#include <signal.h>

#include "core/input.h"
#include "i8042.h"

/* ---- keystrokes from stdin ---------------------------------------------- */

static void queue_keys(struct i8042 *k, const uint8_t *codes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (k->kcount == KEYS_MAX)
			return; /* cannot happen: i8042_pump() checks for room first */
		k->keys[(k->khead + k->kcount++) % KEYS_MAX] = codes[i];
	}
}

/* Moves input bytes into the keystroke queue while there is room. */
void i8042_pump(struct i8042 *k)
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
	if (!vm_over(k->vm)) {
		i8042_pump(k);
		update_irq(k);
	}
	pthread_mutex_unlock(&k->lock);
}

/* Turns a lone ESC into Esc once it has waited ESC_WAIT_NS. */
static void *esc_timer(void *arg)
{
	struct i8042 *k = arg;

	pthread_mutex_lock(&k->lock);
	while (!vm_over(k->vm)) {
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
void i8042_kbd_write(struct i8042 *k, uint8_t v)
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

int i8042_attach_stdin(struct i8042 *k)
{
	pthread_t t;
	sigset_t all, old;
	int err;

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
	return 0;
}
