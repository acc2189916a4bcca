/* SPDX-License-Identifier: MIT */
#include "keymap.h"

#include <string.h>

enum {
	KM_GROUND, /* no sequence open */
	KM_ESC,	   /* ESC seen */
	KM_CSI,	   /* ESC [ seen, parameters follow */
	KM_CSI2,   /* ESC [ [ seen (Linux console F1..F5) */
	KM_SS3,	   /* ESC O seen */
};

#define SC_ESC	     0x01
#define SC_BACKSPACE 0x0e
#define SC_TAB	     0x0f
#define SC_ENTER     0x1c
#define SC_LCTRL     0x1d
#define SC_LSHIFT    0x2a
#define SC_LALT	     0x38
#define SC_SPACE     0x39
#define SC_BREAK     0x80
#define SC_EXT	     0xe0 /* prefix of the extended (grey) keys */

#define MOD_SHIFT 1
#define MOD_ALT	  2
#define MOD_CTRL  4

#define S 0x80 /* in ascii_keys[]: the character needs Shift */

/* Printable ASCII 0x20..0x7e on a US keyboard: scancode, | S for Shift. */
static const uint8_t ascii_keys[95] = {
	/* ' ' */ 0x39,	   /* !  */ 0x02 | S, /* "  */ 0x28 | S, /* #  */ 0x04 | S,
	/* $  */ 0x05 | S, /* %  */ 0x06 | S, /* &  */ 0x08 | S, /* '  */ 0x28,
	/* (  */ 0x0a | S, /* )  */ 0x0b | S, /* *  */ 0x09 | S, /* +  */ 0x0d | S,
	/* ,  */ 0x33,	   /* -  */ 0x0c,     /* .  */ 0x34,	 /* /  */ 0x35,
	/* 0  */ 0x0b,	   /* 1  */ 0x02,     /* 2  */ 0x03,	 /* 3  */ 0x04,
	/* 4  */ 0x05,	   /* 5  */ 0x06,     /* 6  */ 0x07,	 /* 7  */ 0x08,
	/* 8  */ 0x09,	   /* 9  */ 0x0a,     /* :  */ 0x27 | S, /* ;  */ 0x27,
	/* <  */ 0x33 | S, /* =  */ 0x0d,     /* >  */ 0x34 | S, /* ?  */ 0x35 | S,
	/* @  */ 0x03 | S, /* A  */ 0x1e | S, /* B  */ 0x30 | S, /* C  */ 0x2e | S,
	/* D  */ 0x20 | S, /* E  */ 0x12 | S, /* F  */ 0x21 | S, /* G  */ 0x22 | S,
	/* H  */ 0x23 | S, /* I  */ 0x17 | S, /* J  */ 0x24 | S, /* K  */ 0x25 | S,
	/* L  */ 0x26 | S, /* M  */ 0x32 | S, /* N  */ 0x31 | S, /* O  */ 0x18 | S,
	/* P  */ 0x19 | S, /* Q  */ 0x10 | S, /* R  */ 0x13 | S, /* S  */ 0x1f | S,
	/* T  */ 0x14 | S, /* U  */ 0x16 | S, /* V  */ 0x2f | S, /* W  */ 0x11 | S,
	/* X  */ 0x2d | S, /* Y  */ 0x15 | S, /* Z  */ 0x2c | S, /* [  */ 0x1a,
	/* \  */ 0x2b,	   /* ]  */ 0x1b,     /* ^  */ 0x07 | S, /* _  */ 0x0c | S,
	/* `  */ 0x29,	   /* a  */ 0x1e,     /* b  */ 0x30,	 /* c  */ 0x2e,
	/* d  */ 0x20,	   /* e  */ 0x12,     /* f  */ 0x21,	 /* g  */ 0x22,
	/* h  */ 0x23,	   /* i  */ 0x17,     /* j  */ 0x24,	 /* k  */ 0x25,
	/* l  */ 0x26,	   /* m  */ 0x32,     /* n  */ 0x31,	 /* o  */ 0x18,
	/* p  */ 0x19,	   /* q  */ 0x10,     /* r  */ 0x13,	 /* s  */ 0x1f,
	/* t  */ 0x14,	   /* u  */ 0x16,     /* v  */ 0x2f,	 /* w  */ 0x11,
	/* x  */ 0x2d,	   /* y  */ 0x15,     /* z  */ 0x2c,	 /* {  */ 0x1a | S,
	/* |  */ 0x2b | S, /* }  */ 0x1b | S, /* ~  */ 0x29 | S,
};

