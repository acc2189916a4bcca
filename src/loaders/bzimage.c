/* SPDX-License-Identifier: MIT */
#include "bzimage.h"

#include <stdio.h>
#include <string.h>

#include "mkvm/abi.h"

static uint32_t get16(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8;
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	return get16(p, off) | get16(p, off + 2) << 16;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	return get32(p, off) | (uint64_t)get32(p, off + 4) << 32;
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
	put32(p, off, (uint32_t)v);
	put32(p, off + 4, (uint32_t)(v >> 32));
}

bool bz_is_bzimage(const struct image *img)
{
	return img->size >= BP_HEADER + 4 && get32(img->data, BP_HEADER) == BZ_HDRS_MAGIC;
}

static uint64_t mib_up(uint64_t bytes)
{
	return (bytes + (1ull << 20) - 1) >> 20;
}

/* The e820 map: RAM below the legacy hole, the hole, RAM from 1 MiB. */
static void put_e820(uint8_t *zp, uint64_t mem_size)
{
	const struct {
		uint64_t addr, size;
		uint32_t type;
	} map[] = {
		{0, PC_LEGACY_HOLE, E820_RAM},
		{PC_LEGACY_HOLE, PC_KERNEL_MIN - PC_LEGACY_HOLE, E820_RESERVED},
		{PC_KERNEL_MIN, mem_size - PC_KERNEL_MIN, E820_RAM},
	};
	size_t n = sizeof(map) / sizeof(map[0]);

	for (size_t i = 0; i < n; i++) {
		uint8_t *e = zp + BP_E820_TABLE + 20 * i;
		put64(e, 0, map[i].addr);
		put64(e, 8, map[i].size);
		put32(e, 16, map[i].type);
	}
	zp[BP_E820_ENTRIES] = (uint8_t)n;
}

int bz_load(const struct image *img, struct guest_mem *mem, const struct bz_args *a,
	    struct cpu_boot *b, char *err, size_t errlen)
{
	const uint8_t *d = img->data;
	uint8_t zp[BP_SIZE];
	uint32_t version, setup_sects, hdr_end, syssize, align, init_size, cmdline_max;
	uint64_t setup_size, kernel_size, runtime, kernel_end, initrd_at = 0, initrd_size = 0;
	uint64_t pref;
	bool reloc, entry64;
	char line[PC_CMDLINE_MAX];
	int n;

	/* ---- the setup header: every field is checked before it is used ---- */
	if (img->size < 1024 || !bz_is_bzimage(img)) {
		snprintf(err, errlen,
			 "%s: not a Linux bzImage (%s); give a bzImage such as /boot/vmlinuz-*",
			 img->path,
			 img->size < 1024 ? "shorter than the 1 KiB boot sector and setup header"
					  : "no \"HdrS\" magic at 0x202");
		return -1;
	}
	version = get16(d, BP_VERSION);
	if (get16(d, BP_BOOT_FLAG) != BZ_BOOT_FLAG) {
		snprintf(err, errlen, "%s: bad boot sector signature 0x%04x at 0x1fe (want 0xaa55)",
			 img->path, get16(d, BP_BOOT_FLAG));
		return -1;
	}
	if (version < BZ_MIN_VERSION) {
		snprintf(err, errlen,
			 "%s: boot protocol %u.%02u is too old; need 2.10 or later (Linux 2.6.31+)",
			 img->path, version >> 8, version & 0xff);
		return -1;
	}
	if (!(d[BP_LOADFLAGS] & BZ_LOADED_HIGH)) {
		snprintf(err, errlen,
			 "%s: a zImage (loaded at 0x10000) is not supported; use a bzImage",
			 img->path);
		return -1;
	}
	setup_sects = d[BP_SETUP_SECTS] ? d[BP_SETUP_SECTS] : 4;
	setup_size = (uint64_t)(setup_sects + 1) * 512;
	hdr_end = BP_HEADER + d[BP_JUMP + 1]; /* the jump at 0x200 skips the header */
	if (d[BP_JUMP] != 0xeb || hdr_end < BP_INIT_SIZE + 4 || hdr_end > setup_size) {
		snprintf(err, errlen,
			 "%s: setup header length %u (jump 0x%02x 0x%02x at 0x200) is invalid",
			 img->path, hdr_end - BP_SETUP_SECTS, d[BP_JUMP], d[BP_JUMP + 1]);
		return -1;
	}
	if (setup_size >= img->size) {
		snprintf(
			err, errlen,
			"%s: truncated: %llu bytes of setup code announced, the file has %zu bytes",
			img->path, (unsigned long long)setup_size, img->size);
		return -1;
	}
	kernel_size = img->size - setup_size;
	syssize = get32(d, BP_SYSSIZE);
	if ((uint64_t)syssize * 16 > kernel_size) {
		snprintf(
			err, errlen,
			"%s: truncated: the header announces a %llu-byte kernel after the setup code, the file has %llu",
			img->path, (unsigned long long)syssize * 16,
			(unsigned long long)kernel_size);
		return -1;
	}
	align = get32(d, BP_KERNEL_ALIGNMENT);
	reloc = d[BP_RELOCATABLE] != 0;
	pref = get64(d, BP_PREF_ADDRESS);
	init_size = get32(d, BP_INIT_SIZE);
	cmdline_max = get32(d, BP_CMDLINE_SIZE);
	entry64 = version >= 0x020c && (get16(d, BP_XLOADFLAGS) & BZ_XLF_KERNEL_64);
	if (reloc && (align == 0 || (align & (align - 1)) || align > (1u << 30))) {
		snprintf(err, errlen, "%s: kernel_alignment 0x%x is not a power of two up to 1 GiB",
			 img->path, align);
		return -1;
	}
	if (init_size < kernel_size || pref < PC_KERNEL_MIN || pref >= mem->size ||
	    (pref & 0xfff)) {
		if (pref >= mem->size && pref < GUEST_MEM_MAX && init_size >= kernel_size &&
		    !(pref & 0xfff)) {
			snprintf(
				err, errlen,
				"%s: the kernel runs at 0x%llx, above the %llu MiB of guest memory; use --mem %lluM or more",
				img->path, (unsigned long long)pref,
				(unsigned long long)(mem->size >> 20),
				(unsigned long long)mib_up(pref + init_size));
			return -1;
		}
		snprintf(
			err, errlen,
			"%s: absurd setup header: init_size 0x%x for a %llu-byte kernel, pref_address 0x%llx",
			img->path, init_size, (unsigned long long)kernel_size,
			(unsigned long long)pref);
		return -1;
	}

