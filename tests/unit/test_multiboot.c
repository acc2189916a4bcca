/* SPDX-License-Identifier: MIT */
/* Unit tests for src/loaders/multiboot.c: header search, ELF and a.out kernels, boot info. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaders/boot.h"
#include "loaders/multiboot.h"
#include "mkvm/abi.h"

#include "loader_fixtures.h"

#define MB_PAGE_ALIGN 0x1u
#define MB_MEMINFO    0x2u
#define MB_ADDRESS    0x10000u
#define AOUT_OFF      0x1040 /* file offset of the a.out kernel's header */

static int mb(struct fx *f, const char *cmdline, const struct mb_module *mods, size_t n,
	      struct cpu_boot *b)
{
	memset(b, 0x5a, sizeof(*b));
	return mb_load(&f->img, &f->mem, cmdline, mods, n, b, f->err, sizeof(f->err));
}

/* ---- mb_find_header ------------------------------------------------------ */
static long find_at(struct fx *f, size_t off, size_t size, uint32_t flags, uint32_t fix)
{
	uint32_t h[3] = {MB_HEADER_MAGIC, flags, -(MB_HEADER_MAGIC + flags) + fix};

	memset(f->img.data, 0, FX_CAP);
	memcpy(f->img.data + off, h, sizeof(h));
	f->img.size = size;
	return mb_find_header(&f->img);
}

static void test_find_header(void **state)
{
	const uint32_t bad[3] = {MB_HEADER_MAGIC, 0, 1};
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	assert_int_equal(find_at(&f, 0, 0x4000, 0, 0), 0);
	assert_int_equal(find_at(&f, 0, 12, 0, 0), 0);	    /* the whole image is the header */
	assert_int_equal(find_at(&f, 0, 11, 0, 0), -1);	    /* a cut header */
	assert_int_equal(find_at(&f, 88, 100, 0, 0), 88);   /* image shorter than 8 KiB */
	assert_int_equal(find_at(&f, 92, 100, 0, 0), -1);   /* only 8 bytes left */
	assert_int_equal(find_at(&f, 0, 0x4000, 0, 1), -1); /* bad checksum: ignored */
	assert_int_equal(find_at(&f, 2, 0x4000, 0, 0), -1); /* not 4-byte aligned */
	/* The 12-byte header must lie completely in the first 8192 bytes. */
	assert_int_equal(find_at(&f, 8180, 0x4000, MB_ADDRESS, 0), 8180);
	assert_int_equal(find_at(&f, 8184, 0x4000, 0, 0), -1);
	assert_int_equal(find_at(&f, 8188, 0x4000, 0, 0), -1);
	assert_int_equal(find_at(&f, 8192, 0x4000, 0, 0), -1);
	/* A bad header first does not hide a good one later. */
	find_at(&f, 64, 0x4000, 3, 0);
	memcpy(f.img.data + 8, bad, sizeof(bad));
	assert_int_equal(mb_find_header(&f.img), 64);
	fx_close(&f);
}

/* ---- ELF multiboot kernel ------------------------------------------------ */
static uint8_t mod1[0x1234], mod2[0x10];
static const struct image mod_imgs[] = {
	{.path = "mods/one.img", .data = mod1, .size = sizeof(mod1)},
	{.path = "mods/two.img", .data = mod2, .size = sizeof(mod2)}};
static const struct mb_module mods[] = {{&mod_imgs[0], "mods/one.img root=1"},
					{&mod_imgs[1], "mods/two.img"}};

static void mb_elf(struct fx *f, int bits, uint32_t flags)
{
	const struct fx_patch odd_end = {P_MEMSZ, 1, 0x2f01}; /* kernel ends at 0x104f01 */

	fx_kernel(f, bits, FX_KBASE, FX_KBASE);
	fx_set(f, bits, &odd_end);
	fx_mb_header(f, 0x1000, flags, NULL, 0);
}

