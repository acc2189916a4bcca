/* SPDX-License-Identifier: MIT */
/*
 * hostile: a kernel that pokes everything it should not.  Its command line
 * picks the attack:
 *   ports    read and write every I/O port 0..0xffff (but the ones that end
 *            the run: hypercalls, debug-exit, the i8042 command port)
 *   mmio     read and write unmapped physical addresses and the edge of RAM
 *   triple   an exception with no IDT: triple fault in protected mode
 * and prints "hostile: <attack> survived" if mini-kvm is still there.
 */
#include "rt.h"

static void all_ports(void)
{
	for (uint32_t port = 0; port <= 0xffff; port++) {
		if ((port >= HC_PORT_BASE && port < HC_PORT_BASE + HC_PORT_COUNT) ||
		    (port >= DEBUG_EXIT_PORT && port < DEBUG_EXIT_PORT + 4) || port == 0x64)
			continue;
		(void)inb((uint16_t)port);
		(void)inl((uint16_t)port);
		outb((uint16_t)port, 0);
		outl((uint16_t)port, 0);
	}
}

static void mmio(uint32_t ram)
{
	static const uint32_t addrs[] = {0xf0000000u, 0xfebff000u, 0xffffffc0u, 0xc0000000u};

	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		volatile uint32_t *p = (volatile uint32_t *)addrs[i];
		uint32_t v = *p;
		*p = v ^ 0x12345678u;
	}
	/* The last word of RAM is RAM; the next one is not. */
	*(volatile uint32_t *)(ram - 4) = 0xdeadbeef;
	if (*(volatile uint32_t *)(ram - 4) != 0xdeadbeef)
		printf("hostile: RAM edge broken\n");
	(void)*(volatile uint32_t *)ram;
	*(volatile uint32_t *)ram = 1;
}

int kmain(uint32_t magic, const uint32_t *info)
{
	const char *cmd = magic == 0x2badb002 ? (const char *)info[4] : "";
	uint32_t ram = (info[2] + 1024) * 1024; /* mem_upper (KiB above 1 MiB) */

	const char *what;
	uint64_t no_idt = 0;

	if (cmdline_is(cmd, "ports")) {
		what = "ports";
		all_ports();
	} else if (cmdline_is(cmd, "mmio")) {
		what = "mmio";
		mmio(ram);
	} else if (cmdline_is(cmd, "triple")) {
		what = "triple";
		/* A divide error with an IDT limit of 0: #GP, #DF, shutdown. */
		__asm__ volatile("lidt %0; xor %%ecx, %%ecx; div %%ecx"
				 :
				 : "m"(no_idt)
				 : "eax", "ecx", "edx");
	} else {
		return 2;
	}
	printf("hostile: %s survived\n", what);
	return 0;
}
