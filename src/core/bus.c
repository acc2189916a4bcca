/* SPDX-License-Identifier: MIT */
#include "bus.h"

#include <errno.h>
#include <string.h>

int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name, io_handler fn,
		 void *opaque)
{
	unsigned i;

	if (len == 0 || base + len - 1 < base || !fn)
		return -EINVAL;
	if (b->n == BUS_MAX_RANGES)
		return -ENOSPC;
	for (i = 0; i < b->n; i++) {
		const struct bus_range *r = &b->r[i];
		if (base <= r->base + r->len - 1 && r->base <= base + len - 1)
			return -EEXIST;
		if (r->base > base)
			break;
	}
	memmove(&b->r[i + 1], &b->r[i], (b->n - i) * sizeof(b->r[0]));
	b->r[i] = (struct bus_range){base, len, name, fn, opaque};
	b->n++;
	return 0;
}

const struct bus_range *bus_find(const struct bus *b, uint64_t addr)
{
	unsigned lo = 0, hi = b->n;

	while (lo < hi) { /* binary search over the sorted ranges */
		unsigned mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &b->r[mid];
		if (addr < r->base)
			hi = mid;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

enum io_result bus_dispatch(const struct bus *b, struct io_access *a)
{
	const struct bus_range *r = bus_find(b, a->addr);

	if (!r) {
		if (!a->is_write)
			memset(a->data, 0xff, a->size);
		return IO_UNHANDLED;
	}
	a->offset = a->addr - r->base;
	return r->fn(r->opaque, a);
}
