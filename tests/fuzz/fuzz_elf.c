/* SPDX-License-Identifier: MIT */
/*
 * fuzz_elf: the input is an ELF image for elf_load (src/loaders/elf.c) with
 * the PC profile's reserved ranges, into 16 MiB of guest memory.  Checks:
 * no crash or sanitizer report; nothing written into a reserved range (even
 * on failure) nor outside guest memory (ASan: the memory is a malloc'd
 * buffer); on success the reported layout is consistent (entry inside a
 * segment, lowest..highest inside memory); on failure, a one-line message.
 */
#include "fuzz_loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exact size: ASan sees over-reads */
	struct image img = {.path = "fuzz.elf", .data = copy, .size = size};
	struct elf_info info;
	char err[512] = "";
	int r;

	memcpy(copy, data, size);
	r = elf_load(&img, &lmem, pc_reserved, pc_nreserved, &info, err, sizeof(err));
	for (size_t i = 0; i < pc_nreserved; i++)
		canary_check(pc_reserved[i].start, pc_reserved[i].end, pc_reserved[i].what);
	if (r == 0) {
		FUZZ_CHECK(elf_is_elf(&img), "loaded a non-ELF");
		FUZZ_CHECK(info.bits == 32 || info.bits == 64, "bits %d", info.bits);
		FUZZ_CHECK(info.lowest < info.highest || info.lowest == info.highest,
			   "lowest 0x%llx > highest 0x%llx", (unsigned long long)info.lowest,
			   (unsigned long long)info.highest);
		FUZZ_CHECK(info.highest <= lmem.size, "highest 0x%llx past memory",
			   (unsigned long long)info.highest);
		FUZZ_CHECK(info.entry_pa >= info.lowest && info.entry_pa < info.highest,
			   "entry_pa 0x%llx outside 0x%llx..0x%llx",
			   (unsigned long long)info.entry_pa, (unsigned long long)info.lowest,
			   (unsigned long long)info.highest);
		/* Loaded bytes must not stay there for the next input's checks. */
		canary_set(info.lowest, info.highest);
	} else {
		FUZZ_CHECK(r == -1, "elf_load returned %d", r);
		check_err(err, sizeof(err));
	}
	free(copy);
	return 0;
}
