/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/loaders/pvh.c and its choice in src/loaders/boot.c: a
 * synthetic ELF64 "vmlinux" with Linux and Xen notes, booted through the
 * PVH entry (start info, memory map, module list, command line, CPU
 * state); notes that are absent, malformed or lie; refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loaders/boot.h"
#include "loaders/pvh.h"
#include "mkvm/abi.h"

#include "loader_fixtures.h"

#define VBASE	 0xffffffff81000000ull
#define NOTE_OFF FX_SIZE /* the notes follow the standard kernel */

/* Appends one note (name with its NUL, 4-byte padded) at *off. */
static void note(struct fx *f, size_t *off, const char *name, uint32_t type, uint32_t desc)
{
	uint8_t *p = f->img.data + *off;
	uint32_t hdr[3] = {(uint32_t)strlen(name) + 1, 4, type};
	size_t nlen = (strlen(name) + 1 + 3) & ~3ul;

	memcpy(p, hdr, 12);
	memset(p + 12, 0, nlen);
	memcpy(p + 12, name, strlen(name) + 1);
	memcpy(p + 12 + nlen, &desc, 4);
	*off += 12 + nlen + 4;
}

/* The standard kernel at 1 MiB, linked at VBASE (as vmlinux), with the
 * notes @with_entry asks for in its PT_NOTE (phdr 2). */
static void vmlinux(struct fx *f, bool linux_note, bool with_entry, uint32_t entry)
{
	size_t off = NOTE_OFF;
	struct fx_patch p[] = {{P_OFFSET, 2, NOTE_OFF}, {P_FILESZ, 2, 0}, {F_SIZE, 0, 0}};

	fx_kernel(f, 64, VBASE, FX_KBASE);
	if (linux_note)
		note(f, &off, "Linux", 0x100, 0x12345678);
	note(f, &off, "Xen", 6, 0x756e696c); /* XEN_ELFNOTE_GUEST_OS */
	if (with_entry)
		note(f, &off, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, entry);
	p[1].val = off - NOTE_OFF;
	p[2].val = off;
	for (size_t i = 0; i < ARRAY_SIZE(p); i++)
		fx_set(f, 64, &p[i]);
}

static int pvh(struct fx *f, const struct pvh_args *a, struct cpu_boot *b)
{
	return pvh_load(&f->img, &f->mem, a, b, f->err, sizeof(f->err));
}

static void test_probe(void **state)
{
	struct fx f;
	uint32_t entry = 0;
	struct fx_patch bad = {F_NONE, 0, 0};

	(void)state;
	fx_open(&f, FX_PATH);
	vmlinux(&f, true, true, FX_KBASE + 0x10);
	assert_int_equal(pvh_probe(&f.img, &entry), PVH_ENTRY);
	assert_int_equal(entry, FX_KBASE + 0x10);
	vmlinux(&f, true, false, 0);
	assert_int_equal(pvh_probe(&f.img, &entry), PVH_NO_ENTRY);
	vmlinux(&f, false, false, 0);
	assert_int_equal(pvh_probe(&f.img, &entry), PVH_NO_ENTRY); /* Xen notes alone */
	fx_kernel(&f, 64, VBASE, FX_KBASE); /* its PT_NOTE points past the file */
	assert_int_equal(pvh_probe(&f.img, &entry), PVH_NOT_LINUX);
	fx_kernel(&f, 32, FX_KBASE, FX_KBASE);
	assert_int_equal(pvh_probe(&f.img, &entry), PVH_NOT_LINUX);
	/* A name size that runs past the segment ends the walk: no entry. */
	vmlinux(&f, false, true, FX_KBASE + 0x10);
	memcpy(f.img.data + NOTE_OFF, "\xff\xff\xff\xff", 4);
	assert_int_equal(pvh_probe(&f.img, &entry), PVH_NOT_LINUX);
	/* A PT_NOTE segment longer than the file is not read. */
	vmlinux(&f, true, true, FX_KBASE + 0x10);
	bad = (struct fx_patch){P_FILESZ, 2, FX_CAP};
	fx_set(&f, 64, &bad);
	assert_int_equal(pvh_probe(&f.img, &entry), PVH_NOT_LINUX);
	fx_close(&f);
}

