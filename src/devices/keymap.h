/* SPDX-License-Identifier: MIT */
/*
 * Terminal bytes -> PC keyboard scancodes (set 1), make and break codes.
 * A stateful decoder: escape sequences may arrive split across reads.
 * Pure functions, no I/O: unit-tested (tests/unit/test_keymap.c).
 *
 *   printable ASCII   the key, wrapped in Left Shift make/break (2A .. AA)
 *                     when the US layout needs Shift ('A', '!', '~', ...)
 *   \r, \n            Enter (1C 9C); CR LF gives two Enters
 *   0x7f, 0x08        Backspace (0E 8E)
 *   \t                Tab (0F 8F)
 *   0x00..0x1f other  Ctrl + key (1D .. 9D): 0x01..0x1a Ctrl-A..Z, 0x00 Ctrl-Space,
 *                     0x1c Ctrl-\, 0x1d Ctrl-], 0x1e Ctrl-6, 0x1f Ctrl-minus
 *   ESC [ or ESC O    a sequence: arrows (A B C D), Home (H, 1~, 7~), End (F, 4~, 8~),
 *                     Insert (2~), Delete (3~), Page Up/Down (5~ 6~), F1..F12
 *                     (ESC O P..S, 11~..24~), with xterm modifiers (ESC [ 1;5A = Ctrl-Up:
 *                     2 Shift, 3 Alt, 5 Ctrl and their sums)
 *   ESC + other byte  Esc (01 81), then that byte as above (Alt-x is sent this way)
 *   ESC alone         Esc once keymap_flush() is called: the caller decides when a
 *                     lone ESC has waited long enough (the i8042 waits 50 ms, and
 *                     flushes at end of input)
 *   anything else     no key: bytes >= 0x80 (UTF-8), unknown or malformed sequences
 *                     (dropped whole)
 */
#ifndef MKVM_KEYMAP_H
#define MKVM_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most scancodes one keymap_feed() or keymap_flush() call can produce. */
#define KEYMAP_MAX_CODES 16

#define KEYMAP_SEQ_MAX 8 /* bytes kept of a sequence's parameters */

struct keymap {
	uint8_t state;		  /* KM_* in keymap.c */
	uint8_t len;		  /* parameter bytes kept in seq */
	char seq[KEYMAP_SEQ_MAX]; /* digits and ';' after ESC [ */
	bool overflow;		  /* too many parameter bytes: drop the sequence */
};

void keymap_init(struct keymap *k);

/* Feeds one byte; stores the scancodes it completes in @out (room for
 * KEYMAP_MAX_CODES) and returns how many (0 while a sequence is open). */
size_t keymap_feed(struct keymap *k, uint8_t byte, uint8_t *out);

/* Ends an open sequence: a lone ESC becomes Esc, an unfinished sequence is
 * dropped.  Returns the number of scancodes stored in @out. */
size_t keymap_flush(struct keymap *k, uint8_t *out);

/* True while bytes of an escape sequence wait for the rest. */
bool keymap_pending(const struct keymap *k);

/* True if only a lone ESC waits (the case a timeout turns into Esc). */
bool keymap_lone_esc(const struct keymap *k);

/* Whole buffer convenience (tests, tools): feeds @n bytes then flushes;
 * stores at most @max scancodes and returns the number produced (may be
 * more than @max: the rest are lost). */
size_t keymap_translate(const uint8_t *in, size_t n, uint8_t *out, size_t max);

#endif
