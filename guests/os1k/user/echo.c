/* SPDX-License-Identifier: MIT */
/* echo TEXT prints TEXT; echo alone repeats each line until "quit". */
#include "user.h"

int main(const char *arg)
{
	char line[100];

	if (*arg) {
		printf("%s\n", arg);
		return 0;
	}
	printf("Echo: type lines, quit to stop.\n");
	for (;;) {
		int n = readline(line, sizeof(line));
		if (n >= 0 && !strcmp(line, "quit"))
			break;
		if (n >= 0)
			printf("%s\n", line);
	}
	printf("Bye.\n");
	return 0;
}
