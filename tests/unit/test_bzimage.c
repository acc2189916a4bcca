/* SPDX-License-Identifier: MIT */
/* Unit tests for src/loaders/bzimage.c (Linux boot protocol) and the ACPI
 * tables of src/arch/x86/acpi.c, on a synthetic bzImage built here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/acpi.h"
#include "arch/x86/aml.h"
#include "core/device.h"
#include "loaders/boot.h"
#include "loaders/bzimage.h"
#include "mkvm/abi.h"

#define MEM	 (32ull << 20)
#define DIRTY	 0xa5
#define SETUP	 (5 * 512) /* setup_sects = 4 */
#define KSIZE	 0x3000
#define INIT_SZ	 0x400000
#define PREF	 0x1000000
#define IMG_SIZE (SETUP + KSIZE)

struct fx {
	uint8_t img_data[IMG_SIZE];
	struct image img;
	struct guest_mem mem;
	uint8_t *snap;
	char err[512];
};

static void p16(uint8_t *p, size_t off, uint16_t v)
{
	memcpy(p + off, &v, 2);
}
static void p32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}
static void p64(uint8_t *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}
static uint32_t g32(const uint8_t *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, 4);
	return v;
}
static uint64_t g64(const uint8_t *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, 8);
	return v;
}

static void fx_open(struct fx *f)
{
	uint8_t *d = f->img_data;

	memset(f, 0, sizeof(*f));
	d[BP_SETUP_SECTS] = 4;
	p32(d, BP_SYSSIZE, KSIZE / 16);
	p16(d, BP_BOOT_FLAG, BZ_BOOT_FLAG);
	d[BP_JUMP] = 0xeb;
	d[BP_JUMP + 1] = 0x6a;
	p32(d, BP_HEADER, BZ_HDRS_MAGIC);
	p16(d, BP_VERSION, 0x020f);
	d[BP_LOADFLAGS] = BZ_LOADED_HIGH;
	p32(d, BP_CODE32_START, 0x100000);
	p32(d, BP_INITRD_ADDR_MAX, 0x7fffffff);
	p32(d, BP_KERNEL_ALIGNMENT, 0x200000);
	d[BP_RELOCATABLE] = 1;
	p16(d, BP_XLOADFLAGS, BZ_XLF_KERNEL_64);
	p32(d, BP_CMDLINE_SIZE, 2047);
	p64(d, BP_PREF_ADDRESS, PREF);
	p32(d, BP_INIT_SIZE, INIT_SZ);
	for (size_t i = SETUP; i < IMG_SIZE; i++)
		d[i] = (uint8_t)(i * 7);
	f->img = (struct image){.path = "vmlinuz", .data = d, .size = IMG_SIZE};
	f->mem.size = MEM;
	f->mem.host = malloc(MEM);
	f->snap = malloc(MEM);
	assert_non_null(f->mem.host);
	assert_non_null(f->snap);
	memset(f->mem.host, DIRTY, MEM);
}

static void fx_close(struct fx *f)
{
	free(f->mem.host);
	free(f->snap);
}

static int load(struct fx *f, const struct bz_args *a, struct cpu_boot *b)
{
	static const struct bz_args none = {0};

	memcpy(f->snap, f->mem.host, MEM);
	f->err[0] = '\0';
	return bz_load(&f->img, &f->mem, a ? a : &none, b, f->err, sizeof(f->err));
}

/* A refused load: -1, a one-line message with @want, guest memory untouched. */
static void refused(struct fx *f, int rc, const char *want)
{
	assert_int_equal(rc, -1);
	if (!strstr(f->err, want))
		fail_msg("message '%s' lacks '%s'", f->err, want);
	assert_null(strchr(f->err, '\n'));
	assert_memory_equal(f->snap, f->mem.host, MEM);
}

static void test_detect(void **state)
{
	struct fx f;

	(void)state;
	fx_open(&f);
	assert_true(bz_is_bzimage(&f.img));
	assert_true(boot_is_kernel(&f.img, -1));
	f.img.size = BP_HEADER + 3;
	assert_false(bz_is_bzimage(&f.img));
	f.img.size = IMG_SIZE;
	f.img_data[BP_HEADER] = 'X';
	assert_false(bz_is_bzimage(&f.img));
	fx_close(&f);
}

