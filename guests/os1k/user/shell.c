/* SPDX-License-Identifier: MIT */
/*
 * The 1K OS shell: reads a line, runs built-in commands itself and starts
 * every other word as a program.  "a & b" starts both at once and waits
 * for both.
 */
#include "user.h"

static char file_buf[4097];

static void help(void)
{
	printf("built-in commands:\n"
	       "  help            this list\n"
	       "  hello           a greeting from user mode\n"
	       "  ls              list the files\n"
	       "  cat FILE        print a file\n"
	       "  write FILE TEXT write TEXT to FILE (saved to the disk)\n"
	       "  ps              list the processes\n"
	       "  ticks           timer ticks since boot (100 per second)\n"
	       "  exit            turn the machine off\n"
	       "programs:\n"
	       "  echo [TEXT]     print TEXT; without it, echo lines until quit\n"
	       "  table           multiplication table\n"
	       "  counter         count from 0 to 9\n"
	       "  fib             15 Fibonacci numbers\n"
	       "  primes          the primes up to 100\n"
	       "  calc            calculator: a op b\n"
	       "  fact            factorials 0! to 12!\n"
	       "  gcd A B         greatest common divisor\n"
	       "  about           about the 1K OS\n"
	       "  spin X          print X for a while, CPU-bound\n"
	       "  crash HOW       misbehave: null, ud2, gp, kread, syscall, kptr\n"
	       "a & b runs a and b at the same time.\n");
}

static void ls(void)
{
	struct dirent d;

	for (int i = 0; readdir(i, &d) == 0; i++)
		printf("%-20s %u bytes\n", d.name, d.size);
}

static void cat(const char *name)
{
	int n = readfile(name, file_buf, sizeof(file_buf) - 1);

	if (n < 0) {
		printf("cat: %s: no such file\n", name);
		return;
	}
	file_buf[n] = '\0';
	printf("%s", file_buf);
}

static void write(char *args)
{
	char *text = args;

	while (*text && *text != ' ')
		text++;
	if (!*args || !*text) {
		printf("usage: write FILE TEXT\n");
		return;
	}
	*text++ = '\0';
	int n = (int)strlen(text);
	text[n++] = '\n'; /* the line buffer has room: readline stops early */
	if (writefile(args, text, n) != n)
		printf("write: %s: failed\n", args);
}

static void procs(void)
{
	struct procinfo info;

	printf("PID PARENT STATE    NAME\n");
	for (int i = 0; ps(i, &info) == 0; i++)
		printf("%3d %6d %-8s %s\n", info.pid, info.parent, info.state, info.name);
}

/* Runs one command: 0 when done, or the pid of a started program. */
static int run(char *cmd)
{
	char *arg = cmd;

	while (*arg && *arg != ' ')
		arg++;
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;

	if (!strcmp(cmd, "help"))
		help();
	else if (!strcmp(cmd, "hello"))
		printf("Hello world from the shell, a user process in ring 3!\n");
	else if (!strcmp(cmd, "ls"))
		ls();
	else if (!strcmp(cmd, "cat"))
		cat(arg);
	else if (!strcmp(cmd, "write"))
		write(arg);
	else if (!strcmp(cmd, "ps"))
		procs();
	else if (!strcmp(cmd, "ticks"))
		printf("ticks: %d\n", ticks());
	else if (!strcmp(cmd, "exit"))
		shutdown(0);
	else {
		int pid = spawn(cmd, arg);
		if (pid < 0)
			printf("unknown command: %s\n", cmd);
		return pid < 0 ? 0 : pid;
	}
	return 0;
}

int main(const char *arg)
{
	static char line[128];
	(void)arg;

	for (;;) {
		int pids[8], npids = 0;
		char *cmd = line;

		printf("> ");
		if (readline(line, sizeof(line) - 1) < 0)
			continue; /* too long: refused with a message, not run in part */
		/* Split at '&': start every part, then wait for all of them. */
		while (cmd) {
			char *next = cmd, *end;
			while (*next && *next != '&')
				next++;
			end = next;
			next = *next ? next + 1 : NULL;
			*end = '\0';
			while (end > cmd && end[-1] == ' ')
				*--end = '\0';
			while (*cmd == ' ')
				cmd++;
			if (*cmd && npids < 8) {
				int pid = run(cmd);
				if (pid > 0)
					pids[npids++] = pid;
			}
			cmd = next;
		}
		for (int i = 0; i < npids; i++)
			wait(pids[i]);
	}
}
