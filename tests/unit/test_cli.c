/* SPDX-License-Identifier: MIT */
/* Unit tests for src/core/cli.c: sizes, options, messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cli.h"
#include "mkvm/abi.h"

/* Output of the last run(): what went to `out` and `err`. */
static char *out_buf, *err_buf;
static struct options opt;

static enum cli_result run_argv(int argc, char **argv)
{
	size_t olen, elen;
	FILE *out, *err;
	enum cli_result r;

	free(out_buf);
	free(err_buf);
	out = open_memstream(&out_buf, &olen);
	err = open_memstream(&err_buf, &elen);
	assert_non_null(out);
	assert_non_null(err);
	r = cli_parse(argc, argv, &opt, out, err);
	fclose(out);
	fclose(err);
	return r;
}

/* run("--mem", "1M", "img"): argv[0] and the final NULL are added. */
#define ARGV(...) ((char *[]){"mini-kvm", __VA_ARGS__, NULL})
#define run(...)  run_argv((int)(sizeof(ARGV(__VA_ARGS__)) / sizeof(char *)) - 1, ARGV(__VA_ARGS__))

static int teardown_group(void **state)
{
	(void)state;
	free(out_buf);
	free(err_buf);
	return 0;
}

static void test_parse_size_ok(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{"256K", 256ull << 10},
		{"64M", 64ull << 20},
		{"1G", 1ull << 30},
		{"1048576", 1048576},
		{"64MiB", 64ull << 20},
		{"64mb", 64ull << 20},
		{"2T", 2ull << 40},
		{"0", 0},
		{"3g", 3ull << 30},
		{"16KB", 16ull << 10},
		{"17179869183G", 17179869183ull << 30}, /* largest G */
		{"18446744073709551615", UINT64_MAX},
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 12345;
		if (parse_size(ok[i].s, &v) != 0)
			fail_msg("parse_size(\"%s\") rejected", ok[i].s);
		assert_int_equal(v, ok[i].v);
	}
}

static void test_parse_size_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"K",
		"-1",
		"12Q",
		"1.5M",
		" 1M",
		"99999999999999999999",
		"17179869184G",
		"16777216T",
		"1MM",
		"1 M",
		"1Mi",
		"1B",
		"+1",
		"0x10",
		"1Mx",
		"1e3",
		"M1",
	};
	uint64_t v = 777;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_size(bad[i], &v) != -1)
			fail_msg("parse_size(\"%s\") accepted", bad[i]);
	assert_int_equal(v, 777); /* untouched on failure */
	assert_int_equal(parse_size(NULL, &v), -1);
}

static void test_defaults(void **state)
{
	(void)state;
	assert_int_equal(run("a.bin"), CLI_RUN);
	assert_int_equal(opt.mem_size, GUEST_MEM_DEFAULT);
	assert_true(opt.timeout == 0.0);
	assert_false(opt.stats);
	assert_false(opt.quiet);
	assert_int_equal(opt.nimages, 1);
	assert_string_equal(opt.images[0], "a.bin");
	assert_string_equal(err_buf, "");
	assert_string_equal(out_buf, "");
}

static void test_options(void **state)
{
	(void)state;
	assert_int_equal(run("-m", "64M", "--timeout", "0.5", "-s", "-q", "a", "b", "c"), CLI_RUN);
	assert_int_equal(opt.mem_size, 64ull << 20);
	assert_true(opt.timeout == 0.5);
	assert_true(opt.stats);
	assert_true(opt.quiet);
	assert_int_equal(opt.nimages, 3);
	assert_string_equal(opt.images[0], "a");
	assert_string_equal(opt.images[2], "c");
	/* --opt=value, options after images (GNU permutation), limits. */
	assert_int_equal(run("x.bin", "--mem=1M", "-t2"), CLI_RUN);
	assert_int_equal(opt.mem_size, GUEST_MEM_MIN);
	assert_true(opt.timeout == 2.0);
	assert_int_equal(opt.nimages, 1);
	assert_string_equal(opt.images[0], "x.bin");
	assert_int_equal(run("--mem", "3G", "x"), CLI_RUN);
	assert_int_equal(opt.mem_size, GUEST_MEM_MAX);
	/* A second call starts from scratch (optind reset, defaults). */
	assert_int_equal(run("y"), CLI_RUN);
	assert_int_equal(opt.mem_size, GUEST_MEM_DEFAULT);
	assert_true(opt.timeout == 0.0);
}

static void test_mem_errors(void **state)
{
	static const char *const bad[] = {"1023K", "0", "3073M", "4G", "1.5M", "lots"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *v = (char *)bad[i];
		assert_int_equal(run("--mem", v, "a"), CLI_ERROR);
		if (!strstr(err_buf, bad[i]) || !strstr(err_buf, "--mem"))
			fail_msg("--mem %s: message '%s'", bad[i], err_buf);
	}
}

