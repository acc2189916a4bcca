/* SPDX-License-Identifier: MIT */
/* crash HOW: misbehaves; the kernel must kill it and carry on. */
#include "user.h"

int main(const char *arg)
{
	if (!strcmp(arg, "null"))
		return *(volatile int *)0; /* page fault at 0 */
	if (!strcmp(arg, "ud2"))
		__asm__ volatile("ud2"); /* invalid opcode */
	if (!strcmp(arg, "gp"))
		__asm__ volatile("cli"); /* privileged: general protection */
	if (!strcmp(arg, "kread"))
		return *(volatile int *)0x100000; /* the kernel (no U bit) */
	if (!strcmp(arg, "syscall"))
		syscall(99, 0, 0, 0); /* no such system call */
	if (!strcmp(arg, "kptr"))
		readfile("hello.txt", (char *)0x100000, 16); /* a kernel pointer */
	printf("usage: crash null|ud2|gp|kread|syscall|kptr\n");
	return 1;
}
