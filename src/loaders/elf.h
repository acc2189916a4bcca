/* SPDX-License-Identifier: MIT */
/*
 * ELF32 (i386) and ELF64 (x86-64) kernel loader: PT_LOAD segments copied to
 * their physical addresses, bss zeroed.  Every header field is hostile input.
 */
#ifndef MKVM_ELF_H
#define MKVM_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "core/guest_mem.h"
#include "image.h"

/* A guest-physical range the loader must not write (VMM-built structures). */
struct mem_range {
	uint64_t start;
	uint64_t end; /* exclusive */
	const char *what;
};

struct elf_info {
	int bits;	   /* 32 or 64 */
	uint64_t entry;	   /* e_entry (virtual) */
	uint64_t entry_pa; /* physical address of the entry point */
	uint64_t lowest;   /* lowest physical address loaded */
	uint64_t highest;  /* end of the highest segment (exclusive, bss included) */
};

/*
 * Checks that [start, start + len) lies in guest RAM and touches none of the
 * @nres reserved ranges.  0, or -1 with a message naming @path and @what.
 */
int load_range_check(const struct guest_mem *mem, uint64_t start, uint64_t len,
		     const struct mem_range *res, size_t nres, const char *path, const char *what,
		     char *err, size_t errlen);

/* True if @img starts with the ELF magic. */
int elf_is_elf(const struct image *img);

/*
 * Checks @img and loads it into @mem, refusing segments that touch any of
 * the @nres reserved ranges.  0, or -1 with a one-line message in @err.
 */
int elf_load(const struct image *img, struct guest_mem *mem, const struct mem_range *res,
	     size_t nres, struct elf_info *info, char *err, size_t errlen);

/* The same, for a kernel whose entry comes from elsewhere (a PVH note):
 * e_entry is not checked; info->entry_pa stays 0. */
int elf_load_phys(const struct image *img, struct guest_mem *mem, const struct mem_range *res,
		  size_t nres, struct elf_info *info, char *err, size_t errlen);

#endif
