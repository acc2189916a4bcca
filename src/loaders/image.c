/* SPDX-License-Identifier: MIT */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkvm/abi.h"

int image_read(struct image *img, const char *path, uint64_t max, char *err, size_t errlen)
{
	struct stat st;
	void *map;
	int fd;

	memset(img, 0, sizeof(*img));
	img->path = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open image: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: cannot stat image: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file%s", path,
			 S_ISDIR(st.st_mode) ? " (it is a directory); give the image file" : "");
		goto fail;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "%s: image is empty (0 bytes); build it first (make guests)",
			 path);
		goto fail;
	}
	if ((uint64_t)st.st_size > max) {
		snprintf(
			err, errlen,
			"%s: image is %lld bytes but at most %llu bytes fit in guest memory; use a larger --mem",
			path, (long long)st.st_size, (unsigned long long)max);
		goto fail;
	}
	img->size = (size_t)st.st_size;
	/* Mapped, not read: pages come in as the loader copies them, and
	 * image_to_guest() drops them again.  (The file must not shrink while
	 * mini-kvm loads it: that is the user's file, not the guest's input.) */
	map = mmap(NULL, img->size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		snprintf(err, errlen, "%s: cannot map %zu bytes: %s", path, img->size,
			 strerror(errno));
		img->size = 0;
		goto fail;
	}
	img->data = map;
	img->mapped = true;
	close(fd);
	return 0;
fail:
	close(fd);
	image_free(img);
	return -1;
}

void image_free(struct image *img)
{
	if (img->mapped)
		munmap(img->data, img->size);
	else
		free(img->data);
	img->data = NULL;
	img->size = 0;
	img->mapped = false;
}

/* A piece of the file at a time: at most this much of it is resident. */
#define IMAGE_COPY_CHUNK (256u << 10)

int image_to_guest(const struct image *img, uint64_t off, uint64_t len, struct guest_mem *mem,
		   uint64_t gpa)
{
	uint8_t *dst = gmem_ptr(mem, gpa, len);
	long page = sysconf(_SC_PAGESIZE);

	if (!dst)
		return -1;
	while (len) {
		uint64_t n = len < IMAGE_COPY_CHUNK ? len : IMAGE_COPY_CHUNK;
		uintptr_t from = (uintptr_t)(img->data + off), to = from + n;

		memcpy(dst, img->data + off, n);
		/* Whole pages of the mapping copied so far: out of our RSS
		 * (they stay in the page cache; a later read faults them in). */
		from &= ~((uintptr_t)page - 1);
		to &= ~((uintptr_t)page - 1);
		if (img->mapped && to > from)
			madvise((void *)from, to - from, MADV_DONTNEED);
		dst += n;
		off += n;
		len -= n;
	}
	return 0;
}

uint64_t flat_max_size(uint64_t mem_size)
{
	return mem_size > REAL_LOAD_ADDR ? mem_size - REAL_LOAD_ADDR : 0;
}

int flat_load(const struct image *img, struct guest_mem *mem, char *err, size_t errlen)
{
	if (gmem_write(mem, REAL_LOAD_ADDR, img->data, img->size) < 0) {
		snprintf(err, errlen,
			 "%s: image of %zu bytes does not fit at 0x%x in %llu bytes of memory",
			 img->path, img->size, REAL_LOAD_ADDR, (unsigned long long)mem->size);
		return -1;
	}
	return 0;
}
