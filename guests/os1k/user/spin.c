/* SPDX-License-Identifier: MIT */
/*
 * spin X: prints X 30 times, busy between them (two timer ticks each,
 * without ever yielding): two of them at once interleave only because the
 * timer interrupt preempts them.
 */
#include "user.h"

int main(const char *arg)
{
	char ch = *arg ? *arg : '*';

	for (int i = 0; i < 30; i++) {
		int until = ticks() + 2;
		while (ticks() < until)
			;
		putchar(ch);
	}
	putchar('\n');
	return 0;
}
