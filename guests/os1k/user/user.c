/* SPDX-License-Identifier: MIT */
/* The 1K OS's user library, linked into every program. */
#include "user.h"

/* The kernel starts a process here, with EAX pointing to its argument. */
__asm__(".section .text.start\n"
	".globl _start\n"
	"_start:\n\t"
	"push %eax\n\t"
	"call main\n\t"
	"push %eax\n\t"
	"call exit\n\t"
	".text");

int syscall(int nr, int arg0, int arg1, int arg2)
{
	int ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(arg0), "c"(arg1), "d"(arg2)
			 : "memory");
	return ret;
}

void putchar(char ch)
{
	syscall(SYS_PUTCHAR, ch, 0, 0);
}

int getchar(void)
{
	return syscall(SYS_GETCHAR, 0, 0, 0);
}

void exit(int status)
{
	syscall(SYS_EXIT, status, 0, 0);
	for (;;) /* not reached */
		;
}

int readfile(const char *name, char *buf, int len)
{
	return syscall(SYS_READFILE, (int)name, (int)buf, len);
}

int writefile(const char *name, const char *buf, int len)
{
	return syscall(SYS_WRITEFILE, (int)name, (int)buf, len);
}

int readdir(int index, struct dirent *d)
{
	return syscall(SYS_READDIR, index, (int)d, 0);
}

int spawn(const char *program, const char *arg)
{
	return syscall(SYS_SPAWN, (int)program, (int)arg, 0);
}

int wait(int pid)
{
	return syscall(SYS_WAIT, pid, 0, 0);
}

void yield(void)
{
	syscall(SYS_YIELD, 0, 0, 0);
}

int ps(int index, struct procinfo *info)
{
	return syscall(SYS_PS, index, (int)info, 0);
}

int ticks(void)
{
	return syscall(SYS_TICKS, 0, 0, 0);
}

void shutdown(int status)
{
	syscall(SYS_SHUTDOWN, status, 0, 0);
	for (;;)
		;
}

int readline(char *buf, int size)
{
	int n = 0, over = 0; /* over: characters past the buffer, not kept */

	for (;;) {
		char ch = (char)getchar();

		if (ch == '\r' || ch == '\n') {
			putchar('\n');
			buf[over ? 0 : n] = '\0';
			if (!over)
				return n;
			printf("line too long (%d characters, at most %d): ignored\n", n + over,
			       size - 1);
			return -1;
		} else if (ch == '\b' || ch == 0x7f) {
			if (over) {
				over--;
			} else if (n > 0) {
				n--;
				printf("\b \b"); /* erase it on the terminal */
			}
		} else if (ch >= ' ' && ch <= '~') {
			if (n < size - 1) {
				buf[n++] = ch;
				putchar(ch);
			} else {
				over++;
			}
		}
	}
}

const char *parse_int(const char *s, int *value)
{
	bool negative = false;
	int v = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	*value = negative ? -v : v;
	return s;
}
