/* SPDX-License-Identifier: MIT */
#include "multiboot.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "elf.h"
#include "mkvm/abi.h"

#define MB_FLAG_PAGE_ALIGN (1u << 0)  /* modules on 4 KiB boundaries */
#define MB_FLAG_MEMINFO	   (1u << 1)  /* wants mem_* and the memory map */
#define MB_FLAG_VIDEO	   (1u << 2)  /* video mode: ignored, like QEMU */
#define MB_FLAG_ADDRESS	   (1u << 16) /* the header's address fields are valid */
#define MB_FLAGS_KNOWN	   (MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMINFO | MB_FLAG_VIDEO | MB_FLAG_ADDRESS)

#define MBI_MEM		(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MODS	(1u << 3)
#define MBI_MMAP	(1u << 6)
#define MBI_LOADER_NAME (1u << 9)

/* Layout of the boot information page at PC_BOOTINFO_ADDR. */
#define MBI_MMAP_OFF	0x100
#define MBI_MODS_OFF	0x200
#define MBI_STRINGS_OFF 0x400
#define MBI_PAGE	0x1000

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
};

struct mb_mmap_entry {
	uint32_t size; /* of the rest of the entry: 20 */
	uint64_t addr, len;
	uint32_t type; /* 1 RAM, 2 reserved */
} __attribute__((packed));

struct mb_mod {
	uint32_t start, end, string, reserved;
};

long mb_find_header(const struct image *img)
{
	size_t limit = img->size < MB_SEARCH_LIMIT ? img->size : MB_SEARCH_LIMIT;

	for (size_t off = 0; off + 12 <= limit; off += 4) {
		uint32_t h[3];
		memcpy(h, img->data + off, sizeof(h));
		if (h[0] == MB_HEADER_MAGIC && (uint32_t)(h[0] + h[1] + h[2]) == 0)
			return (long)off;
	}
	return -1;
}

/* The kernel through the header's address fields (a.out kludge). */
static int load_by_address(const struct image *img, long off, const struct mb_header *h,
			   struct guest_mem *mem, uint64_t *end, char *err, size_t errlen)
{
	uint64_t file_off, load_len, mem_end;

	if ((size_t)off + sizeof(*h) > img->size) {
		snprintf(err, errlen, "%s: truncated multiboot header at offset %ld", img->path,
			 off);
		return -1;
	}
	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > (uint64_t)off) {
		snprintf(
			err, errlen,
			"%s: multiboot header_addr 0x%x and load_addr 0x%x do not fit its offset %ld",
			img->path, h->header_addr, h->load_addr, off);
		return -1;
	}
	file_off = (uint64_t)off - (h->header_addr - h->load_addr);
	load_len =
		h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr : img->size - file_off;
	if (h->load_end_addr && h->load_end_addr < h->load_addr) {
		snprintf(err, errlen, "%s: multiboot load_end_addr 0x%x is below load_addr 0x%x",
			 img->path, h->load_end_addr, h->load_addr);
		return -1;
	}
	if (load_len > img->size - file_off) {
		snprintf(err, errlen,
			 "%s: truncated: multiboot load range needs %llu bytes from offset %llu",
			 img->path, (unsigned long long)load_len, (unsigned long long)file_off);
		return -1;
	}
	mem_end = h->bss_end_addr ? h->bss_end_addr : h->load_addr + load_len;
	if (mem_end < h->load_addr + load_len) {
		snprintf(err, errlen, "%s: multiboot bss_end_addr 0x%x is below the loaded end",
			 img->path, h->bss_end_addr);
		return -1;
	}
	if (load_range_check(mem, h->load_addr, mem_end - h->load_addr, mb_reserved, mb_nreserved,
			     img->path, "kernel", err, errlen) < 0)
		return -1;
	if (h->entry_addr < h->load_addr || h->entry_addr >= mem_end) {
		snprintf(err, errlen,
			 "%s: multiboot entry_addr 0x%x is outside the kernel 0x%x..0x%llx",
			 img->path, h->entry_addr, h->load_addr, (unsigned long long)mem_end);
		return -1;
	}
	image_to_guest(img, file_off, load_len, mem, h->load_addr); /* checked above */
	memset(gmem_ptr(mem, h->load_addr + load_len, mem_end - h->load_addr - load_len), 0,
	       mem_end - h->load_addr - load_len);
	*end = mem_end;
	return 0;
}

/* Appends a NUL-terminated string to the boot information page. */
static uint32_t put_string(struct guest_mem *mem, uint32_t *at, uint32_t limit, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t addr = *at;

	if (n > limit - *at)
		return 0;
	gmem_write(mem, addr, s, n);
	*at += (uint32_t)n;
	return addr;
}

