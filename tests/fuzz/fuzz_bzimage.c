/* SPDX-License-Identifier: MIT */
/*
 * fuzz_bzimage: bz_load (src/loaders/bzimage.c, the Linux boot protocol)
 * on a bzImage from the input, with an optional initrd and command line
 * carved from it, then acpi_build for 1..64 vCPUs.  Input layout:
 *
 *   byte 0      bit 0: an initrd; bit 1: a command line; bit 2: the VMM's
 *               extra parameter; bits 3-7: vCPUs - 1 for acpi_build
 *   [byte]      command line length (if bit 1), then that many bytes
 *   [2 bytes]   initrd length (LE, if bit 0), taken from the END of the input
 *   rest        the bzImage
 *
 * Checks: no sanitizer report; the GDT page, the page tables and the
 * legacy hole never written by bz_load; on success the boot state is the
 * Linux one (zero page in RSI, entry at 1 MiB or 1 MiB + 0x200), the zero
 * page holds "HdrS", the e820 map and a command line that is a string
 * within its page, and the initrd lies in RAM above the kernel, page-
 * aligned; on failure a one-line message.  acpi_build writes only its area.
 * Seeds: tests/fuzz/corpus/bzimage (a small valid image and cut variants).
 */
#include "fuzz_loader.h"

#include "arch/x86/acpi.h"
#include "arch/x86/aml.h"
#include "loaders/bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	uint8_t ctl = fdp_u8(&f);
	char *cmdline = NULL;
	uint8_t *copy, *rcopy = NULL;
	struct image img, rd;
	struct bz_args a = {0};
	struct cpu_boot b;
	char err[512] = "";
	int r;

	if (ctl & 2) {
		size_t n = fdp_u8(&f);
		n = n < f.n ? n : f.n;
		cmdline = malloc(n + 1);
		memcpy(cmdline, f.p, n);
		cmdline[n] = '\0';
		f.p += n;
		f.n -= n;
		a.cmdline = cmdline;
	}
	if (ctl & 1) {
		size_t n = fdp_u16(&f);
		n = n < f.n ? n : f.n;
		rcopy = malloc(n ? n : 1);
		memcpy(rcopy, f.p + f.n - n, n);
		f.n -= n;
		rd = (struct image){.path = "initrd.cpio", .data = rcopy, .size = n};
		a.initrd = &rd;
	}
	if (ctl & 4)
		a.extra = "virtio_mmio.device=0x200@0xfeb00000:5";
	a.rsdp = ACPI_TABLES_ADDR;
	copy = malloc(f.n ? f.n : 1);
	memcpy(copy, f.p, f.n);
	img = (struct image){.path = "fuzz-bzImage", .data = copy, .size = f.n};

	r = bz_load(&img, &lmem, &a, &b, err, sizeof(err));
	canary_check(PC_GDT_ADDR, PC_BOOTINFO_ADDR, "GDT/TSS page");
	canary_check(PC_PGTABLE_ADDR, PC_PGTABLE_END, "page tables");
	canary_check(PC_LEGACY_HOLE, PC_KERNEL_MIN, "legacy PC hole");
	if (r == 0) {
		const uint8_t *zp = lmem.host + LINUX_ZERO_PAGE_ADDR;
		uint32_t rd_at, rd_size;

		FUZZ_CHECK(bz_is_bzimage(&img), "loaded without HdrS");
		FUZZ_CHECK(b.rsi == LINUX_ZERO_PAGE_ADDR &&
				   (b.mode == MODE_LONG
					    ? b.entry == PC_KERNEL_MIN + 0x200
					    : b.mode == MODE_PROTECTED && b.entry == PC_KERNEL_MIN),
			   "boot state mode %d entry 0x%llx rsi 0x%llx", b.mode,
			   (unsigned long long)b.entry, (unsigned long long)b.rsi);
		FUZZ_CHECK(memcmp(zp + BP_HEADER, "HdrS", 4) == 0 && zp[BP_E820_ENTRIES] == 3,
			   "zero page");
		FUZZ_CHECK(memchr(lmem.host + PC_CMDLINE_ADDR, 0, PC_CMDLINE_MAX), "cmdline");
		memcpy(&rd_at, zp + BP_RAMDISK_IMAGE, 4);
		memcpy(&rd_size, zp + BP_RAMDISK_SIZE, 4);
		if (a.initrd) {
			FUZZ_CHECK(rd_size == rd.size && !(rd_at & 0xfff) &&
					   rd_at >= PC_KERNEL_MIN + img.size - 512 &&
					   (uint64_t)rd_at + rd_size <= lmem.size &&
					   memcmp(lmem.host + rd_at, rd.data, rd.size) == 0,
				   "initrd at 0x%x size %u", rd_at, rd_size);
		} else {
			FUZZ_CHECK(rd_at == 0 && rd_size == 0, "initrd without --initrd");
		}
		canary_set(PC_CMDLINE_ADDR, PC_CMDLINE_ADDR + PC_CMDLINE_MAX);
	} else {
		FUZZ_CHECK(r == -1, "bz_load returned %d", r);
		check_err(err, sizeof(err));
	}
	{
		unsigned ncpus = (ctl >> 3) + 1u;
		uint8_t node[128];
		size_t n = (ctl & 4) ? aml_mmio_device(node, sizeof(node), "VBLK", "LNRO0005",
						       0xfeb00000, 0x200, 5)
				     : 0;
		uint64_t rsdp = acpi_build(&lmem, ncpus, node, n);
		FUZZ_CHECK(rsdp == ACPI_TABLES_ADDR, "acpi_build(%u) = 0x%llx", ncpus,
			   (unsigned long long)rsdp);
		canary_check(ACPI_TABLES_END, PC_KERNEL_MIN, "legacy hole after the ACPI area");
		canary_set(ACPI_TABLES_ADDR, ACPI_TABLES_END);
	}
	free(copy);
	free(rcopy);
	free(cmdline);
	return 0;
}