	/* Where the kernel decompresses and runs (head_64.S/head_32.S): the
	 * load address rounded up to kernel_alignment, not below pref_address
	 * (LOAD_PHYSICAL_ADDR); a non-relocatable kernel runs at pref_address. */
	runtime = pref;
	if (reloc) {
		uint64_t up = ((uint64_t)PC_KERNEL_MIN + align - 1) & ~((uint64_t)align - 1);
		if (up > runtime)
			runtime = up;
	}
	kernel_end = runtime + init_size;
	if (PC_KERNEL_MIN + kernel_size > kernel_end)
		kernel_end = PC_KERNEL_MIN + kernel_size;
	if (kernel_end > mem->size) {
		snprintf(
			err, errlen,
			"%s: the kernel needs memory up to 0x%llx (init_size %u MiB at 0x%llx) but the guest has %llu MiB; use --mem %lluM or more",
			img->path, (unsigned long long)kernel_end, (unsigned)mib_up(init_size),
			(unsigned long long)runtime, (unsigned long long)(mem->size >> 20),
			(unsigned long long)mib_up(kernel_end + (a->initrd ? a->initrd->size : 0)));
		return -1;
	}

	/* ---- command line ---- */
	n = snprintf(line, sizeof(line), "%s%s%s", a->cmdline ? a->cmdline : "",
		     a->cmdline && a->extra ? " " : "", a->extra ? a->extra : "");
	{
		uint64_t max = cmdline_max < sizeof(line) - 1 ? cmdline_max : sizeof(line) - 1;
		if (n < 0 || (uint64_t)n > max) {
			snprintf(
				err, errlen,
				"%s: command line too long (%d bytes; this kernel takes at most %llu)",
				img->path, n, (unsigned long long)max);
			return -1;
		}
	}

	/* ---- initrd: as high as allowed, page-aligned, above the kernel ---- */
	if (a->initrd) {
		uint64_t top = (uint64_t)get32(d, BP_INITRD_ADDR_MAX) + 1;
		if (top > mem->size)
			top = mem->size;
		initrd_size = a->initrd->size;
		if (initrd_size > top || ((top - initrd_size) & ~0xfffull) < kernel_end) {
			snprintf(
				err, errlen,
				"%s: initrd of %llu bytes does not fit between the kernel (up to 0x%llx) and 0x%llx; use --mem %lluM or more",
				a->initrd->path, (unsigned long long)initrd_size,
				(unsigned long long)kernel_end, (unsigned long long)top,
				(unsigned long long)mib_up(kernel_end + initrd_size + 0x1000));
			return -1;
		}
		initrd_at = (top - initrd_size) & ~0xfffull;
	}

	/* ---- everything fits: write ---- */
	memset(zp, 0, sizeof(zp));
	memcpy(zp + BP_SETUP_SECTS, d + BP_SETUP_SECTS, hdr_end - BP_SETUP_SECTS);
	zp[BP_TYPE_OF_LOADER] = BZ_LOADER_TYPE;
	put32(zp, BP_CMD_LINE_PTR, PC_CMDLINE_ADDR);
	put32(zp, BP_RAMDISK_IMAGE, (uint32_t)initrd_at);
	put32(zp, BP_RAMDISK_SIZE, (uint32_t)initrd_size);
	put32(zp, BP_EXT_RAMDISK_IMG, (uint32_t)(initrd_at >> 32));
	put32(zp, BP_EXT_RAMDISK_SIZE, (uint32_t)(initrd_size >> 32));
	put64(zp, BP_ACPI_RSDP, a->rsdp);
	put_e820(zp, mem->size);
	if (image_to_guest(img, setup_size, kernel_size, mem, PC_KERNEL_MIN) < 0 ||
	    gmem_write(mem, PC_CMDLINE_ADDR, line, (uint64_t)n + 1) < 0 ||
	    (a->initrd && image_to_guest(a->initrd, 0, initrd_size, mem, initrd_at) < 0) ||
	    gmem_write(mem, LINUX_ZERO_PAGE_ADDR, zp, sizeof(zp)) < 0) {
		snprintf(err, errlen, "%s: internal error: a checked range is outside memory",
			 img->path);
		return -1;
	}
	*b = (struct cpu_boot){
		.mode = entry64 ? MODE_LONG : MODE_PROTECTED,
		.entry = PC_KERNEL_MIN + (entry64 ? BZ_ENTRY64_OFFSET : 0),
		.stack = PC_STACK_TOP,
		.rsi = LINUX_ZERO_PAGE_ADDR,
	};
	return 0;
}
