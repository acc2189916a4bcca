/* SPDX-License-Identifier: MIT */
/*
 * Shared by test_elf.c and test_multiboot.c: kernel images built in memory
 * (ELF32/ELF64 with <elf.h>, multiboot headers), a dirty guest memory and a
 * snapshot to prove that a refused load wrote nothing.
 */
#ifndef MKVM_TEST_LOADER_FIXTURES_H
#define MKVM_TEST_LOADER_FIXTURES_H

#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/guest_mem.h"
#include "loaders/image.h"
#include "mkvm/abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define FX_PATH	 "kernels/under-test.elf"
#define FX_MEM	 (16ull << 20) /* guest RAM of every test */
#define FX_DIRTY 0xa5	       /* what guest RAM holds before a load */
#define FX_CAP	 (64u << 10)   /* image buffer */
#define FX_SIZE	 0x2000	       /* size of the standard kernel image */
#define FX_KBASE 0x100000      /* physical base of the standard kernel */

/*
 * The standard kernel, vaddr = vbase + rel, paddr = pbase + rel:
 *   phdr 0  PT_LOAD  file 0x1000+0x800  rel 0x0000  memsz 0x1000 (bss 0x800)
 *   phdr 1  PT_LOAD  file 0x1800+0x800  rel 0x2000  memsz 0x3000 (bss 0x2800)
 *   phdr 2  PT_NOTE  offset/paddr nonsense (not loaded, must be ignored)
 *   entry vbase + 0x10; loaded range pbase .. pbase + 0x5000.
 */
#define FX_NPHDR 3
static const struct {
	uint32_t type;
	uint64_t offset, rel, filesz, memsz;
} fx_segs[FX_NPHDR] = {
	{PT_LOAD, 0x1000, 0x0000, 0x800, 0x1000},
	{PT_LOAD, 0x1800, 0x2000, 0x800, 0x3000},
	{PT_NOTE, 0xfffffff0, 0, 0x40, 0x40},
};

/* Fields fx_set() can change; P_* take a program header index. */
enum fx_field {
	F_NONE,
	F_SIZE, /* image size */
	F_IDENT,
	F_TYPE,
	F_MACHINE,
	F_ENTRY,
	F_PHOFF,
	F_PHENTSIZE,
	F_PHNUM,
	P_TYPE,
	P_OFFSET,
	P_VADDR,
	P_PADDR,
	P_FILESZ,
	P_MEMSZ,
};

struct fx_patch {
	enum fx_field f;
	int idx; /* e_ident byte, or program header */
	uint64_t val;
};

struct fx {
	struct image img;
	struct guest_mem mem;
	uint8_t *snap;
	char err[512];
};

