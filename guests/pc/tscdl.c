/* SPDX-License-Identifier: MIT */
/*
 * tscdl: the LAPIC timer in TSC-deadline mode, as Linux uses it when
 * CPUID leaf 1 ECX bit 24 says it exists.  Checks the bit, enables the
 * LAPIC (SVR), sets LVT timer mode 2 (TSC deadline) with a vector, writes
 * IA32_TSC_DEADLINE (MSR 0x6e0) a little ahead and halts until the
 * interrupt; three times.  Prints "tscdl: 3 deadline interrupts" and exits 0,
 * or says what is missing and exits 1.
 */
#include "rt.h"

#define LAPIC		 0xfee00000u
#define LAPIC_EOI	 0x0b0
#define LAPIC_SVR	 0x0f0
#define LAPIC_LVT_TIMER	 0x320
#define MSR_TSC_DEADLINE 0x6e0
#define VECTOR		 0x2f /* the rt's IRQ 15 stub (no device there) */

static volatile uint32_t fired;

static void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + reg) = v;
}

static uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(LAPIC + reg);
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void on_timer(void)
{
	fired++;
	lapic_write(LAPIC_EOI, 0);
}

int kmain(uint32_t magic, const uint32_t *info)
{
	uint32_t a = 1, b, c = 0, d;

	(void)magic;
	(void)info;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (!(c & (1u << 24))) {
		printf("tscdl: CPUID.1:ECX bit 24 (TSC-deadline) is clear\n");
		return 1;
	}
	irq_install();
	irq_handle(15, on_timer);
	lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | 0x100 | 0xff); /* enable, spurious 0xff */
	lapic_write(LAPIC_LVT_TIMER, (2u << 17) | VECTOR);	      /* TSC-deadline mode */
	for (uint32_t i = 1; i <= 3; i++) {
		cli();
		wrmsr(MSR_TSC_DEADLINE, rdtsc() + 1000000); /* well under a second anywhere */
		while (fired < i)
			sti_hlt(), cli();
	}
	printf("tscdl: %u deadline interrupts\n", fired);
	return 0;
}
