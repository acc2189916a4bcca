/* SPDX-License-Identifier: MIT */
/* Unit tests for src/loaders/elf.c and the mode choice of src/loaders/boot.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaders/boot.h"
#include "loaders/elf.h"
#include "loaders/image.h"
#include "mkvm/abi.h"

#include "loader_fixtures.h"

#define HH32 ((uint64_t)PC_HIGHER_HALF + FX_KBASE) /* higher-half vbase */
#define HH64 (PC_HIGHER_HALF64 + FX_KBASE)

static int load(struct fx *f, struct elf_info *e)
{
	return elf_load(&f->img, &f->mem, pc_reserved, pc_nreserved, e, f->err, sizeof(f->err));
}

/* The standard kernel's bytes at pbase, its bss zeroed, nothing else touched. */
static void check_loaded(const struct fx *f, uint64_t pbase)
{
	const uint8_t *d = f->img.data;

	assert_memory_equal(f->mem.host + pbase, d + 0x1000, 0x800);
	assert_true(fx_all(f, pbase + 0x800, 0x800, 0));	  /* bss 0 */
	assert_true(fx_all(f, pbase + 0x1000, 0x1000, FX_DIRTY)); /* gap between segments */
	assert_memory_equal(f->mem.host + pbase + 0x2000, d + 0x1800, 0x800);
	assert_true(fx_all(f, pbase + 0x2800, 0x2800, 0)); /* bss 1 */
	assert_true(fx_all(f, pbase + 0x5000, 0x1000, FX_DIRTY));
	assert_true(fx_all(f, pbase - 0x1000, 0x1000, FX_DIRTY));
	assert_true(fx_all(f, 0, 0x1000, FX_DIRTY)); /* PT_NOTE (paddr 0) not loaded */
}

static void test_good32(void **state)
{
	struct elf_info e;
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	fx_kernel(&f, 32, FX_KBASE, FX_KBASE);
	assert_int_equal(load(&f, &e), 0);
	assert_int_equal(e.bits, 32);
	assert_int_equal(e.entry, FX_KBASE + 0x10);
	assert_int_equal(e.entry_pa, FX_KBASE + 0x10);
	assert_int_equal(e.lowest, FX_KBASE);
	assert_int_equal(e.highest, FX_KBASE + 0x5000);
	check_loaded(&f, FX_KBASE);
	fx_close(&f);
}

/* ELF64 with vaddr != paddr, loaded high, entry in the second segment's bss. */
static void test_good64(void **state)
{
	const uint64_t pbase = 0x800000;
	struct fx_patch p = {F_ENTRY, 0, HH64 + 0x2900};
	struct elf_info e;
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	fx_kernel(&f, 64, HH64, pbase);
	fx_set(&f, 64, &p);
	assert_int_equal(load(&f, &e), 0);
	assert_int_equal(e.bits, 64);
	assert_int_equal(e.entry, HH64 + 0x2900);
	assert_int_equal(e.entry_pa, pbase + 0x2900);
	assert_int_equal(e.lowest, pbase);
	assert_int_equal(e.highest, pbase + 0x5000);
	check_loaded(&f, pbase);
	fx_close(&f);
}

/* Edges that must load: right at PC_KERNEL_MIN, up to the last byte of RAM. */
static void test_edges(void **state)
{
	const struct fx_patch top[] = {{P_PADDR, 1, FX_MEM - 0x3000}, {P_MEMSZ, 0, 0x800}};
	struct elf_info e;
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	fx_kernel(&f, 32, PC_KERNEL_MIN, PC_KERNEL_MIN);
	fx_set(&f, 32, &top[0]);
	fx_set(&f, 32, &top[1]); /* no bss in segment 0 */
	assert_int_equal(load(&f, &e), 0);
	assert_int_equal(e.lowest, PC_KERNEL_MIN);
	assert_int_equal(e.highest, FX_MEM);
	assert_int_equal(f.mem.host[FX_MEM - 1], 0);
	assert_int_equal(f.mem.host[PC_KERNEL_MIN - 1], FX_DIRTY);
	assert_int_equal(f.mem.host[PC_KERNEL_MIN + 0x800], FX_DIRTY);
	assert_true(elf_is_elf(&f.img));
	f.img.size = SELFMAG - 1;
	assert_false(elf_is_elf(&f.img));
	fx_close(&f);
}