/* Function keys F1..F12 (set 1). */
static const uint8_t fkeys[12] = {0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40,
				  0x41, 0x42, 0x43, 0x44, 0x57, 0x58};

/* One key press and release with modifiers held around it: at most
 * 3 + 4 + 3 = 10 scancodes. */
static size_t press(uint8_t *out, uint8_t code, bool ext, unsigned mods)
{
	size_t n = 0;

	if (mods & MOD_CTRL)
		out[n++] = SC_LCTRL;
	if (mods & MOD_ALT)
		out[n++] = SC_LALT;
	if (mods & MOD_SHIFT)
		out[n++] = SC_LSHIFT;
	if (ext)
		out[n++] = SC_EXT;
	out[n++] = code;
	if (ext)
		out[n++] = SC_EXT;
	out[n++] = code | SC_BREAK;
	if (mods & MOD_SHIFT)
		out[n++] = SC_LSHIFT | SC_BREAK;
	if (mods & MOD_ALT)
		out[n++] = SC_LALT | SC_BREAK;
	if (mods & MOD_CTRL)
		out[n++] = SC_LCTRL | SC_BREAK;
	return n;
}

/* A byte outside any sequence (never ESC). */
static size_t plain_key(uint8_t c, uint8_t *out)
{
	static const uint8_t ctrl_punct[4] = {0x2b, 0x1b, 0x07, 0x0c}; /* 0x1c..0x1f */

	switch (c) {
	case '\r':
	case '\n': return press(out, SC_ENTER, false, 0);
	case '\t': return press(out, SC_TAB, false, 0);
	case 0x08:
	case 0x7f: return press(out, SC_BACKSPACE, false, 0);
	case 0x00: return press(out, SC_SPACE, false, MOD_CTRL);
	default: break;
	}
	if (c >= 0x01 && c <= 0x1a) /* Ctrl-A .. Ctrl-Z: the letter's key */
		return press(out, ascii_keys['a' + c - 1 - 0x20], false, MOD_CTRL);
	if (c >= 0x1c && c <= 0x1f)
		return press(out, ctrl_punct[c - 0x1c], false, MOD_CTRL);
	if (c >= 0x20 && c <= 0x7e) {
		uint8_t k = ascii_keys[c - 0x20];
		return press(out, k & ~S, false, (k & S) ? MOD_SHIFT : 0);
	}
	return 0; /* 0x80..0xff: not a key */
}

/* "1;5" -> p[0] = 1, p[1] = 5.  Returns the number of parameters (0..2),
 * or -1 for anything else (private markers, more than two, empty). */
static int parse_params(const struct keymap *k, unsigned p[2])
{
	int n = 0;
	bool digits = false;

	p[0] = p[1] = 0;
	for (unsigned i = 0; i < k->len; i++) {
		char c = k->seq[i];
		if (c >= '0' && c <= '9') {
			p[n] = p[n] * 10 + (unsigned)(c - '0');
			digits = true;
		} else if (c == ';' && n == 0) {
			n = 1;
			digits = false;
		} else {
			return -1;
		}
	}
	if (k->len == 0)
		return 0;
	return digits ? n + 1 : -1;
}

/* A complete CSI or SS3 sequence ending in @final. */
static size_t sequence(const struct keymap *k, uint8_t final, uint8_t *out)
{
	unsigned p[2], mods = 0;
	int np = parse_params(k, p);
	uint8_t code;
	bool ext = true;

	if (np < 0 || k->overflow)
		return 0;
	if (np == 2) { /* xterm modifier parameter: 1 + bits */
		if (p[1] < 1 || p[1] > 16)
			return 0;
		mods = (p[1] - 1) & (MOD_SHIFT | MOD_ALT | MOD_CTRL);
	}
	switch (final) {
	case 'A': code = 0x48; break; /* up */
	case 'B': code = 0x50; break; /* down */
	case 'C': code = 0x4d; break; /* right */
	case 'D': code = 0x4b; break; /* left */
	case 'H': code = 0x47; break; /* home */
	case 'F': code = 0x4f; break; /* end */
	case 'P':
	case 'Q':
	case 'R':
	case 'S':
		code = fkeys[final - 'P'];
		ext = false;
		break;
	case 'Z': /* back tab */
		if (k->state != KM_CSI)
			return 0;
		code = SC_TAB;
		ext = false;
		mods |= MOD_SHIFT;
		break;
	case '~':
		if (k->state != KM_CSI || np == 0)
			return 0;
		switch (p[0]) {
		case 1:
		case 7: code = 0x47; break; /* home */
		case 2: code = 0x52; break; /* insert */
		case 3: code = 0x53; break; /* delete */
		case 4:
		case 8: code = 0x4f; break; /* end */
		case 5: code = 0x49; break; /* page up */
		case 6: code = 0x51; break; /* page down */
		case 11:
		case 12:
		case 13:
		case 14:
		case 15:
			code = fkeys[p[0] - 11];
			ext = false;
			break;
		case 17:
		case 18:
		case 19:
		case 20:
		case 21:
			code = fkeys[p[0] - 12];
			ext = false;
			break;
		case 23:
		case 24:
			code = fkeys[p[0] - 13];
			ext = false;
			break;
		default: return 0;
		}
		break;
	default: return 0;
	}
	return press(out, code, ext, mods);
}

