/* SPDX-License-Identifier: MIT */
/*
 * Console throughput through the 16550A UART at COM1: a multiboot kernel
 * (the UART is a PC-profile device, so this is a 32-bit kernel, not a flat
 * real-mode guest) that sets the UART up like a simple driver, then writes
 * N bytes (64-byte lines of 63 letters and a newline, as con_putc.S) to
 * THR, polling LSR.THRE before each byte: two exits per byte.  N comes from
 * the command line (`--append N`, 0 allowed: the start-up run); default
 * 1 MiB.  Ends with hc_exit(0).
 */
#include "rt.h"

#define COM1 0x3f8
#define THR  (COM1 + 0)
#define DLL  (COM1 + 0)
#define IER  (COM1 + 1)
#define DLM  (COM1 + 1)
#define FCR  (COM1 + 2)
#define LCR  (COM1 + 3)
#define MCR  (COM1 + 4)
#define LSR  (COM1 + 5)

#define LSR_THRE 0x20

static const char text[64] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.\n";

/* The number after the kernel path on the command line; dflt without one. */
static uint32_t arg_number(uint32_t magic, const uint32_t *info, uint32_t dflt)
{
	if (magic != 0x2badb002 || !(info[0] & 4)) /* no command line */
		return dflt;
	return cmdline_number((const char *)info[4], dflt);
}

static inline void uart_putc(char c)
{
	while (!(inb(LSR) & LSR_THRE))
		;
	outb(THR, (uint8_t)c);
}

int kmain(uint32_t magic, const uint32_t *info)
{
	uint32_t n = arg_number(magic, info, 1u << 20);

	outb(IER, 0);	 /* polling: no interrupts */
	outb(LCR, 0x80); /* DLAB */
	outb(DLL, 1);	 /* 115200 baud */
	outb(DLM, 0);
	outb(LCR, 0x03); /* 8N1 */
	outb(FCR, 0xc7); /* FIFOs on and cleared */
	outb(MCR, 0x03); /* DTR, RTS */
	for (uint32_t i = 0; i < n; i++)
		uart_putc(text[i & 63]);
	hc_exit(0);
}
