/* SPDX-License-Identifier: MIT */
/*
 * Timer jitter as the guest sees it: programs the PIT for 100 Hz (mode 2,
 * as guests/pc/timer.c), halts between IRQ0 ticks and records the TSC
 * delta between consecutive ticks.  `--append N` asks for N deltas (N + 1
 * ticks; default 200; 0 waits for one tick and prints nothing: the
 * start-up run).  Then prints one line (decimal, TSC cycles):
 *
 *     ticks N tsc min A median B max C tsc_khz F
 *
 * where F = median x 100 / 1000 is the TSC frequency estimated from the
 * median tick period (nominal 10 ms).  bench/run turns it into the jitter
 * (max - min) / median.
 */
#include "rt.h"

#define PIT_HZ	   1193182
#define RATE	   100
#define MAX_DELTAS 2000

static uint64_t deltas[MAX_DELTAS];
static volatile uint32_t ticks;
static uint32_t want_deltas;
static uint64_t last;

static void tick(void)
{
	uint64_t now = rdtsc();

	if (ticks && ticks <= want_deltas)
		deltas[ticks - 1] = now - last;
	last = now;
	ticks++;
}

static uint32_t arg_number(uint32_t magic, const uint32_t *info, uint32_t dflt)
{
	if (magic != 0x2badb002 || !(info[0] & 4)) /* no command line */
		return dflt;
	return cmdline_number((const char *)info[4], dflt);
}

/* *v /= 10, returns the remainder: 16 bits at a time (no libgcc here). */
static uint32_t div10(uint64_t *v)
{
	uint64_t q = 0;
	uint32_t r = 0;

	for (int s = 48; s >= 0; s -= 16) {
		uint32_t x = r << 16 | (uint32_t)(*v >> s & 0xffff);
		q = q << 16 | x / 10;
		r = x % 10;
	}
	*v = q;
	return r;
}

/* Decimal of a 64-bit value (printf has 32-bit %u only). */
static void put_u64(uint64_t v)
{
	char b[24];
	int i = 0;

	do
		b[i++] = (char)('0' + div10(&v));
	while (v);
	while (i)
		hc_putchar(b[--i]);
}

int kmain(uint32_t magic, const uint32_t *info)
{
	uint16_t div = (PIT_HZ + RATE / 2) / RATE;
	uint64_t med;
	uint32_t n;

	want_deltas = arg_number(magic, info, 200);
	if (want_deltas > MAX_DELTAS)
		want_deltas = MAX_DELTAS;
	irq_install();
	irq_handle(0, tick);
	outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(0x40, div & 0xff);
	outb(0x40, div >> 8);
	cli();
	while (ticks < want_deltas + 1) { /* checked with interrupts off: no lost wake-up */
		sti_hlt();
		cli();
	}
	n = want_deltas;
	if (!n)
		return 0;
	/* insertion sort: at most a few thousand values */
	for (uint32_t i = 1; i < n; i++) {
		uint64_t v = deltas[i];
		uint32_t j = i;
		for (; j && deltas[j - 1] > v; j--)
			deltas[j] = deltas[j - 1];
		deltas[j] = v;
	}
	med = n % 2 ? deltas[n / 2] : (deltas[n / 2 - 1] + deltas[n / 2]) / 2;
	printf("ticks %u tsc min ", n);
	put_u64(deltas[0]);
	printf(" median ");
	put_u64(med);
	printf(" max ");
	put_u64(deltas[n - 1]);
	printf(" tsc_khz "); /* median x RATE / 1000 = median / 10 */
	div10(&med);
	put_u64(med);
	printf("\n");
	return 0;
}
