/* SPDX-License-Identifier: MIT */
/*
 * fuzz_bus: random bus_register / bus_find / bus_dispatch sequences on a
 * struct bus (src/core/bus.c), checked against a simple reference model:
 * return codes, sorted and non-overlapping ranges, the right device (and
 * offset) for every address, 0xff for unhandled reads.  struct bus has no
 * unregister: a sequence starts from an empty bus for each input.
 */
#include "fuzz.h"

#include "core/bus.h"

struct model {
	uint64_t base[BUS_MAX_RANGES + 1], len[BUS_MAX_RANGES + 1];
	unsigned n;
};

static unsigned calls;
static uintptr_t last_dev;
static uint64_t last_offset;

static enum io_result dev_io(void *opaque, struct io_access *a)
{
	calls++;
	last_dev = (uintptr_t)opaque;
	last_offset = a->offset;
	if (!a->is_write)
		memset(a->data, 0x5a, a->size);
	return IO_DONE;
}

/* Index in the model of the range holding @addr, or -1. */
static int model_find(const struct model *m, uint64_t addr)
{
	for (unsigned i = 0; i < m->n; i++)
		if (addr >= m->base[i] && addr - m->base[i] < m->len[i])
			return (int)i;
	return -1;
}

static int model_register(struct model *m, uint64_t base, uint64_t len)
{
	if (len == 0 || (unsigned __int128)base + len - 1 > UINT64_MAX)
		return -EINVAL;
	if (m->n == BUS_MAX_RANGES)
		return -ENOSPC;
	for (unsigned i = 0; i < m->n; i++)
		if ((unsigned __int128)base < (unsigned __int128)m->base[i] + m->len[i] &&
		    (unsigned __int128)m->base[i] < (unsigned __int128)base + len)
			return -EEXIST;
	m->base[m->n] = base;
	m->len[m->n] = len;
	m->n++;
	return 0;
}

static void check_bus(const struct bus *b, const struct model *m)
{
	FUZZ_CHECK(b->n == m->n, "bus has %u ranges, model %u", b->n, m->n);
	for (unsigned i = 0; i < b->n; i++) {
		const struct bus_range *r = &b->r[i];
		FUZZ_CHECK(r->len > 0, "empty range %u", i);
		FUZZ_CHECK(r->base + r->len - 1 >= r->base, "range %u wraps", i);
		if (i)
			FUZZ_CHECK(b->r[i - 1].base + b->r[i - 1].len - 1 < r->base,
				   "ranges %u and %u unsorted or overlapping", i - 1, i);
		int j = model_find(m, r->base);
		FUZZ_CHECK(j >= 0 && m->base[j] == r->base && m->len[j] == r->len,
			   "range %u (0x%llx+0x%llx) not in the model", i,
			   (unsigned long long)r->base, (unsigned long long)r->len);
		FUZZ_CHECK((uintptr_t)r->opaque == (uintptr_t)j + 1,
			   "range %u has the wrong opaque", i);
	}
}

/* An address near the edges of a registered range, or anything. */
static uint64_t pick_addr(struct fdp *f, const struct model *m)
{
	uint8_t sel = fdp_u8(f);
	int8_t delta = (int8_t)fdp_u8(f);

	if (m->n && (sel & 3) != 3) {
		unsigned i = (sel >> 2) % m->n;
		uint64_t edge = (sel & 3) == 0 ? m->base[i] : m->base[i] + m->len[i] - 1;
		return edge + (uint64_t)(int64_t)(delta % 3);
	}
	return fdp_edge(f, 0x10000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	struct bus b;
	struct model m = {{0}, {0}, 0};

	memset(&b, 0, sizeof(b));
	while (f.n) {
		uint8_t op = fdp_u8(&f);

		if (op & 1) { /* register */
			uint64_t base = (op & 2) ? fdp_edge(&f, 0x10000) : pick_addr(&f, &m);
			uint64_t len = (op & 4) ? fdp_edge(&f, 0) : (uint64_t)fdp_u8(&f);
			unsigned idx = m.n;
			int want = model_register(&m, base, len);
			int got = bus_register(&b, base, len, "dev", dev_io,
					       (void *)(uintptr_t)(idx + 1));
			FUZZ_CHECK(got == want, "bus_register(0x%llx, 0x%llx) = %d, model %d",
				   (unsigned long long)base, (unsigned long long)len, got, want);
			if (op & 8) /* a NULL handler is refused and changes nothing */
				FUZZ_CHECK(bus_register(&b, base, len ? len : 1, "null", NULL,
							NULL) == -EINVAL,
					   "NULL handler accepted");
			check_bus(&b, &m);
		} else { /* find and dispatch */
			uint64_t addr = pick_addr(&f, &m);
			unsigned asize = 1u << ((op >> 1) & 3);
			bool write = op & 8;
			uint8_t buf[8];
			int j = model_find(&m, addr);
			const struct bus_range *r = bus_find(&b, addr);
			struct io_access a = {
				.addr = addr, .data = buf, .size = asize, .is_write = write};
			enum io_result res;

			memset(buf, 0x11, sizeof(buf));
			FUZZ_CHECK((r != NULL) == (j >= 0), "bus_find(0x%llx) = %p, model %d",
				   (unsigned long long)addr, (const void *)r, j);
			calls = 0;
			res = bus_dispatch(&b, &a);
			if (j < 0) {
				FUZZ_CHECK(res == IO_UNHANDLED && calls == 0, "unhandled dispatch");
				for (unsigned i = 0; i < asize; i++)
					FUZZ_CHECK(buf[i] == (write ? 0x11 : 0xff),
						   "byte %u = 0x%x", i, buf[i]);
			} else {
				FUZZ_CHECK(res == IO_DONE && calls == 1, "dispatch called %u",
					   calls);
				FUZZ_CHECK(last_dev == (uintptr_t)j + 1,
					   "dispatch to device %lu, want %d",
					   (unsigned long)last_dev, j + 1);
				FUZZ_CHECK(last_offset == addr - m.base[j], "offset 0x%llx",
					   (unsigned long long)last_offset);
			}
		}
	}
	return 0;
}
