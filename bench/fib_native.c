/* SPDX-License-Identifier: MIT */
/* Guest compute, natively: the same fib() (guests/bench/fib.h) on the host,
 * timed with the TSC; prints "<n> <result> <tsc cycles>" like the guest. */
#include <stdio.h>
#include <stdlib.h>

#include "fib.h"

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 32, r;
	unsigned long long t0 = bench_tsc();

	r = fib(n);
	printf("%u %u %llu\n", n, r, bench_tsc() - t0);
	return 0;
}
