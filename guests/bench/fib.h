/* SPDX-License-Identifier: MIT */
/* The CPU-bound function of the guest-compute benchmark, compiled both into
 * a guest (gcc -m16, guests/bench/compute.c) and natively (bench/fib_native.c). */
#ifndef BENCH_FIB_H
#define BENCH_FIB_H

__attribute__((noinline)) static unsigned fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static inline unsigned long long bench_tsc(void)
{
	unsigned lo, hi;
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
	return (unsigned long long)hi << 32 | lo;
}

#endif