/* ---- malformed images: -1, a message naming the file, nothing written ---- */
struct bad {
	const char *name;
	int bits;
	struct fx_patch p[2];
	const char *want;
};

static const struct bad bad[] = {
	{"elf_short", 32, {{F_SIZE, 0, EI_NIDENT - 1}}, "not an ELF"},
	{"elf_magic", 64, {{F_IDENT, EI_MAG1, 'e'}}, "bad magic"},
	{"elf_class0", 32, {{F_IDENT, EI_CLASS, ELFCLASSNONE}}, "class 0 "},
	{"elf_class3", 64, {{F_IDENT, EI_CLASS, 3}}, "class 3 "},
	{"elf_bigendian32", 32, {{F_IDENT, EI_DATA, ELFDATA2MSB}}, "little-endian"},
	{"elf_bigendian64", 64, {{F_IDENT, EI_DATA, ELFDATA2MSB}}, "little-endian"},
	{"elf_version", 64, {{F_IDENT, EI_VERSION, 2}}, "version 1"},
	{"elf_machine32", 32, {{F_MACHINE, 0, EM_X86_64}}, "32-bit ELF must be for i386"},
	{"elf_machine64", 64, {{F_MACHINE, 0, EM_386}}, "64-bit ELF must be for x86-64"},
	{"elf_dyn32", 32, {{F_TYPE, 0, ET_DYN}}, "ET_EXEC"},
	{"elf_dyn64", 64, {{F_TYPE, 0, ET_DYN}}, "ET_EXEC"},
	{"elf_ehdr_truncated64", 64, {{F_SIZE, 0, sizeof(Elf64_Ehdr) - 1}}, "truncated ELF header"},
	{"elf_phentsize32", 32, {{F_PHENTSIZE, 0, sizeof(Elf64_Phdr)}}, "e_phentsize 56"},
	{"elf_phentsize64", 64, {{F_PHENTSIZE, 0, sizeof(Elf32_Phdr)}}, "e_phentsize 32"},
	{"elf_phnum0", 32, {{F_PHNUM, 0, 0}}, "e_phnum 0"},
	{"elf_phoff_past_end", 64, {{F_PHOFF, 0, FX_SIZE + 1}}, "program headers"},
	{"elf_phdrs_past_end", 32, {{F_PHOFF, 0, FX_SIZE - 2 * sizeof(Elf32_Phdr)}}, "run past"},
	{"elf_phnum_max", 64, {{F_PHNUM, 0, 0xffff}}, "run past"},
	{"elf_phoff_wrap64", 64, {{F_PHOFF, 0, UINT64_MAX - 10}}, "program headers"},
	{"elf_phoff_wrap32", 32, {{F_PHOFF, 0, UINT32_MAX - 10}}, "program headers"},
	{"elf_filesz_past_end", 32, {{P_FILESZ, 1, 0x801}}, "past the end of the file"},
	{"elf_offset_wrap64", 64, {{P_OFFSET, 0, UINT64_MAX}}, "past the end of the file"},
	{"elf_offset_wrap32", 32, {{P_OFFSET, 1, UINT32_MAX}}, "past the end of the file"},
	{"elf_filesz_wrap64", 64, {{P_FILESZ, 0, UINT64_MAX - 0xfff}}, "past the end of the file"},
	{"elf_filesz_gt_memsz", 64, {{P_MEMSZ, 1, 0x7ff}}, "p_filesz 2048 > p_memsz 2047"},
	{"elf_outside_mem", 32, {{P_PADDR, 1, FX_MEM - 0x2fff}}, "outside guest memory"},
	{"elf_paddr_wrap64", 64, {{P_PADDR, 0, UINT64_MAX - 0x10}}, "outside guest memory"},
	{"elf_paddr_4g32", 32, {{P_PADDR, 1, 0xfffff000}}, "outside guest memory"},
	{"elf_memsz_huge64", 64, {{P_MEMSZ, 0, UINT64_MAX}}, "outside guest memory"},
	{"elf_reserved_0", 32, {{P_PADDR, 0, 0}}, "overlaps the VMM area"},
	{"elf_reserved_pgtable", 64, {{P_PADDR, 0, PC_PGTABLE_ADDR}}, "overlaps the VMM area"},
	{"elf_reserved_hole", 32, {{P_PADDR, 1, 0xa0000}}, "overlaps the legacy PC hole"},
	{"elf_reserved_stack",
	 64,
	 {{P_PADDR, 0, PC_LEGACY_HOLE - 0xfff}},
	 "overlaps the initial stack area"},
	{"elf_reserved_hole_end", 32, {{P_PADDR, 0, PC_KERNEL_MIN - 1}}, "legacy PC hole"},
	{"elf_entry_in_gap", 32, {{F_ENTRY, 0, FX_KBASE + 0x1000}}, "entry point 0x101000"},
	{"elf_entry_below", 64, {{F_ENTRY, 0, FX_KBASE - 1}}, "entry point 0xfffff is outside"},
	{"elf_entry_past_end", 64, {{F_ENTRY, 0, FX_KBASE + 0x5000}}, "outside every"},
	{"elf_no_load", 32, {{P_TYPE, 0, PT_NOTE}, {P_TYPE, 1, PT_NULL}}, "no PT_LOAD"},
};

