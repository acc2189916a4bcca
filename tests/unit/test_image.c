/* SPDX-License-Identifier: MIT */
/* Unit tests for src/loaders/image.c: reading image files, the flat loader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loaders/image.h"
#include "mkvm/abi.h"

/* Creates a temp file holding @n bytes of @data; returns its path (static). */
static const char *make_file(const void *data, size_t n)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/mkvm-test-image-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

static void test_missing(void **state)
{
	const char *path = "/tmp/mkvm-test-image-does-not-exist/x.bin";
	struct image img;
	char err[256] = "";

	(void)state;
	assert_int_equal(image_read(&img, path, 1 << 20, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	assert_null(img.data);
	assert_int_equal(img.size, 0);
}

static void test_directory(void **state)
{
	struct image img;
	char err[256] = "";

	(void)state;
	assert_int_equal(image_read(&img, "/tmp", 1 << 20, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/tmp"));
	assert_non_null(strstr(err, "directory"));
	assert_null(img.data);
}

static void test_not_regular(void **state)
{
	struct image img;
	char err[256] = "";

	(void)state;
	assert_int_equal(image_read(&img, "/dev/null", 1 << 20, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/dev/null"));
	assert_non_null(strstr(err, "not a regular file"));
	assert_null(strstr(err, "directory"));
}

static void test_empty(void **state)
{
	const char *path = make_file("", 0);
	struct image img;
	char err[256] = "";

	(void)state;
	assert_int_equal(image_read(&img, path, 1 << 20, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "empty"));
	assert_null(img.data);
	unlink(path);
}

static void test_too_large(void **state)
{
	static const char data[100] = "0123456789";
	const char *path = make_file(data, sizeof(data));
	struct image img;
	char err[256] = "";

	(void)state;
	assert_int_equal(image_read(&img, path, 99, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "100 bytes"));
	assert_non_null(strstr(err, "at most 99 bytes"));
	assert_null(img.data);
	assert_int_equal(img.size, 0);
	/* Exactly max is fine. */
	assert_int_equal(image_read(&img, path, 100, err, sizeof(err)), 0);
	assert_int_equal(img.size, 100);
	image_free(&img);
	unlink(path);
}

static void test_good(void **state)
{
	uint8_t data[5000];
	const char *path;
	struct image img;
	char err[256] = "";

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	path = make_file(data, sizeof(data));
	assert_int_equal(image_read(&img, path, 1 << 20, err, sizeof(err)), 0);
	assert_ptr_equal(img.path, path);
	assert_int_equal(img.size, sizeof(data));
	assert_non_null(img.data);
	assert_memory_equal(img.data, data, sizeof(data));
	image_free(&img);
	assert_null(img.data);
	assert_int_equal(img.size, 0);
	image_free(&img); /* twice is harmless */
	unlink(path);
}

static void test_flat_max_size(void **state)
{
	(void)state;
	assert_int_equal(flat_max_size(GUEST_MEM_MIN), GUEST_MEM_MIN - REAL_LOAD_ADDR);
	assert_int_equal(flat_max_size(GUEST_MEM_MAX), GUEST_MEM_MAX - REAL_LOAD_ADDR);
	assert_int_equal(flat_max_size(REAL_LOAD_ADDR + 1), 1);
	assert_int_equal(flat_max_size(REAL_LOAD_ADDR), 0);
	assert_int_equal(flat_max_size(0), 0);
}

static void test_flat_load(void **state)
{
	uint8_t boot[512] = {0xfa, 0xf4};
	struct image img = {.path = "boot.bin", .data = boot, .size = sizeof(boot)};
	struct guest_mem mem;
	char err[256] = "";

	(void)state;
	boot[510] = 0x55;
	boot[511] = 0xaa;
	assert_int_equal(gmem_init(&mem, GUEST_MEM_MIN, false), 0);
	assert_int_equal(flat_load(&img, &mem, err, sizeof(err)), 0);
	assert_memory_equal(mem.host + REAL_LOAD_ADDR, boot, sizeof(boot));
	assert_int_equal(mem.host[REAL_LOAD_ADDR - 1], 0);
	assert_int_equal(mem.host[REAL_LOAD_ADDR + sizeof(boot)], 0);
	gmem_destroy(&mem);
}

static void test_flat_load_fit(void **state)
{
	size_t max = flat_max_size(GUEST_MEM_MIN);
	uint8_t *big = malloc(max + 1);
	struct image img = {.path = "big.bin", .data = big, .size = max};
	struct guest_mem mem;
	char err[256] = "";

	(void)state;
	assert_non_null(big);
	memset(big, 0xcc, max + 1);
	assert_int_equal(gmem_init(&mem, GUEST_MEM_MIN, false), 0);
	/* Exactly flat_max_size() bytes fit, up to the last byte of RAM. */
	assert_int_equal(flat_load(&img, &mem, err, sizeof(err)), 0);
	assert_int_equal(mem.host[GUEST_MEM_MIN - 1], 0xcc);
	assert_int_equal(mem.host[REAL_LOAD_ADDR - 1], 0);
	/* One more byte does not, and the message names the image. */
	memset(mem.host, 0, GUEST_MEM_MIN);
	img.size = max + 1;
	assert_int_equal(flat_load(&img, &mem, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "big.bin"));
	assert_non_null(strstr(err, "does not fit"));
	assert_int_equal(mem.host[REAL_LOAD_ADDR], 0); /* nothing written */
	gmem_destroy(&mem);
	free(big);
}

/* A mapped file copied into guest RAM in pieces (more than one), at an
 * odd offset and length; a guest range outside RAM copies nothing. */
static void test_to_guest(void **state)
{
	size_t n = (1u << 20) + 12345;
	uint8_t *data = malloc(n);
	const char *path;
	struct image img;
	struct guest_mem mem;
	char err[256] = "";

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 7 + (i >> 9));
	path = make_file(data, n);
	assert_int_equal(image_read(&img, path, n, err, sizeof(err)), 0);
	unlink(path);
	assert_true(img.mapped);
	assert_int_equal(gmem_init(&mem, 4u << 20, false), 0);
	assert_int_equal(image_to_guest(&img, 3, n - 3, &mem, 0x100001), 0);
	assert_memory_equal(mem.host + 0x100001, data + 3, n - 3);
	assert_int_equal(mem.host[0x100000], 0);
	assert_int_equal(mem.host[0x100001 + n - 3], 0);
	/* The pieces dropped from memory read back the same from the file. */
	assert_memory_equal(img.data, data, n);
	assert_int_equal(image_to_guest(&img, 0, 16, &mem, (4u << 20) - 8), -1);
	assert_int_equal(image_to_guest(&img, 0, 16, &mem, UINT64_MAX - 4), -1);
	assert_int_equal(mem.host[(4u << 20) - 8], 0);
	gmem_destroy(&mem);
	image_free(&img);
	assert_null(img.data);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing),	      cmocka_unit_test(test_directory),
		cmocka_unit_test(test_not_regular),   cmocka_unit_test(test_empty),
		cmocka_unit_test(test_too_large),     cmocka_unit_test(test_good),
		cmocka_unit_test(test_flat_max_size), cmocka_unit_test(test_flat_load),
		cmocka_unit_test(test_flat_load_fit), cmocka_unit_test(test_to_guest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
