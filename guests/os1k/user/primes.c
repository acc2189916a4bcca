/* SPDX-License-Identifier: MIT */
/* The primes up to 100, by trial division. */
#include "user.h"

int main(const char *arg)
{
	(void)arg;
	printf("Primes up to 100:");
	for (int n = 2; n <= 100; n++) {
		bool prime = true;
		for (int d = 2; d * d <= n && prime; d++)
			prime = n % d != 0;
		if (prime)
			printf(" %d", n);
	}
	printf("\n");
	return 0;
}
