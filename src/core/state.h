/* SPDX-License-Identifier: MIT */
/*
 * Device state as bytes, for save and load (snapshots, tests): a
 * versioned, endian-fixed format.  A device's record is
 *
 *   tag     4 bytes, e.g. "UART" (which device wrote it)
 *   version u16     (the device's own layout version)
 *   length  u32     (bytes of payload that follow)
 *   payload         little-endian fields, in the order the device wrote them
 *
 * Writers never fail midway: a full buffer sets .overflow and the rest is
 * counted, so st_len() says how much room a save needs.  Readers check
 * every field: a short, long or foreign record sets .bad, reads return 0,
 * and the device refuses the load as a whole.  Header only.
 */
#ifndef MKVM_STATE_H
#define MKVM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define STATE_HDR 10 /* tag, version, length */

struct state_w {
	uint8_t *buf;
	size_t cap, len; /* len counts past cap on overflow */
	size_t start;	 /* offset of the current record's header */
	bool overflow;
};

struct state_r {
	const uint8_t *buf;
	size_t len, pos, end; /* end: the current record's last byte + 1 */
	bool bad;
};

static inline void st_put(struct state_w *w, const void *p, size_t n)
{
	if (w->len + n <= w->cap && !w->overflow)
		memcpy(w->buf + w->len, p, n);
	else
		w->overflow = true;
	w->len += n;
}

static inline void st_u8(struct state_w *w, uint8_t v)
{
	st_put(w, &v, 1);
}

static inline void st_u16(struct state_w *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	st_put(w, b, 2);
}

static inline void st_u32(struct state_w *w, uint32_t v)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	st_put(w, b, 4);
}

static inline void st_u64(struct state_w *w, uint64_t v)
{
	st_u32(w, (uint32_t)v);
	st_u32(w, (uint32_t)(v >> 32));
}

/* Opens a record: @tag is exactly 4 characters. */
static inline void st_begin(struct state_w *w, const char tag[4], uint16_t version)
{
	w->start = w->len;
	st_put(w, tag, 4);
	st_u16(w, version);
	st_u32(w, 0); /* patched by st_end */
}

/* Closes the record: its length goes into the header.  0, or -1 if the
 * buffer was too small (st_len() bytes are needed). */
static inline int st_end(struct state_w *w)
{
	uint32_t n = (uint32_t)(w->len - w->start - STATE_HDR);

	if (w->overflow)
		return -1;
	for (int i = 0; i < 4; i++)
		w->buf[w->start + 6 + i] = (uint8_t)(n >> (8 * i));
	return 0;
}

static inline void st_get(struct state_r *r, void *p, size_t n)
{
	if (r->bad || n > r->end - r->pos) {
		r->bad = true;
		memset(p, 0, n);
		return;
	}
	memcpy(p, r->buf + r->pos, n);
	r->pos += n;
}

static inline uint8_t st_get8(struct state_r *r)
{
	uint8_t v;

	st_get(r, &v, 1);
	return v;
}

static inline uint16_t st_get16(struct state_r *r)
{
	uint8_t b[2];

	st_get(r, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t st_get32(struct state_r *r)
{
	uint8_t b[4];

	st_get(r, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t st_get64(struct state_r *r)
{
	uint64_t lo = st_get32(r);

	return lo | (uint64_t)st_get32(r) << 32;
}

/* Opens the record at the reader's position: it must carry @tag and
 * @version, and its length must fit.  False (and .bad) otherwise. */
static inline bool st_open(struct state_r *r, const char tag[4], uint16_t version)
{
	uint8_t t[4];
	uint32_t n;

	r->end = r->len;
	st_get(r, t, 4);
	if (memcmp(t, tag, 4) != 0 || st_get16(r) != version)
		r->bad = true;
	n = st_get32(r);
	if (r->bad || n > r->len - r->pos) {
		r->bad = true;
		return false;
	}
	r->end = r->pos + n;
	return true;
}

/* Closes the record: every payload byte must have been read.  0 or -1. */
static inline int st_close(struct state_r *r)
{
	if (r->bad || r->pos != r->end)
		return -1;
	r->end = r->len;
	return 0;
}

#endif
