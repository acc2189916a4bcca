/* SPDX-License-Identifier: MIT */
#include "boot.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "arch/x86/acpi.h"
#include "elf.h"
#include "pvh.h"
#include "mkvm/abi.h"

const struct mem_range pc_reserved[] = {
	{0, PC_PGTABLE_END, "VMM area (IVT, GDT/TSS, boot info, command line, page tables)"},
	{PC_PGTABLE_END, PC_LEGACY_HOLE, "initial stack area"},
	{PC_LEGACY_HOLE, PC_KERNEL_MIN, "legacy PC hole (EBDA, VGA, ROM)"},
};
const size_t pc_nreserved = sizeof(pc_reserved) / sizeof(pc_reserved[0]);

/* Multiboot kernels start with paging off: no page tables, and the initial
 * stack is the kernel's own business (the spec leaves ESP undefined), so a
 * kernel may use all of RAM from PC_PGTABLE_ADDR up to the legacy hole,
 * e.g. one linked at 0x8000 as for QEMU's -kernel. */
const struct mem_range mb_reserved[] = {
	{0, PC_PGTABLE_ADDR, "VMM area (IVT, GDT/TSS, boot info, command line)"},
	{PC_LEGACY_HOLE, PC_KERNEL_MIN, "legacy PC hole (EBDA, VGA, ROM)"},
};
const size_t mb_nreserved = sizeof(mb_reserved) / sizeof(mb_reserved[0]);

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
	return mode != MODE_REAL &&
	       (elf_is_elf(img) || mb_find_header(img) >= 0 || bz_is_bzimage(img));
}

/* The ACPI tables (RSDP in 0xe0000-0xfffff, in the legacy hole no kernel
 * may load into) for every PC-profile kernel, as firmware leaves them:
 * Linux, and multiboot/ELF kernels that look for the PM timer or S5. */
static int pc_acpi(const struct image *img, struct guest_mem *mem, const struct boot_args *a,
		   uint64_t *rsdp, char *err, size_t errlen)
{
	*rsdp = acpi_build(mem, a->ncpus ? a->ncpus : 1, a->dev_aml, a->dev_aml_len);
	if (*rsdp)
		return 0;
	snprintf(
		err, errlen,
		"%s: cannot build the ACPI tables for %u vCPUs (at most %d) and %zu bytes of device nodes (at most %d)",
		img->path, a->ncpus, ACPI_MAX_CPUS, a->dev_aml_len, ACPI_DSDT_EXTRA_MAX);
	return -1;
}

/* What a Linux kernel (bzImage or vmlinux) takes from the command line:
 * no --mode, at most one --initrd without arguments (*initrd, or NULL). */
static int linux_args(const struct image *img, const struct boot_args *a,
		      const struct image **initrd, char *err, size_t errlen)
{
	*initrd = NULL;
	if (a->mode != -1) {
		snprintf(err, errlen, "%s: a Linux kernel chooses its own mode; drop --mode",
			 img->path);
		return -1;
	}
	if (a->nmods > 1) {
		snprintf(err, errlen, "%s: a Linux kernel takes one --initrd, not %zu", img->path,
			 a->nmods);
		return -1;
	}
	if (a->nmods == 1) {
		if (strcmp(a->mods[0].string, a->mods[0].img->path) != 0) {
			snprintf(err, errlen,
				 "%s: --initrd '%s': a Linux initrd takes no arguments", img->path,
				 a->mods[0].string);
			return -1;
		}
		*initrd = a->mods[0].img;
	}
	return 0;
}

/* A Linux bzImage: ACPI tables, then the boot protocol (docs/linux.md). */
static int boot_linux(const struct image *img, struct guest_mem *mem, const struct boot_args *a,
		      struct cpu_boot *b, char *err, size_t errlen)
{
	struct bz_args bz = {.cmdline = a->cmdline,
			     .extra = a->dev_cmdline && *a->dev_cmdline ? a->dev_cmdline : NULL};

	if (linux_args(img, a, &bz.initrd, err, errlen) < 0 ||
	    pc_acpi(img, mem, a, &bz.rsdp, err, errlen) < 0)
		return -1;
	return bz_load(img, mem, &bz, b, err, errlen);
}

/* A Linux vmlinux (ELF) through its PVH entry (docs/linux.md). */
static int boot_pvh(const struct image *img, struct guest_mem *mem, const struct boot_args *a,
		    struct cpu_boot *b, char *err, size_t errlen)
{
	struct pvh_args p = {.cmdline = a->cmdline,
			     .extra = a->dev_cmdline && *a->dev_cmdline ? a->dev_cmdline : NULL,
			     .res = pc_reserved,
			     .nres = pc_nreserved};

	if (linux_args(img, a, &p.initrd, err, errlen) < 0 ||
	    pc_acpi(img, mem, a, &p.rsdp, err, errlen) < 0)
		return -1;
	return pvh_load(img, mem, &p, b, err, errlen);
}

int boot_load(const struct image *img, struct guest_mem *mem, const struct boot_args *a,
	      struct cpu_boot *b, char *err, size_t errlen)
{
	bool multiboot = mb_find_header(img) >= 0 && (a->mode == -1 || a->mode == MODE_PROTECTED);
	uint64_t rsdp;

	if (bz_is_bzimage(img))
		return boot_linux(img, mem, a, b, err, errlen);
	if (elf_is_elf(img) && !multiboot) {
		uint32_t entry;
		switch (pvh_probe(img, &entry)) {
		case PVH_ENTRY: return boot_pvh(img, mem, a, b, err, errlen);
		case PVH_NO_ENTRY:
			snprintf(
				err, errlen,
				"%s: a Linux vmlinux without the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): boot its bzImage, or build it with CONFIG_PVH=y",
				img->path);
			return -1;
		case PVH_NOT_LINUX: break;
		}
	}

	if (multiboot)
		return mb_load(img, mem, a->cmdline, a->mods, a->nmods, b, err, errlen) < 0
			       ? -1
			       : pc_acpi(img, mem, a, &rsdp, err, errlen);
	if (a->cmdline || a->nmods) {
		snprintf(err, errlen,
			 "%s: --append and --initrd need a multiboot kernel (or a Linux bzImage)",
			 img->path);
		return -1;
	}
	if (elf_is_elf(img))
		return boot_elf(img, mem, a->mode, b, err, errlen) < 0
			       ? -1
			       : pc_acpi(img, mem, a, &rsdp, err, errlen);
	return boot_flat(img, mem, a->mode, b, err, errlen);
}
