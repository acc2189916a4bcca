/* SPDX-License-Identifier: MIT */
/*
 * A tiny runtime for 32-bit C test kernels: hypercalls, port I/O, printf,
 * and interrupts (IDT, legacy PIC remapped to vectors 0x20..0x2f).
 */
#ifndef RT_H
#define RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "mkvm/abi.h"

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
static inline void sti(void)
{
	__asm__ volatile("sti");
}
static inline void cli(void)
{
	__asm__ volatile("cli");
}
/* Enables interrupts and halts until the next one, atomically. */
static inline void sti_hlt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

void hc_putchar(char c);
void hc_write(const void *buf, uint32_t len);
void hc_exit(int status) __attribute__((noreturn));
int hc_getchar(void);

void printf(const char *fmt, ...);

/* The multiboot command line is "KERNEL-PATH ARGS" (as QEMU passes it):
 * cmdline_is() says whether the first word of ARGS is @word,
 * cmdline_number() reads ARGS as a decimal number (@dflt if none). */
int cmdline_is(const char *cmdline, const char *word);
uint32_t cmdline_number(const char *cmdline, uint32_t dflt);
void *memset(void *d, int c, size_t n);
size_t strlen(const char *s);

/* Interrupts: irq_install() sets up the IDT and the PIC (all IRQs masked);
 * irq_handle(n, fn) installs a handler for IRQ n and unmasks it.  The
 * handler runs with interrupts off; EOI is sent after it returns. */
typedef void (*irq_fn)(void);
void irq_install(void);
void irq_handle(int irq, irq_fn fn);

#endif
