/* SPDX-License-Identifier: MIT */
/* A cheap millisecond clock (vDSO, never a system call) for hot paths. */
#ifndef MKVM_CLOCK_H
#define MKVM_CLOCK_H

#include <time.h>

static inline long long clock_coarse_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

#endif
