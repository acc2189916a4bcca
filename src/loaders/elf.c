/* SPDX-License-Identifier: MIT */
#include "elf.h"

#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* One program header, whatever the class. */
struct seg {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

int elf_is_elf(const struct image *img)
{
	return img->size >= SELFMAG && memcmp(img->data, ELFMAG, SELFMAG) == 0;
}

static void read_seg(const struct image *img, int bits, uint64_t off, struct seg *s)
{
	if (bits == 64) {
		Elf64_Phdr p;
		memcpy(&p, img->data + off, sizeof(p));
		*s = (struct seg){p.p_type,  p.p_offset, p.p_vaddr,
				  p.p_paddr, p.p_filesz, p.p_memsz};
	} else {
		Elf32_Phdr p;
		memcpy(&p, img->data + off, sizeof(p));
		*s = (struct seg){p.p_type,  p.p_offset, p.p_vaddr,
				  p.p_paddr, p.p_filesz, p.p_memsz};
	}
}

/* Reads and checks the file header; fills bits, entry, phoff, phnum. */
static int check_header(const struct image *img, struct elf_info *info, uint64_t *phoff,
			uint64_t *phnum, char *err, size_t errlen)
{
	const unsigned char *id = img->data;
	uint64_t phentsize, want;

	if (img->size < EI_NIDENT || !elf_is_elf(img)) {
		snprintf(err, errlen, "%s: not an ELF file (bad magic)", img->path);
		return -1;
	}
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) {
		snprintf(err, errlen, "%s: ELF class %u is neither 32 nor 64-bit", img->path,
			 id[EI_CLASS]);
		return -1;
	}
	if (id[EI_DATA] != ELFDATA2LSB || id[EI_VERSION] != EV_CURRENT) {
		snprintf(err, errlen, "%s: not a little-endian ELF version 1 file", img->path);
		return -1;
	}
	info->bits = id[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	if (info->bits == 64) {
		Elf64_Ehdr h;
		if (img->size < sizeof(h))
			goto truncated;
		memcpy(&h, img->data, sizeof(h));
		if (h.e_machine != EM_X86_64)
			goto machine;
		if (h.e_type != ET_EXEC)
			goto type;
		info->entry = h.e_entry;
		*phoff = h.e_phoff;
		*phnum = h.e_phnum;
		phentsize = h.e_phentsize;
		want = sizeof(Elf64_Phdr);
	} else {
		Elf32_Ehdr h;
		if (img->size < sizeof(h))
			goto truncated;
		memcpy(&h, img->data, sizeof(h));
		if (h.e_machine != EM_386)
			goto machine;
		if (h.e_type != ET_EXEC)
			goto type;
		info->entry = h.e_entry;
		*phoff = h.e_phoff;
		*phnum = h.e_phnum;
		phentsize = h.e_phentsize;
		want = sizeof(Elf32_Phdr);
	}
	if (phentsize != want || *phnum == 0) {
		snprintf(err, errlen, "%s: bad program headers (e_phentsize %llu, e_phnum %llu)",
			 img->path, (unsigned long long)phentsize, (unsigned long long)*phnum);
		return -1;
	}
	/* phnum <= 65535 and phentsize <= 56: the product cannot overflow. */
	if (*phoff > img->size || *phnum * phentsize > img->size - *phoff) {
		snprintf(err, errlen,
			 "%s: truncated: program headers at %llu run past the end (%zu bytes)",
			 img->path, (unsigned long long)*phoff, img->size);
		return -1;
	}
	return 0;
truncated:
	snprintf(err, errlen, "%s: truncated ELF header (%zu bytes)", img->path, img->size);
	return -1;
machine:
	snprintf(err, errlen, "%s: wrong machine: a %d-bit ELF must be for %s", img->path,
		 info->bits, info->bits == 64 ? "x86-64" : "i386");
	return -1;
type:
	snprintf(err, errlen, "%s: not an executable ELF (ET_EXEC); link the kernel statically",
		 img->path);
	return -1;
}

int load_range_check(const struct guest_mem *mem, uint64_t start, uint64_t len,
		     const struct mem_range *res, size_t nres, const char *path, const char *what,
		     char *err, size_t errlen)
{
	if (!gmem_ptr(mem, start, len)) {
		snprintf(
			err, errlen,
			"%s: %s 0x%llx..0x%llx is outside guest memory (0x%llx bytes); use a larger --mem",
			path, what, (unsigned long long)start, (unsigned long long)(start + len),
			(unsigned long long)mem->size);
		return -1;
	}
	for (size_t i = 0; i < nres; i++) {
		if (len && start < res[i].end && res[i].start < start + len) {
			snprintf(
				err, errlen,
				"%s: %s 0x%llx..0x%llx overlaps the %s at 0x%llx..0x%llx; link the kernel above 0x%llx",
				path, what, (unsigned long long)start,
				(unsigned long long)(start + len), res[i].what,
				(unsigned long long)res[i].start, (unsigned long long)res[i].end,
				(unsigned long long)res[i].end);
			return -1;
		}
	}
	return 0;
}

static int check_seg(const struct image *img, const struct guest_mem *mem, const struct seg *s,
		     const struct mem_range *res, size_t nres, char *err, size_t errlen)
{
	if (s->offset > img->size || s->filesz > img->size - s->offset) {
		snprintf(
			err, errlen,
			"%s: truncated: segment data at offset %llu+%llu past the end of the file (%zu bytes)",
			img->path, (unsigned long long)s->offset, (unsigned long long)s->filesz,
			img->size);
		return -1;
	}
	if (s->filesz > s->memsz) {
		snprintf(err, errlen, "%s: segment at 0x%llx has p_filesz %llu > p_memsz %llu",
			 img->path, (unsigned long long)s->paddr, (unsigned long long)s->filesz,
			 (unsigned long long)s->memsz);
		return -1;
	}
	return load_range_check(mem, s->paddr, s->memsz, res, nres, img->path, "segment", err,
				errlen);
}

static int load(const struct image *img, struct guest_mem *mem, const struct mem_range *res,
		size_t nres, struct elf_info *info, bool need_entry, char *err, size_t errlen)
{
	uint64_t phoff, phnum, phsize;
	struct seg s;
	int loads = 0, entry_found = 0;

	memset(info, 0, sizeof(*info));
	if (check_header(img, info, &phoff, &phnum, err, errlen) < 0)
		return -1;
	phsize = info->bits == 64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	info->lowest = UINT64_MAX;
	/* Check every segment before writing any. */
	for (uint64_t i = 0; i < phnum; i++) {
		read_seg(img, info->bits, phoff + i * phsize, &s);
		if (s.type != PT_LOAD)
			continue;
		if (check_seg(img, mem, &s, res, nres, err, errlen) < 0)
			return -1;
		loads++;
		if (s.paddr < info->lowest)
			info->lowest = s.paddr;
		if (s.paddr + s.memsz > info->highest)
			info->highest = s.paddr + s.memsz;
		if (info->entry >= s.vaddr && info->entry - s.vaddr < s.memsz) {
			entry_found = 1;
			info->entry_pa = s.paddr + (info->entry - s.vaddr);
		}
	}
	if (!loads) {
		snprintf(err, errlen, "%s: no PT_LOAD segment to load", img->path);
		return -1;
	}
	if (!entry_found && need_entry) {
		snprintf(err, errlen, "%s: entry point 0x%llx is outside every loaded segment",
			 img->path, (unsigned long long)info->entry);
		return -1;
	}
	for (uint64_t i = 0; i < phnum; i++) {
		uint8_t *dst;
		read_seg(img, info->bits, phoff + i * phsize, &s);
		if (s.type != PT_LOAD)
			continue;
		dst = gmem_ptr(mem, s.paddr, s.memsz); /* checked above */
		image_to_guest(img, s.offset, s.filesz, mem, s.paddr);
		memset(dst + s.filesz, 0, s.memsz - s.filesz);
	}
	return 0;
}

int elf_load(const struct image *img, struct guest_mem *mem, const struct mem_range *res,
	     size_t nres, struct elf_info *info, char *err, size_t errlen)
{
	return load(img, mem, res, nres, info, true, err, errlen);
}

int elf_load_phys(const struct image *img, struct guest_mem *mem, const struct mem_range *res,
		  size_t nres, struct elf_info *info, char *err, size_t errlen)
{
	return load(img, mem, res, nres, info, false, err, errlen);
}
