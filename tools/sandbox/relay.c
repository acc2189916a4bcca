/* SPDX-License-Identifier: MIT */
/*
 * relay: the kvm-sandbox's terminal plumbing, both ends of the serial line.
 *
 *   relay host FIFO READY CONSOLE
 *       On the host, beside QEMU: copies standard input, framed, into
 *       FIFO (ttyS0's input).  Until the file READY exists (the guest
 *       side made it), it only writes a NUL a second to CONSOLE (ttyS2's
 *       input, the sandbox kernel's console) to wake the sandbox kernel
 *       (docs/sandbox.md, "The waker").  After that the wake-up is an
 *       empty frame on FIFO, sent when nothing else went for a second.
 *   relay guest READY TIMEOUT ROWS COLS -- CMD ARGS...
 *       Inside the sandbox: runs CMD with its standard input fed from
 *       ttyS0 (decoded), stdout to ttyS0 and stderr to ttyS1; with ROWS
 *       > 0 on a pseudo-terminal of that size instead (stdin, stdout and
 *       stderr all on it, like `docker run -t`).  Exits with CMD's status
 *       (128 + N after signal N, 124 after TIMEOUT seconds) once all of
 *       CMD's output has left the serial lines.
 *
 * The framing on ttyS0's input (host to guest): every byte but 0xff is
 * data; 0xff is followed by one of
 *   0xff          a data byte 0xff
 *   'E'           end of input (CMD's stdin gets EOF)
 *   'N'           nothing (the waker)
 *   'W' r r c c   the terminal's size, rows and columns, big-endian
 * Output (guest to host) is not framed: ttyS0 and ttyS1 carry CMD's bytes
 * exactly.  Every direction is non-blocking with a buffer, so a command
 * that does not read its input never stops its output (or the waker).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define ESC	 0xff
#define CHUNK	 4096
/* Input that CMD has not read yet is kept, up to this much. */
#define IN_LIMIT (64u << 20)

struct buf {
	unsigned char *p;
	size_t len, cap;
};

