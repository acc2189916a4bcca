/* SPDX-License-Identifier: MIT */
/*
 * The GDB remote protocol's framing: "$payload#cs" with a two-digit hex
 * checksum (the sum of the payload's bytes mod 256), '}' escaping (the next
 * byte XOR 0x20), acknowledgements '+'/'-' and the interrupt byte 0x03.
 * Pure functions on buffers: no sockets, no KVM (unit-tested and fuzzed).
 */
#ifndef MKVM_GDB_PACKET_H
#define MKVM_GDB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest payload we accept or send (announced as PacketSize). */
#define GDB_PACKET_MAX 4096
/* A framed packet: '$', every byte escaped, '#', two digits. */
#define GDB_FRAME_MAX  (2 * GDB_PACKET_MAX + 4)

enum gdb_rx_event {
	GDB_RX_NONE,	  /* byte taken, nothing complete yet */
	GDB_RX_PACKET,	  /* rx->buf holds rx->len payload bytes (NUL after them) */
	GDB_RX_BAD,	  /* a packet with a wrong checksum, or overlong: answer '-' */
	GDB_RX_INTERRUPT, /* 0x03 outside a packet: Ctrl-C */
	GDB_RX_ACK,	  /* '+' */
	GDB_RX_NAK,	  /* '-': resend the last packet */
};

struct gdb_rx {
	enum {
		RX_IDLE,
		RX_DATA,
		RX_ESC,
		RX_CS1,
		RX_CS2
	} state;
	uint8_t sum;   /* running checksum of the raw bytes */
	uint8_t cs;    /* the received checksum's first digit */
	bool overlong; /* more than GDB_PACKET_MAX bytes: dropped */
	size_t len;
	char buf[GDB_PACKET_MAX + 1];
};

void gdb_rx_init(struct gdb_rx *rx);

/* Takes one byte from the connection; any byte sequence is valid input. */
enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t b);

/* Frames @len bytes of @payload into @out (escaping '#', '$', '}' and '*');
 * returns the frame's length, or 0 if it does not fit in @cap. */
size_t gdb_frame(const char *payload, size_t len, char *out, size_t cap);

/* Hex helpers.  gdb_hexval: 0..15, or -1. */
int gdb_hexval(int c);
/* Writes 2 * @n lowercase digits of @in (no NUL). */
void gdb_tohex(char *out, const uint8_t *in, size_t n);
/* Reads exactly 2 * @n digits from @in; 0, or -1 if any is not hex. */
int gdb_fromhex(uint8_t *out, const char *in, size_t n);
/* Parses a hex number at *@p (at least one digit, at most 16), moving *@p
 * past it; 0, or -1. */
int gdb_parse_hex(const char **p, const char *end, uint64_t *out);

#endif
