/* SPDX-License-Identifier: MIT */
/*
 * timer: programs the PIT for 100 Hz and counts IRQ0 ticks, halting between
 * them.  `timer.elf N` (N on the command line) ends after N ticks; the test
 * times two runs on the host and checks the rate.  It also prints the
 * largest and smallest TSC delta between ticks (the jitter as the guest
 * sees it).
 */
#include "rt.h"

#define PIT_HZ 1193182
#define RATE   100

static volatile uint32_t ticks;
static uint64_t last, dmin = ~0ull, dmax;

static void tick(void)
{
	uint64_t now = rdtsc();

	if (ticks++) {
		uint64_t d = now - last;
		if (d < dmin)
			dmin = d;
		if (d > dmax)
			dmax = d;
	}
	last = now;
}

int kmain(uint32_t magic, const uint32_t *info)
{
	uint32_t want = magic == 0x2badb002 ? cmdline_number((const char *)info[4], 10) : 10;
	uint16_t div = (PIT_HZ + RATE / 2) / RATE;

	irq_install();
	outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(0x40, div & 0xff);
	outb(0x40, div >> 8);
	irq_handle(0, tick);
	while (ticks < want)
		sti_hlt();
	cli();
	printf("timer: %u ticks at %u Hz\n", ticks, RATE);
	printf("timer: tsc delta min %u max %u (x1024)\n", (uint32_t)(dmin >> 10),
	       (uint32_t)(dmax >> 10));
	return 0;
}
