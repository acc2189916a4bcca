/* SPDX-License-Identifier: MIT */
/* Unit tests for src/core/bus.c: range registration, lookup and dispatch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "core/bus.h"

/* Records the last access a device saw. */
struct dev {
	int calls;
	uint64_t addr, offset;
	unsigned size;
	bool is_write;
	uint8_t wdata[8];
	enum io_result ret;
};

static enum io_result dev_fn(void *opaque, struct io_access *a)
{
	struct dev *d = opaque;

	d->calls++;
	d->addr = a->addr;
	d->offset = a->offset;
	d->size = a->size;
	d->is_write = a->is_write;
	if (a->is_write)
		memcpy(d->wdata, a->data, a->size);
	else
		memset(a->data, 0x42, a->size);
	return d->ret;
}

static void test_register_sorted(void **state)
{
	struct bus b = {0};
	int x, y, z;

	(void)state;
	assert_int_equal(bus_register(&b, 0x500, 0x10, "c", dev_fn, &z), 0);
	assert_int_equal(bus_register(&b, 0x60, 1, "a", dev_fn, &x), 0);
	assert_int_equal(bus_register(&b, 0x3f8, 8, "b", dev_fn, &y), 0);
	assert_int_equal(b.n, 3);
	assert_int_equal(b.r[0].base, 0x60);
	assert_string_equal(b.r[0].name, "a");
	assert_ptr_equal(b.r[0].opaque, &x);
	assert_int_equal(b.r[1].base, 0x3f8);
	assert_int_equal(b.r[1].len, 8);
	assert_ptr_equal(b.r[1].opaque, &y);
	assert_int_equal(b.r[2].base, 0x500);
	assert_ptr_equal(b.r[2].opaque, &z);
	/* Adjacent ranges on both sides are not overlaps. */
	assert_int_equal(bus_register(&b, 0x3f0, 8, "left", dev_fn, NULL), 0);
	assert_int_equal(bus_register(&b, 0x400, 0x100, "right", dev_fn, NULL), 0);
	assert_int_equal(b.n, 5);
	for (unsigned i = 1; i < b.n; i++)
		assert_true(b.r[i - 1].base + b.r[i - 1].len <= b.r[i].base);
}

static void test_register_overlap(void **state)
{
	struct bus b = {0};

	(void)state;
	assert_int_equal(bus_register(&b, 0x100, 0x10, "a", dev_fn, NULL), 0);
	assert_int_equal(bus_register(&b, 0x200, 0x10, "b", dev_fn, NULL), 0);
	/* identical, inside, straddling left and right, covering */
	assert_int_equal(bus_register(&b, 0x100, 0x10, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0x104, 4, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0x10f, 1, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0xf8, 0x9, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0x10f, 0x10, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0x80, 0x100, "x", dev_fn, NULL), -EEXIST);
	/* covering both, and straddling from the first into the second */
	assert_int_equal(bus_register(&b, 0, 0x1000, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0x1f0, 0x11, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0x1f8, 0x100, "x", dev_fn, NULL), -EEXIST);
	assert_int_equal(bus_register(&b, 0x20f, UINT64_MAX - 0x20f + 1, "x", dev_fn, NULL),
			 -EEXIST);
	assert_int_equal(b.n, 2);
	/* The gap between them is free. */
	assert_int_equal(bus_register(&b, 0x110, 0xf0, "gap", dev_fn, NULL), 0);
	assert_int_equal(b.n, 3);
}

static void test_register_invalid(void **state)
{
	struct bus b = {0};

	(void)state;
	assert_int_equal(bus_register(&b, 0x100, 0, "x", dev_fn, NULL), -EINVAL);
	assert_int_equal(bus_register(&b, UINT64_MAX, 2, "x", dev_fn, NULL), -EINVAL);
	assert_int_equal(bus_register(&b, 2, UINT64_MAX, "x", dev_fn, NULL), -EINVAL);
	assert_int_equal(bus_register(&b, 0x100, 1, "x", NULL, NULL), -EINVAL);
	assert_int_equal(b.n, 0);
	/* Ranges ending exactly at 2^64 - 1 are fine. */
	assert_int_equal(bus_register(&b, UINT64_MAX, 1, "top", dev_fn, NULL), 0);
	assert_int_equal(bus_register(&b, 1, UINT64_MAX - 1, "big", dev_fn, NULL), 0);
	assert_int_equal(b.n, 2);
	assert_int_equal(bus_register(&b, 0, 2, "x", dev_fn, NULL), -EEXIST);
}

