/* SPDX-License-Identifier: MIT */
/* A calculator: "a op b" per line (op: + - * / %); q or quit leaves. */
#include "user.h"

int main(const char *arg)
{
	char line[100];

	(void)arg;
	printf("Calculator: a op b (op: + - * / %%), q to quit.\n");
	for (;;) {
		const char *p;
		int a, b, result;
		char op;

		printf("calc> ");
		if (readline(line, sizeof(line)) < 0)
			continue;
		if (!strcmp(line, "q") || !strcmp(line, "quit"))
			break;
		if (!(p = parse_int(line, &a))) {
			printf("error: expected a op b\n");
			continue;
		}
		while (*p == ' ')
			p++;
		op = *p ? *p++ : '\0';
		if (!(p = parse_int(p, &b)) || *p) {
			printf("error: expected a op b\n");
			continue;
		}
		if ((op == '/' || op == '%') && b == 0) {
			printf("error: division by zero\n");
			continue;
		}
		switch (op) {
		case '+': result = (int)((uint32_t)a + (uint32_t)b); break;
		case '-': result = (int)((uint32_t)a - (uint32_t)b); break;
		case '*': result = (int)((uint32_t)a * (uint32_t)b); break;
		case '/': result = b == -1 ? (int)-(uint32_t)a : a / b; break;
		case '%': result = b == -1 ? 0 : a % b; break;
		default: printf("error: unknown operator '%c'\n", op); continue;
		}
		printf("%d %c %d = %d\n", a, op, b, result);
	}
	printf("Bye.\n");
	return 0;
}
