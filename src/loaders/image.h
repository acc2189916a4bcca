/* SPDX-License-Identifier: MIT */
/* Reading guest image files, and the flat real-mode loader. */
#ifndef MKVM_IMAGE_H
#define MKVM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "core/guest_mem.h"

/* Largest image file read (kernels with debug info included). */
#define IMAGE_FILE_MAX (512ull << 20)

struct image {
	const char *path;
	uint8_t *data;
	size_t size;
};

/*
 * Reads a whole image file of at most @max bytes.  On failure writes a
 * one-line message naming the file and the problem (missing, directory,
 * empty, too large, unreadable) to @err and returns -1.
 */
int image_read(struct image *img, const char *path, uint64_t max, char *err, size_t errlen);
void image_free(struct image *img);

/* Largest flat image that fits in @mem_size bytes of guest memory. */
uint64_t flat_max_size(uint64_t mem_size);

/* Copies a flat image to REAL_LOAD_ADDR. 0, or -1 with a message in @err. */
int flat_load(const struct image *img, struct guest_mem *mem, char *err, size_t errlen);

#endif
