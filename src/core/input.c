/* SPDX-License-Identifier: MIT */
#include "input.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"

#define RING_SIZE 4096
#define CTRL_A	  0x01

static struct {
	pthread_mutex_t lock;
	pthread_cond_t readable; /* bytes, EOF or a stop to look at */
	pthread_cond_t writable; /* room in the ring (pipes and files) */
	unsigned char ring[RING_SIZE];
	unsigned head, count;
	unsigned cap; /* bytes the ring may hold: the consumer's FIFO size */
	bool eof;
	bool tty;
	const struct input_hooks *hooks;
	void (*listener)(void *arg);
	void *listener_arg;
	bool lazy;	    /* the reader starts at the first read */
	long long typed_at; /* atomic: input_typed_at() */
} in = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.readable = PTHREAD_COND_INITIALIZER,
	.writable = PTHREAD_COND_INITIALIZER,
	.cap = RING_SIZE,
};

static struct termios saved_termios;
static volatile sig_atomic_t raw_active;

void input_restore_terminal(void)
{
	if (raw_active) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
		raw_active = 0;
	}
}

static void fatal_signal(int sig)
{
	input_restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void enter_raw_mode(void)
{
	struct termios t;
	static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

	if (tcgetattr(STDIN_FILENO, &saved_termios) != 0)
		return;
	t = saved_termios;
	cfmakeraw(&t);
	t.c_oflag |= OPOST; /* keep "\n" -> "\r\n" on output */
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) != 0)
		return;
	raw_active = 1;
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], fatal_signal);
}

/* Tells the interrupt-driven device listening (if any) that input came. */
static void notify(void)
{
	void (*fn)(void *) = in.listener;

	if (fn)
		fn(in.listener_arg);
}

/* Puts one byte in the ring; on a terminal a full ring drops the byte
 * (like a UART FIFO overrun), for pipes and files the reader waits. */
static void push(unsigned char c)
{
	pthread_mutex_lock(&in.lock);
	while (!in.tty && in.count >= in.cap)
		pthread_cond_wait(&in.writable, &in.lock);
	if (in.count < in.cap) {
		in.ring[(in.head + in.count) % RING_SIZE] = c;
		in.count++;
		pthread_cond_broadcast(&in.readable);
	}
	pthread_mutex_unlock(&in.lock);
}

const long long *input_typed_at(void)
{
	return in.tty ? &in.typed_at : NULL;
}

/*
 * Flow control (pipes and files): read only what the ring has room for, and
 * nothing while it is full, so that input the guest has not taken stays in
 * the host pipe (its writer blocks) rather than piling up here.  A terminal
 * is always read (Ctrl-A x); a full ring drops what is typed.
 */
static size_t room(size_t max)
{
	size_t n;

	if (in.tty)
		return max;
	pthread_mutex_lock(&in.lock);
	while (in.count >= in.cap)
		pthread_cond_wait(&in.writable, &in.lock);
	n = in.cap - in.count;
	pthread_mutex_unlock(&in.lock);
	return n < max ? n : max;
}

static void *reader(void *arg)
{
	unsigned char buf[256];
	bool escape = false;

	(void)arg;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, buf, room(sizeof(buf)));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (in.tty)
			__atomic_store_n(&in.typed_at, clock_coarse_ms(), __ATOMIC_RELAXED);
		for (ssize_t i = 0; i < n; i++) {
			unsigned char c = buf[i];
			if (in.tty && escape) {
				escape = false;
				if (c == 'x' || c == 'X') {
					in.hooks->quit();
					continue;
				}
				if (c != CTRL_A)
					push(CTRL_A);
			} else if (in.tty && c == CTRL_A) {
				escape = true;
				continue;
			}
			push(c);
		}
		notify();
	}
	pthread_mutex_lock(&in.lock);
	in.eof = true;
	pthread_cond_broadcast(&in.readable);
	pthread_mutex_unlock(&in.lock);
	notify();
	return NULL;
}

static int start_reader(void)
{
	pthread_t t;
	sigset_t all, old;
	int err;

	/* The reader takes no signals: they belong to the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t, NULL, reader, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_detach(t);
	return 0;
}

static void start_lazy_reader(void)
{
	if (start_reader() < 0) { /* no reader: readers see end of input, never hang */
		pthread_mutex_lock(&in.lock);
		in.eof = true;
		pthread_mutex_unlock(&in.lock);
	}
}

/* Starts the reader on first use (guests that never read pay nothing). */
static void start_reader_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	if (in.lazy)
		pthread_once(&once, start_lazy_reader);
}

int input_start(const struct input_hooks *hooks, bool eager)
{
	in.hooks = hooks;
	in.tty = isatty(STDIN_FILENO);
	if (in.tty) {
		enter_raw_mode();
		atexit(input_restore_terminal);
	}
	/* A terminal needs the reader at once (Ctrl-A x); so do devices that
	 * interrupt the guest when input arrives. */
	if (in.tty || eager)
		return start_reader();
	in.lazy = true;
	return 0;
}

int input_getchar(const struct lifecycle *life)
{
	int c;

	if (in.hooks && in.hooks->before_block)
		in.hooks->before_block(); /* signals and --timeout must be heard */
	start_reader_once();
	pthread_mutex_lock(&in.lock);
	while (in.count == 0 && !in.eof && !life_over(life))
		pthread_cond_wait(&in.readable, &in.lock);
	if (life_over(life)) {
		c = INPUT_STOPPED;
	} else if (in.count) {
		c = in.ring[in.head];
		in.head = (in.head + 1) % RING_SIZE;
		in.count--;
		pthread_cond_signal(&in.writable);
	} else {
		c = INPUT_EOF;
	}
	pthread_mutex_unlock(&in.lock);
	return c;
}

int input_trygetchar(void)
{
	int c = INPUT_EMPTY;

	start_reader_once();
	pthread_mutex_lock(&in.lock);
	if (in.count) {
		c = in.ring[in.head];
		in.head = (in.head + 1) % RING_SIZE;
		in.count--;
		pthread_cond_signal(&in.writable);
	} else if (in.eof) {
		c = INPUT_EOF;
	}
	pthread_mutex_unlock(&in.lock);
	return c;
}

bool input_pending(void)
{
	bool p;

	start_reader_once();
	pthread_mutex_lock(&in.lock);
	p = in.count > 0;
	pthread_mutex_unlock(&in.lock);
	return p;
}

void input_set_listener(void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&in.lock);
	in.listener_arg = arg;
	in.listener = fn;
	pthread_mutex_unlock(&in.lock);
}

void input_set_capacity(unsigned bytes)
{
	pthread_mutex_lock(&in.lock);
	in.cap = bytes < 1 ? 1 : bytes > RING_SIZE ? RING_SIZE : bytes;
	pthread_mutex_unlock(&in.lock);
}

void input_wake_all(void)
{
	pthread_mutex_lock(&in.lock);
	pthread_cond_broadcast(&in.readable);
	pthread_mutex_unlock(&in.lock);
}
