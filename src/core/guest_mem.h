/* SPDX-License-Identifier: MIT */
/*
 * Guest-physical memory and the one checked accessor.
 *
 * Nothing else in mini-kvm turns a guest-physical address into a host
 * pointer: every access goes through gmem_ptr() (or the copy helpers built
 * on it), which checks address + length against the memory map without
 * integer overflow.
 */
#ifndef MKVM_GUEST_MEM_H
#define MKVM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What backs guest RAM (docs/memory-map.md, --stats). */
enum gmem_pages {
	GMEM_PAGES_4K,	    /* small pages: --no-huge-pages, or THP unavailable */
	GMEM_PAGES_THP,	    /* 2 MiB aligned, madvise(MADV_HUGEPAGE) */
	GMEM_PAGES_HUGETLB, /* MAP_HUGETLB: reserved hugetlbfs 2 MiB pages */
};

struct guest_mem {
	uint8_t *host; /* start of the host mapping */
	uint64_t size; /* bytes of RAM at guest-physical 0 */
	enum gmem_pages pages;
};

/*
 * Maps @size bytes of anonymous memory; returns 0 or -errno.  With @huge,
 * on 2 MiB pages where the host allows it: reserved hugetlbfs pages when
 * enough are free, else transparent huge pages on a 2 MiB aligned mapping
 * (KVM then maps the guest with 2 MiB nested pages too); without, small
 * pages only (MADV_NOHUGEPAGE, also when THP is "always").
 */
int gmem_init(struct guest_mem *m, uint64_t size, bool huge);

/* "2 MiB pages (hugetlbfs)", ...: what gmem_init chose, for --stats. */
const char *gmem_pages_name(const struct guest_mem *m);
void gmem_destroy(struct guest_mem *m);

/*
 * Host pointer to guest-physical [gpa, gpa + len), or NULL if any byte of
 * that range is outside guest RAM.  len == 0 is valid for gpa <= size.
 */
void *gmem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* Copy helpers; return 0, or -1 if the range is outside guest RAM. */
int gmem_read(const struct guest_mem *m, void *dst, uint64_t gpa, uint64_t len);
int gmem_write(const struct guest_mem *m, uint64_t gpa, const void *src, uint64_t len);

#endif
