/* SPDX-License-Identifier: MIT */
/* Factorials 0! to 12! (13! does not fit in 32 bits). */
#include "user.h"

int main(const char *arg)
{
	uint32_t f = 1;

	(void)arg;
	for (uint32_t n = 0; n <= 12; n++) {
		if (n > 0)
			f *= n;
		printf("%u! = %u\n", n, f);
	}
	return 0;
}
