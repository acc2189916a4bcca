/* SPDX-License-Identifier: MIT */
/* Unit tests for src/core/guest_mem.c: the one checked gpa -> host accessor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/guest_mem.h"
#include "mkvm/abi.h"

#define SIZE GUEST_MEM_MIN

static int setup(void **state)
{
	static struct guest_mem m;

	if (gmem_init(&m, SIZE, false) < 0)
		return -1;
	*state = &m;
	return 0;
}

static int teardown(void **state)
{
	gmem_destroy(*state);
	return 0;
}

static void test_init_destroy(void **state)
{
	struct guest_mem m;

	(void)state;
	assert_int_equal(gmem_init(&m, SIZE, false), 0);
	assert_non_null(m.host);
	assert_int_equal(m.size, SIZE);
	assert_int_equal(m.host[0], 0); /* anonymous memory starts zeroed */
	assert_int_equal(m.host[SIZE - 1], 0);
	gmem_destroy(&m);
	assert_null(m.host);
	assert_int_equal(m.size, 0);
	/* After destroy every access fails, even len 0 at gpa 0. */
	assert_null(gmem_ptr(&m, 0, 0));
	gmem_destroy(&m); /* idempotent */
}

static void test_init_zero_size_fails(void **state)
{
	struct guest_mem m = {0};

	(void)state;
	assert_true(gmem_init(&m, 0, false) < 0);
	assert_null(m.host);
}

/* Huge pages where the host allows: a 2 MiB aligned mapping (hugetlbfs or
 * THP); small pages only when asked.  Zero bytes fail either way. */
static void test_huge_pages(void **state)
{
	struct guest_mem m;

	(void)state;
	assert_true(gmem_init(&m, 0, true) < 0);
	assert_int_equal(gmem_init(&m, 6ull << 20, true), 0);
	if (m.pages != GMEM_PAGES_4K)
		assert_int_equal((uintptr_t)m.host % (2u << 20), 0);
	m.host[0] = 1; /* the whole range is ours */
	m.host[m.size - 1] = 2;
	assert_non_null(strstr(gmem_pages_name(&m), m.pages == GMEM_PAGES_4K ? "4 KiB" : "2 MiB"));
	gmem_destroy(&m);
	assert_int_equal(gmem_init(&m, 6ull << 20, false), 0);
	assert_int_equal(m.pages, GMEM_PAGES_4K);
	assert_string_equal(gmem_pages_name(&m), "4 KiB pages");
	gmem_destroy(&m);
}

static void test_ptr_in_bounds(void **state)
{
	const struct guest_mem *m = *state;

	assert_ptr_equal(gmem_ptr(m, 0, 1), m->host);
	assert_ptr_equal(gmem_ptr(m, 0, SIZE), m->host); /* all of RAM */
	assert_ptr_equal(gmem_ptr(m, SIZE - 1, 1), m->host + SIZE - 1);
	assert_ptr_equal(gmem_ptr(m, SIZE - 4, 4), m->host + SIZE - 4);
	assert_ptr_equal(gmem_ptr(m, 0x7c00, 512), m->host + 0x7c00);
	/* len 0 is valid up to and including the end. */
	assert_ptr_equal(gmem_ptr(m, 0, 0), m->host);
	assert_ptr_equal(gmem_ptr(m, SIZE, 0), m->host + SIZE);
}

static void test_ptr_out_of_bounds(void **state)
{
	const struct guest_mem *m = *state;

	assert_null(gmem_ptr(m, SIZE, 1));     /* one past the end */
	assert_null(gmem_ptr(m, SIZE - 1, 2)); /* straddles the end */
	assert_null(gmem_ptr(m, SIZE - 3, 4));
	assert_null(gmem_ptr(m, 0, SIZE + 1)); /* len > size */
	assert_null(gmem_ptr(m, SIZE + 1, 0)); /* len 0 past the end */
	assert_null(gmem_ptr(m, UINT64_MAX, 0));
	assert_null(gmem_ptr(m, UINT64_MAX, 1));
}

static void test_ptr_wrapping(void **state)
{
	const struct guest_mem *m = *state;

	/* gpa + len wraps around 2^64 to a small number: must still fail. */
	assert_null(gmem_ptr(m, UINT64_MAX - 1, 4));
	assert_null(gmem_ptr(m, 1, UINT64_MAX));
	assert_null(gmem_ptr(m, UINT64_MAX, UINT64_MAX));
	assert_null(gmem_ptr(m, 0, UINT64_MAX));
	assert_null(gmem_ptr(m, SIZE, UINT64_MAX - SIZE + 1)); /* sum == 2^64 */
	assert_null(gmem_ptr(m, UINT64_MAX - SIZE + 1, SIZE));
}

static void test_write_read_roundtrip(void **state)
{
	const struct guest_mem *m = *state;
	const char msg[] = "hello, guest";
	char back[sizeof(msg)] = {0};

	assert_int_equal(gmem_write(m, 0x1000, msg, sizeof(msg)), 0);
	assert_memory_equal(m->host + 0x1000, msg, sizeof(msg));
	assert_int_equal(gmem_read(m, back, 0x1000, sizeof(back)), 0);
	assert_memory_equal(back, msg, sizeof(msg));

	/* The very last bytes of RAM. */
	assert_int_equal(gmem_write(m, SIZE - 4, "ABCD", 4), 0);
	memset(back, 0, sizeof(back));
	assert_int_equal(gmem_read(m, back, SIZE - 4, 4), 0);
	assert_memory_equal(back, "ABCD", 4);

	/* len 0 at the end succeeds and touches nothing. */
	assert_int_equal(gmem_write(m, SIZE, "x", 0), 0);
	assert_int_equal(gmem_read(m, back, SIZE, 0), 0);
}

static void test_failed_write_changes_nothing(void **state)
{
	const struct guest_mem *m = *state;
	uint8_t src[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t zero[8] = {0};

	memset(m->host + SIZE - 8, 0, 8);
	/* Straddles the end by one byte: nothing may be written, not even
	 * the first 7 bytes that would have fitted. */
	assert_int_equal(gmem_write(m, SIZE - 7, src, 8), -1);
	assert_memory_equal(m->host + SIZE - 8, zero, 8);
	assert_int_equal(gmem_write(m, SIZE, src, 1), -1);
	assert_int_equal(gmem_write(m, UINT64_MAX - 1, src, 4), -1);
	assert_memory_equal(m->host, zero, 8);
	assert_memory_equal(m->host + SIZE - 8, zero, 8);
}

static void test_failed_read_leaves_dst(void **state)
{
	const struct guest_mem *m = *state;
	uint8_t dst[8];
	uint8_t pattern[8];

	memset(dst, 0xa5, sizeof(dst));
	memset(pattern, 0xa5, sizeof(pattern));
	assert_int_equal(gmem_read(m, dst, SIZE - 7, 8), -1);
	assert_int_equal(gmem_read(m, dst, SIZE, 1), -1);
	assert_int_equal(gmem_read(m, dst, 1, UINT64_MAX), -1);
	assert_memory_equal(dst, pattern, sizeof(dst));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_destroy),
		cmocka_unit_test(test_init_zero_size_fails),
		cmocka_unit_test(test_huge_pages),
		cmocka_unit_test_setup_teardown(test_ptr_in_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptr_out_of_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptr_wrapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_read_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_read_leaves_dst, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
