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

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *host; /* start of the host mapping */
	uint64_t size; /* bytes of RAM at guest-physical 0 */
};

/* Maps @size bytes of anonymous memory; returns 0 or -errno. */
int gmem_init(struct guest_mem *m, uint64_t size);
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