static void test_load_64(void **state)
{
	const struct image initrd = {
		.path = "initrd.cpio", .data = (uint8_t *)"INITRD-DATA", .size = 11};
	const struct bz_args a = {"console=ttyS0 quiet", "virtio_mmio.device=x", &initrd, 0xe0000};
	const uint8_t *zp;
	struct cpu_boot b;
	struct fx f;
	uint32_t rd;

	(void)state;
	fx_open(&f);
	assert_int_equal(load(&f, &a, &b), 0);
	assert_int_equal(b.mode, MODE_LONG);
	assert_int_equal(b.entry, 0x100000 + 0x200);
	assert_int_equal(b.rsi, LINUX_ZERO_PAGE_ADDR);
	assert_memory_equal(f.mem.host + 0x100000, f.img_data + SETUP, KSIZE);
	assert_string_equal((char *)f.mem.host + PC_CMDLINE_ADDR,
			    "console=ttyS0 quiet virtio_mmio.device=x");
	zp = f.mem.host + LINUX_ZERO_PAGE_ADDR;
	assert_int_equal(g32(zp, BP_HEADER), BZ_HDRS_MAGIC);
	assert_int_equal(zp[BP_TYPE_OF_LOADER], BZ_LOADER_TYPE);
	assert_int_equal(g32(zp, BP_CMD_LINE_PTR), PC_CMDLINE_ADDR);
	assert_int_equal(g64(zp, BP_ACPI_RSDP), 0xe0000);
	assert_int_equal(zp[0], 0);	/* outside the header: zero, not dirty */
	assert_int_equal(zp[0x1ef], 0); /* sentinel */
	/* e820: RAM, legacy hole, RAM from 1 MiB to the end. */
	assert_int_equal(zp[BP_E820_ENTRIES], 3);
	assert_int_equal(g64(zp, BP_E820_TABLE + 0), 0);
	assert_int_equal(g64(zp, BP_E820_TABLE + 8), PC_LEGACY_HOLE);
	assert_int_equal(g32(zp, BP_E820_TABLE + 16), E820_RAM);
	assert_int_equal(g32(zp, BP_E820_TABLE + 36), E820_RESERVED);
	assert_int_equal(g64(zp, BP_E820_TABLE + 40), PC_KERNEL_MIN);
	assert_int_equal(g64(zp, BP_E820_TABLE + 48), MEM - PC_KERNEL_MIN);
	assert_int_equal(g32(zp, BP_E820_TABLE + 56), E820_RAM);
	/* initrd: top of memory, page-aligned, above where the kernel runs. */
	rd = g32(zp, BP_RAMDISK_IMAGE);
	assert_int_equal(g32(zp, BP_RAMDISK_SIZE), 11);
	assert_int_equal(rd & 0xfff, 0);
	assert_true(rd >= PREF + INIT_SZ && rd + 11 <= MEM && rd + 0x1000 > MEM - 11);
	assert_memory_equal(f.mem.host + rd, "INITRD-DATA", 11);
	fx_close(&f);
}

static void test_load_32_and_initrd_max(void **state)
{
	const struct image initrd = {.path = "initrd.cpio", .data = (uint8_t *)"RD", .size = 2};
	const struct bz_args a = {NULL, NULL, &initrd, 0};
	struct cpu_boot b;
	struct fx f;

	(void)state;
	fx_open(&f);
	p16(f.img_data, BP_XLOADFLAGS, 0);
	p32(f.img_data, BP_INITRD_ADDR_MAX, 0x17fffff); /* 24 MiB - 1 */
	assert_int_equal(load(&f, &a, &b), 0);
	assert_int_equal(b.mode, MODE_PROTECTED);
	assert_int_equal(b.entry, 0x100000);
	assert_int_equal(g32(f.mem.host + LINUX_ZERO_PAGE_ADDR, BP_RAMDISK_IMAGE), 0x17ff000);
	assert_string_equal((char *)f.mem.host + PC_CMDLINE_ADDR, "");
	fx_close(&f);
}

