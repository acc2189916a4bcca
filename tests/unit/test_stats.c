/* SPDX-License-Identifier: MIT */
/* Unit tests for src/core/stats.c: --stats counters and their report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"

static void test_port_counting(void **state)
{
	struct vm_stats s = {0};

	(void)state;
	assert_int_equal(stats_port_count(&s, 0x3f8), 0);
	stats_port(&s, 0x3f8);
	stats_port(&s, 0x3f8);
	stats_port(&s, 0x501);
	stats_port(&s, 0); /* port 0 is a real port, not a free slot */
	stats_port(&s, 0xffff);
	stats_port(&s, 0xffff);
	stats_port(&s, 0xffff);
	assert_int_equal(stats_port_count(&s, 0x3f8), 2);
	assert_int_equal(stats_port_count(&s, 0x501), 1);
	assert_int_equal(stats_port_count(&s, 0), 1);
	assert_int_equal(stats_port_count(&s, 0xffff), 3);
	assert_int_equal(stats_port_count(&s, 0x3f9), 0);
	assert_int_equal(s.ports_other, 0);
}

static void test_port_overflow(void **state)
{
	struct vm_stats s = {0};
	unsigned p;

	(void)state;
	/* Ports chosen to collide in the hash: multiples of the slot count. */
	for (p = 0; p < STATS_PORT_SLOTS; p++) {
		stats_port(&s, (uint16_t)(p * STATS_PORT_SLOTS));
		stats_port(&s, (uint16_t)(p * STATS_PORT_SLOTS));
	}
	for (p = 0; p < STATS_PORT_SLOTS; p++)
		assert_int_equal(stats_port_count(&s, (uint16_t)(p * STATS_PORT_SLOTS)), 2);
	assert_int_equal(s.ports_other, 0);
	/* Table full: new ports go to "other", known ports still count. */
	stats_port(&s, 0x1001);
	stats_port(&s, 0x1002);
	stats_port(&s, 0x1001);
	assert_int_equal(s.ports_other, 3);
	assert_int_equal(stats_port_count(&s, 0x1001), 0);
	stats_port(&s, STATS_PORT_SLOTS * 5);
	assert_int_equal(stats_port_count(&s, STATS_PORT_SLOTS * 5), 3);
	assert_int_equal(s.ports_other, 3);
}

static void test_every_port(void **state)
{
	struct vm_stats s = {0};
	uint64_t tracked = 0;

	(void)state;
	for (unsigned p = 0; p <= 0xffff; p++)
		stats_port(&s, (uint16_t)p);
	for (unsigned p = 0; p <= 0xffff; p++)
		tracked += stats_port_count(&s, (uint16_t)p);
	assert_int_equal(tracked, STATS_PORT_SLOTS);
	assert_int_equal(s.ports_other, 0x10000 - STATS_PORT_SLOTS);
}

static void test_exits(void **state)
{
	struct vm_stats s = {0};

	(void)state;
	assert_int_equal(stats_total_exits(&s), 0);
	stats_exit(&s, KVM_EXIT_IO);
	stats_exit(&s, KVM_EXIT_IO);
	stats_exit(&s, KVM_EXIT_HLT);
	stats_exit(&s, STATS_EXIT_REASONS - 1);
	stats_exit(&s, STATS_EXIT_REASONS);
	stats_exit(&s, STATS_EXIT_REASONS + 1);
	stats_exit(&s, UINT32_MAX);
	assert_int_equal(s.exits[KVM_EXIT_IO], 2);
	assert_int_equal(s.exits[KVM_EXIT_HLT], 1);
	assert_int_equal(s.exits[STATS_EXIT_REASONS - 1], 1);
	assert_int_equal(s.exits[STATS_EXIT_REASONS], 3); /* "other" */
	assert_int_equal(stats_total_exits(&s), 7);
}

static char *print(const struct vm_stats *s, const char *name)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	stats_print(s, name, f);
	fclose(f);
	return buf;
}

static void test_print(void **state)
{
	struct vm_stats s = {0};
	char *out;

	(void)state;
	s.start = (struct timespec){10, 900000000};
	s.end = (struct timespec){12, 150000000};
	for (int i = 0; i < 5; i++)
		stats_exit(&s, KVM_EXIT_IO);
	stats_exit(&s, KVM_EXIT_HLT);
	stats_exit(&s, 63);
	stats_exit(&s, 1000);
	stats_port(&s, 0x501);
	stats_port(&s, 0x501);
	stats_port(&s, 0x3f8);
	s.ports_other = 4;
	s.io_unhandled = 6;
	s.hypercalls[1] = 2;
	s.hypercalls[3] = 1;
	s.hypercalls[9] = 7;

	out = print(&s, "hello");
	assert_non_null(strstr(out, "stats hello: run time 1.250000 s, 8 exits\n"));
	assert_non_null(strstr(out, "  exit io: 5\n"));
	assert_non_null(strstr(out, "  exit hlt: 1\n"));
	assert_non_null(strstr(out, "  exit 63: 1\n"));
	assert_non_null(strstr(out, "  exit other: 1\n"));
	assert_non_null(strstr(out, "  io port 0x0501: 2\n"));
	assert_non_null(strstr(out, "  io port 0x03f8: 1\n"));
	/* ascending port order */
	assert_true(strstr(out, "0x03f8") < strstr(out, "0x0501"));
	assert_non_null(strstr(out, "  io other ports: 4\n"));
	assert_non_null(strstr(out, "  io unhandled: 6\n"));
	assert_non_null(strstr(out, "  hypercall 1 (putchar): 2\n"));
	assert_non_null(strstr(out, "  hypercall 3 (write): 1\n"));
	assert_non_null(strstr(out, "  hypercall 9 (unknown): 7\n"));
	assert_null(strstr(out, "hypercall 0"));
	assert_null(strstr(out, "exit mmio"));
	free(out);
}

static void test_print_empty(void **state)
{
	struct vm_stats s = {0};
	char *out;

	(void)state;
	out = print(&s, "idle");
	/* Just the header line: zero counters are not listed. */
	assert_string_equal(out, "stats idle: run time 0.000000 s, 0 exits\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port_counting), cmocka_unit_test(test_port_overflow),
		cmocka_unit_test(test_every_port),    cmocka_unit_test(test_exits),
		cmocka_unit_test(test_print),	      cmocka_unit_test(test_print_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