static void test_boot(void **state)
{
	struct fx f;
	struct image initrd = {.path = "initrd.cpio", .size = 0x3000};
	struct pvh_args a = {.cmdline = "console=ttyS0",
			     .extra = "pci=noearly",
			     .initrd = &initrd,
			     .rsdp = ACPI_TABLES_ADDR,
			     .res = pc_reserved,
			     .nres = pc_nreserved};
	struct cpu_boot b;
	char line[64];
	uint64_t map, top = FX_MEM - 0x3000;

	(void)state;
	initrd.data = malloc(initrd.size);
	assert_non_null(initrd.data);
	memset(initrd.data, 0x5a, initrd.size);
	fx_open(&f, FX_PATH);
	vmlinux(&f, true, true, FX_KBASE + 0x10);
	assert_int_equal(pvh(&f, &a, &b), 0);
	/* CPU: flat 32-bit protected mode at the note's entry, EBX = start info. */
	assert_int_equal(b.mode, MODE_PROTECTED);
	assert_int_equal(b.entry, FX_KBASE + 0x10);
	assert_int_equal(b.ebx, PC_BOOTINFO_ADDR);
	/* The kernel's segments at their physical addresses. */
	assert_int_equal(memcmp(f.mem.host + FX_KBASE, f.img.data + 0x1000, 0x800), 0);
	/* struct hvm_start_info, version 1. */
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR), HVM_START_MAGIC);
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR + 4), 1);
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR + 8), 0);  /* flags */
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR + 12), 1); /* one module */
	assert_true(rd64(&f, PC_BOOTINFO_ADDR + 24) == PC_CMDLINE_ADDR);
	assert_true(rd64(&f, PC_BOOTINFO_ADDR + 32) == ACPI_TABLES_ADDR);
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR + 48), 3);
	/* The initrd: module 0, page-aligned at the top of RAM. */
	{
		uint64_t mod = rd64(&f, PC_BOOTINFO_ADDR + 16);
		assert_true(rd64(&f, mod) == top);
		assert_true(rd64(&f, mod + 8) == initrd.size);
		assert_true(rd64(&f, mod + 16) == 0); /* no module command line */
		assert_int_equal(memcmp(f.mem.host + top, initrd.data, initrd.size), 0);
	}
	/* The memory map: RAM, the legacy hole, RAM from 1 MiB to the end. */
	map = rd64(&f, PC_BOOTINFO_ADDR + 40);
	assert_true(rd64(&f, map) == 0 && rd64(&f, map + 8) == PC_LEGACY_HOLE);
	assert_int_equal(rd32(&f, map + 16), HVM_MEMMAP_TYPE_RAM);
	assert_true(rd64(&f, map + 24) == PC_LEGACY_HOLE);
	assert_int_equal(rd32(&f, map + 40), HVM_MEMMAP_TYPE_RESERVED);
	assert_true(rd64(&f, map + 48) == PC_KERNEL_MIN);
	assert_true(rd64(&f, map + 56) == FX_MEM - PC_KERNEL_MIN);
	assert_int_equal(rd32(&f, map + 64), HVM_MEMMAP_TYPE_RAM);
	/* The command line, then the devices' fragment. */
	assert_int_equal(gmem_read(&f.mem, line, PC_CMDLINE_ADDR, 26), 0);
	assert_string_equal(line, "console=ttyS0 pci=noearly");
	/* No initrd: no module. */
	a.initrd = NULL;
	assert_int_equal(pvh(&f, &a, &b), 0);
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR + 12), 0);
	assert_true(rd64(&f, PC_BOOTINFO_ADDR + 16) == 0);
	fx_close(&f);
	free(initrd.data);
}

static void test_refused(void **state)
{
	struct fx f;
	struct image big = {.path = "big.cpio", .size = FX_MEM};
	static char longline[PVH_CMDLINE_MAX + 2];
	struct pvh_args a = {.rsdp = ACPI_TABLES_ADDR, .res = pc_reserved, .nres = pc_nreserved};
	struct boot_args ba = {.mode = -1};
	struct cpu_boot b;

	(void)state;
	fx_open(&f, FX_PATH);
	/* The entry must lie in the kernel's segments. */
	vmlinux(&f, true, true, 0x8000);
	fx_snapshot(&f);
	fx_refused(&f, pvh(&f, &a, &b), FX_PATH, "PVH entry 0x8000 is outside");
	vmlinux(&f, true, true, FX_KBASE + 0x5000);
	fx_refused(&f, pvh(&f, &a, &b), FX_PATH, "outside the kernel's segments");
	/* Too long a command line, too big an initrd: nothing written. */
	vmlinux(&f, true, true, FX_KBASE + 0x10);
	memset(longline, 'x', PVH_CMDLINE_MAX + 1);
	a.cmdline = longline;
	fx_refused(&f, pvh(&f, &a, &b), FX_PATH, "command line too long (2048 bytes");
	a.cmdline = NULL;
	big.data = calloc(1, big.size);
	assert_non_null(big.data);
	a.initrd = &big;
	assert_int_equal(pvh(&f, &a, &b), -1);
	assert_non_null(strstr(f.err, "initrd of 16777216 bytes does not fit"));
	free(big.data);
	fx_close(&f);
	/* Through boot_load: Linux notes without the PVH entry, one line. */
	fx_open(&f, FX_PATH);
	vmlinux(&f, true, false, 0);
	fx_snapshot(&f);
	fx_refused(&f, boot_load(&f.img, &f.mem, &ba, &b, f.err, sizeof(f.err)), FX_PATH,
		   "without the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)");
	/* With it, boot_load takes the PVH path (start info at EBX). */
	vmlinux(&f, true, true, FX_KBASE + 0x10);
	assert_int_equal(boot_load(&f.img, &f.mem, &ba, &b, f.err, sizeof(f.err)), 0);
	assert_int_equal(b.ebx, PC_BOOTINFO_ADDR);
	assert_int_equal(rd32(&f, PC_BOOTINFO_ADDR), HVM_START_MAGIC);
	ba.mode = MODE_LONG;
	assert_int_equal(boot_load(&f.img, &f.mem, &ba, &b, f.err, sizeof(f.err)), -1);
	assert_non_null(strstr(f.err, "chooses its own mode"));
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_boot),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