static void test_timeout_errors(void **state)
{
	static const char *const bad[] = {"0", "-1", "abc", "nan", "inf", "", "1s", "-0.5", "1e8"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *v = (char *)bad[i];
		assert_int_equal(run("--timeout", v, "a"), CLI_ERROR);
		if (!strstr(err_buf, "--timeout") || (*v && !strstr(err_buf, bad[i])))
			fail_msg("--timeout %s: message '%s'", bad[i], err_buf);
	}
}

static void test_unknown_and_missing(void **state)
{
	(void)state;
	assert_int_equal(run("--bogus", "a"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "unknown option"));
	assert_non_null(strstr(err_buf, "--bogus"));
	assert_int_equal(run("a", "-x"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "-x"));
	assert_int_equal(run("a", "--mem"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "needs a value"));
	assert_non_null(strstr(err_buf, "--mem"));
	assert_int_equal(run("a", "-t"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "'-t'"));
	assert_int_equal(run("--stats=1", "a"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "--stats"));
}

/*
 * "-xs": the bad option is not the last of its word, so getopt has not
 * advanced optind and argv[optind - 1] is the word before it: the message
 * must still name -x (a regression test).
 */
static void test_unknown_in_cluster(void **state)
{
	(void)state;
	assert_int_equal(run("a", "-xs"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "unknown option"));
	if (!strstr(err_buf, "-x")) {
		fail_msg("message does not name the option: %s", err_buf);
	}
	assert_int_equal(run("-sqx", "a"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "-x")); /* last of its word: works */
}

static void test_no_image(void **state)
{
	(void)state;
	assert_int_equal(run_argv(1, (char *[]){"mini-kvm", NULL}), CLI_ERROR);
	assert_non_null(strstr(err_buf, "no guest image"));
	assert_int_equal(run("-s", "--mem", "2M"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "no guest image"));
}

static void test_gdb_options(void **state)
{
	(void)state;
	assert_int_equal(run("--gdb", "unix:/tmp/s", "--gdb-wait", "img"), CLI_RUN);
	assert_string_equal(opt.gdb, "unix:/tmp/s");
	assert_true(opt.gdb_wait);
	assert_false(opt.gdb_allow_remote);
	assert_int_equal(run("img"), CLI_RUN);
	assert_null(opt.gdb);
	assert_int_equal(run("--gdb-wait", "img"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "--gdb-wait needs --gdb ADDR"));
	assert_int_equal(run("--gdb-allow-remote", "img"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "--gdb-allow-remote needs --gdb ADDR"));
	assert_int_equal(run("--gdb", "tcp::1234", "a", "b"), CLI_ERROR);
	assert_non_null(strstr(err_buf, "gdb debugs one guest"));
	assert_int_equal(run("img", "--gdb"), CLI_ERROR); /* no value */
}

static void test_help_version(void **state)
{
	(void)state;
	assert_int_equal(run("--help"), CLI_EXIT);
	assert_non_null(strstr(out_buf, "Usage: mini-kvm"));
	assert_non_null(strstr(out_buf, "--timeout"));
	assert_string_equal(err_buf, "");
	assert_int_equal(run("a", "-h"), CLI_EXIT);
	assert_non_null(strstr(out_buf, "Usage:"));
	assert_int_equal(run("--version"), CLI_EXIT);
	assert_non_null(strstr(out_buf, "mini-kvm "));
	assert_int_equal(run("-V", "a"), CLI_EXIT);
	assert_true(strncmp(out_buf, "mini-kvm ", 9) == 0);
	assert_string_equal(err_buf, "");
}

/* Runs cli_parse with stdout on a pseudo-terminal; returns opt.color. */
static bool color_on_tty(const char *no_color, bool flag)
{
	int master, slave, saved;
	enum cli_result r;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	if (no_color)
		setenv("NO_COLOR", no_color, 1);
	else
		unsetenv("NO_COLOR");
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(slave, STDOUT_FILENO);
	r = flag ? run("--no-color", "a") : run("a");
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(slave);
	close(master);
	unsetenv("NO_COLOR");
	assert_int_equal(r, CLI_RUN);
	return opt.color;
}

static void test_color(void **state)
{
	(void)state;
	assert_true(color_on_tty(NULL, false));
	assert_true(color_on_tty("", false)); /* empty NO_COLOR: ignored */
	assert_false(color_on_tty("1", false));
	assert_false(color_on_tty(NULL, true));
	/* Not a terminal: never colour. */
	fflush(stdout);
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	dup2(null, STDOUT_FILENO);
	enum cli_result r = run("a");
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	assert_int_equal(r, CLI_RUN);
	assert_false(opt.color);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size_ok),
		cmocka_unit_test(test_parse_size_bad),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_mem_errors),
		cmocka_unit_test(test_timeout_errors),
		cmocka_unit_test(test_unknown_and_missing),
		cmocka_unit_test(test_unknown_in_cluster),
		cmocka_unit_test(test_no_image),
		cmocka_unit_test(test_gdb_options),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_color),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_group);
}