static void die(const char *what)
{
	fprintf(stderr, "kvm-sandbox relay: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* Appends n bytes; the buffer grows up to limit; returns 0 when full. */
static int buf_put(struct buf *b, const void *p, size_t n, size_t limit)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : CHUNK;

		while (cap < b->len + n)
			cap *= 2;
		if (cap > limit)
			return 0;
		b->p = realloc(b->p, cap);
		if (!b->p)
			die("out of memory");
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	return 1;
}

/* Writes what it can of b to fd; returns -1 on an error other than EAGAIN. */
static int buf_flush(struct buf *b, int fd)
{
	ssize_t n = write(fd, b->p, b->len);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	memmove(b->p, b->p + n, b->len - (size_t)n);
	b->len -= (size_t)n;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* ---- host side ------------------------------------------------------------ */

static volatile sig_atomic_t resized;
static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static void put_size(struct buf *out)
{
	struct winsize ws;
	unsigned char f[6] = {ESC, 'W'};

	if (ioctl(0, TIOCGWINSZ, &ws) < 0)
		return;
	f[2] = ws.ws_row >> 8, f[3] = ws.ws_row & 0xff;
	f[4] = ws.ws_col >> 8, f[5] = ws.ws_col & 0xff;
	buf_put(out, f, sizeof(f), SIZE_MAX);
}

static int host(const char *fifo, const char *ready, const char *console)
{
	struct buf out = {0};
	int fd, in_open = fcntl(0, F_GETFD) >= 0;
	double last = now();
	struct sigaction sa = {.sa_handler = on_winch};

	/* Before the guest side is up: wake it through the console only. */
	fd = open(console, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	while (access(ready, F_OK) != 0) {
		usleep(10000);
		if (fd >= 0 && now() - last >= 1.0) {
			(void)!write(fd, "", 1);
			last = now();
		}
	}
	if (fd >= 0)
		close(fd);
	fd = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die(fifo);
	if (in_open && isatty(0)) {
		sigaction(SIGWINCH, &sa, NULL);
		put_size(&out);
	}
	for (;;) {
		struct pollfd p[2] = {
			{.fd = fd, .events = out.len ? POLLOUT : 0},
			{.fd = in_open && out.len < CHUNK ? 0 : -1, .events = POLLIN}};
		unsigned char raw[CHUNK], enc[2 * CHUNK];
		ssize_t n;
		size_t e = 0;

		if (resized) {
			resized = 0;
			put_size(&out);
			continue;
		}
		if (poll(p, 2, 1000) < 0 && errno != EINTR)
			die("poll");
		if (p[0].revents & (POLLERR | POLLHUP))
			return 0;
		if (p[0].revents & POLLOUT) {
			if (buf_flush(&out, fd) < 0)
				return 0; /* QEMU is gone */
			last = now();
		}
		if (p[1].revents) {
			n = read(0, raw, sizeof(raw));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n <= 0) {
				in_open = 0;
				buf_put(&out, (unsigned char[]){ESC, 'E'}, 2, SIZE_MAX);
				continue;
			}
			for (ssize_t i = 0; i < n; i++) {
				enc[e++] = raw[i];
				if (raw[i] == ESC)
					enc[e++] = ESC;
			}
			buf_put(&out, enc, e, SIZE_MAX);
		}
		if (!out.len && now() - last >= 1.0)
			buf_put(&out, (unsigned char[]){ESC, 'N'}, 2, SIZE_MAX);
	}
}

/* ---- guest side ----------------------------------------------------------- */

/* A copy from one descriptor to another through a buffer. */
struct stream {
	int src, dst;
	struct buf b;
	size_t limit;
	int eof; /* src has ended */
};

/* The decoder of the host's framing: state carries a partial frame. */
struct decoder {
	int esc;	    /* saw ESC */
	int size_left;	    /* bytes of a 'W' frame still to come */
	unsigned char w[4]; /* its bytes: rows, columns */
	int size_ready;	    /* w holds a complete size */
	int eof;	    /* the host sent 'E' */
};

static void put_input(struct stream *s, unsigned char c)
{
	static int told;

	if (!buf_put(&s->b, &c, 1, s->limit) && !told++)
		fprintf(stderr,
			"kvm-sandbox relay: over %u MiB of input the command did not read: the rest is dropped\n",
			IN_LIMIT >> 20);
}

static void decode(struct decoder *d, const unsigned char *p, ssize_t n, struct stream *s)
{
	for (ssize_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (d->size_left) {
			d->w[4 - d->size_left--] = c;
			d->size_ready = !d->size_left;
		} else if (d->esc) {
			d->esc = 0;
			if (c == ESC)
				put_input(s, c);
			else if (c == 'E')
				d->eof = 1;
			else if (c == 'W')
				d->size_left = 4;
		} else if (c == ESC) {
			d->esc = 1;
		} else {
			put_input(s, c);
		}
	}
}

static int open_tty(const char *path)
{
	struct termios t;
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || tcgetattr(fd, &t) < 0)
		die(path);
	cfmakeraw(&t);
	/* A lone byte raises its interrupt after 4 character times (the
	 * 16550's FIFO timeout): 0.35 ms at 115200 baud, 4 ms at 9600. */
	cfsetspeed(&t, B115200);
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		die(path);
	return fd;
}

static void set_size(int fd, unsigned rows, unsigned cols)
{
	struct winsize ws = {.ws_row = rows, .ws_col = cols};

	ioctl(fd, TIOCSWINSZ, &ws);
}

static int status_of(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int guest(const char *ready, unsigned timeout, unsigned rows, unsigned cols, char **cmd)
{
	int s0 = open_tty("/dev/ttyS0"), s1 = open_tty("/dev/ttyS1");
	int in[2], out[2], err[2], master = -1, st, rc = -1;
	struct stream s[3];
	struct decoder dec = {0};
	double deadline = now() + timeout, drain_end = 0;
	pid_t child;

	signal(SIGPIPE, SIG_IGN);
	if (rows) {
		master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
			die("cannot make a pseudo-terminal");
		set_size(master, rows, cols);
	} else if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
		   pipe2(err, O_CLOEXEC) < 0) {
		die("pipe");
	}
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		/* Not inherited: our SIGPIPE, and the SIGINT and SIGQUIT that
		 * init's shell ignores in its background jobs. */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		setsid();
		if (rows) {
			int pts = open(ptsname(master), O_RDWR);

			if (pts < 0 || ioctl(pts, TIOCSCTTY, 0) < 0)
				die("cannot open the pseudo-terminal");
			in[0] = out[1] = err[1] = pts;
		}
		dup2(in[0], 0), dup2(out[1], 1), dup2(err[1], 2);
		execvp(cmd[0], cmd);
		fprintf(stderr, "kvm-sandbox: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	if (rows) {
		s[0] = (struct stream){.src = s0, .dst = master, .limit = IN_LIMIT};
		s[1] = (struct stream){.src = master, .dst = s0, .limit = 16 * CHUNK};
		s[2] = (struct stream){.src = -1, .dst = -1, .eof = 1};
	} else {
		close(in[0]), close(out[1]), close(err[1]);
		s[0] = (struct stream){.src = s0, .dst = in[1], .limit = IN_LIMIT};
		s[1] = (struct stream){.src = out[0], .dst = s0, .limit = 16 * CHUNK};
		s[2] = (struct stream){.src = err[0], .dst = s1, .limit = 16 * CHUNK};
	}
	for (int i = 0; i < 3; i++)
		if (s[i].src >= 0)
			set_nonblock(s[i].src), set_nonblock(s[i].dst);
	close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));

	for (;;) {
		struct pollfd p[6];
		unsigned char raw[CHUNK];

		/* The command's end: kill what it left behind, then drain (5 s at most). */
		if (rc < 0 && waitpid(child, &st, WNOHANG) == child) {
			rc = status_of(st);
			kill(-child, SIGKILL);
			drain_end = now() + 5;
		}
		if (rc < 0 && now() >= deadline) {
			kill(-child, SIGKILL);
			waitpid(child, &st, 0);
			rc = 124;
			drain_end = now() + 5;
		}
		if (rc >= 0 &&
		    ((s[1].eof && !s[1].b.len && s[2].eof && !s[2].b.len) || now() >= drain_end))
			break;
		for (int i = 0; i < 3; i++) {
			/* ttyS0 is always read: the waker's frames must get through. */
			int room = s[i].b.len < s[i].limit || i == 0;

			p[2 * i] = (struct pollfd){.fd = !s[i].eof && room ? s[i].src : -1,
						   .events = POLLIN};
			p[2 * i + 1] = (struct pollfd){.fd = s[i].b.len ? s[i].dst : -1,
						       .events = POLLOUT};
		}
		if (poll(p, 6, rc < 0 ? 100 : 20) < 0 && errno != EINTR)
			die("poll");
		for (int i = 0; i < 3; i++) {
			if (p[2 * i].revents) {
				ssize_t n = read(s[i].src, raw, sizeof(raw));

				if (n > 0 && i == 0)
					decode(&dec, raw, n, &s[0]);
				else if (n > 0)
					buf_put(&s[i].b, raw, (size_t)n, SIZE_MAX);
				else if (n == 0 || (errno != EAGAIN && errno != EINTR))
					s[i].eof = 1; /* a pty's master reads EIO at the end */
			}
			if (p[2 * i + 1].revents && buf_flush(&s[i].b, s[i].dst) < 0) {
				s[i].b.len = 0; /* the reader is gone: drop */
				if (i == 0)
					s[0].dst = -1;
			}
		}
		if (dec.size_ready && master >= 0) {
			dec.size_ready = 0;
			set_size(master, (unsigned)dec.w[0] << 8 | dec.w[1],
				 (unsigned)dec.w[2] << 8 | dec.w[3]);
		}
		/* End of input: the command's stdin closes once what came before is in. */
		if (dec.eof && !s[0].b.len && !rows && s[0].dst >= 0) {
			close(s[0].dst);
			s[0].dst = -1;
		}
		if (s[0].dst < 0)
			s[0].b.len = 0;
	}
	/* Every byte sent: the last close of a serial line waits too, but only so long. */
	tcdrain(s0);
	tcdrain(s1);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "host"))
		return host(argv[2], argv[3], argv[4]);
	if (argc > 7 && !strcmp(argv[1], "guest") && !strcmp(argv[6], "--"))
		return guest(argv[2], (unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]),
			     (unsigned)atoi(argv[5]), argv + 7);
	fprintf(stderr, "usage: relay host FIFO READY CONSOLE\n"
			"       relay guest READY TIMEOUT ROWS COLS -- CMD ARGS...\n");
	return 2;
}
