/* SPDX-License-Identifier: MIT */
/* The multiplication table, 2x1 to 9x9. */
#include "user.h"

int main(const char *arg)
{
	(void)arg;
	printf("Multiplication table:\n");
	for (int i = 2; i <= 9; i++)
		for (int j = 1; j <= 9; j++)
			printf("%dx%d=%d%c", i, j, i * j, j < 9 ? ' ' : '\n');
	return 0;
}