static int load_modules(struct guest_mem *mem, uint64_t start, const struct mb_module *mods,
			size_t nmods, bool page_align, struct mb_info *mbi, char *err,
			size_t errlen)
{
	uint32_t strings = PC_BOOTINFO_ADDR + MBI_STRINGS_OFF;
	uint64_t at = (start + 0xfff) & ~0xfffull;

	if (nmods > MB_MAX_MODULES) {
		snprintf(err, errlen, "%zu modules given; at most %d fit", nmods, MB_MAX_MODULES);
		return -1;
	}
	for (size_t i = 0; i < nmods; i++) {
		const struct image *m = mods[i].img;
		struct mb_mod d;

		if (load_range_check(mem, at, m->size, mb_reserved, mb_nreserved, m->path, "module",
				     err, errlen) < 0)
			return -1;
		image_to_guest(m, 0, m->size, mem, at); /* checked above */
		d = (struct mb_mod){(uint32_t)at, (uint32_t)(at + m->size), 0, 0};
		d.string = put_string(mem, &strings, PC_BOOTINFO_ADDR + MBI_PAGE, mods[i].string);
		if (!d.string) {
			snprintf(err, errlen, "%s: module strings longer than %d bytes in all",
				 m->path, MBI_PAGE - MBI_STRINGS_OFF);
			return -1;
		}
		gmem_write(mem, PC_BOOTINFO_ADDR + MBI_MODS_OFF + i * sizeof(d), &d, sizeof(d));
		at += m->size;
		if (page_align)
			at = (at + 0xfff) & ~0xfffull;
	}
	mbi->flags |= MBI_MODS;
	mbi->mods_count = (uint32_t)nmods;
	mbi->mods_addr = PC_BOOTINFO_ADDR + MBI_MODS_OFF;
	return 0;
}

static void put_memory_map(struct guest_mem *mem, struct mb_info *mbi)
{
	const struct mb_mmap_entry map[] = {
		{20, 0, PC_LEGACY_HOLE, 1},
		{20, PC_LEGACY_HOLE, PC_KERNEL_MIN - PC_LEGACY_HOLE, 2},
		{20, PC_KERNEL_MIN, mem->size - PC_KERNEL_MIN, 1},
	};

	gmem_write(mem, PC_BOOTINFO_ADDR + MBI_MMAP_OFF, map, sizeof(map));
	mbi->flags |= MBI_MEM | MBI_MMAP;
	mbi->mem_lower = PC_LEGACY_HOLE / 1024;
	mbi->mem_upper = (uint32_t)((mem->size - PC_KERNEL_MIN) / 1024);
	mbi->mmap_addr = PC_BOOTINFO_ADDR + MBI_MMAP_OFF;
	mbi->mmap_length = sizeof(map);
}

int mb_load(const struct image *img, struct guest_mem *mem, const char *cmdline,
	    const struct mb_module *mods, size_t nmods, struct cpu_boot *b, char *err,
	    size_t errlen)
{
	long off = mb_find_header(img);
	struct mb_header h = {0};
	struct mb_info mbi = {0};
	struct elf_info e;
	uint64_t end, entry;
	uint32_t name_at = PC_CMDLINE_ADDR;

	if (off < 0) {
		snprintf(err, errlen, "%s: no multiboot header in the first %d bytes", img->path,
			 MB_SEARCH_LIMIT);
		return -1;
	}
	memcpy(&h, img->data + off, img->size - (size_t)off < sizeof(h) ? 12 : sizeof(h));
	if (h.flags & ~MB_FLAGS_KNOWN & 0xffff) {
		snprintf(err, errlen,
			 "%s: multiboot header requires features 0x%x this loader lacks", img->path,
			 h.flags & ~MB_FLAGS_KNOWN & 0xffff);
		return -1;
	}
	if (h.flags & MB_FLAG_ADDRESS) {
		if (load_by_address(img, off, &h, mem, &end, err, errlen) < 0)
			return -1;
		entry = h.entry_addr;
	} else {
		if (!elf_is_elf(img)) {
			snprintf(
				err, errlen,
				"%s: multiboot kernel is neither ELF nor uses the header's address fields",
				img->path);
			return -1;
		}
		if (elf_load(img, mem, mb_reserved, mb_nreserved, &e, err, errlen) < 0)
			return -1;
		if (e.bits != 32) {
			snprintf(err, errlen, "%s: a multiboot kernel must be ELF32, not ELF64",
				 img->path);
			return -1;
		}
		end = e.highest;
		entry = e.entry_pa;
	}
	/* Command line (the kernel's path first, as QEMU does) and loader name. */
	{
		char line[PC_CMDLINE_MAX];
		int n = snprintf(line, sizeof(line), "%s%s%s", img->path, cmdline ? " " : "",
				 cmdline ? cmdline : "");
		if (n < 0 || (size_t)n >= sizeof(line) - sizeof("mini-kvm")) {
			snprintf(err, errlen, "%s: command line too long (at most %zu bytes)",
				 img->path,
				 sizeof(line) - sizeof("mini-kvm") - strlen(img->path) - 2);
			return -1;
		}
		mbi.cmdline = put_string(mem, &name_at, PC_CMDLINE_ADDR + PC_CMDLINE_MAX, line);
		mbi.boot_loader_name =
			put_string(mem, &name_at, PC_CMDLINE_ADDR + PC_CMDLINE_MAX, "mini-kvm");
		mbi.flags |= MBI_CMDLINE | MBI_LOADER_NAME;
	}
	put_memory_map(mem, &mbi);
	if (load_modules(mem, end, mods, nmods, h.flags & MB_FLAG_PAGE_ALIGN, &mbi, err, errlen) <
	    0)
		return -1;
	gmem_write(mem, PC_BOOTINFO_ADDR, &mbi, sizeof(mbi));
	*b = (struct cpu_boot){
		.mode = MODE_PROTECTED,
		.entry = entry,
		.stack = PC_STACK_TOP,
		.eax = MB_BOOT_MAGIC,
		.ebx = PC_BOOTINFO_ADDR,
	};
	return 0;
}
