/* SPDX-License-Identifier: MIT */
/*
 * Terminal and stdin input.  One reader thread moves bytes from stdin into
 * a ring; HC_GETCHAR, the UART and the i8042 keyboard take them from there
 * (HC_GETCHAR sleeps on a condition variable while the ring is empty; the
 * devices are told by a listener).  On a terminal,
 * stdin is put in raw mode for the run and Ctrl-A x quits (Ctrl-A Ctrl-A
 * sends a literal Ctrl-A), even while no guest reads input.
 */
#ifndef MKVM_INPUT_H
#define MKVM_INPUT_H

#include <stdbool.h>

#include "lifecycle.h"

/* What the getchar functions return instead of a byte (0..255). */
enum input_none {
	INPUT_EOF = -1,	    /* end of input */
	INPUT_STOPPED = -2, /* the guest's end is decided */
	INPUT_EMPTY = -3,   /* nothing waiting (input_trygetchar) */
};

/* What the input side tells its owner; given at input_start(). */
struct input_hooks {
	void (*quit)(void);	    /* reader thread: the user typed Ctrl-A x */
	void (*before_block)(void); /* a guest is about to wait for input */
};

/* Enters raw mode if stdin is a terminal, and starts the reader thread now
 * (a terminal, or @eager: devices that interrupt on input) or at the first
 * read.  @hooks is kept. */
int input_start(const struct input_hooks *hooks, bool eager);

/*
 * Next input byte (0..255), INPUT_EOF at end of input, or INPUT_STOPPED
 * as soon as @life says the guest is over (see input_wake_all()).
 */
int input_getchar(const struct lifecycle *life);

/* Next input byte without waiting: 0..255, INPUT_EOF, or INPUT_EMPTY. */
int input_trygetchar(void);

/* True if a byte (or the end of input) is waiting to be taken. */
bool input_pending(void);

/*
 * Interrupt-driven devices (UART, keyboard): @fn(@arg) is called on the
 * reader thread each time new bytes or the end of input arrive.  One
 * listener at a time; NULL removes it.  @fn must not call back into the
 * input functions with locks held that the vCPU thread takes first.
 */
void input_set_listener(void (*fn)(void *arg), void *arg);

/*
 * When the last byte came from a terminal (ms, CLOCK_MONOTONIC_COARSE, read
 * atomically), or NULL when stdin is not a terminal: output soon after a
 * key is its echo, which the console writes at once.  Valid after
 * input_start().
 */
const long long *input_typed_at(void);

/*
 * The ring holds at most @bytes (1..4096; 4096 by default): an interrupt
 * driven device sets its FIFO size, so that input it cannot take yet stays
 * unread in the host pipe (flow control).  Call before input_start().
 */
void input_set_capacity(unsigned bytes);

/* Wakes every input_getchar() so it can see its stop flag. */
void input_wake_all(void);

/* Restores the terminal (idempotent, async-signal-safe). */
void input_restore_terminal(void);

#endif
