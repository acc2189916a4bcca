/* SPDX-License-Identifier: MIT */
/*
 * Terminal and stdin input.  One reader thread moves bytes from stdin into
 * a ring; HC_GETCHAR (and later the UART and keyboard) take them from there,
 * sleeping on a condition variable while the ring is empty.  On a terminal,
 * stdin is put in raw mode for the run and Ctrl-A x quits (Ctrl-A Ctrl-A
 * sends a literal Ctrl-A), even while no guest reads input.
 */
#ifndef MKVM_INPUT_H
#define MKVM_INPUT_H

#include <stdbool.h>

#define INPUT_EOF     (-1)
#define INPUT_STOPPED (-2)
#define INPUT_EMPTY   (-3)

/* Called by the reader thread when the user types Ctrl-A x. */
typedef void (*input_quit_fn)(void);

/* Enters raw mode if stdin is a terminal, and starts the reader thread now
 * (a terminal, or @eager: devices that interrupt on input) or at the first
 * read. */
int input_start(input_quit_fn on_quit, bool eager);

/*
 * Next input byte (0..255), INPUT_EOF at end of input, or INPUT_STOPPED
 * as soon as *stopping becomes non-zero (see input_wake_all()).
 */
int input_getchar(const volatile int *stopping);

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
