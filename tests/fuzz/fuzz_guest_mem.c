/* SPDX-License-Identifier: MIT */
/*
 * fuzz_guest_mem: gmem_ptr / gmem_read / gmem_write (src/core/guest_mem.c)
 * with hostile (gpa, len) pairs near every edge.  The oracle is exact
 * 128-bit arithmetic: a pointer exactly when gpa + len <= size.  The memory
 * is a malloc'd buffer of the exact size, so ASan sees a one-byte overrun;
 * gmem_init/gmem_destroy run once per input too.
 */
#include "fuzz.h"

#include "core/guest_mem.h"

static uint8_t scratch[1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	struct guest_mem m, mapped = {0};
	uint64_t msize = 1 + fdp_u16(&f); /* 1 .. 64 KiB, not page-rounded */

	if (gmem_init(&mapped, msize, false) == 0) {
		FUZZ_CHECK(mapped.host && mapped.size == msize, "gmem_init");
		FUZZ_CHECK(gmem_ptr(&mapped, msize - 1, 1) != NULL, "last byte of mapped memory");
		gmem_destroy(&mapped);
		FUZZ_CHECK(!mapped.host && !mapped.size, "gmem_destroy");
		FUZZ_CHECK(gmem_ptr(&mapped, 0, 0) == NULL, "gmem_ptr after destroy");
	}
	fuzz_mem_alloc(&m, msize);
	memset(m.host, 0, msize);
	while (f.n) {
		uint8_t op = fdp_u8(&f);
		uint64_t gpa = fdp_edge(&f, msize);
		uint64_t len = fdp_edge(&f, (op & 1) ? msize - gpa : msize);
		bool in = (unsigned __int128)gpa + len <= msize;
		uint8_t *p = gmem_ptr(&m, gpa, len);

		FUZZ_CHECK((p != NULL) == in, "gmem_ptr(size 0x%llx, gpa 0x%llx, len 0x%llx) = %p",
			   (unsigned long long)msize, (unsigned long long)gpa,
			   (unsigned long long)len, (void *)p);
		if (p)
			FUZZ_CHECK(p == m.host + gpa, "gmem_ptr points elsewhere");
		if (len > sizeof(scratch)) {
			FUZZ_CHECK(!in, "len bigger than memory accepted");
			FUZZ_CHECK(gmem_read(&m, scratch, gpa, len) == -1,
				   "gmem_read out of range");
			continue;
		}
		if (op & 2) {
			uint8_t v = fdp_u8(&f);
			memset(scratch, v, len);
			FUZZ_CHECK(gmem_write(&m, gpa, scratch, len) == (in ? 0 : -1),
				   "gmem_write");
			if (in)
				for (uint64_t i = 0; i < len; i++)
					FUZZ_CHECK(m.host[gpa + i] == v, "byte not written");
		} else {
			FUZZ_CHECK(gmem_read(&m, scratch, gpa, len) == (in ? 0 : -1), "gmem_read");
			if (in)
				FUZZ_CHECK(memcmp(scratch, m.host + gpa, len) == 0,
					   "bytes not read");
		}
	}
	fuzz_mem_free(&m);
	return 0;
}
