/* SPDX-License-Identifier: MIT */
/*
 * bench/measure: run commands RUNS times each (after WARMUP unmeasured
 * rounds), PAR copies at once, stdin from /dev/null, stdout to OUT (appended,
 * default /dev/null), stderr kept.  Several commands, separated by "::",
 * are run in turns (A B C, B C A, C A B, ...), so that drift and noise of
 * the host hit each of them alike and none always runs right after the same
 * other one (a QEMU run leaves cold caches to whatever follows it).  For each measured run prints one line:
 *     <command index> <wall ns from first spawn to last exit> <max peak RSS of the copies, KiB>
 * Exit status 0, or 1 when a copy exited with another status than expected:
 * -e takes one status per command, comma-separated (the last one repeats;
 * default 0; "any" accepts every status).
 *
 *   measure [-n RUNS] [-w WARMUP] [-j PAR] [-o OUT] [-e EXPECT[,EXPECT...]|any] -- CMD ARGS... [:: CMD ARGS...]
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
	int runs = 5, warm = 1, par = 1, nexp = 1, any = 0, opt, bad = 0;
	int expect[64] = {0};
	const char *out = "/dev/null";
	posix_spawn_file_actions_t fa;

	while ((opt = getopt(argc, argv, "+n:w:j:o:e:")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'w': warm = atoi(optarg); break;
		case 'j': par = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'e':
			any = !strcmp(optarg, "any");
			nexp = 0;
			for (char *p = optarg, *end; !any && nexp < 64; p = end + 1) {
				expect[nexp++] = (int)strtol(p, &end, 10);
				if (end == p || *end != ',')
					break;
			}
			if (!nexp)
				nexp = 1;
			break;
		default: return 2;
		}
	}
	if (optind >= argc || runs < 1 || par < 1 || par > 1024) {
		fprintf(stderr,
			"usage: measure [-n RUNS] [-w WARMUP] [-j PAR] [-o OUT] [-e EXPECT|any] -- CMD...\n");
		return 2;
	}
	char **cmds[64];
	int ncmd = 0;
	cmds[ncmd++] = argv + optind;
	for (int i = optind; i < argc; i++)
		if (!strcmp(argv[i], "::") && ncmd < 64) {
			argv[i] = NULL;
			cmds[ncmd++] = argv + i + 1;
		}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_APPEND, 0644);
	for (int r = -warm; r < runs; r++)
		for (int k = 0; k < ncmd; k++) {
			int c = ((r + warm) + k) % ncmd; /* the first command rotates */
			char **cmd = cmds[c];
			pid_t pids[1024];
			long maxrss = 0;
			long long t0 = now_ns();

			for (int i = 0; i < par; i++)
				if (posix_spawnp(&pids[i], cmd[0], &fa, NULL, cmd, environ)) {
					perror(cmd[0]);
					return 2;
				}
			for (int i = 0; i < par; i++) {
				struct rusage ru;
				int st;
				if (wait4(pids[i], &st, 0, &ru) < 0)
					return perror("wait4"), 2;
				int want = expect[c < nexp ? c : nexp - 1];
				if (!any && (!WIFEXITED(st) || WEXITSTATUS(st) != want)) {
					fprintf(stderr,
						"measure: %s: status 0x%x, expected exit %d\n",
						cmd[0], st, want);
					bad = 1;
				}
				if (ru.ru_maxrss > maxrss)
					maxrss = ru.ru_maxrss;
			}
			if (r >= 0)
				printf("%d %lld %ld\n", c, now_ns() - t0, maxrss);
		}
	return bad;
}
