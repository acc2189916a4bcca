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
	while (readline(line, sizeof(line)) >= 0 && strcmp(line, "quit"))
		printf("%s\n", line);
	printf("Bye.\n");
	return 0;
}
