/* SPDX-License-Identifier: MIT */
/*
 * fuzz_multiboot: mb_load (src/loaders/multiboot.c) on a kernel from the
 * input, with 0..2 small modules and an optional command line carved from
 * it.  Input layout (so that corpus files are nearly plain kernels):
 *
 *   byte 0      bits 0-1: modules (3 counts as 2); bit 2: a command line
 *   [byte]      command line length (if bit 2), then that many bytes
 *   [2 bytes]   per module: its length (LE), taken from the END of the input
 *   rest        the kernel image
 *
 * Checks: no sanitizer report; the VMM's GDT page, page tables and the
 * legacy hole never written; on success the boot state is the multiboot
 * one (EAX magic, EBX info, protected mode) and the info page's flags and
 * module list are consistent; on failure a one-line message.
 */
#include "fuzz_loader.h"

#include "loaders/multiboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	uint8_t ctl = fdp_u8(&f);
	size_t nmods = (ctl & 3) == 3 ? 2 : ctl & 3;
	char *cmdline = NULL;
	struct image mimg[2];
	struct mb_module mods[2];
	static const char *const mstr[2] = {"mod0 arg=1", "mod1"};
	uint8_t *copy, *mcopy[2] = {NULL, NULL};
	struct image img;
	struct cpu_boot b;
	char err[512] = "";
	int r;

	if (ctl & 4) {
		size_t n = fdp_u8(&f);
		n = n < f.n ? n : f.n;
		cmdline = malloc(n + 1);
		memcpy(cmdline, f.p, n);
		cmdline[n] = '\0';
		f.p += n;
		f.n -= n;
	}
	for (size_t i = 0; i < nmods; i++) {
		size_t n = fdp_u16(&f) % 4096;
		n = n < f.n ? n : f.n;
		mcopy[i] = malloc(n ? n : 1);
		memcpy(mcopy[i], f.p + f.n - n, n);
		f.n -= n;
		mimg[i] = (struct image){
			.path = i ? "mod1.bin" : "mod0.bin", .data = mcopy[i], .size = n};
		mods[i] = (struct mb_module){&mimg[i], mstr[i]};
	}
	copy = malloc(f.n ? f.n : 1);
	memcpy(copy, f.p, f.n);
	img = (struct image){.path = "fuzz-mb.elf", .data = copy, .size = f.n};

	r = mb_load(&img, &lmem, cmdline, mods, nmods, &b, err, sizeof(err));
	canary_check(PC_GDT_ADDR, PC_BOOTINFO_ADDR, "GDT/TSS page");
	/* Paging off: the page-table area is the kernel's (boot.c mb_reserved). */
	canary_check(PC_LEGACY_HOLE, PC_KERNEL_MIN, "legacy PC hole");
	if (r == 0) {
		uint32_t info[12];
		FUZZ_CHECK(mb_find_header(&img) >= 0, "loaded without a header");
		FUZZ_CHECK(b.mode == MODE_PROTECTED && b.eax == MB_BOOT_MAGIC &&
				   b.ebx == PC_BOOTINFO_ADDR,
			   "boot state mode %d eax 0x%x ebx 0x%x", b.mode, b.eax, b.ebx);
		FUZZ_CHECK(b.entry >= PC_PGTABLE_ADDR && b.entry < lmem.size, "entry 0x%llx",
			   (unsigned long long)b.entry);
		memcpy(info, lmem.host + PC_BOOTINFO_ADDR, sizeof(info));
		FUZZ_CHECK(info[5] == nmods, "mods_count %u, want %zu", info[5], nmods);
		for (size_t i = 0; i < nmods; i++) {
			uint32_t m[4];
			memcpy(m, lmem.host + info[6] + 16 * i, sizeof(m));
			FUZZ_CHECK(m[1] - m[0] == mimg[i].size && m[1] <= lmem.size &&
					   m[0] >= PC_PGTABLE_ADDR,
				   "module %zu at 0x%x..0x%x", i, m[0], m[1]);
			FUZZ_CHECK(memcmp(lmem.host + m[0], mimg[i].data, mimg[i].size) == 0,
				   "module %zu bytes", i);
		}
	} else {
		FUZZ_CHECK(r == -1, "mb_load returned %d", r);
		check_err(err, sizeof(err));
	}
	/* Kernel and modules stay in memory; only the checked ranges matter. */
	free(copy);
	for (size_t i = 0; i < 2; i++)
		free(mcopy[i]);
	free(cmdline);
	return 0;
}