static void test_elf_kernel(void **state)
{
	const uint32_t info = PC_BOOTINFO_ADDR,
		       want = 1u << 0 | 1u << 2 | 1u << 3 | 1u << 6 | 1u << 9;
	uint32_t flags, mods_at, mmap;
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_pattern(mod1, sizeof(mod1), 9);
	fx_pattern(mod2, sizeof(mod2), 11);
	fx_open(&f, FX_PATH);
	mb_elf(&f, 32, MB_PAGE_ALIGN | MB_MEMINFO);
	if (mb(&f, "console=ttyS0 quiet", mods, 2, &b) != 0)
		fail_msg("%s", f.err);
	assert_int_equal(b.mode, MODE_PROTECTED);
	assert_int_equal(b.entry, FX_KBASE + 0x10);
	assert_int_equal(b.stack, PC_STACK_TOP);
	assert_int_equal(b.eax, 0x2badb002);
	assert_int_equal(b.ebx, PC_BOOTINFO_ADDR);
	assert_memory_equal(f.mem.host + FX_KBASE, f.img.data + 0x1000, 0x800);
	assert_true(fx_all(&f, FX_KBASE + 0x2800, 0x2701, 0)); /* bss up to 0x104f01 */
	/* The multiboot information, read at the offsets of the specification. */
	flags = rd32(&f, info);
	assert_int_equal(flags & want, want);
	assert_int_equal(rd32(&f, info + 4), 636);
	assert_int_equal(rd32(&f, info + 8), (FX_MEM - (1 << 20)) / 1024);
	assert_string_equal(str_at(&f, rd32(&f, info + 16)), FX_PATH " console=ttyS0 quiet");
	assert_string_equal(str_at(&f, rd32(&f, info + 64)), "mini-kvm");
	/* Memory map: 3 entries of size 20, 24 bytes apart. */
	assert_int_equal(rd32(&f, info + 44), 3 * 24);
	mmap = rd32(&f, info + 48);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rd32(&f, mmap + 24 * i), 20);
	assert_int_equal(rd64(&f, mmap + 4), 0);
	assert_int_equal(rd64(&f, mmap + 12), 0x9f000);
	assert_int_equal(rd32(&f, mmap + 20), 1);
	assert_int_equal(rd64(&f, mmap + 24 + 4), 0x9f000);
	assert_int_equal(rd64(&f, mmap + 24 + 12), 0x100000 - 0x9f000);
	assert_int_equal(rd32(&f, mmap + 24 + 20), 2);
	assert_int_equal(rd64(&f, mmap + 48 + 4), 0x100000);
	assert_int_equal(rd64(&f, mmap + 48 + 12), FX_MEM - 0x100000);
	assert_int_equal(rd32(&f, mmap + 48 + 20), 1);
	/* Modules: page-aligned after the kernel, with their strings and contents. */
	assert_int_equal(rd32(&f, info + 20), 2);
	mods_at = rd32(&f, info + 24);
	assert_int_equal(rd32(&f, mods_at), 0x105000);
	assert_int_equal(rd32(&f, mods_at + 4), 0x105000 + sizeof(mod1));
	assert_string_equal(str_at(&f, rd32(&f, mods_at + 8)), "mods/one.img root=1");
	assert_int_equal(rd32(&f, mods_at + 16), 0x107000);
	assert_int_equal(rd32(&f, mods_at + 20), 0x107000 + sizeof(mod2));
	assert_string_equal(str_at(&f, rd32(&f, mods_at + 24)), "mods/two.img");
	assert_memory_equal(f.mem.host + 0x105000, mod1, sizeof(mod1));
	assert_memory_equal(f.mem.host + 0x107000, mod2, sizeof(mod2));
	fx_close(&f);
}

/* Flag bits: video (2) and optional high bits accepted; unknown required bits refused. */
static void test_flags(void **state)
{
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	mb_elf(&f, 32, 1u << 2 | 1u << 17);
	assert_int_equal(mb(&f, NULL, NULL, 0, &b), 0);
	assert_string_equal(str_at(&f, rd32(&f, PC_BOOTINFO_ADDR + 16)), FX_PATH);
	fx_close(&f);
	fx_open(&f, FX_PATH);
	mb_elf(&f, 32, MB_MEMINFO | 1u << 3);
	fx_snapshot(&f);
	fx_refused(&f, mb(&f, NULL, NULL, 0, &b), FX_PATH, "requires features 0x8 ");
	mb_elf(&f, 32, 1u << 15);
	fx_refused(&f, mb(&f, NULL, NULL, 0, &b), FX_PATH, "requires features 0x8000");
	fx_unchanged(&f);
	fx_close(&f);
}

static void test_not_elf32(void **state)
{
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	mb_elf(&f, 64, MB_MEMINFO);
	fx_refused(&f, mb(&f, NULL, NULL, 0, &b), FX_PATH, "must be ELF32, not ELF64");
	f.img.data[0] = 0; /* no ELF magic, no address fields */
	fx_refused(&f, mb(&f, NULL, NULL, 0, &b), FX_PATH, "neither ELF");
	fx_close(&f);
}

