/* SPDX-License-Identifier: MIT */
/*
 * Guest console output.  Each guest has a line buffer; a line goes to stdout
 * in one write(2) when it ends, when the buffer fills, before the guest
 * blocks for input, when the guest ends, and when a partial line (a prompt,
 * an echoed key) has waited for CONSOLE_IDLE_FLUSH_MS: the supervisor
 * then asks the vCPU to flush (src/core/supervisor.c, VCPU_REQ_FLUSH_CONSOLE).
 * With several guests every line
 * carries the guest's prefix (coloured on a terminal) and lines never tear:
 * all writers share one lock.
 */
#ifndef MKVM_CONSOLE_H
#define MKVM_CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <pthread.h>
#include <stddef.h>

#include "lifecycle.h"

#define CONSOLE_LINE_MAX      4096
#define CONSOLE_IDLE_FLUSH_MS 20  /* poll period while a partial line waits (x5 when idle) */
#define CONSOLE_ECHO_MS	      100 /* partial lines go out at once this long after a key */
#define CONSOLE_PREFIX_MAX    64
#define CONSOLE_NAME_MAX      40 /* longer guest names are cut in prefixes */

struct console {
	char prefix[CONSOLE_PREFIX_MAX]; /* "" for a single guest */
	size_t prefix_len;
	bool prefixed;		      /* several guests: prefix each line */
	const struct lifecycle *life; /* forced stop: give up blocked writes */
	bool shared;		      /* several vCPUs write: take .lock */
	int pending;		      /* atomic: a partial line waits in buf (console_idle_due) */
	const long long *typed_at;    /* atomic: the last key (console_echo_keys) */
	pthread_mutex_t lock;
	size_t len;
	char buf[CONSOLE_LINE_MAX];
};

/* Global settings, set once before guests start: @color for prefixes;
 * @blocked (may be NULL) runs when a write to stdout was interrupted (a
 * slow stdout: whoever handles signals and timeouts must run). */
void console_setup(bool color, void (*blocked)(void));

/* Sets the prefix of guest @index named @name (prefixed: several guests);
 * @life (may be NULL): a forced stop makes blocked writes give up. */
void console_init(struct console *c, int index, const char *name, bool prefixed,
		  const struct lifecycle *life);

/* Writes the buffered bytes (with the prefix) in one writev(2). */
void console_flush_slow(struct console *c);

/* Appends bytes; flushes at each newline and when the buffer is full. */
void console_write(struct console *c, const char *s, size_t n);

void console_putc_shared(struct console *c, char ch);

/*
 * Interactive echo: *@typed_at (atomic, ms of clock_coarse_ms()) is when
 * the last key came from a terminal, NULL for none.  Partial lines written
 * within CONSOLE_ECHO_MS of a key go out at once instead of waiting for
 * the supervisor's idle poll.  Single guest only: prefixed lines never tear.
 */
void console_echo_keys(struct console *c, const long long *typed_at);

/* True if output now is the echo of a key (see console_echo_keys). */
bool console_echo_due(const struct console *c);

static inline void console_putc(struct console *c, char ch)
{
	if (c->shared) {
		console_putc_shared(c, ch);
		return;
	}
	c->buf[c->len++] = ch;
	if (ch == '\n' || c->len == sizeof(c->buf) || (c->typed_at && console_echo_due(c)))
		console_flush_slow(c);
	else
		__atomic_store_n(&c->pending, 1, __ATOMIC_RELAXED);
}

/*
 * Called by the supervisor once per poll period (any thread): true when a
 * partial line has waited a whole period with no byte added, so that a line
 * still being written (a slow guest, or one under strace) is never torn into
 * several writes.  pending is 1 after a byte (the vCPU stores it), 2 once a
 * poll has seen it, 0 when flushed.
 */
bool console_idle_due(struct console *c);

/* Writes what is buffered (before the guest blocks for input). */
void console_flush(struct console *c);

/* Several vCPUs share the console from now on (SMP guests). */
void console_set_shared(struct console *c);

/* Ends a partial line (several guests) and flushes. */
void console_finish(struct console *c);

/* A VMM message about this guest on stderr, e.g. "mini-kvm: hello: ...". */
void console_msg(struct console *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
