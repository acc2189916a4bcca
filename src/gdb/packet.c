/* SPDX-License-Identifier: MIT */
#include "packet.h"

#include <string.h>

void gdb_rx_init(struct gdb_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
}

int gdb_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void rx_put(struct gdb_rx *rx, uint8_t b)
{
	if (rx->len < GDB_PACKET_MAX)
		rx->buf[rx->len++] = (char)b;
	else
		rx->overlong = true;
}

enum gdb_rx_event gdb_rx_byte(struct gdb_rx *rx, uint8_t b)
{
	int v;

	switch (rx->state) {
	case RX_IDLE:
		if (b == '$') {
			rx->state = RX_DATA;
			rx->sum = 0;
			rx->len = 0;
			rx->overlong = false;
			return GDB_RX_NONE;
		}
		if (b == 0x03)
			return GDB_RX_INTERRUPT;
		if (b == '+')
			return GDB_RX_ACK;
		if (b == '-')
			return GDB_RX_NAK;
		return GDB_RX_NONE; /* noise between packets */
	case RX_DATA:
		if (b == '#') {
			rx->state = RX_CS1;
			return GDB_RX_NONE;
		}
		if (b == '$') { /* a new packet: the old one was cut short */
			rx->sum = 0;
			rx->len = 0;
			rx->overlong = false;
			return GDB_RX_NONE;
		}
		rx->sum = (uint8_t)(rx->sum + b);
		if (b == '}')
			rx->state = RX_ESC;
		else
			rx_put(rx, b);
		return GDB_RX_NONE;
	case RX_ESC:
		rx->sum = (uint8_t)(rx->sum + b);
		rx_put(rx, b ^ 0x20);
		rx->state = RX_DATA;
		return GDB_RX_NONE;
	case RX_CS1:
		v = gdb_hexval(b);
		if (v < 0) { /* not a checksum: the packet is lost */
			rx->state = RX_IDLE;
			return GDB_RX_BAD;
		}
		rx->cs = (uint8_t)v;
		rx->state = RX_CS2;
		return GDB_RX_NONE;
	case RX_CS2:
		v = gdb_hexval(b);
		rx->state = RX_IDLE;
		if (v < 0 || (uint8_t)(rx->cs << 4 | v) != rx->sum || rx->overlong)
			return GDB_RX_BAD;
		rx->buf[rx->len] = '\0';
		return GDB_RX_PACKET;
	}
	rx->state = RX_IDLE;
	return GDB_RX_NONE;
}

size_t gdb_frame(const char *payload, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t sum = 0;
	size_t n = 0;

	if (cap < 4)
		return 0;
	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)payload[i];
		bool esc = b == '#' || b == '$' || b == '}' || b == '*';

		if (cap - n < (esc ? 2u : 1u) + 3u)
			return 0;
		if (esc) {
			out[n++] = '}';
			sum = (uint8_t)(sum + '}');
			b ^= 0x20;
		}
		out[n++] = (char)b;
		sum = (uint8_t)(sum + b);
	}
	out[n++] = '#';
	out[n++] = digits[sum >> 4];
	out[n++] = digits[sum & 15];
	return n;
}

void gdb_tohex(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
}

int gdb_fromhex(uint8_t *out, const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hexval((unsigned char)in[2 * i]);
		int lo = hi < 0 ? -1 : gdb_hexval((unsigned char)in[2 * i + 1]);

		if (lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int gdb_parse_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0, d;

	while (s < end && (d = gdb_hexval((unsigned char)*s)) >= 0) {
		if (++n > 16)
			return -1;
		v = v << 4 | (uint64_t)d;
		s++;
	}
	if (n == 0)
		return -1;
	*p = s;
	*out = v;
	return 0;
}