static void test_bad(void **state)
{
	const struct bad *c = *state;
	struct elf_info e;
	struct fx f;

	fx_open(&f, FX_PATH);
	fx_kernel(&f, c->bits, FX_KBASE, FX_KBASE);
	for (size_t i = 0; i < ARRAY_SIZE(c->p); i++)
		fx_set(&f, c->bits, &c->p[i]);
	fx_snapshot(&f);
	fx_refused(&f, load(&f, &e), FX_PATH, c->want);
	fx_unchanged(&f);
	fx_close(&f);
}

/* ---- boot_load: which mode an image starts in ---------------------------- */
static int boot(struct fx *f, int mode, const char *cmdline, size_t nmods, struct cpu_boot *b)
{
	static const struct image mod_img = {
		.path = "initrd.img", .data = (uint8_t *)"x", .size = 1};
	static const struct mb_module mod = {&mod_img, "initrd.img"};
	struct boot_args a = {
		.mode = mode, .cmdline = cmdline, .mods = nmods ? &mod : NULL, .nmods = nmods};

	memset(b, 0x5a, sizeof(*b));
	return boot_load(&f->img, &f->mem, &a, b, f->err, sizeof(f->err));
}

struct mode_case {
	int bits;
	uint64_t vbase;
	int mode;	     /* forced, or -1 */
	int want;	     /* resulting mode, or -1 if refused */
	uint64_t entry;	     /* expected b.entry */
	const char *refusal; /* expected message if refused */
};

static const struct mode_case modes[] = {
	{32, FX_KBASE, -1, MODE_PROTECTED, FX_KBASE + 0x10, NULL},
	{32, HH32, -1, MODE_PAGING, HH32 + 0x10, NULL},
	{32, HH32, MODE_PROTECTED, MODE_PROTECTED, FX_KBASE + 0x10, NULL}, /* physical */
	{32, FX_KBASE, MODE_PAGING, MODE_PAGING, FX_KBASE + 0x10, NULL},
	{64, FX_KBASE, -1, MODE_LONG, FX_KBASE + 0x10, NULL},
	{64, HH64, -1, MODE_LONG, HH64 + 0x10, NULL},
	{32, FX_KBASE, MODE_LONG, -1, 0, "32-bit ELF kernel cannot start in long mode"},
	{32, HH32, MODE_REAL, -1, 0, "cannot start in real mode"},
	{64, FX_KBASE, MODE_PROTECTED, -1, 0, "64-bit ELF kernel cannot start in protected"},
	{64, FX_KBASE, MODE_PAGING, -1, 0, "--mode long"},
	{64, 1ull << 32, -1, -1, 0, "is not mapped"},
};