static void test_register_full(void **state)
{
	struct bus b = {0};

	(void)state;
	/* Registered in descending order: each insert shifts the others. */
	for (unsigned i = 0; i < BUS_MAX_RANGES; i++)
		assert_int_equal(bus_register(&b, 0x1000 - 0x10 * i, 4, "d", dev_fn, NULL), 0);
	assert_int_equal(b.n, BUS_MAX_RANGES);
	assert_int_equal(bus_register(&b, 0x8000, 1, "x", dev_fn, NULL), -ENOSPC);
	assert_int_equal(b.n, BUS_MAX_RANGES);
	for (unsigned i = 0; i < BUS_MAX_RANGES; i++)
		assert_int_equal(b.r[i].base, 0x1000 - 0x10 * (BUS_MAX_RANGES - 1 - i));
}

static void test_find_edges(void **state)
{
	struct bus b = {0};
	const struct bus_range *r;

	(void)state;
	assert_null(bus_find(&b, 0));
	assert_int_equal(bus_register(&b, 0x3f8, 8, "uart", dev_fn, NULL), 0);
	assert_int_equal(bus_register(&b, 0x500, 0x10, "hc", dev_fn, NULL), 0);
	assert_int_equal(bus_register(&b, 0x60, 1, "kbd", dev_fn, NULL), 0);
	assert_int_equal(bus_register(&b, UINT64_MAX - 1, 2, "top", dev_fn, NULL), 0);

	assert_null(bus_find(&b, 0x3f7));
	r = bus_find(&b, 0x3f8);
	assert_non_null(r);
	assert_string_equal(r->name, "uart");
	assert_ptr_equal(bus_find(&b, 0x3ff), r);
	assert_null(bus_find(&b, 0x400));
	assert_null(bus_find(&b, 0x4ff));
	assert_string_equal(bus_find(&b, 0x500)->name, "hc");
	assert_string_equal(bus_find(&b, 0x50f)->name, "hc");
	assert_null(bus_find(&b, 0x510));
	assert_string_equal(bus_find(&b, 0x60)->name, "kbd");
	assert_null(bus_find(&b, 0x5f));
	assert_null(bus_find(&b, 0x61));
	assert_null(bus_find(&b, 0));
	assert_null(bus_find(&b, UINT64_MAX - 2));
	assert_string_equal(bus_find(&b, UINT64_MAX)->name, "top");
}

static void test_dispatch(void **state)
{
	struct bus b = {0};
	struct dev d1 = {.ret = IO_DONE}, d2 = {.ret = IO_STOP};
	uint8_t data[4] = {0x11, 0x22, 0x33, 0x44};
	struct io_access a = {.addr = 0x3fd, .data = data, .size = 1, .is_write = false};

	(void)state;
	assert_int_equal(bus_register(&b, 0x3f8, 8, "uart", dev_fn, &d1), 0);
	assert_int_equal(bus_register(&b, 0x500, 0x10, "hc", dev_fn, &d2), 0);

	assert_int_equal(bus_dispatch(&b, &a), IO_DONE);
	assert_int_equal(d1.calls, 1);
	assert_int_equal(d2.calls, 0);
	assert_int_equal(d1.addr, 0x3fd);
	assert_int_equal(d1.offset, 5);
	assert_int_equal(d1.size, 1);
	assert_false(d1.is_write);
	assert_int_equal(data[0], 0x42);
	assert_int_equal(data[1], 0x22); /* only size bytes */

	a = (struct io_access){.addr = 0x503, .data = data, .size = 4, .is_write = true};
	assert_int_equal(bus_dispatch(&b, &a), IO_STOP); /* handler's result */
	assert_int_equal(d1.calls, 1);
	assert_int_equal(d2.calls, 1);
	assert_int_equal(d2.offset, 3);
	assert_int_equal(a.offset, 3);
	assert_int_equal(d2.size, 4);
	assert_true(d2.is_write);
	assert_memory_equal(d2.wdata, data, 4);
}

static void test_dispatch_unhandled(void **state)
{
	struct bus b = {0};
	struct dev d = {.ret = IO_DONE};
	uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const uint8_t orig[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const uint8_t ones2[8] = {0xff, 0xff, 3, 4, 5, 6, 7, 8};
	struct io_access a = {.addr = 0x80, .data = data, .size = 2, .is_write = true};

	(void)state;
	assert_int_equal(bus_register(&b, 0x60, 1, "kbd", dev_fn, &d), 0);

	assert_int_equal(bus_dispatch(&b, &a), IO_UNHANDLED);
	assert_memory_equal(data, orig, sizeof(data)); /* write: untouched */

	a.is_write = false;
	assert_int_equal(bus_dispatch(&b, &a), IO_UNHANDLED);
	assert_memory_equal(data, ones2, sizeof(data)); /* read: size bytes of 0xff */

	a.addr = 0x61;
	a.size = 8;
	assert_int_equal(bus_dispatch(&b, &a), IO_UNHANDLED);
	assert_int_equal(data[7], 0xff);
	assert_int_equal(d.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_sorted),	   cmocka_unit_test(test_register_overlap),
		cmocka_unit_test(test_register_invalid),   cmocka_unit_test(test_register_full),
		cmocka_unit_test(test_find_edges),	   cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_dispatch_unhandled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
