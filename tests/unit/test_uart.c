/* SPDX-License-Identifier: MIT */
/* Unit tests for src/devices/uart.c: the 16550A registers, loopback, the
 * interrupt line, and hostile accesses (no host input: loopback only). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "devices/uart.h"

struct fake {
	int level, edges;
	uint8_t tx[64];
	unsigned ntx;
};

static void fake_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	assert_int_not_equal(f->level, level); /* called only on changes */
	f->level = level;
	f->edges++;
}

static void fake_tx(void *opaque, uint8_t b)
{
	struct fake *f = opaque;

	if (f->ntx < sizeof(f->tx))
		f->tx[f->ntx++] = b;
}

static const struct uart_ops ops = {.irq = fake_irq, .tx = fake_tx};

static void wr(struct uart *u, unsigned reg, uint8_t v)
{
	struct io_access a = {
		.addr = 0x3f8 + reg, .offset = reg, .data = &v, .size = 1, .is_write = true};

	assert_int_equal(uart_io(u, &a), IO_DONE);
}

static uint8_t rd(struct uart *u, unsigned reg)
{
	uint8_t v = 0;
	struct io_access a = {.addr = 0x3f8 + reg, .offset = reg, .data = &v, .size = 1};

	assert_int_equal(uart_io(u, &a), IO_DONE);
	return v;
}

static void test_reset_and_tx(void **state)
{
	struct fake f = {0};
	struct uart *u = uart_create(&ops, &f, false);

	(void)state;
	assert_int_equal(rd(u, 5), 0x60); /* THRE | TEMT, no data */
	assert_int_equal(rd(u, 2), 0x01); /* no interrupt, no FIFOs */
	assert_int_equal(rd(u, 6), 0xb0); /* CTS, DSR, DCD */
	wr(u, 0, 'h');
	wr(u, 0, 'i');
	assert_int_equal(f.ntx, 2);
	assert_memory_equal(f.tx, "hi", 2);
	assert_int_equal(f.edges, 0);
	uart_destroy(u);
}

static void test_dlab_scratch_fifo(void **state)
{
	struct fake f = {0};
	struct uart *u = uart_create(&ops, &f, false);

	(void)state;
	wr(u, 3, 0x83);
	wr(u, 0, 0x01);
	wr(u, 1, 0x02);
	assert_int_equal(rd(u, 0), 0x01);
	assert_int_equal(rd(u, 1), 0x02);
	assert_int_equal(f.ntx, 0); /* DLL writes are not output */
	wr(u, 3, 0x03);
	assert_int_equal(rd(u, 1), 0); /* IER untouched by DLM */
	wr(u, 7, 0x5a);
	assert_int_equal(rd(u, 7), 0x5a);
	wr(u, 2, 0x01);
	assert_int_equal(rd(u, 2) >> 6, 3); /* Linux: 16550A */
	wr(u, 2, 0x21);			    /* 64-byte bit: still no 16750 (bit 5) */
	assert_int_equal(rd(u, 2), 0xc1);
	wr(u, 1, 0xff);
	assert_int_equal(rd(u, 1), 0x0f); /* IER bits 4-7 do not exist */
	uart_destroy(u);
}

static void test_loopback(void **state)
{
	struct fake f = {0};
	struct uart *u = uart_create(&ops, &f, false);

	(void)state;
	wr(u, 4, 0x1a); /* LOOP | OUT2 | RTS: Linux's check */
	assert_int_equal(rd(u, 6) & 0xf0, 0x90);
	wr(u, 0, 0xae);
	assert_int_equal(f.ntx, 0);
	assert_int_equal(rd(u, 5) & 1, 1);
	assert_int_equal(rd(u, 0), 0xae);
	assert_int_equal(rd(u, 5) & 1, 0);
	/* No FIFO: a second byte before reading is an overrun. */
	wr(u, 0, 1);
	wr(u, 0, 2);
	assert_int_equal(rd(u, 5) & 0x03, 0x03);
	assert_int_equal(rd(u, 5) & 0x02, 0); /* OE cleared by reading LSR */
	assert_int_equal(rd(u, 0), 2);
	/* FIFO: 16 bytes kept in order, the 17th overruns. */
	wr(u, 2, 0x07);
	for (int i = 0; i < 17; i++)
		wr(u, 0, (uint8_t)i);
	assert_int_equal(rd(u, 5) & 0x02, 0x02);
	for (int i = 0; i < 16; i++)
		assert_int_equal(rd(u, 0), i);
	assert_int_equal(rd(u, 5) & 1, 0);
	assert_int_equal(f.edges, 0); /* loopback disconnects the line */
	uart_destroy(u);
}

static void test_interrupts(void **state)
{
	struct fake f = {0};
	struct uart *u = uart_create(&ops, &f, false);

	(void)state;
	wr(u, 2, 0x07);
	wr(u, 1, 0x02); /* THRI with THR empty: pending, but OUT2 is off */
	assert_int_equal(f.level, 0);
	wr(u, 4, 0x08);
	assert_int_equal(f.level, 1);
	assert_int_equal(rd(u, 2), 0xc2);
	assert_int_equal(f.level, 0); /* reading IIR acknowledged THRE */
	assert_int_equal(rd(u, 2), 0xc1);
	wr(u, 0, 'x'); /* sent at once: THRE again */
	assert_int_equal(f.level, 1);
	wr(u, 1, 0);
	assert_int_equal(f.level, 0);
	/* Priorities: line status > RX data > THRE > modem status. */
	wr(u, 4, 0x18); /* loopback (line off), fill RX, overrun */
	wr(u, 2, 0x00);
	wr(u, 0, 1);
	wr(u, 0, 2);
	wr(u, 1, 0x0f);
	assert_int_equal(rd(u, 2), 0x06);
	(void)rd(u, 5);
	assert_int_equal(rd(u, 2), 0x04);
	(void)rd(u, 0);
	assert_int_equal(rd(u, 2), 0x02);
	assert_int_equal(rd(u, 2), 0x00); /* MSR deltas from entering loopback */
	(void)rd(u, 6);
	assert_int_equal(rd(u, 2), 0x01);
	assert_int_equal(f.level, 0);
	uart_destroy(u);
}

static void test_garbage(void **state)
{
	struct fake f = {0};
	struct uart *u = uart_create(&ops, &f, false);
	uint32_t x = 1;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint8_t data[8];
		struct io_access a;
		x = x * 1103515245u + 12345u;
		memset(data, (int)(x >> 24), sizeof(data));
		a = (struct io_access){.data = data,
				       .offset = (x >> 8) & 7,
				       .size = 1u << ((x >> 12) & 3),
				       .is_write = (x >> 16) & 1};
		a.addr = 0x3f8 + a.offset;
		assert_int_equal(uart_io(u, &a), IO_DONE);
		if (!a.is_write && a.offset + a.size > 8)
			assert_int_equal(data[a.size - 1], 0xff);
		f.ntx = 0;
	}
	uart_destroy(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_and_tx), cmocka_unit_test(test_dlab_scratch_fifo),
		cmocka_unit_test(test_loopback),     cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