static inline void fx_pattern(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

/* Image buffer (FX_CAP zero bytes) and 16 MiB of dirty guest memory. */
static inline void fx_open(struct fx *f, const char *path)
{
	memset(f, 0, sizeof(*f));
	f->img.path = path;
	f->img.data = calloc(1, FX_CAP);
	assert_non_null(f->img.data);
	assert_int_equal(gmem_init(&f->mem, FX_MEM, false), 0);
	memset(f->mem.host, FX_DIRTY, FX_MEM);
}

static inline void fx_close(struct fx *f)
{
	free(f->img.data);
	free(f->snap);
	gmem_destroy(&f->mem);
}

/* Writes the standard kernel of class @bits into f->img. */
static inline void fx_kernel(struct fx *f, int bits, uint64_t vbase, uint64_t pbase)
{
	uint8_t *b = f->img.data;

	memset(b, 0, FX_SIZE);
	fx_pattern(b + 0x1000, FX_SIZE - 0x1000, 3);
	if (bits == 64) {
		Elf64_Ehdr *h = (Elf64_Ehdr *)b;
		Elf64_Phdr *p = (Elf64_Phdr *)(b + sizeof(*h));
		*h = (Elf64_Ehdr){.e_type = ET_EXEC,
				  .e_machine = EM_X86_64,
				  .e_version = 1,
				  .e_entry = vbase + 0x10,
				  .e_phoff = sizeof(*h),
				  .e_ehsize = sizeof(*h),
				  .e_phentsize = sizeof(*p),
				  .e_phnum = FX_NPHDR};
		for (int i = 0; i < FX_NPHDR; i++)
			p[i] = (Elf64_Phdr){fx_segs[i].type,	    PF_R | PF_X,
					    fx_segs[i].offset,	    vbase + fx_segs[i].rel,
					    pbase + fx_segs[i].rel, fx_segs[i].filesz,
					    fx_segs[i].memsz,	    0x1000};
	} else {
		Elf32_Ehdr *h = (Elf32_Ehdr *)b;
		Elf32_Phdr *p = (Elf32_Phdr *)(b + sizeof(*h));
		*h = (Elf32_Ehdr){.e_type = ET_EXEC,
				  .e_machine = EM_386,
				  .e_version = 1,
				  .e_entry = (uint32_t)(vbase + 0x10),
				  .e_phoff = sizeof(*h),
				  .e_ehsize = sizeof(*h),
				  .e_phentsize = sizeof(*p),
				  .e_phnum = FX_NPHDR};
		for (int i = 0; i < FX_NPHDR; i++)
			p[i] = (Elf32_Phdr){fx_segs[i].type,
					    (uint32_t)fx_segs[i].offset,
					    (uint32_t)(vbase + fx_segs[i].rel),
					    (uint32_t)(pbase + fx_segs[i].rel),
					    (uint32_t)fx_segs[i].filesz,
					    (uint32_t)fx_segs[i].memsz,
					    PF_R | PF_X,
					    0x1000};
	}
	/* e_ident last: the header literals above cleared it. */
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = bits == 64 ? ELFCLASS64 : ELFCLASS32;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	f->img.size = FX_SIZE;
}

/* Sets one field of the ELF in f->img (class @bits), truncated to its width. */
static inline void fx_set(struct fx *f, int bits, const struct fx_patch *p)
{
	uint8_t *b = f->img.data;
	Elf64_Ehdr *h64 = (Elf64_Ehdr *)b;
	Elf32_Ehdr *h32 = (Elf32_Ehdr *)b;
	Elf64_Phdr *p64 = (Elf64_Phdr *)(b + sizeof(*h64)) + p->idx;
	Elf32_Phdr *p32 = (Elf32_Phdr *)(b + sizeof(*h32)) + p->idx;
	int w = bits == 64;

	switch (p->f) {
	case F_NONE: break;
	case F_SIZE: f->img.size = p->val; break;
	case F_IDENT: b[p->idx] = (uint8_t)p->val; break;
	case F_TYPE: *(w ? &h64->e_type : &h32->e_type) = (uint16_t)p->val; break;
	case F_MACHINE: *(w ? &h64->e_machine : &h32->e_machine) = (uint16_t)p->val; break;
	case F_PHENTSIZE: *(w ? &h64->e_phentsize : &h32->e_phentsize) = (uint16_t)p->val; break;
	case F_PHNUM: *(w ? &h64->e_phnum : &h32->e_phnum) = (uint16_t)p->val; break;
	case F_ENTRY: w ? (void)(h64->e_entry = p->val) : (void)(h32->e_entry = p->val); break;
	case F_PHOFF: w ? (void)(h64->e_phoff = p->val) : (void)(h32->e_phoff = p->val); break;
	case P_TYPE: *(w ? &p64->p_type : &p32->p_type) = (uint32_t)p->val; break;
	case P_OFFSET: w ? (void)(p64->p_offset = p->val) : (void)(p32->p_offset = p->val); break;
	case P_VADDR: w ? (void)(p64->p_vaddr = p->val) : (void)(p32->p_vaddr = p->val); break;
	case P_PADDR: w ? (void)(p64->p_paddr = p->val) : (void)(p32->p_paddr = p->val); break;
	case P_FILESZ: w ? (void)(p64->p_filesz = p->val) : (void)(p32->p_filesz = p->val); break;
	case P_MEMSZ: w ? (void)(p64->p_memsz = p->val) : (void)(p32->p_memsz = p->val); break;
	}
}

/* Multiboot header at @off of f->img: magic, flags, checksum, then @naddr address fields. */
static inline void fx_mb_header(struct fx *f, size_t off, uint32_t flags, const uint32_t *addr,
				int naddr)
{
	uint32_t h[8] = {0x1badb002, flags, -(0x1badb002u + flags)};

	for (int i = 0; i < naddr && i < 5; i++)
		h[3 + i] = addr[i];
	memcpy(f->img.data + off, h, 12 + 4 * (size_t)naddr);
}

/* Copies guest memory, to compare after a load that must fail. */
static inline void fx_snapshot(struct fx *f)
{
	f->snap = malloc(FX_MEM);
	assert_non_null(f->snap);
	memcpy(f->snap, f->mem.host, FX_MEM);
}

static inline void fx_unchanged(const struct fx *f)
{
	for (size_t i = 0; i < FX_MEM; i++)
		if (f->mem.host[i] != f->snap[i])
			fail_msg("guest memory changed at 0x%zx", i);
}

/* The load failed with a one-line message naming the image and @want. */
static inline void fx_refused(const struct fx *f, int rc, const char *path, const char *want)
{
	if (rc != -1)
		fail_msg("load returned %d, not -1 (expected: %s)", rc, want);
	if (!strstr(f->err, path) || !strstr(f->err, want) || strchr(f->err, '\n'))
		fail_msg("message '%s' should name '%s' and say '%s'", f->err, path, want);
}

/* True if guest [gpa, gpa + n) is all @byte. */
static inline int fx_all(const struct fx *f, uint64_t gpa, size_t n, uint8_t byte)
{
	for (size_t i = 0; i < n; i++)
		if (f->mem.host[gpa + i] != byte)
			return 0;
	return 1;
}

/* Guest memory readers. */
static inline uint32_t rd32(const struct fx *f, uint64_t gpa)
{
	uint32_t v;

	assert_int_equal(gmem_read(&f->mem, &v, gpa, sizeof(v)), 0);
	return v;
}

static inline uint64_t rd64(const struct fx *f, uint64_t gpa)
{
	uint64_t v;

	assert_int_equal(gmem_read(&f->mem, &v, gpa, sizeof(v)), 0);
	return v;
}

static inline const char *str_at(const struct fx *f, uint32_t gpa)
{
	assert_true(gpa > 0 && gpa < FX_MEM);
	assert_non_null(memchr(f->mem.host + gpa, 0, FX_MEM - gpa));
	return (const char *)f->mem.host + gpa;
}

#endif
