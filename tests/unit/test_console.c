/* SPDX-License-Identifier: MIT */
/* Unit tests for src/core/console.c: line buffering and prefixes on fd 1. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/console.h"

/*
 * Captures what is written to @fd (1 or 2) between cap_begin() and
 * cap_end() in a temp file.  No cmocka assertion may run in between: its
 * report would land in the capture.
 */
struct cap {
	int fd, saved;
	FILE *f;
};

static void cap_begin(struct cap *c, int fd)
{
	fflush(stdout);
	fflush(stderr);
	c->fd = fd;
	c->f = tmpfile();
	assert_non_null(c->f);
	c->saved = dup(fd);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(fileno(c->f), fd), fd);
}

/* Everything written so far (NUL-terminated, caller frees); @len: its size. */
static char *cap_end(struct cap *c, size_t *len)
{
	long n;
	char *buf;

	dup2(c->saved, c->fd);
	close(c->saved);
	n = lseek(fileno(c->f), 0, SEEK_END);
	assert_true(n >= 0);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fileno(c->f), buf, (size_t)n, 0), n);
	fclose(c->f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static int setup(void **state)
{
	(void)state;
	console_setup(false, NULL);
	return 0;
}

static struct console con; /* 4 KiB buffer: not on the stack */

static void test_no_write_until_newline(void **state)
{
	struct cap cap;
	char *early, *out;

	(void)state;
	console_init(&con, 0, "hello", false, NULL);
	cap_begin(&cap, 1);
	console_write(&con, "abc", 3);
	console_putc(&con, 'd');
	early = cap_end(&cap, NULL);
	cap_begin(&cap, 1);
	console_write(&con, "ef\ngh", 5);
	out = cap_end(&cap, NULL);

	assert_string_equal(early, "");
	assert_string_equal(out, "abcdef\n");
	assert_int_equal(con.len, 2); /* "gh" still buffered */
	assert_memory_equal(con.buf, "gh", 2);
	free(early);
	free(out);
}

/* A key typed just now: partial lines go out at once (its echo); a key
 * typed long ago: they wait as usual; several guests: never. */
static void test_echo_after_key(void **state)
{
	struct cap cap;
	long long typed_at = clock_coarse_ms();
	char *echo, *late, *multi;

	(void)state;
	console_init(&con, 0, "hello", false, NULL);
	console_echo_keys(&con, &typed_at);
	cap_begin(&cap, 1);
	console_putc(&con, 'k');
	console_write(&con, "\b \b", 3);
	echo = cap_end(&cap, NULL);
	typed_at -= 2 * CONSOLE_ECHO_MS;
	cap_begin(&cap, 1);
	console_putc(&con, 'z');
	late = cap_end(&cap, NULL);
	con.len = 0;
	typed_at = clock_coarse_ms();
	console_init(&con, 0, "hello", true, NULL);
	console_echo_keys(&con, &typed_at);
	cap_begin(&cap, 1);
	console_putc(&con, 'p');
	multi = cap_end(&cap, NULL);

	assert_string_equal(echo, "k\b \b");
	assert_string_equal(late, "");
	assert_int_equal(con.len, 1);
	assert_null(con.typed_at);
	assert_string_equal(multi, "");
	con.len = 0;
	free(echo);
	free(late);
	free(multi);
}

static void test_prefixed_lines(void **state)
{
	struct cap cap;
	char *out;

	(void)state;
	console_init(&con, 2, "fib", true, NULL);
	assert_string_equal(con.prefix, "[fib] ");
	assert_int_equal(con.prefix_len, 6);
	cap_begin(&cap, 1);
	console_write(&con, "one\ntwo\n", 8);
	console_putc(&con, '3');
	console_putc(&con, '\n');
	console_write(&con, "\n", 1);
	out = cap_end(&cap, NULL);

	assert_string_equal(out, "[fib] one\n[fib] two\n[fib] 3\n[fib] \n");
	assert_int_equal(con.len, 0);
	free(out);
}

static void test_color_prefix(void **state)
{
	(void)state;
	console_setup(true, NULL);
	console_init(&con, 7, "b", true, NULL); /* 7 % 6 colours -> 2nd */
	console_setup(false, NULL);
	assert_string_equal(con.prefix, "\033[36m[b]\033[0m ");
	assert_int_equal(con.prefix_len, strlen(con.prefix));
	console_init(&con, 0, "b", false, NULL);
	assert_int_equal(con.prefix_len, 0);
}

static void test_long_name_truncated(void **state)
{
	char name[200];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	console_init(&con, 0, name, true, NULL);
	/* "[" + the first CONSOLE_NAME_MAX characters + "] " */
	assert_int_equal(con.prefix_len, CONSOLE_NAME_MAX + 3);
	assert_int_equal(strlen(con.prefix), CONSOLE_NAME_MAX + 3);
	assert_int_equal(con.prefix[CONSOLE_NAME_MAX + 1], ']');
}

/*
 * A long name in colour: the name is cut, never the colour reset, so the
 * guest's text is not left coloured (a regression test).
 */
static void test_long_name_color_reset(void **state)
{
	char name[100];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	console_setup(true, NULL);
	console_init(&con, 0, name, true, NULL);
	console_setup(false, NULL);
	assert_true(con.prefix_len < CONSOLE_PREFIX_MAX);
	if (con.prefix_len < 5 || strcmp(con.prefix + con.prefix_len - 5, "\033[0m ") != 0) {
		fail_msg("colour reset cut off: prefix '%s'", con.prefix);
	}
}

static void check_long_write(bool prefixed)
{
	const size_t n = 2 * CONSOLE_LINE_MAX + 1000;
	char *in = malloc(n), *out;
	size_t len, plen;
	struct cap cap;

	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	console_init(&con, 0, "g", prefixed, NULL);
	plen = con.prefix_len;
	cap_begin(&cap, 1);
	console_write(&con, in, n);
	out = cap_end(&cap, &len);

	/* Two full buffers went out, the rest waits for more. */
	assert_int_equal(len, 2 * (plen + CONSOLE_LINE_MAX));
	assert_int_equal(con.len, 1000);
	assert_memory_equal(out + plen, in, CONSOLE_LINE_MAX);
	assert_memory_equal(out + 2 * plen + CONSOLE_LINE_MAX, in + CONSOLE_LINE_MAX,
			    CONSOLE_LINE_MAX);
	if (prefixed) {
		assert_memory_equal(out, "[g] ", 4);
		assert_memory_equal(out + plen + CONSOLE_LINE_MAX, "[g] ", 4);
	}
	free(out);

	cap_begin(&cap, 1);
	console_finish(&con);
	out = cap_end(&cap, &len);
	assert_int_equal(len, plen + 1000 + (prefixed ? 1 : 0));
	assert_memory_equal(out + plen, in + 2 * CONSOLE_LINE_MAX, 1000);
	assert_int_equal(con.len, 0);
	free(out);
	free(in);
}

static void test_long_write_unprefixed(void **state)
{
	(void)state;
	check_long_write(false);
}

static void test_long_write_prefixed(void **state)
{
	(void)state;
	check_long_write(true);
}

/* A partial line goes out only after a whole poll period with no byte. */
static void test_idle_flush_waits_for_silence(void **state)
{
	struct cap cap;
	char *out;

	(void)state;
	console_init(&con, 0, "slow", false, NULL);
	assert_false(console_idle_due(&con)); /* nothing buffered */
	console_putc(&con, '>');
	assert_false(console_idle_due(&con)); /* first poll: seen */
	assert_true(console_idle_due(&con));  /* a whole period of silence */
	console_putc(&con, ' ');
	assert_false(console_idle_due(&con)); /* a byte since: wait again */
	console_write(&con, "ab", 2);
	assert_false(console_idle_due(&con)); /* still writing */
	assert_true(console_idle_due(&con));
	cap_begin(&cap, 1);
	console_flush(&con); /* what the vCPU then does */
	out = cap_end(&cap, NULL);
	assert_string_equal(out, "> ab");
	free(out);
	assert_false(console_idle_due(&con));
	assert_false(console_idle_due(&con));
}

static void test_full_buffer_putc(void **state)
{
	struct cap cap;
	size_t len;
	char *out;

	(void)state;
	console_init(&con, 0, "p", false, NULL);
	cap_begin(&cap, 1);
	for (size_t i = 0; i < CONSOLE_LINE_MAX + 3; i++)
		console_putc(&con, 'x');
	out = cap_end(&cap, &len);
	assert_int_equal(len, CONSOLE_LINE_MAX);
	assert_int_equal(con.len, 3);
	free(out);
}

static void test_finish(void **state)
{
	struct cap cap;
	char *a, *b, *c;

	(void)state;
	console_init(&con, 0, "h", true, NULL);
	cap_begin(&cap, 1);
	console_write(&con, "partial", 7);
	console_finish(&con);
	console_finish(&con); /* nothing left: writes nothing */
	a = cap_end(&cap, NULL);

	console_init(&con, 0, "h", false, NULL);
	cap_begin(&cap, 1);
	console_write(&con, "partial", 7);
	console_finish(&con);
	b = cap_end(&cap, NULL);

	console_init(&con, 0, "h", true, NULL);
	cap_begin(&cap, 1);
	console_write(&con, "line\n", 5);
	console_finish(&con);
	c = cap_end(&cap, NULL);

	assert_string_equal(a, "[h] partial\n");
	assert_string_equal(b, "partial");
	assert_string_equal(c, "[h] line\n");
	free(a);
	free(b);
	free(c);
}

static void test_msg(void **state)
{
	struct cap out_cap, err_cap;
	char *out, *err;

	(void)state;
	console_init(&con, 0, "hello", true, NULL);
	console_write(&con, "half", 4);
	cap_begin(&out_cap, 1);
	cap_begin(&err_cap, 2);
	console_msg(&con, "hello", "guest fault at %#x (%s)", 0x7c00, "triple fault");
	err = cap_end(&err_cap, NULL);
	out = cap_end(&out_cap, NULL);

	assert_string_equal(err, "mini-kvm: hello: guest fault at 0x7c00 (triple fault)\n");
	assert_string_equal(out, "[hello] half\n"); /* pending line ended first */
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_write_until_newline),
		cmocka_unit_test(test_echo_after_key),
		cmocka_unit_test(test_prefixed_lines),
		cmocka_unit_test(test_color_prefix),
		cmocka_unit_test(test_long_name_truncated),
		cmocka_unit_test(test_long_name_color_reset),
		cmocka_unit_test(test_long_write_unprefixed),
		cmocka_unit_test(test_long_write_prefixed),
		cmocka_unit_test(test_idle_flush_waits_for_silence),
		cmocka_unit_test(test_full_buffer_putc),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_msg),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
