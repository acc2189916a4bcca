/* SPDX-License-Identifier: MIT */
#include "guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

int gmem_init(struct guest_mem *m, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	m->host = p;
	m->size = size;
	return 0;
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