static void test_refusals(void **state)
{
	uint8_t big[64];
	const struct image huge = {.path = "huge.cpio", .data = big, .size = 28u << 20};
	const struct bz_args with_huge = {NULL, NULL, &huge, 0};
	char line[4200];
	struct bz_args longline = {line, NULL, NULL, 0};
	struct cpu_boot b;
	struct fx f;

	(void)state;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
#define CASE(stmt, want)                                                                           \
	do {                                                                                       \
		fx_open(&f);                                                                       \
		stmt;                                                                              \
		int rc_ = load(&f, NULL, &b);                                                      \
		if (rc_ == 0)                                                                      \
			fail_msg("loaded: %s", #stmt);                                             \
		refused(&f, rc_, want);                                                            \
		fx_close(&f);                                                                      \
	} while (0)
	CASE(f.img.size = 1000, "not a Linux bzImage");
	CASE(f.img_data[BP_HEADER + 3] = 'x', "no \"HdrS\" magic");
	CASE(p16(f.img_data, BP_BOOT_FLAG, 0), "boot sector signature");
	CASE(p16(f.img_data, BP_VERSION, 0x0209), "boot protocol 2.09 is too old");
	CASE(f.img_data[BP_LOADFLAGS] = 0, "zImage");
	CASE(f.img_data[BP_JUMP] = 0x90, "setup header length");
	CASE(f.img_data[BP_JUMP + 1] = 0x10, "setup header length");
	CASE(f.img_data[BP_SETUP_SECTS] = 255, "truncated");
	CASE(f.img.size = SETUP, "truncated");
	CASE(f.img.size = SETUP + 0x100, "truncated");
	CASE(p32(f.img_data, BP_SYSSIZE, 0xffffffff), "truncated");
	CASE(p32(f.img_data, BP_KERNEL_ALIGNMENT, 0x3000), "not a power of two");
	CASE(p32(f.img_data, BP_KERNEL_ALIGNMENT, 0), "not a power of two");
	CASE(p32(f.img_data, BP_INIT_SIZE, 0x10), "absurd setup header");
	CASE(p64(f.img_data, BP_PREF_ADDRESS, 0x1234), "absurd setup header");
	CASE(p64(f.img_data, BP_PREF_ADDRESS, ~0ull), "absurd setup header");
	CASE(p64(f.img_data, BP_PREF_ADDRESS, 64ull << 20), "use --mem 68M or more");
	CASE(p32(f.img_data, BP_INIT_SIZE, 0xfffff000), "use --mem");
	/* Bad inputs from the command line. */
	fx_open(&f);
	refused(&f, load(&f, &with_huge, &b), "initrd of 29360128 bytes does not fit");
	refused(&f, load(&f, &longline, &b),
		"command line too long (4199 bytes; this kernel takes at most 2047)");
	p32(f.img_data, BP_CMDLINE_SIZE, 0xffffffff); /* capped by the VMM's page */
	refused(&f, load(&f, &longline, &b), "at most 4095");
	fx_close(&f);
#undef CASE
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void test_acpi(void **state)
{
	struct guest_mem m = {malloc(MEM), MEM, GMEM_PAGES_4K};
	const uint8_t *rsdp, *xsdt, *madt, *fadt, *dsdt;
	uint8_t node[DEVICE_ACPI_MAX];
	size_t node_len;
	uint64_t r;

	(void)state;
	assert_non_null(m.host);
	assert_int_equal(acpi_build(&m, 0, NULL, 0), 0);
	assert_int_equal(acpi_build(&m, ACPI_MAX_CPUS + 1, NULL, 0), 0);
	r = acpi_build(&m, 4, NULL, 0);
	assert_int_equal(r, ACPI_TABLES_ADDR);
	rsdp = m.host + r;
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(sum(rsdp, 20), 0);
	assert_int_equal(sum(rsdp, 36), 0);
	xsdt = m.host + g64(rsdp, 24);
	assert_memory_equal(xsdt, "XSDT", 4);
	assert_int_equal(sum(xsdt, g32(xsdt, 4)), 0);
	fadt = m.host + g64(xsdt, 36);
	madt = m.host + g64(xsdt, 44);
	assert_memory_equal(fadt, "FACP", 4);
	assert_int_equal(sum(fadt, g32(fadt, 4)), 0);
	assert_int_equal(g32(fadt, 64), ACPI_PM1A_CNT_PORT);
	assert_memory_equal(m.host + g64(fadt, 140), "DSDT", 4);
	assert_memory_equal(madt, "APIC", 4);
	assert_int_equal(sum(madt, g32(madt, 4)), 0);
	assert_int_equal(g32(madt, 4), 44 + 4 * 8 + 12 + 10);
	assert_true(g64(xsdt, 44) + g32(madt, 4) <= ACPI_TABLES_END);
	/* A device's node (the virtio disk's) lands in the DSDT. */
	node_len = aml_mmio_device(node, sizeof(node), "VBLK", "LNRO0005", 0xfeb00000, 0x200, 5);
	assert_true(node_len > 40 && node_len <= 128);
	assert_int_equal(aml_mmio_device(node, node_len - 1, "VBLK", "LNRO0005", 0, 0, 0), 0);
	assert_int_equal(acpi_build(&m, 1, node, ACPI_DSDT_EXTRA_MAX + 1), 0);
	r = acpi_build(&m, ACPI_MAX_CPUS, node, node_len);
	dsdt = m.host + g64(m.host + g64(m.host + g64(m.host + r, 24), 36), 140);
	assert_int_equal(g32(dsdt, 4), 36 + 12 + node_len);
	assert_int_equal(sum(dsdt, g32(dsdt, 4)), 0);
	assert_memory_equal(dsdt + 48, node, node_len);
	madt = m.host + g64(m.host + g64(m.host + r, 24), 44);
	assert_true(g64(m.host + g64(m.host + r, 24), 44) + g32(madt, 4) <= ACPI_TABLES_END);
	free(m.host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_load_64),
		cmocka_unit_test(test_load_32_and_initrd_max),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_acpi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
