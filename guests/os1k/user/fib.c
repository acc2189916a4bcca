/* SPDX-License-Identifier: MIT */
/* The first 15 Fibonacci numbers. */
#include "user.h"

int main(const char *arg)
{
	int a = 0, b = 1;

	(void)arg;
	for (int i = 0; i < 15; i++) {
		printf("F(%d) = %d\n", i, a);
		int t = a + b;
		a = b;
		b = t;
	}
	return 0;
}
