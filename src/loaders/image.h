/* SPDX-License-Identifier: MIT */
/* Reading guest image files, and the flat real-mode loader. */
#ifndef MKVM_IMAGE_H
#define MKVM_IMAGE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/guest_mem.h"

/* Largest image file read (kernels with debug info included). */
#define IMAGE_FILE_MAX (512ull << 20)

struct image {
	const char *path;
	uint8_t *data; /* read-only */
	size_t size;
	bool mapped; /* data maps the file (image_read); else a caller's buffer */
};

/*
 * Reads a whole image file of at most @max bytes.  On failure writes a
 * one-line message naming the file and the problem (missing, directory,
 * empty, too large, unreadable) to @err and returns -1.
 */
int image_read(struct image *img, const char *path, uint64_t max, char *err, size_t errlen);
void image_free(struct image *img);

/*
 * Copies @len bytes from offset @off of @img to guest-physical @gpa.
 * Returns 0, or -1 if the guest range is outside guest RAM (nothing
 * copied); [off, off + len) must lie within the image (callers check).
 * The copy goes in pieces, and each piece of a mapped file leaves this
 * process's memory once copied: a 66 MB vmlinux never occupies host memory
 * twice, once as the file and once as guest pages (peak RSS, issue 14).
 */
int image_to_guest(const struct image *img, uint64_t off, uint64_t len, struct guest_mem *mem,
		   uint64_t gpa);

/* Largest flat image that fits in @mem_size bytes of guest memory. */
uint64_t flat_max_size(uint64_t mem_size);

/* Copies a flat image to REAL_LOAD_ADDR. 0, or -1 with a message in @err. */
int flat_load(const struct image *img, struct guest_mem *mem, char *err, size_t errlen);

#endif
