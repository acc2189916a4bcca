/* SPDX-License-Identifier: MIT */
/*
 * Chooses how a guest starts from its image: a flat binary in real mode, an
 * ELF32 kernel in protected mode (paging on for a higher-half entry), an
 * ELF64 kernel in long mode; --mode can choose among the modes that fit.
 */
#ifndef MKVM_BOOT_H
#define MKVM_BOOT_H

#include <stdbool.h>
#include <stddef.h>

#include "arch/x86/modes.h"
#include "core/guest_mem.h"
#include "elf.h"
#include "image.h"
#include "bzimage.h"
#include "multiboot.h"

/* Guest-physical ranges the VMM fills itself: no kernel may load there. */
extern const struct mem_range pc_reserved[];
extern const size_t pc_nreserved;
/* The same for multiboot kernels (paging off): boot.c. */
extern const struct mem_range mb_reserved[];
extern const size_t mb_nreserved;

/* What the command line adds to the image. */
struct boot_args {
	int mode;		      /* a cpu_mode, or -1 for the image's own */
	const char *cmdline;	      /* --append, or NULL */
	const struct mb_module *mods; /* --initrd files */
	size_t nmods;
	unsigned ncpus; /* vCPUs (Linux: the ACPI MADT) */
	/* From the guest's devices (src/devices/devices.h), for Linux: */
	const char *dev_cmdline; /* appended to its command line, or NULL / "" */
	const uint8_t *dev_aml;	 /* DSDT nodes */
	size_t dev_aml_len;
};

/* True if @img boots as a kernel (ELF, multiboot or Linux bzImage): the PC profile. */
bool boot_is_kernel(const struct image *img, int mode);

/* Loads @img into @mem and fills @b.  0, or -1 with a one-line message in
 * @err.  A multiboot kernel boots as multiboot unless a --mode other than
 * protected asks for a plain ELF boot. */
int boot_load(const struct image *img, struct guest_mem *mem, const struct boot_args *a,
	      struct cpu_boot *b, char *err, size_t errlen);

#endif
