/* SPDX-License-Identifier: MIT */
#include "console.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static bool use_color;
static void (*on_blocked)(void);

static const char *const colors[] = {"\033[32m", "\033[36m", "\033[33m",
				     "\033[35m", "\033[34m", "\033[31m"};
#define COLOR_RESET "\033[0m"

void console_setup(bool color, void (*blocked)(void))
{
	use_color = color;
	on_blocked = blocked;
}

void console_init(struct console *c, int index, const char *name, bool prefixed,
		  const struct lifecycle *life)
{
	int n = 0;

	memset(c, 0, sizeof(*c));
	c->prefixed = prefixed;
	c->life = life;
	if (prefixed) {
		if (use_color)
			n = snprintf(c->prefix, sizeof(c->prefix), "%s[%.*s]%s ", colors[index % 6],
				     CONSOLE_NAME_MAX, name, COLOR_RESET);
		else
			n = snprintf(c->prefix, sizeof(c->prefix), "[%.*s] ", CONSOLE_NAME_MAX,
				     name);
	}
	c->prefix_len = n < 0				 ? 0
			: (size_t)n >= sizeof(c->prefix) ? sizeof(c->prefix) - 1
							 : (size_t)n;
}

/* Writes all of iov to stdout; gives up on errors (EPIPE) or once stopped. */
static void write_all(struct console *c, struct iovec *iov, int cnt)
{
	while (cnt > 0) {
		ssize_t w = writev(STDOUT_FILENO, iov, cnt);
		if (w < 0) {
			if (errno != EINTR)
				return;
			if (on_blocked)
				on_blocked(); /* a slow stdout */
			if (c->life && life_forced(c->life))
				return;
			continue;
		}
		while (cnt > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
}

void console_flush_slow(struct console *c)
{
	struct iovec iov[2] = {
		{c->prefix, c->prefix_len},
		{c->buf, c->len},
	};

	pthread_mutex_lock(&out_lock);
	write_all(c, c->prefix_len ? iov : iov + 1, c->prefix_len ? 2 : 1);
	pthread_mutex_unlock(&out_lock);
	c->len = 0;
	__atomic_store_n(&c->pending, 0, __ATOMIC_RELAXED);
}

void console_flush(struct console *c)
{
	if (c->shared)
		pthread_mutex_lock(&c->lock);
	if (c->len)
		console_flush_slow(c);
	if (c->shared)
		pthread_mutex_unlock(&c->lock);
}

void console_set_shared(struct console *c)
{
	pthread_mutex_init(&c->lock, NULL);
	c->shared = true;
}

void console_putc_shared(struct console *c, char ch)
{
	pthread_mutex_lock(&c->lock);
	c->buf[c->len++] = ch;
	if (ch == '\n' || c->len == sizeof(c->buf) || (c->typed_at && console_echo_due(c)))
		console_flush_slow(c);
	else
		__atomic_store_n(&c->pending, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&c->lock);
}

static void console_write_unlocked(struct console *c, const char *s, size_t n);

void console_write(struct console *c, const char *s, size_t n)
{
	if (c->shared)
		pthread_mutex_lock(&c->lock);
	console_write_unlocked(c, s, n);
	if (c->shared)
		pthread_mutex_unlock(&c->lock);
}

static void console_write_unlocked(struct console *c, const char *s, size_t n)
{
	const char *nl;

	/* One guest: everything up to the last newline in a single writev. */
	if (!c->prefixed && (nl = memrchr(s, '\n', n)) != NULL) {
		size_t head = (size_t)(nl - s) + 1;
		struct iovec iov[2] = {{c->buf, c->len}, {(void *)s, head}};

		pthread_mutex_lock(&out_lock);
		write_all(c, c->len ? iov : iov + 1, c->len ? 2 : 1);
		pthread_mutex_unlock(&out_lock);
		c->len = 0;
		s += head;
		n -= head;
	}
	/* Several guests (a prefix per line), or the tail after the last newline. */
	while (n) {
		size_t room = sizeof(c->buf) - c->len;
		size_t take = n < room ? n : room;

		nl = memchr(s, '\n', take);
		if (nl)
			take = (size_t)(nl - s) + 1;
		memcpy(c->buf + c->len, s, take);
		c->len += take;
		s += take;
		n -= take;
		if (nl || c->len == sizeof(c->buf))
			console_flush_slow(c);
	}
	if (c->len && c->typed_at && console_echo_due(c))
		console_flush_slow(c);
	else if (c->len)
		__atomic_store_n(&c->pending, 1, __ATOMIC_RELAXED);
}

bool console_idle_due(struct console *c)
{
	int fresh = 1;

	/* 1: bytes came since the last poll: mark them seen (2) and wait. */
	if (__atomic_compare_exchange_n(&c->pending, &fresh, 2, false, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED))
		return false;
	return fresh == 2; /* seen by the last poll, nothing since */
}

void console_echo_keys(struct console *c, const long long *typed_at)
{
	c->typed_at = c->prefixed ? NULL : typed_at;
}

bool console_echo_due(const struct console *c)
{
	return clock_coarse_ms() - __atomic_load_n(c->typed_at, __ATOMIC_RELAXED) < CONSOLE_ECHO_MS;
}

void console_finish(struct console *c)
{
	if (c->prefixed && c->len && c->buf[c->len - 1] != '\n')
		console_putc(c, '\n');
	console_flush(c);
}

void console_msg(struct console *c, const char *name, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n = snprintf(line, sizeof(line), "mini-kvm: %s: ", name);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	console_finish(c);
	pthread_mutex_lock(&out_lock);
	fprintf(stderr, "%s\n", line);
	pthread_mutex_unlock(&out_lock);
}
