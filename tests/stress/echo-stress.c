/* SPDX-License-Identifier: MIT */
/*
 * echo-stress: runs an echo guest many times, each run with a short random
 * input split at random points and written through a pipe with random
 * delays, and checks that every byte came back and that every run ended by
 * itself (tests/e2e/stress.bats runs it while stress-ng loads the CPUs).
 *
 *   echo-stress MODE RUNS SEED MAX_DELAY_US -- MINI-KVM ARGS...
 *
 * MODE serial: guests/pc/serial.elf echoes what it gets through the UART,
 * 'q' ends it with "serial: N bytes, M interrupts".  MODE kbd: (--keyboard)
 * guests/pc/kbd.elf prints every scancode in hex, the release of 'q' ends
 * it with "kbd: N scancodes".  The input is 1..12 letters and digits, then
 * 'q'; the pipe stays open until the run ends (EOF ends nothing).
 *
 * One line per failed run (input, pieces, status, output), a summary line,
 * exit status 0 only if every run passed.  Stops after 3 failures.  The
 * summary also counts the runs whose stderr (mini-kvm --stats) shows POST
 * code 0xf4: an interrupt delivered inside the STI shadow of "sti; hlt",
 * which would have left the guest halted for good without its runtime's
 * workaround (guests/pc/rt/isr.S).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LEN	   12
#define MAX_PIECES 4
#define OUT_MAX	   8192
#define HARD_LIMIT 60 /* s: a run still there is killed (mini-kvm has --timeout) */

static const char alphabet[] = "abcdefghijklmnoprstuvwxyz0123456789"; /* no 'q' */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Set-1 make code of a letter or digit (break = make | 0x80). */
static unsigned make_code(char c)
{
	static const char *rows[] = {"1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"};
	static const unsigned first[] = {0x02, 0x10, 0x1e, 0x2c};

	for (unsigned r = 0; r < 4; r++) {
		const char *p = strchr(rows[r], c);
		if (p)
			return first[r] + (unsigned)(p - rows[r]);
	}
	return 0;
}

/* What the guest must print for @in (with its final 'q'). */
static void expected(bool kbd, const char *in, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	if (!kbd) {
		n += (size_t)snprintf(out + n, cap - n, "serial: ready\n%.*s", (int)(len - 1), in);
		snprintf(out + n, cap - n, "serial: %zu bytes, ", len);
		return;
	}
	n += (size_t)snprintf(out + n, cap - n, "kbd: ready\n");
	for (size_t i = 0; i < len; i++) {
		unsigned m = make_code(in[i]);
		n += (size_t)snprintf(out + n, cap - n, "%s%02x %02x", i ? " " : "", m, m | 0x80);
	}
	snprintf(out + n, cap - n, "\nkbd: %zu scancodes", 2 * len);
}

struct run {
	char in[MAX_LEN + 2];
	size_t len;
	size_t cut[MAX_PIECES + 1]; /* piece i is in[cut[i]..cut[i+1]) */
	unsigned delay_us[MAX_PIECES];
	unsigned npieces;
	char out[OUT_MAX], err[OUT_MAX];
	size_t nout, nerr;
	int status;
	double ms;
};

static void plan(struct run *r, unsigned max_delay_us)
{
	r->len = 1 + rnd(MAX_LEN);
	for (size_t i = 0; i < r->len; i++)
		r->in[i] = alphabet[rnd(sizeof(alphabet) - 1)];
	r->in[r->len++] = 'q';
	r->in[r->len] = '\0';
	r->npieces = 1 + rnd(r->len < MAX_PIECES ? (uint32_t)r->len : MAX_PIECES);
	r->cut[0] = 0;
	r->cut[r->npieces] = r->len;
	for (unsigned i = 1; i < r->npieces; i++) { /* increasing cut points */
		size_t lo = r->cut[i - 1] + 1, hi = r->len - (r->npieces - i);
		r->cut[i] = lo + rnd((uint32_t)(hi - lo + 1));
	}
	for (unsigned i = 0; i < r->npieces; i++)
		r->delay_us[i] = rnd(max_delay_us + 1);
}

static void drain(int *fd, char *buf, size_t *n)
{
	char scratch[512];
	ssize_t got;

	if (*n < OUT_MAX - 1)
		got = read(*fd, buf + *n, OUT_MAX - 1 - *n);
	else
		got = read(*fd, scratch, sizeof(scratch));
	if (got > 0 && *n < OUT_MAX - 1)
		*n += (size_t)got;
	else if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN)) {
		close(*fd);
		*fd = -1;
	}
	buf[*n] = '\0';
}

