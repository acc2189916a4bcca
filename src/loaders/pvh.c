/* SPDX-License-Identifier: MIT */
#include "pvh.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "mkvm/abi.h"

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t align4(uint64_t n)
{
	return (n + 3) & ~3ull;
}

/* The notes in [off, off + len) of the file: the PVH entry, and whether
 * any note is Linux's or Xen's.  A malformed note ends the walk. */
static void walk_notes(const struct image *img, uint64_t off, uint64_t len, bool *linux_notes,
		       bool *found, uint32_t *entry)
{
	const uint8_t *d = img->data;
	uint64_t end = off + len;

	while (end - off >= 12) {
		uint64_t namesz = get32(d + off), descsz = get32(d + off + 4);
		uint32_t type = get32(d + off + 8);
		uint64_t name = off + 12, desc = name + align4(namesz);

		/* namesz, descsz < 2^32: no sum below can wrap. */
		if (desc > end || align4(descsz) > end - desc)
			return;
		if ((namesz == 4 && memcmp(d + name, "Xen", 4) == 0) ||
		    (namesz == 6 && memcmp(d + name, "Linux", 6) == 0))
			*linux_notes = true;
		if (namesz == 4 && memcmp(d + name, "Xen", 4) == 0 &&
		    type == XEN_ELFNOTE_PHYS32_ENTRY && descsz >= 4) {
			*found = true;
			*entry = get32(d + desc); /* a 32-bit value (or the low half of 64) */
		}
		off = desc + align4(descsz);
	}
}

enum pvh_kind pvh_probe(const struct image *img, uint32_t *entry)
{
	const uint8_t *d = img->data;
	bool is64, linux_notes = false, found = false;
	uint64_t phoff, phnum, phsize;

	if (img->size < EI_NIDENT)
		return PVH_NOT_LINUX;
	is64 = d[EI_CLASS] == ELFCLASS64;
	phsize = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (img->size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return PVH_NOT_LINUX;
	if (is64) {
		Elf64_Ehdr h;
		memcpy(&h, d, sizeof(h));
		phoff = h.e_phoff;
		phnum = h.e_phnum;
	} else {
		Elf32_Ehdr h;
		memcpy(&h, d, sizeof(h));
		phoff = h.e_phoff;
		phnum = h.e_phnum;
	}
	if (phoff > img->size || phnum * phsize > img->size - phoff)
		return PVH_NOT_LINUX; /* elf_load says what is wrong */
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t type, off, len;
		if (is64) {
			Elf64_Phdr p;
			memcpy(&p, d + phoff + i * phsize, sizeof(p));
			type = p.p_type, off = p.p_offset, len = p.p_filesz;
		} else {
			Elf32_Phdr p;
			memcpy(&p, d + phoff + i * phsize, sizeof(p));
			type = p.p_type, off = p.p_offset, len = p.p_filesz;
		}
		if (type == PT_NOTE && off <= img->size && len <= img->size - off)
			walk_notes(img, off, len, &linux_notes, &found, entry);
	}
	return found ? PVH_ENTRY : linux_notes ? PVH_NO_ENTRY : PVH_NOT_LINUX;
}

static uint64_t mib_up(uint64_t bytes)
{
	return (bytes + (1ull << 20) - 1) >> 20;
}

int pvh_load(const struct image *img, struct guest_mem *mem, const struct pvh_args *a,
	     struct cpu_boot *b, char *err, size_t errlen)
{
	char line[PVH_CMDLINE_MAX + 2];
	uint8_t si[HVM_START_INFO_SIZE], mod[HVM_MODLIST_ENTRY_SIZE];
	uint8_t map[3 * HVM_MEMMAP_ENTRY_SIZE];
	const uint64_t si_at = PC_BOOTINFO_ADDR, mod_at = si_at + 0x40, map_at = si_at + 0x100;
	const uint64_t ranges[3][3] = {
		{0, PC_LEGACY_HOLE, HVM_MEMMAP_TYPE_RAM},
		{PC_LEGACY_HOLE, PC_KERNEL_MIN - PC_LEGACY_HOLE, HVM_MEMMAP_TYPE_RESERVED},
		{PC_KERNEL_MIN, mem->size - PC_KERNEL_MIN, HVM_MEMMAP_TYPE_RAM},
	};
	uint64_t initrd_at = 0, initrd_size = 0;
	struct elf_info e;
	uint32_t entry = 0;
	int n;

