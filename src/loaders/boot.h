/* SPDX-License-Identifier: MIT */
/*
 * Chooses how a guest starts from its image: a flat binary in real mode, an
 * ELF32 kernel in protected mode (paging on for a higher-half entry), an
 * ELF64 kernel in long mode; --mode can choose among the modes that fit.
 */
#ifndef MKVM_BOOT_H
#define MKVM_BOOT_H

#include <stddef.h>

#include "arch/x86/modes.h"
#include "core/guest_mem.h"
#include "image.h"

/* Loads @img into @mem and fills @b.  @mode: a cpu_mode, or -1 for the
 * image's own.  0, or -1 with a one-line message in @err. */
int boot_load(const struct image *img, struct guest_mem *mem, int mode, struct cpu_boot *b,
	      char *err, size_t errlen);

#endif
