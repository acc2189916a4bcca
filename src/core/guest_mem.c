/* SPDX-License-Identifier: MIT */
#include "guest_mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT)
#endif
#define HUGE_2M	     (2ull << 20)
#define HUGETLB_FREE "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"

/* Free reserved 2 MiB hugetlbfs pages (0 if none or unknown). */
static uint64_t hugetlb_free(void)
{
	unsigned long long n = 0;
	FILE *f = fopen(HUGETLB_FREE, "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

/* @size bytes at a 2 MiB aligned address: map 2 MiB more, trim both ends. */
static void *map_aligned(uint64_t size)
{
	uint8_t *raw = mmap(NULL, size + HUGE_2M, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *p;
	uint64_t head;

	if (raw == MAP_FAILED)
		return MAP_FAILED;
	p = (uint8_t *)(((uintptr_t)raw + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
	head = (uint64_t)(p - raw);
	if (head)
		munmap(raw, head);
	if (HUGE_2M - head)
		munmap(p + size, HUGE_2M - head);
	return p;
}

int gmem_init(struct guest_mem *m, uint64_t size, bool huge)
{
	void *p = MAP_FAILED;

	m->pages = GMEM_PAGES_4K;
	if (size == 0 || size > UINT64_MAX - HUGE_2M)
		return -EINVAL;
	if (huge && size % HUGE_2M == 0 && hugetlb_free() >= size / HUGE_2M) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_HUGETLB | MAP_HUGE_2MB,
			 -1, 0);
		if (p != MAP_FAILED)
			m->pages = GMEM_PAGES_HUGETLB;
	}
	if (p == MAP_FAILED && huge) {
		p = map_aligned(size);
		/* EINVAL: THP is off ("never") or not built: small pages. */
		if (p != MAP_FAILED && madvise(p, size, MADV_HUGEPAGE) == 0)
			m->pages = GMEM_PAGES_THP;
	}
	if (p == MAP_FAILED) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		/* THP "always" would still give huge pages: really small ones. */
		madvise(p, size, MADV_NOHUGEPAGE);
	}
	m->host = p;
	m->size = size;
	return 0;
}

const char *gmem_pages_name(const struct guest_mem *m)
{
	switch (m->pages) {
	case GMEM_PAGES_HUGETLB: return "2 MiB pages (hugetlbfs)";
	case GMEM_PAGES_THP: return "2 MiB pages (transparent huge pages, madvise)";
	default: return "4 KiB pages";
	}
}

void gmem_destroy(struct guest_mem *m)
{
	if (m->host)
		munmap(m->host, m->size);
	m->host = NULL;
	m->size = 0;
}

void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	/* Written so that no sum can wrap: len <= size, then gpa <= size - len. */
	if (!m->host || len > m->size || gpa > m->size - len)
		return NULL;
	return m->host + gpa;
}

int gmem_read(const struct guest_mem *m, void *dst, uint64_t gpa, uint64_t len)
{
	const void *p = gmem_ptr(m, gpa, len);
	if (!p)
		return -1;
	memcpy(dst, p, len);
	return 0;
}

int gmem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len)
{
	void *p = gmem_ptr(m, gpa, len);
	if (!p)
		return -1;
	memcpy(p, src, len);
	return 0;
}
