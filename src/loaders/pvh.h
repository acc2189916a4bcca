/* SPDX-License-Identifier: MIT */
/*
 * Linux's uncompressed ELF vmlinux through the PVH entry, as QEMU's
 * `-kernel vmlinux`, Firecracker and Cloud Hypervisor boot it: the ELF
 * note XEN_ELFNOTE_PHYS32_ENTRY (type 18, name "Xen") gives a 32-bit
 * physical entry; the PT_LOAD segments go to their physical addresses; the
 * kernel starts in flat 32-bit protected mode, paging off, with EBX = the
 * guest-physical address of a struct hvm_start_info (Xen's
 * include/public/arch-x86/hvm/start_info.h, version 1): the memory map,
 * the command line, the initrd as module 0 and the ACPI RSDP.  No
 * decompression in the guest.  docs/linux.md.
 */
#ifndef MKVM_PVH_H
#define MKVM_PVH_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86/modes.h"
#include "core/guest_mem.h"
#include "elf.h"
#include "image.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC		 0x336ec578
#define HVM_START_VERSION	 1
#define HVM_START_INFO_SIZE	 56 /* version 1 */
#define HVM_MODLIST_ENTRY_SIZE	 32
#define HVM_MEMMAP_ENTRY_SIZE	 24
#define HVM_MEMMAP_TYPE_RAM	 1
#define HVM_MEMMAP_TYPE_RESERVED 2
#define PVH_CMDLINE_MAX		 2047 /* Linux's COMMAND_LINE_SIZE on x86, minus the NUL */

/* What the ELF's notes say about booting it as Linux. */
enum pvh_kind {
	PVH_NOT_LINUX, /* no "Xen" or "Linux" note: a plain ELF kernel */
	PVH_NO_ENTRY,  /* Linux (or Xen notes) without the PVH entry note */
	PVH_ENTRY,     /* has XEN_ELFNOTE_PHYS32_ENTRY: *entry is set */
};

/* Looks through @img's PT_NOTE segments (every size checked against the
 * file).  @img must be an ELF (elf_is_elf). */
enum pvh_kind pvh_probe(const struct image *img, uint32_t *entry);

struct pvh_args {
	const char *cmdline;	     /* --append, or NULL */
	const char *extra;	     /* the devices' fragment, or NULL */
	const struct image *initrd;  /* or NULL */
	uint64_t rsdp;		     /* guest-physical RSDP (ACPI tables built) */
	const struct mem_range *res; /* ranges no segment may touch */
	size_t nres;
};

/* Loads the vmlinux, the initrd (page-aligned, at the top of RAM), the
 * command line and the start info; fills @b.  0, or -1 with one line in
 * @err naming the file, the value and what to do. */
int pvh_load(const struct image *img, struct guest_mem *mem, const struct pvh_args *a,
	     struct cpu_boot *b, char *err, size_t errlen);

#endif
