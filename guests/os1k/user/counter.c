/* SPDX-License-Identifier: MIT */
/* Counts from 0 to 9. */
#include "user.h"

int main(const char *arg)
{
	(void)arg;
	printf("Counting from 0 to 9:\n");
	for (int i = 0; i <= 9; i++)
		printf("%d\n", i);
	return 0;
}
