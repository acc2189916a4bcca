/* SPDX-License-Identifier: MIT */
/*
 * fuzz_uart: the 16550A model (src/devices/uart.c) through its own API
 * (uart_create / uart_io, as tests/unit/test_uart.c uses it), with fake
 * callbacks: register access sequences at offsets 0..7 with widths 1..8
 * (bytes past register 7 read as 0xff), in/out, and the "guest ended"
 * callback flipping.  Checks: every access IO_DONE; the interrupt callback
 * only on a level change and never once dead; LSR always shows THRE and
 * TEMT; IIR one of the 16550A values; a transmitted byte is one written to
 * THR in the same access; no transmit in loopback.  No host input (the
 * input ring is process-global; the unit tests cover it).
 */
#include "fuzz.h"

#include "devices/uart.h"

struct fake {
	int level;
	bool dead;
	unsigned irqs, ntx;
	uint8_t written[8];
	unsigned nwritten;
};

static void fake_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	FUZZ_CHECK(level == 0 || level == 1, "irq level %d", level);
	FUZZ_CHECK(level != f->level, "irq callback without a level change (%d)", level);
	FUZZ_CHECK(!f->dead, "irq callback after the guest ended");
	f->level = level;
	f->irqs++;
}

static void fake_tx(void *opaque, uint8_t b)
{
	struct fake *f = opaque;
	bool found = false;

	for (unsigned i = 0; i < f->nwritten; i++)
		found |= f->written[i] == b;
	FUZZ_CHECK(found, "transmitted 0x%02x, never written in this access", b);
	f->ntx++;
}

static bool fake_dead(void *opaque)
{
	return ((struct fake *)opaque)->dead;
}

static const struct uart_ops ops = {.irq = fake_irq, .tx = fake_tx, .dead = fake_dead};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp fd = {data, size};
	struct fake f = {0};
	struct uart *u = uart_create(&ops, &f, false);
	uint8_t lcr = 0, mcr = 0; /* shadow of the written LCR and MCR */

	FUZZ_CHECK(u, "uart_create");
	while (fd.n) {
		uint8_t op = fdp_u8(&fd);
		unsigned off = op & 7;
		unsigned asize = 1 + (op >> 3 & 7);
		bool write = op & 0x40;
		uint8_t buf[8];
		struct io_access a = {.addr = 0x3f8 + off,
				      .offset = off,
				      .data = buf,
				      .size = asize,
				      .is_write = write};
		unsigned ntx = f.ntx;

		if (op & 0x80)
			f.dead = !f.dead;
		for (unsigned i = 0; i < 8; i++)
			buf[i] = fdp_u8(&fd);
		memcpy(f.written, buf, sizeof(buf));
		f.nwritten = asize;
		FUZZ_CHECK(uart_io(u, &a) == IO_DONE, "uart_io");
		if (write) {
			bool may_tx = false;
			for (unsigned i = 0; i < asize && off + i < 8; i++) {
				unsigned reg = off + i;
				if (reg == 0 && !(lcr & 0x80) && !(mcr & 0x10))
					may_tx = true;
				if (reg == 3)
					lcr = buf[i];
				if (reg == 4)
					mcr = buf[i] & 0x1f;
			}
			FUZZ_CHECK(may_tx || f.ntx == ntx,
				   "transmit without a THR write (lcr 0x%x mcr 0x%x)", lcr, mcr);
		} else {
			for (unsigned i = 0; i < asize; i++) {
				unsigned reg = off + i;
				if (reg >= 8)
					FUZZ_CHECK(buf[i] == 0xff, "byte past the registers: 0x%x",
						   buf[i]);
				else if (reg == 5)
					FUZZ_CHECK((buf[i] & 0x60) == 0x60,
						   "LSR 0x%02x without THRE/TEMT", buf[i]);
				else if (reg == 2)
					FUZZ_CHECK((buf[i] & 0x30) == 0 && ((buf[i] & 0xf) == 1 ||
									    (buf[i] & 0xf) == 0 ||
									    (buf[i] & 0xf) == 2 ||
									    (buf[i] & 0xf) == 4 ||
									    (buf[i] & 0xf) == 6),
						   "IIR 0x%02x", buf[i]);
			}
		}
	}
	free(u); /* no uart_destroy: the VMM keeps its UART for the whole run */
	return 0;
}
