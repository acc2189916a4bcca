/* SPDX-License-Identifier: MIT */
/*
 * Linux x86 boot protocol (Documentation/arch/x86/boot.rst), as a boot
 * loader without a BIOS does it: the setup header of a bzImage is checked
 * field by field (every field is hostile input), the protected-mode kernel
 * is copied to 1 MiB, the zero page (struct boot_params) gets the setup
 * header, an e820 map of guest RAM, the command line, the initrd and the
 * ACPI RSDP address; the kernel starts at its 64-bit entry (load address +
 * 0x200) in long mode with RSI = zero page, or at its 32-bit entry in flat
 * protected mode for kernels without one.  docs/linux.md has the details.
 */
#ifndef MKVM_BZIMAGE_H
#define MKVM_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86/modes.h"
#include "core/guest_mem.h"
#include "image.h"

/* Offsets in the zero page (struct boot_params) and the setup header. */
#define BP_ACPI_RSDP	    0x070
#define BP_EXT_RAMDISK_IMG  0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES	    0x1e8
#define BP_SETUP_SECTS	    0x1f1
#define BP_SYSSIZE	    0x1f4
#define BP_BOOT_FLAG	    0x1fe
#define BP_JUMP		    0x200
#define BP_HEADER	    0x202
#define BP_VERSION	    0x206
#define BP_TYPE_OF_LOADER   0x210
#define BP_LOADFLAGS	    0x211
#define BP_CODE32_START	    0x214
#define BP_RAMDISK_IMAGE    0x218
#define BP_RAMDISK_SIZE	    0x21c
#define BP_CMD_LINE_PTR	    0x228
#define BP_INITRD_ADDR_MAX  0x22c
#define BP_KERNEL_ALIGNMENT 0x230
#define BP_RELOCATABLE	    0x234
#define BP_XLOADFLAGS	    0x236
#define BP_CMDLINE_SIZE	    0x238
#define BP_PREF_ADDRESS	    0x258
#define BP_INIT_SIZE	    0x260
#define BP_E820_TABLE	    0x2d0
#define BP_E820_MAX	    128
#define BP_SIZE		    0x1000

#define BZ_HDRS_MAGIC	  0x53726448 /* "HdrS" */
#define BZ_BOOT_FLAG	  0xaa55
#define BZ_MIN_VERSION	  0x020a /* 2.10: init_size, pref_address */
#define BZ_LOADED_HIGH	  0x01
#define BZ_XLF_KERNEL_64  0x01
#define BZ_ENTRY64_OFFSET 0x200
#define BZ_LOADER_TYPE	  0xff /* "undefined" boot loader */
#define E820_RAM	  1
#define E820_RESERVED	  2

/* What the command line gives a Linux kernel. */
struct bz_args {
	const char *cmdline;	    /* --append, or NULL */
	const char *extra;	    /* appended by the VMM (e.g. virtio_mmio.device=...), or NULL */
	const struct image *initrd; /* --initrd, or NULL */
	uint64_t rsdp;		    /* guest-physical ACPI RSDP, or 0 */
};

/* True if @img has a Linux setup header: "HdrS" at 0x202. */
bool bz_is_bzimage(const struct image *img);

/*
 * Checks the setup header, loads the kernel, the initrd, the command line
 * and the zero page into @mem (the e820 map describes @mem), and fills @b.
 * 0, or -1 with a one-line message in @err; nothing is started.
 */
int bz_load(const struct image *img, struct guest_mem *mem, const struct bz_args *a,
	    struct cpu_boot *b, char *err, size_t errlen);

#endif
