/* SPDX-License-Identifier: MIT */
/*
 * The 1K OS's file system, as in "OS in 1,000 Lines": the disk holds a
 * ustar archive; at boot the kernel reads it whole into files[]; every
 * write rebuilds the archive in memory and writes all of it back.
 */
#include "kernel.h"

#define SECTOR_SIZE 512

struct tar_header {
	char name[100];
	char mode[8];
	char uid[8];
	char gid[8];
	char size[12];
	char mtime[12];
	char checksum[8];
	char type;
	char linkname[100];
	char magic[6];
	char version[2];
	char uname[32];
	char gname[32];
	char devmajor[8];
	char devminor[8];
	char prefix[155];
	char padding[12];
	char data[]; /* the file's contents follow the header */
} __attribute__((packed));

struct file files[FILES_MAX];
static uint8_t disk[align_up(sizeof(struct file) * FILES_MAX, SECTOR_SIZE)];
static uint32_t disk_size; /* bytes of disk[] backed by the device */

static uint32_t oct2int(const char *oct, int len)
{
	uint32_t v = 0;

	for (int i = 0; i < len && oct[i] >= '0' && oct[i] <= '7'; i++)
		v = v * 8 + (uint32_t)(oct[i] - '0');
	return v;
}

static void int2oct(char *oct, int len, uint32_t v)
{
	oct[--len] = '\0';
	while (len--) {
		oct[len] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

void fs_init(bool have_disk)
{
	int count = 0;

	disk_size = 0;
	if (have_disk)
		disk_size = blk_capacity < sizeof(disk) ? blk_capacity : sizeof(disk);
	for (uint32_t sector = 0; sector < disk_size / SECTOR_SIZE; sector++)
		read_write_disk(&disk[sector * SECTOR_SIZE], sector, false);

	printf("tar:");
	for (uint32_t off = 0; off + sizeof(struct tar_header) <= disk_size;) {
		struct tar_header *header = (struct tar_header *)&disk[off];
		uint32_t size = oct2int(header->size, sizeof(header->size));

		if (header->name[0] == '\0')
			break;
		if (strncmp(header->magic, "ustar", 5) != 0) {
			printf(" invalid tar header at %u", off);
			break;
		}
		off += align_up(sizeof(struct tar_header) + size, SECTOR_SIZE);
		if (header->type != '0' && header->type != '\0')
			continue; /* directories, links: not for us */
		if (count == FILES_MAX || size > FILE_DATA_MAX ||
		    off > disk_size) { /* a fixed-size table, as the original */
			printf(" (skipped %s)", header->name);
			continue;
		}
		struct file *file = &files[count++];
		file->in_use = true;
		strcpy_s(file->name, header->name, sizeof(file->name));
		memcpy(file->data, header->data, size);
		file->size = size;
		printf(" %s", file->name);
	}
	printf(" (%d files)\n", count);
}

struct file *fs_lookup(const char *name)
{
	for (int i = 0; i < FILES_MAX; i++)
		if (files[i].in_use && !strcmp(files[i].name, name))
			return &files[i];
	return NULL;
}

struct file *fs_create(const char *name)
{
	if (!*name)
		return NULL;
	for (int i = 0; i < FILES_MAX; i++) {
		if (!files[i].in_use) {
			files[i].in_use = true;
			strcpy_s(files[i].name, name, sizeof(files[i].name));
			files[i].size = 0;
			return &files[i];
		}
	}
	return NULL;
}

/* Rebuilds the archive and writes it to the disk: 0, or -1 if it does not
 * fit (the files stay in memory). */
int fs_flush(void)
{
	uint32_t off = 0;

	if (!disk_size) /* no disk: the files live in memory only */
		return 0;
	memset(disk, 0, sizeof(disk));
	for (int i = 0; i < FILES_MAX; i++) {
		struct file *file = &files[i];
		if (!file->in_use)
			continue;
		if (off + sizeof(struct tar_header) + file->size + 2 * SECTOR_SIZE > disk_size) {
			printf("fs: the disk is full\n");
			return -1;
		}
		struct tar_header *header = (struct tar_header *)&disk[off];
		strcpy_s(header->name, file->name, sizeof(header->name));
		strcpy_s(header->mode, "000644", sizeof(header->mode));
		int2oct(header->uid, sizeof(header->uid), 0);
		int2oct(header->gid, sizeof(header->gid), 0);
		int2oct(header->size, sizeof(header->size), file->size);
		int2oct(header->mtime, sizeof(header->mtime), 0);
		header->type = '0';
		memcpy(header->magic, "ustar", 6);
		memcpy(header->version, "00", 2);

		/* The checksum: the sum of the header's bytes, the checksum
		 * field counted as spaces; six octal digits, NUL, space. */
		uint32_t checksum = ' ' * sizeof(header->checksum);
		for (uint32_t j = 0; j < sizeof(struct tar_header); j++)
			checksum += disk[off + j];
		int2oct(header->checksum, 7, checksum);
		header->checksum[7] = ' ';

		memcpy(header->data, file->data, file->size);
		off += align_up(sizeof(struct tar_header) + file->size, SECTOR_SIZE);
	}
	/* The rest (two zero blocks end the archive) is zero already. */
	for (uint32_t sector = 0; sector < disk_size / SECTOR_SIZE; sector++)
		read_write_disk(&disk[sector * SECTOR_SIZE], sector, true);
	printf("wrote %u bytes to disk\n", disk_size);
	return 0;
}
