/* SPDX-License-Identifier: MIT */
/*
 * bench/measure: run a command RUNS times (after WARMUP unmeasured runs),
 * PAR copies at once, stdin from /dev/null, stdout to OUT (appended, default
 * /dev/null), stderr kept.  For each measured run prints one line:
 *     <wall ns from first spawn to last exit> <max peak RSS of the copies, KiB>
 * Exit status 0, or 1 when a copy exited with another status than EXPECT
 * (default 0; -e any accepts every status).
 *
 *   measure [-n RUNS] [-w WARMUP] [-j PAR] [-o OUT] [-e EXPECT|any] -- CMD ARGS...
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	int runs = 5, warm = 1, par = 1, expect = 0, any = 0, opt, bad = 0;
	const char *out = "/dev/null";
	posix_spawn_file_actions_t fa;

	while ((opt = getopt(argc, argv, "+n:w:j:o:e:")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'j': par = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'e': any = !strcmp(optarg, "any"); expect = atoi(optarg); break;
		default: return 2;
		}
	}
	if (optind >= argc || runs < 1 || par < 1 || par > 1024) {
		fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUP] [-j PAR] [-o OUT] [-e EXPECT|any] -- CMD...\n");
		return 2;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0644);
	for (int r = -warm; r < runs; r++) {
		pid_t pids[1024];
		long maxrss = 0;
		long long t0 = now_ns();

		for (int i = 0; i < par; i++)
			if (posix_spawnp(&pids[i], argv[optind], &fa, NULL, argv + optind, environ)) {
				perror(argv[optind]);
				return 2;
			}
		for (int i = 0; i < par; i++) {
			struct rusage ru;
			int st;
			if (wait4(pids[i], &st, 0, &ru) < 0)
				return perror("wait4"), 2;
			if (!any && (!WIFEXITED(st) || WEXITSTATUS(st) != expect)) {
				fprintf(stderr, "measure: %s: status 0x%x, expected exit %d\n",
					argv[optind], st, expect);
				bad = 1;
			}
			if (ru.ru_maxrss > maxrss)
				maxrss = ru.ru_maxrss;
		}
		if (r >= 0)
			printf("%lld %ld\n", now_ns() - t0, maxrss);
	}
	return bad;
}
