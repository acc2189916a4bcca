/* SPDX-License-Identifier: MIT */
/* gcd A B: the greatest common divisor, by Euclid's algorithm. */
#include "user.h"

int main(const char *arg)
{
	int a, b;

	if (!(arg = parse_int(arg, &a)) || !parse_int(arg, &b) || a < 0 || b < 0) {
		printf("usage: gcd A B (two numbers >= 0)\n");
		return 1;
	}
	int x = a, y = b;
	while (y != 0) {
		int t = x % y;
		x = y;
		y = t;
	}
	printf("gcd(%d, %d) = %d\n", a, b, x);
	return 0;
}