/* boot_load: multiboot unless a --mode other than protected asks for plain ELF. */
static void test_boot_choice(void **state)
{
	static const int mode[] = {-1, MODE_PROTECTED, MODE_PAGING};
	struct cpu_boot b;
	struct fx f;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mode); i++) {
		struct boot_args a = {.mode = mode[i]};

		fx_open(&f, FX_PATH);
		mb_elf(&f, 32, MB_MEMINFO);
		assert_int_equal(boot_load(&f.img, &f.mem, &a, &b, f.err, sizeof(f.err)), 0);
		assert_int_equal(b.mode, mode[i] == MODE_PAGING ? MODE_PAGING : MODE_PROTECTED);
		assert_int_equal(b.eax, mode[i] == MODE_PAGING ? 0 : MB_BOOT_MAGIC);
		fx_close(&f);
	}
}

/* ---- a.out kludge (flag 16): header at AOUT_OFF, kernel from file offset 0x1000 ---- */
enum {
	HDR,
	LOAD,
	LOAD_END,
	BSS_END,
	ENTRY
};
static const uint32_t aout[5] = {0x200040, 0x200000, 0x201800, 0x203000, 0x200100};

static void mb_aout(struct fx *f, const uint32_t *addr)
{
	memset(f->img.data, 0, FX_CAP);
	fx_pattern(f->img.data, 0x3000, 5);
	f->img.size = 0x3000;
	fx_mb_header(f, AOUT_OFF, MB_ADDRESS | MB_PAGE_ALIGN | MB_MEMINFO, addr, 5);
}

static void test_aout(void **state)
{
	uint32_t rest[5] = {0x200040, 0x200000, 0, 0, 0x201fff};
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f, "kernels/aout.bin");
	mb_aout(&f, aout);
	if (mb(&f, "x", mods, 1, &b) != 0)
		fail_msg("%s", f.err);
	assert_int_equal(b.entry, 0x200100);
	assert_int_equal(b.eax, MB_BOOT_MAGIC);
	assert_memory_equal(f.mem.host + 0x200000, f.img.data + 0x1000, 0x1800);
	assert_true(fx_all(&f, 0x201800, 0x1800, 0)); /* bss */
	assert_int_equal(f.mem.host[0x1fffff], FX_DIRTY);
	assert_int_equal(rd32(&f, rd32(&f, PC_BOOTINFO_ADDR + 24)), 0x203000); /* module */
	fx_close(&f);
	/* load_end_addr 0: the rest of the file; bss_end_addr 0: no bss. */
	fx_open(&f, "kernels/aout.bin");
	mb_aout(&f, rest);
	assert_int_equal(mb(&f, NULL, NULL, 0, &b), 0);
	assert_int_equal(b.entry, 0x201fff);
	assert_memory_equal(f.mem.host + 0x200000, f.img.data + 0x1000, 0x2000);
	assert_int_equal(f.mem.host[0x202000], FX_DIRTY);
	fx_close(&f);
}

static const struct {
	int field;
	uint32_t val;
	const char *want;
} aout_bad[] = {
	{LOAD, 0x200041, "header_addr 0x200040 and load_addr 0x200041 do not fit"},
	{LOAD, 0x200040 - AOUT_OFF - 4, "do not fit its offset 4160"},
	{LOAD_END, 0x1fffff, "load_end_addr 0x1fffff is below load_addr"},
	{LOAD_END, 0x202001, "truncated: multiboot load range needs 8193 bytes"},
	{BSS_END, 0x2017ff, "bss_end_addr 0x2017ff is below the loaded end"},
	{BSS_END, 0xffffffff, "outside guest memory"},
	{ENTRY, 0x203000, "entry_addr 0x203000 is outside"},
	{ENTRY, 0x1fffff, "entry_addr 0x1fffff is outside"},
	{-1, 0x1000, "overlaps the VMM area"}, /* all fields moved to 0x1000 */
	{-1, 0xfffff000, "outside guest memory"},
	{-2, 0, "truncated multiboot header"},
};

static void test_aout_bad(void **state)
{
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f, "kernels/aout.bin");
	fx_snapshot(&f);
	for (size_t i = 0; i < ARRAY_SIZE(aout_bad); i++) {
		uint32_t a[5];

		memcpy(a, aout, sizeof(a));
		if (aout_bad[i].field >= 0)
			a[aout_bad[i].field] = aout_bad[i].val;
		for (int k = 0; aout_bad[i].field == -1 && k < 5; k++)
			a[k] = aout[k] - 0x200000 + aout_bad[i].val;
		if (aout_bad[i].val == 0xfffff000)
			a[LOAD_END] = a[BSS_END] = 0; /* the whole file, up to 4 GiB + 4 KiB */
		mb_aout(&f, a);
		if (aout_bad[i].field == -2)
			f.img.size = AOUT_OFF + 12;
		fx_refused(&f, mb(&f, NULL, NULL, 0, &b), "kernels/aout.bin", aout_bad[i].want);
		fx_unchanged(&f);
	}
	fx_close(&f);
}