	if (pvh_probe(img, &entry) != PVH_ENTRY) {
		snprintf(
			err, errlen,
			"%s: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): boot its bzImage, or build the kernel with CONFIG_PVH=y",
			img->path);
		return -1;
	}
	n = snprintf(line, sizeof(line), "%s%s%s", a->cmdline ? a->cmdline : "",
		     a->cmdline && a->extra ? " " : "", a->extra ? a->extra : "");
	if (n < 0 || n > PVH_CMDLINE_MAX) {
		snprintf(err, errlen,
			 "%s: command line too long (%d bytes; Linux takes at most %d)", img->path,
			 n, PVH_CMDLINE_MAX);
		return -1;
	}
	/* Checks every segment, then loads them at their physical addresses;
	 * the entry is the note's, not e_entry. */
	if (elf_load_phys(img, mem, a->res, a->nres, &e, err, errlen) < 0)
		return -1;
	if (entry < PC_KERNEL_MIN || entry < e.lowest || entry >= e.highest) {
		snprintf(err, errlen,
			 "%s: PVH entry 0x%x is outside the kernel's segments (0x%llx..0x%llx)",
			 img->path, entry, (unsigned long long)e.lowest,
			 (unsigned long long)e.highest);
		return -1;
	}
	if (a->initrd) {
		initrd_size = a->initrd->size;
		if (initrd_size > mem->size ||
		    ((mem->size - initrd_size) & ~0xfffull) < e.highest) {
			snprintf(
				err, errlen,
				"%s: initrd of %llu bytes does not fit between the kernel (up to 0x%llx) and 0x%llx; use --mem %lluM or more",
				a->initrd->path, (unsigned long long)initrd_size,
				(unsigned long long)e.highest, (unsigned long long)mem->size,
				(unsigned long long)mib_up(e.highest + initrd_size + 0x1000));
			return -1;
		}
		initrd_at = (mem->size - initrd_size) & ~0xfffull;
	}

	memset(si, 0, sizeof(si));
	put32(si + 0, HVM_START_MAGIC);
	put32(si + 4, HVM_START_VERSION);
	put32(si + 12, a->initrd ? 1 : 0); /* nr_modules */
	put64(si + 16, a->initrd ? mod_at : 0);
	put64(si + 24, PC_CMDLINE_ADDR);
	put64(si + 32, a->rsdp);
	put64(si + 40, map_at);
	put32(si + 48, 3); /* memmap_entries */
	memset(mod, 0, sizeof(mod));
	put64(mod + 0, initrd_at);
	put64(mod + 8, initrd_size);
	memset(map, 0, sizeof(map));
	for (int i = 0; i < 3; i++) {
		put64(map + i * HVM_MEMMAP_ENTRY_SIZE, ranges[i][0]);
		put64(map + i * HVM_MEMMAP_ENTRY_SIZE + 8, ranges[i][1]);
		put32(map + i * HVM_MEMMAP_ENTRY_SIZE + 16, (uint32_t)ranges[i][2]);
	}
	if (gmem_write(mem, si_at, si, sizeof(si)) < 0 ||
	    gmem_write(mem, mod_at, mod, sizeof(mod)) < 0 ||
	    gmem_write(mem, map_at, map, sizeof(map)) < 0 ||
	    gmem_write(mem, PC_CMDLINE_ADDR, line, (uint64_t)n + 1) < 0 ||
	    (a->initrd && image_to_guest(a->initrd, 0, initrd_size, mem, initrd_at) < 0)) {
		snprintf(err, errlen, "%s: internal error: a checked range is outside memory",
			 img->path);
		return -1;
	}
	*b = (struct cpu_boot){
		.mode = MODE_PROTECTED,
		.entry = entry,
		.stack = PC_STACK_TOP,
		.ebx = (uint32_t)si_at,
	};
	return 0;
}