/* Runs the command once with r's input; fills status, output, time. */
static int execute(struct run *r, char **argv)
{
	int in[2], out[2], err[2];
	unsigned piece = 0;
	double start = now_ms(), next;
	pid_t pid;

	if (pipe(in) || pipe(out) || pipe(err))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		for (int fd = 3; fd < 64; fd++)
			close(fd);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	r->nout = r->nerr = 0;
	next = start + r->delay_us[0] / 1e3;
	while (out[0] >= 0 || err[0] >= 0) {
		struct pollfd p[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
		double t = now_ms();
		int wait_ms = -1;

		if (t - start > HARD_LIMIT * 1e3) {
			kill(pid, SIGKILL);
			break;
		}
		if (piece < r->npieces) {
			if (t >= next) {
				size_t a = r->cut[piece], b = r->cut[piece + 1];
				if (write(in[1], r->in + a, b - a) != (ssize_t)(b - a))
					break; /* mini-kvm is gone: its status says why */
				if (++piece < r->npieces)
					next = now_ms() + r->delay_us[piece] / 1e3;
				continue;
			}
			wait_ms = (int)(next - t) + 1;
		} else {
			wait_ms = 1000;
		}
		if (poll(p, 2, wait_ms) > 0) {
			if (p[0].revents && out[0] >= 0)
				drain(&out[0], r->out, &r->nout);
			if (p[1].revents && err[0] >= 0)
				drain(&err[0], r->err, &r->nerr);
		}
	}
	close(in[1]);
	if (out[0] >= 0)
		close(out[0]);
	if (err[0] >= 0)
		close(err[0]);
	waitpid(pid, &r->status, 0);
	r->ms = now_ms() - start;
	return 0;
}

static void report(unsigned i, const struct run *r)
{
	printf("run %u FAILED: input \"%s\" in %u pieces:", i, r->in, r->npieces);
	for (unsigned p = 0; p < r->npieces; p++)
		printf(" [+%u us] \"%.*s\"", r->delay_us[p], (int)(r->cut[p + 1] - r->cut[p]),
		       r->in + r->cut[p]);
	if (WIFEXITED(r->status))
		printf("; exit status %d", WEXITSTATUS(r->status));
	else
		printf("; killed by signal %d", WTERMSIG(r->status));
	printf(" after %.0f ms\n--- stdout:\n%s\n--- stderr:\n%s\n---\n", r->ms, r->out, r->err);
}

int main(int argc, char **argv)
{
	static struct run r;
	static char want[OUT_MAX];
	unsigned runs, max_delay_us, failed = 0, shadowed = 0, i;
	double slowest = 0, total = 0;
	bool kbd;

	if (argc < 7 || strcmp(argv[5], "--") != 0) {
		fprintf(stderr, "usage: echo-stress serial|kbd RUNS SEED MAX_DELAY_US -- CMD...\n");
		return 2;
	}
	kbd = strcmp(argv[1], "kbd") == 0;
	runs = (unsigned)strtoul(argv[2], NULL, 0);
	rng = strtoull(argv[3], NULL, 0) * 2654435761u + 88172645463325252ull;
	max_delay_us = (unsigned)strtoul(argv[4], NULL, 0);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < runs && failed < 3; i++) {
		plan(&r, max_delay_us);
		if (execute(&r, argv + 6) < 0) {
			perror("echo-stress");
			return 2;
		}
		expected(kbd, r.in, r.len, want, sizeof(want));
		total += r.ms;
		if (r.ms > slowest)
			slowest = r.ms;
		/* With --stats: the guest's runtime stepped over a HLT that an IRQ
		 * interrupted inside its STI shadow (guests/pc/rt/isr.S). */
		if (strstr(r.err, "post 0xf4"))
			shadowed++;
		if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0 || !strstr(r.out, want)) {
			failed++;
			report(i, &r);
			printf("--- wanted (in stdout):\n%s\n---\n", want);
		}
	}
	printf("echo-stress %s: %u runs, %u failed; %.0f ms per run, slowest %.0f ms; "
	       "%u runs took an IRQ inside the STI shadow of sti;hlt (POST 0xf4)\n",
	       argv[1], i, failed, i ? total / i : 0, slowest, shadowed);
	return failed ? 1 : 0;
}
