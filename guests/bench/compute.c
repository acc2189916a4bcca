/* SPDX-License-Identifier: MIT */
/*
 * Guest compute: fib(FIB_N) timed with the guest's own TSC, printed as
 * "<n> <result> <tsc cycles>\n" (decimal), then the end.  16-bit real
 * mode C (gcc -m16 -mgeneral-regs-only); same function as bench/fib_native.c.
 */
#include "mkvm/abi.h"
#include "fib.h"

#ifdef QEMU
#define OUT_PORT 0xe9
#define END_PORT 0xf4
#else
#define OUT_PORT HC_PORT(HC_PUTCHAR)
#define END_PORT HC_PORT(HC_EXIT)
#endif

__asm__(".section .text.entry, \"ax\"\n"
	".globl _start\n"
	"_start: calll bench_main\n"
	"1: hlt\n"
	"jmp 1b\n"
	".previous\n");

static volatile unsigned fib_n = FIB_N; /* not a constant: no folding */

static void out(unsigned short port, unsigned char c)
{
	__asm__ volatile("outb %0, %1" ::"a"(c), "Nd"(port));
}

static void put_dec(unsigned long long v)
{
	char b[24];
	int i = 0;
	do {
		b[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i)
		out(OUT_PORT, (unsigned char)b[--i]);
}

void bench_main(void)
{
	unsigned n = fib_n, r;
	unsigned long long t0, t1;

	t0 = bench_tsc();
	r = fib(n);
	t1 = bench_tsc();
	put_dec(n);
	out(OUT_PORT, ' ');
	put_dec(r);
	out(OUT_PORT, ' ');
	put_dec(t1 - t0);
	out(OUT_PORT, '\n');
	out(END_PORT, 0);
}
