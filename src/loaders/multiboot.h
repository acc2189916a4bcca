/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1, as QEMU's -kernel implements it: the header is searched in
 * the first 8 KiB; the kernel is an ELF32 or uses the header's address
 * fields; it starts in 32-bit protected mode, paging off, with
 * EAX = 0x2BADB002 and EBX = the multiboot information at PC_BOOTINFO_ADDR
 * (memory sizes, a memory map, the command line and modules).
 */
#ifndef MKVM_MULTIBOOT_H
#define MKVM_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "arch/x86/modes.h"
#include "core/guest_mem.h"
#include "image.h"

#define MB_HEADER_MAGIC 0x1badb002
#define MB_BOOT_MAGIC	0x2badb002
#define MB_SEARCH_LIMIT 8192
#define MB_MAX_MODULES	16

struct mb_module {
	const struct image *img; /* file contents */
	const char *string;	 /* the module's command line */
};

/* Offset of a valid multiboot header in @img, or -1 if there is none. */
long mb_find_header(const struct image *img);

/*
 * Loads the kernel, the modules and the boot information; fills @b.
 * @cmdline may be NULL.  0, or -1 with a one-line message in @err.
 */
int mb_load(const struct image *img, struct guest_mem *mem, const char *cmdline,
	    const struct mb_module *mods, size_t nmods, struct cpu_boot *b, char *err,
	    size_t errlen);

#endif
