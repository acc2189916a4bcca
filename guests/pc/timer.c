/* SPDX-License-Identifier: MIT */
/*
 * timer: programs the PIT for 100 Hz and counts IRQ0 ticks, halting between
 * them.  `timer.elf N` (N on the command line) ends after N ticks.  With
 * N >= 110 it also reports how long ticks 10 to 110 took by the ACPI PM
 * timer (port 0x608, 3.579545 MHz, the host's monotonic clock): a wall
 * clock read by the guest at the ticks themselves, so start-up costs and
 * output delays on a busy host do not enter.  It also prints the largest
 * and smallest TSC delta between ticks (the jitter as the guest sees it).
 */
#include "rt.h"

#define PIT_HZ 1193182
#define RATE   100
#define PM_TMR 0x608 /* 24 bits at 3.579545 MHz */
#define FROM   10    /* PM-timed span: ticks FROM..TO */
#define TO     110

static volatile uint32_t ticks;
static uint64_t last, dmin = ~0ull, dmax;
static uint32_t pm_last, pm_span; /* PM timer counts from tick FROM to TO */

static void tick(void)
{
	uint64_t now = rdtsc();
	uint32_t pm = inl(PM_TMR) & 0xffffff;

	/* Summed per tick (10 ms apart), so the 4.7 s wrap never hides. */
	if (ticks >= FROM && ticks < TO) /* ticks: this is tick number ticks + 1 */
		pm_span += (pm - pm_last) & 0xffffff;
	pm_last = pm;

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
	if (want >= TO)
		printf("timer: ticks %u to %u took %u ms by the PM timer\n", FROM, TO,
		       pm_span / 3580);
	printf("timer: tsc delta min %u max %u (x1024)\n", (uint32_t)(dmin >> 10),
	       (uint32_t)(dmax >> 10));
	return 0;
}