static void test_boot_modes(void **state)
{
	struct cpu_boot b;
	struct fx f;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		const struct mode_case *c = &modes[i];
		int rc;

		fx_open(&f, FX_PATH);
		fx_kernel(&f, c->bits, c->vbase, FX_KBASE);
		rc = boot(&f, c->mode, NULL, 0, &b);
		if (c->want < 0) {
			fx_refused(&f, rc, FX_PATH, c->refusal);
		} else {
			if (rc != 0)
				fail_msg("case %zu: %s", i, f.err);
			assert_int_equal(b.mode, c->want);
			assert_int_equal(b.entry, c->entry);
			assert_int_equal(b.stack, PC_STACK_TOP);
			assert_int_equal(b.eax, 0); /* not multiboot */
			assert_int_equal(b.ebx, 0);
			check_loaded(&f, FX_KBASE);
		}
		fx_close(&f);
	}
}

static void test_boot_flat(void **state)
{
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f, "boot/flat.bin");
	f.img.size = 512;
	fx_pattern(f.img.data, 512, 1);
	f.img.data[0] = 0xfa; /* no ELF magic, no multiboot header */
	fx_snapshot(&f);
	fx_refused(&f, boot(&f, MODE_PROTECTED, NULL, 0, &b), "boot/flat.bin", "real mode");
	fx_refused(&f, boot(&f, MODE_LONG, NULL, 0, &b), "boot/flat.bin", "not --mode long");
	fx_refused(&f, boot(&f, -1, "quiet", 0, &b), "boot/flat.bin", "--append and --initrd");
	fx_refused(&f, boot(&f, -1, NULL, 1, &b), "boot/flat.bin", "need a multiboot kernel");
	fx_unchanged(&f);
	assert_int_equal(boot(&f, -1, NULL, 0, &b), 0);
	assert_int_equal(b.mode, MODE_REAL);
	assert_int_equal(b.entry, REAL_LOAD_ADDR);
	assert_int_equal(b.stack, REAL_STACK_TOP);
	assert_memory_equal(f.mem.host + REAL_LOAD_ADDR, f.img.data, 512);
	assert_int_equal(boot(&f, MODE_REAL, NULL, 0, &b), 0);
	fx_close(&f);
}

/* --append / --initrd with a plain ELF: refused before anything is loaded. */
static void test_boot_append_elf(void **state)
{
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	fx_kernel(&f, 32, FX_KBASE, FX_KBASE);
	fx_snapshot(&f);
	fx_refused(&f, boot(&f, -1, "console=ttyS0", 0, &b), FX_PATH, "need a multiboot kernel");
	fx_refused(&f, boot(&f, MODE_PROTECTED, NULL, 1, &b), FX_PATH, "need a multiboot kernel");
	fx_unchanged(&f);
	fx_close(&f);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_good32),	  cmocka_unit_test(test_good64),
		cmocka_unit_test(test_edges),	  cmocka_unit_test(test_boot_modes),
		cmocka_unit_test(test_boot_flat), cmocka_unit_test(test_boot_append_elf),
	};
	struct CMUnitTest tests[ARRAY_SIZE(fixed) + ARRAY_SIZE(bad)];

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[i] = fixed[i];
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		tests[ARRAY_SIZE(fixed) + i] =
			(struct CMUnitTest){.name = bad[i].name,
					    .test_func = test_bad,
					    .initial_state = (void *)&bad[i]};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
