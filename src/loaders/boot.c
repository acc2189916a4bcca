/* SPDX-License-Identifier: MIT */
#include "boot.h"

#include <stdbool.h>
#include <stdio.h>

#include "elf.h"
#include "mkvm/abi.h"

const struct mem_range pc_reserved[] = {
	{0, PC_PGTABLE_END, "VMM area (IVT, GDT/TSS, boot info, command line, page tables)"},
	{PC_PGTABLE_END, PC_LEGACY_HOLE, "initial stack area"},
	{PC_LEGACY_HOLE, PC_KERNEL_MIN, "legacy PC hole (EBDA, VGA, ROM)"},
};
const size_t pc_nreserved = sizeof(pc_reserved) / sizeof(pc_reserved[0]);

static int boot_flat(const struct image *img, struct guest_mem *mem, int mode, struct cpu_boot *b,
		     char *err, size_t errlen)
{
	if (mode != -1 && mode != MODE_REAL) {
		snprintf(err, errlen, "%s: a flat binary runs in real mode, not --mode %s",
			 img->path, cpu_mode_name(mode));
		return -1;
	}
	if (flat_load(img, mem, err, errlen) < 0)
		return -1;
	*b = (struct cpu_boot){.mode = MODE_REAL, .entry = REAL_LOAD_ADDR, .stack = REAL_STACK_TOP};
	return 0;
}

/* Where the VMM's page tables put virtual address @va in @mode. */
static uint64_t entry_phys(int mode, uint64_t va)
{
	if (mode == MODE_PAGING && va >= PC_HIGHER_HALF)
		return va - PC_HIGHER_HALF;
	if (mode == MODE_LONG && va >= PC_HIGHER_HALF64)
		return va - PC_HIGHER_HALF64;
	return va;
}

static int boot_elf(const struct image *img, struct guest_mem *mem, int mode, struct cpu_boot *b,
		    char *err, size_t errlen)
{
	struct elf_info e;

	if (elf_load(img, mem, pc_reserved, pc_nreserved, &e, err, errlen) < 0)
		return -1;
	if (mode == -1)
		mode = e.bits == 64		   ? MODE_LONG
		       : e.entry >= PC_HIGHER_HALF ? MODE_PAGING
						   : MODE_PROTECTED;
	if ((e.bits == 64) != (mode == MODE_LONG) || mode == MODE_REAL) {
		snprintf(err, errlen, "%s: a %d-bit ELF kernel cannot start in %s mode; use %s",
			 img->path, e.bits, cpu_mode_name(mode),
			 e.bits == 64 ? "--mode long" : "--mode protected or paging");
		return -1;
	}
	if (mode == MODE_LONG && e.entry >= (4ull << 30) && e.entry < PC_HIGHER_HALF64) {
		snprintf(
			err, errlen,
			"%s: entry point 0x%llx is not mapped (the VMM maps 0..4 GiB and the top 2 GiB)",
			img->path, (unsigned long long)e.entry);
		return -1;
	}
	if (mode != MODE_PROTECTED && entry_phys(mode, e.entry) != e.entry_pa) {
		snprintf(
			err, errlen,
			"%s: entry 0x%llx runs at physical 0x%llx in %s mode, but that code is loaded at 0x%llx; link with physical = virtual%s",
			img->path, (unsigned long long)e.entry,
			(unsigned long long)entry_phys(mode, e.entry), cpu_mode_name(mode),
			(unsigned long long)e.entry_pa,
			mode == MODE_LONG ? " (or virtual = 0xffffffff80000000 + physical)"
					  : " (or virtual = 0xc0000000 + physical)");
		return -1;
	}
	*b = (struct cpu_boot){
		.mode = mode,
		/* Without paging the CPU runs at physical addresses. */
		.entry = mode == MODE_PROTECTED ? e.entry_pa : e.entry,
		.stack = PC_STACK_TOP,
	};
	return 0;
}

bool boot_is_kernel(const struct image *img, int mode)
{
	return mode != MODE_REAL && (elf_is_elf(img) || mb_find_header(img) >= 0);
}

int boot_load(const struct image *img, struct guest_mem *mem, const struct boot_args *a,
	      struct cpu_boot *b, char *err, size_t errlen)
{
	bool multiboot = mb_find_header(img) >= 0 && (a->mode == -1 || a->mode == MODE_PROTECTED);

	if (multiboot)
		return mb_load(img, mem, a->cmdline, a->mods, a->nmods, b, err, errlen);
	if (a->cmdline || a->nmods) {
		snprintf(err, errlen, "%s: --append and --initrd need a multiboot kernel",
			 img->path);
		return -1;
	}
	if (elf_is_elf(img))
		return boot_elf(img, mem, a->mode, b, err, errlen);
	return boot_flat(img, mem, a->mode, b, err, errlen);
}
