/* SPDX-License-Identifier: MIT */
/* The 1K OS's user library: system call wrappers and a few helpers. */
#ifndef OS1K_USER_H
#define OS1K_USER_H

#include "../common.h"

/* Every program defines main; arg is the rest of its command line. */
int main(const char *arg);

int syscall(int nr, int arg0, int arg1, int arg2);
int getchar(void);
void exit(int status) __attribute__((noreturn));
int readfile(const char *name, char *buf, int len);
int writefile(const char *name, const char *buf, int len);
int readdir(int index, struct dirent *d);
int spawn(const char *program, const char *arg);
int wait(int pid);
void yield(void);
int ps(int index, struct procinfo *info);
int ticks(void);
void shutdown(int status) __attribute__((noreturn));

/* A line with echo and Backspace: its length, or -1 (and a message) if it
 * did not fit in size - 1 characters: the whole line is then dropped. */
int readline(char *buf, int size);
const char *parse_int(const char *s, int *value); /* NULL: no number */

#endif