void keymap_init(struct keymap *k)
{
	memset(k, 0, sizeof(*k));
	k->state = KM_GROUND;
}

bool keymap_pending(const struct keymap *k)
{
	return k->state != KM_GROUND;
}

bool keymap_lone_esc(const struct keymap *k)
{
	return k->state == KM_ESC;
}

size_t keymap_feed(struct keymap *k, uint8_t c, uint8_t *out)
{
	size_t n;

	switch (k->state) {
	case KM_ESC:
		if (c == '[' || c == 'O') {
			k->state = c == '[' ? KM_CSI : KM_SS3;
			k->len = 0;
			k->overflow = false;
			return 0;
		}
		n = press(out, SC_ESC, false, 0);
		if (c == 0x1b) /* ESC ESC: Esc, and a new ESC waits */
			return n;
		k->state = KM_GROUND;
		return n + plain_key(c, out + n);
	case KM_CSI:
		if (c == '[' && k->len == 0) {
			k->state = KM_CSI2;
			return 0;
		}
		if (c >= 0x30 && c <= 0x3f) { /* parameter bytes */
			if (k->len < KEYMAP_SEQ_MAX)
				k->seq[k->len++] = (char)c;
			else
				k->overflow = true;
			return 0;
		}
		if (c >= 0x20 && c <= 0x2f) { /* intermediate bytes: not a key we know */
			k->overflow = true;
			return 0;
		}
		break;
	case KM_CSI2:
		k->state = KM_GROUND;
		if (c >= 'A' && c <= 'E') /* Linux console: ESC [ [ A = F1 */
			return press(out, fkeys[c - 'A'], false, 0);
		if (c >= 0x20 && c <= 0x7e) /* anything else printable: dropped */
			return 0;
		break; /* a control byte counts on its own */
	case KM_SS3:
		if (c >= '0' && c <= '9') { /* some terminals: ESC O 5 A */
			if (k->len < KEYMAP_SEQ_MAX - 2) {
				k->seq[k->len++] = '1';
				k->seq[k->len++] = ';';
				k->seq[k->len++] = (char)c;
			} else {
				k->overflow = true;
			}
			return 0;
		}
		break;
	default: /* KM_GROUND */
		if (c == 0x1b) {
			k->state = KM_ESC;
			return 0;
		}
		return plain_key(c, out);
	}
	/* KM_CSI or KM_SS3: a final byte ends the sequence; anything else
	 * (a control byte) drops it and counts on its own. */
	if (k->state != KM_GROUND && c >= 0x40 && c <= 0x7e) {
		n = sequence(k, c, out);
		k->state = KM_GROUND;
		return n;
	}
	k->state = KM_GROUND;
	if (c == 0x1b) {
		k->state = KM_ESC;
		return 0;
	}
	return plain_key(c, out);
}

size_t keymap_flush(struct keymap *k, uint8_t *out)
{
	bool esc = k->state == KM_ESC;

	k->state = KM_GROUND;
	return esc ? press(out, SC_ESC, false, 0) : 0;
}

size_t keymap_translate(const uint8_t *in, size_t n, uint8_t *out, size_t max)
{
	struct keymap k;
	uint8_t buf[KEYMAP_MAX_CODES];
	size_t total = 0;

	keymap_init(&k);
	for (size_t i = 0; i <= n; i++) {
		size_t m = i < n ? keymap_feed(&k, in[i], buf) : keymap_flush(&k, buf);
		for (size_t j = 0; j < m; j++, total++)
			if (total < max)
				out[total] = buf[j];
	}
	return total;
}