/* Paging off: a kernel linked at 0x8000 (below the page-table area's end)
 * loads, as with QEMU's -kernel; 0x3000 (the command line page) does not. */
static void test_aout_low(void **state)
{
	uint32_t a[5];
	struct cpu_boot b;
	struct fx f;

	(void)state;
	for (int k = 0; k < 5; k++)
		a[k] = aout[k] - 0x200000 + 0x8000;
	fx_open(&f, "kernels/aout.bin");
	mb_aout(&f, a);
	if (mb(&f, NULL, NULL, 0, &b) != 0)
		fail_msg("%s", f.err);
	assert_int_equal(b.entry, 0x8100);
	assert_memory_equal(f.mem.host + 0x8000, f.img.data + 0x1000, 0x1800);
	fx_close(&f);
	for (int k = 0; k < 5; k++)
		a[k] = aout[k] - 0x200000 + 0x3000;
	fx_open(&f, "kernels/aout.bin");
	mb_aout(&f, a);
	fx_refused(&f, mb(&f, NULL, NULL, 0, &b), "kernels/aout.bin", "overlaps the VMM area");
	fx_close(&f);
}

/* ---- limits: modules, module strings, command line ------------------------ */
static void test_modules_limits(void **state)
{
	static char s[3073];
	struct mb_module many[17];
	struct image big = {.path = "mods/big.img",
			    .data = mod2,
			    .size = 32u << 20}; /* refused before it is read */
	struct cpu_boot b;
	struct fx f;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct mb_module){&mod_imgs[1], "m"};
	fx_open(&f, FX_PATH);
	mb_elf(&f, 32, MB_PAGE_ALIGN);
	assert_int_equal(mb(&f, NULL, many, 16, &b), 0);
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR + 20), 16);
	assert_int_equal(mb(&f, NULL, many, 17, &b), -1);
	assert_non_null(strstr(f.err, "17 modules given; at most 16"));
	/* Module strings share 3072 bytes of the info page, NULs included. */
	memset(s, 's', 3071);
	many[0].string = s;
	assert_int_equal(mb(&f, NULL, many, 1, &b), 0);
	assert_string_equal(str_at(&f, rd32(&f, rd32(&f, PC_BOOTINFO_ADDR + 24) + 8)), s);
	s[3071] = 's';
	fx_refused(&f, mb(&f, NULL, many, 1, &b), "mods/two.img",
		   "module strings longer than 3072");
	many[0].string = s + 2000;
	many[1].string = many[2].string = s + 2000; /* 2 x 1073 bytes fit, 3 do not */
	assert_int_equal(mb(&f, NULL, many, 2, &b), 0);
	fx_refused(&f, mb(&f, NULL, many, 3, &b), "mods/two.img", "module strings longer");
	many[0] = (struct mb_module){&big, "big"};
	fx_refused(&f, mb(&f, NULL, many, 1, &b), "mods/big.img", "module 0x105000..");
	assert_non_null(strstr(f.err, "outside guest memory"));
	fx_close(&f);
}

static void test_cmdline_limit(void **state)
{
	/* "path ARGS" plus "mini-kvm" must fit the 4096-byte command line page. */
	const size_t max = 4096 - sizeof("mini-kvm") - 1 - strlen(FX_PATH) - 1;
	static char line[4097];
	char msg[64];
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f, FX_PATH);
	mb_elf(&f, 32, 0);
	memset(line, 'a', max);
	assert_int_equal(mb(&f, line, NULL, 0, &b), 0);
	assert_int_equal(strlen(str_at(&f, rd32(&f, PC_BOOTINFO_ADDR + 16))),
			 strlen(FX_PATH) + 1 + max);
	assert_string_equal(str_at(&f, rd32(&f, PC_BOOTINFO_ADDR + 64)), "mini-kvm");
	assert_true(rd32(&f, PC_BOOTINFO_ADDR + 64) + sizeof("mini-kvm") <= PC_CMDLINE_ADDR + 4096);
	line[max] = 'a';
	snprintf(msg, sizeof(msg), "too long (at most %zu bytes)", max);
	fx_refused(&f, mb(&f, line, NULL, 0, &b), FX_PATH, msg);
	memset(line, 'a', 4096);
	fx_refused(&f, mb(&f, line, NULL, 0, &b), FX_PATH, "command line too long");
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_header),    cmocka_unit_test(test_elf_kernel),
		cmocka_unit_test(test_flags),	       cmocka_unit_test(test_not_elf32),
		cmocka_unit_test(test_boot_choice),    cmocka_unit_test(test_aout),
		cmocka_unit_test(test_aout_bad),       cmocka_unit_test(test_aout_low),
		cmocka_unit_test(test_modules_limits), cmocka_unit_test(test_cmdline_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
