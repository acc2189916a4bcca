/* SPDX-License-Identifier: MIT */
/*
 * The 1K OS: what the kernel and the user programs share (as common.h in
 * "OS in 1,000 Lines"): types, the system call numbers, printf and the
 * string functions.  Each side provides its own putchar().
 */
#ifndef OS1K_COMMON_H
#define OS1K_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define align_up(value, align) (((value) + (align)-1) / (align) * (align))

/* User memory: every process sees its program at USER_BASE (where user.ld
 * links it) and its stack growing down from USER_BASE + USER_SIZE. */
#define USER_BASE 0x01000000
#define USER_SIZE (128 * 1024)

/* System calls: int 0x80, number in EAX, arguments in EBX, ECX, EDX,
 * result in EAX (negative: error).  docs/os1k.md has the table. */
#define SYS_PUTCHAR   1	 /* (char ch) */
#define SYS_GETCHAR   2	 /* () -> ch; sleeps until a key arrives */
#define SYS_EXIT      3	 /* (int status): ends the calling process */
#define SYS_READFILE  4	 /* (name, buf, len) -> bytes read */
#define SYS_WRITEFILE 5	 /* (name, buf, len) -> bytes written (and saved) */
#define SYS_READDIR   6	 /* (index, struct dirent *) -> 0, -1 past the end */
#define SYS_SPAWN     7	 /* (program, argument) -> pid */
#define SYS_WAIT      8	 /* (pid) -> exit status of that child */
#define SYS_YIELD     9	 /* () */
#define SYS_PS	      10 /* (index, struct procinfo *) -> 0, -1 past the end */
#define SYS_TICKS     11 /* () -> timer ticks since boot (100 Hz) */
#define SYS_SHUTDOWN  12 /* (int status): ends the VM */

#define NAME_MAX 100 /* file names, as in a tar header */
#define ARG_MAX	 128 /* the argument string of a program */

struct dirent {
	char name[NAME_MAX];
	uint32_t size;
};

struct procinfo {
	int pid, parent;
	char state[12];
	char name[16];
};

void putchar(char ch);
void printf(const char *fmt, ...);
void *memset(void *buf, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy_s(char *dst, const char *src, size_t size); /* always terminates */

#endif
