/* SPDX-License-Identifier: MIT */
/*
 * smp: starts the other CPUs the way real hardware does (INIT, SIPI, SIPI
 * through the local APIC) into a real-mode trampoline, which switches them
 * to protected mode.  Every CPU adds to a shared counter under a spinlock
 * and prints its APIC id; the BSP checks the exact total.  The number of
 * CPUs comes from fw_cfg, as a guest on QEMU would read it.
 */
#include "rt.h"

#define TRAMPOLINE 0x10000 /* SIPI vector 0x10 starts CPUs at 0x1000:0000 */
#define ADDS	   10000
#define MAX_CPUS   16
#define LAPIC	   0xfee00000u

extern char ap_tramp_start[], ap_tramp_end[];
void ap_main(uint32_t index);

volatile uint32_t ap_next; /* hands out indexes (and stacks) to APs */
uint8_t ap_stacks[MAX_CPUS][4096] __attribute__((aligned(16)));
static volatile uint32_t counter, lock, done;

/* Real-mode entry of the APs: load the VMM's flat GDT, enter protected
 * mode, take a stack, call ap_main(index). */
__asm__(".code16\n"
	".globl ap_tramp_start, ap_tramp_end\n"
	"ap_tramp_start:\n"
	"	cli\n"
	"	mov %cs, %ax\n"
	"	mov %ax, %ds\n"
	"	lgdtl gdtr - ap_tramp_start\n"
	"	mov %cr0, %eax\n"
	"	or $1, %eax\n"
	"	mov %eax, %cr0\n"
	"	ljmpl $8, $ap_entry32\n"
	"gdtr:	.word 0x37\n"
	"	.long 0x1000\n" /* PC_GDT_ADDR: the VMM's GDT stays in memory */
	"ap_tramp_end:\n"
	".code32\n"
	"ap_entry32:\n"
	"	mov $0x10, %ax\n"
	"	mov %ax, %ds\n"
	"	mov %ax, %es\n"
	"	mov %ax, %ss\n"
	"	mov $1, %eax\n"
	"	lock xadd %eax, ap_next\n"
	"	mov %eax, %esp\n"
	"	inc %esp\n"
	"	shl $12, %esp\n"
	"	add $ap_stacks, %esp\n"
	"	push %eax\n"
	"	call ap_main\n");

static void spin_lock(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
}

static void spin_unlock(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static uint32_t lapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(LAPIC + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(LAPIC + reg) = v;
}

static void add_and_report(uint32_t cpu)
{
	for (int i = 0; i < ADDS; i++) {
		spin_lock();
		counter++;
		spin_unlock();
	}
	spin_lock();
	printf("smp: cpu %u has APIC id %u\n", cpu, lapic_read(0x20) >> 24);
	spin_unlock();
}

void ap_main(uint32_t index)
{
	add_and_report(index + 1);
	__atomic_add_fetch(&done, 1, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static uint32_t fw_cfg_cpus(void)
{
	uint16_t key = 0x05; /* FW_CFG_NB_CPUS */

	__asm__ volatile("outw %0, %1" : : "a"(key), "Nd"((uint16_t)FW_CFG_PORT));
	return inb(FW_CFG_PORT + 1) | (uint32_t)inb(FW_CFG_PORT + 1) << 8;
}

int kmain(void)
{
	uint32_t ncpus = fw_cfg_cpus();
	char *dst = (char *)TRAMPOLINE;

	if (ncpus < 1 || ncpus > MAX_CPUS) {
		printf("smp: fw_cfg says %u CPUs\n", ncpus);
		return 1;
	}
	for (char *p = ap_tramp_start; p < ap_tramp_end; p++)
		*dst++ = *p;
	lapic_write(0xf0, lapic_read(0xf0) | 0x100); /* software-enable the LAPIC */
	lapic_write(0x310, 0);
	lapic_write(0x300, 0x000c4500);			     /* INIT to all but self */
	lapic_write(0x300, 0x000c4600 | (TRAMPOLINE >> 12)); /* SIPI */
	lapic_write(0x300, 0x000c4600 | (TRAMPOLINE >> 12)); /* and again, as the MP spec says */
	add_and_report(0);
	for (uint32_t spins = 0; done < ncpus - 1; spins++) {
		if (spins > 200000000u) {
			printf("smp: only %u of %u APs finished\n", done, ncpus - 1);
			return 1;
		}
		__asm__ volatile("pause");
	}
	printf("smp: %u cpus, counter %u (expected %u)\n", ncpus, counter, ncpus * ADDS);
	return counter == ncpus * ADDS ? 0 : 1;
}
