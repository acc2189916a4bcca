/* SPDX-License-Identifier: MIT */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkvm/abi.h"

int image_read(struct image *img, const char *path, uint64_t max, char *err, size_t errlen)
{
	struct stat st;
	size_t done = 0;
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
	img->data = malloc(img->size);
	if (!img->data) {
		snprintf(err, errlen, "%s: out of memory reading %zu bytes", path, img->size);
		goto fail;
	}
	while (done < img->size) {
		ssize_t n = read(fd, img->data + done, img->size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s: read failed: %s", path,
				 n < 0 ? strerror(errno) : "file shrank");
			goto fail;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	image_free(img);
	return -1;
}

void image_free(struct image *img)
{
	free(img->data);
	img->data = NULL;
	img->size = 0;
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
