/* SPDX-License-Identifier: MIT */
/*
 * fuzz_boot: boot_load (src/loaders/boot.c), the choice between flat,
 * ELF and multiboot boots, with every --mode (-1 = from the image, real,
 * protected, paging, long) and with or without --append.  Input: byte 0
 * picks the mode (value % 5 - 1) and bit 7 an --append; the rest is the
 * image.  Checks: no sanitizer report; on success a valid mode that is
 * the one asked for (except a multiboot boot, always protected) and a flat
 * image only in real mode at REAL_LOAD_ADDR; on failure a one-line message.
 */
#include "fuzz_loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	uint8_t ctl = fdp_u8(&f);
	int mode = ctl % 5 - 1;
	uint8_t *copy = malloc(f.n ? f.n : 1);
	struct image img = {.path = "fuzz.img", .data = copy, .size = f.n};
	struct boot_args a = {.mode = mode, .cmdline = (ctl & 0x80) ? "console=ttyS0 x" : NULL};
	struct cpu_boot b;
	char err[512] = "";
	int r;
	bool mb;

	memcpy(copy, f.p, f.n);
	mb = mb_find_header(&img) >= 0 && (mode == -1 || mode == MODE_PROTECTED);
	r = boot_load(&img, &lmem, &a, &b, err, sizeof(err));
	if (r == 0) {
		FUZZ_CHECK(b.mode >= MODE_REAL && b.mode <= MODE_LONG, "mode %d", b.mode);
		if (mb)
			FUZZ_CHECK(b.mode == MODE_PROTECTED, "multiboot in mode %d", b.mode);
		else if (mode != -1)
			FUZZ_CHECK((int)b.mode == mode, "asked for mode %d, got %d", mode, b.mode);
		if (!mb && !elf_is_elf(&img))
			FUZZ_CHECK(b.mode == MODE_REAL && b.entry == REAL_LOAD_ADDR, "flat boot");
		if (elf_is_elf(&img) || mb)
			FUZZ_CHECK(boot_is_kernel(&img, mode), "a kernel boot of a non-kernel");
		if (a.cmdline)
			FUZZ_CHECK(mb, "--append accepted without multiboot");
	} else {
		FUZZ_CHECK(r == -1, "boot_load returned %d", r);
		check_err(err, sizeof(err));
	}
	free(copy);
	return 0;
}
