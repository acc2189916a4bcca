/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk on the virtio-mmio transport (virtio_mmio.c): one queue,
 * requests processed synchronously on QueueNotify, a raw disk image read
 * and written with pread/pwrite.  The transport hands each request over as
 * a checked chain; data moves through gmem_ptr().  What stops the guest
 * and what is only an I/O error: docs/machine.md.  The --disk option, its
 * kernel command line and DSDT node: virtio_blk_device at the end.
 */
#include "virtio_blk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/device.h"
#include "core/vm.h"
#include "mkvm/abi.h"

#define BLK_HDR_SIZE 16 /* type, reserved, sector */

struct virtio_blk {
	struct virtio_mmio *t;
	const struct guest_mem *mem;
	int fd;
	uint64_t sectors;
	bool ro;
	uint8_t config[24]; /* struct virtio_blk_config up to blk_size */
};

/* pread/pwrite of all @len bytes; false on an error or end of file. */
static bool disk_io(int fd, uint8_t *p, uint64_t len, uint64_t off, bool write)
{
	while (len) {
		size_t chunk = len > (1u << 30) ? (1u << 30) : (size_t)len;
		ssize_t n =
			write ? pwrite(fd, p, chunk, (off_t)off) : pread(fd, p, chunk, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return true;
}

/* ---- one request ------------------------------------------------------------------ */

/*
 * One request on a chain the transport walked and checked (every buffer
 * inside RAM): header, data, status byte.  IO_STOP after a fault for a
 * chain without a status byte; else IO_DONE, an I/O error being only a
 * status, with the bytes written to the guest in *@written.
 */
static enum io_result blk_request(void *dev, struct virtio_mmio *t, const struct virtq_chain *ch,
				  uint32_t *written)
{
	struct virtio_blk *d = dev;
	const struct vring_desc *c = ch->d;
	unsigned n = ch->n;
	uint8_t hdr[BLK_HDR_SIZE], status = VIRTIO_BLK_S_OK;
	uint32_t type = 0;
	uint64_t sector = 0, data_len = 0;
	bool want_write; /* data descriptors must be device-writable */

	/* The status byte: last byte of the last descriptor, device-writable. */
	if (n < 2 || !(c[n - 1].flags & VRING_DESC_F_WRITE) || c[n - 1].len == 0)
		return virtio_mmio_fault(t, "request at head %u has no device-writable status byte",
					 ch->head);
	*written = 1;

	if (c[0].len < BLK_HDR_SIZE || (c[0].flags & VRING_DESC_F_WRITE)) {
		status = VIRTIO_BLK_S_IOERR; /* header short or not readable */
		goto done;
	}
	(void)gmem_read(d->mem, hdr, c[0].addr, sizeof(hdr));
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	want_write = type != VIRTIO_BLK_T_OUT;
	for (unsigned i = 1; i + 1 < n; i++) {
		if (!!(c[i].flags & VRING_DESC_F_WRITE) != want_write &&
		    (type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_OUT ||
		     type == VIRTIO_BLK_T_GET_ID)) {
			status = VIRTIO_BLK_S_IOERR; /* data in the wrong direction */
			goto done;
		}
		data_len += c[i].len;
	}

	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: {
		uint64_t nsec = data_len / VIRTIO_BLK_SECTOR, off;

		if (data_len % VIRTIO_BLK_SECTOR || sector > d->sectors ||
		    nsec > d->sectors - sector || (type == VIRTIO_BLK_T_OUT && d->ro)) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		off = sector * VIRTIO_BLK_SECTOR;
		for (unsigned i = 1; i + 1 < n; i++) {
			uint8_t *p = gmem_ptr(d->mem, c[i].addr, c[i].len);
			if (!disk_io(d->fd, p, c[i].len, off, type == VIRTIO_BLK_T_OUT)) {
				status = VIRTIO_BLK_S_IOERR;
				break;
			}
			off += c[i].len;
			if (type == VIRTIO_BLK_T_IN)
				*written += c[i].len;
		}
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		if (fdatasync(d->fd) < 0)
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		uint8_t id[20] = VIRTIO_BLK_ID; /* zero-padded, as virtio says */
		uint64_t done = 0;

		for (unsigned i = 1; i + 1 < n && done < sizeof(id); i++) {
			uint64_t k = c[i].len < sizeof(id) - done ? c[i].len : sizeof(id) - done;
			(void)gmem_write(d->mem, c[i].addr, id + done, k);
			done += k;
		}
		*written += (uint32_t)done;
		break;
	}
	default: status = VIRTIO_BLK_S_UNSUPP; break;
	}
done:
	(void)gmem_write(d->mem, c[n - 1].addr + c[n - 1].len - 1, &status, 1);
	return IO_DONE;
}

static const struct virtio_device blk_virtio = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.request = blk_request,
};

struct virtio_blk *virtio_blk_create(const struct guest_mem *mem, int fd, uint64_t sectors, bool ro,
				     const struct virtio_ops *ops, void *opaque)
{
	struct virtio_blk *d = calloc(1, sizeof(*d));
	uint32_t seg_max = VIRTIO_QUEUE_MAX - 2, blk_size = VIRTIO_BLK_SECTOR;
	uint32_t features = 1u << VIRTIO_BLK_F_SEG_MAX | 1u << VIRTIO_BLK_F_BLK_SIZE |
			    1u << VIRTIO_BLK_F_FLUSH | (ro ? 1u << VIRTIO_BLK_F_RO : 0);

	if (!d)
		return NULL;
	d->mem = mem;
	d->fd = fd;
	d->sectors = sectors;
	d->ro = ro;
	memcpy(d->config, &sectors, 8);	     /* capacity */
	memcpy(d->config + 12, &seg_max, 4); /* seg_max */
	memcpy(d->config + 20, &blk_size, 4);
	d->t = virtio_mmio_create(mem, &blk_virtio, d, features, d->config, sizeof(d->config), ops,
				  opaque);
	if (!d->t) {
		free(d);
		return NULL;
	}
	return d;
}

void virtio_blk_destroy(struct virtio_blk *d)
{
	if (!d)
		return;
	virtio_mmio_destroy(d->t);
	free(d);
}

enum io_result virtio_blk_io(void *dev, struct io_access *a)
{
	struct virtio_blk *d = dev;

	return virtio_mmio_io(d->t, a);
}

/* The transport's record, then the disk's: a load onto another disk
 * (another size or read-only setting) is refused. */
int virtio_blk_save(struct virtio_blk *d, struct state_w *w)
{
	if (virtio_mmio_save(d->t, w) < 0)
		return -1;
	st_begin(w, "VBLK", 1);
	st_u64(w, d->sectors);
	st_u8(w, d->ro);
	return st_end(w);
}

int virtio_blk_load(struct virtio_blk *d, struct state_r *r)
{
	struct state_r blk = *r;
	uint64_t sectors;
	uint8_t ro;

	/* The disk record first (after the transport's): nothing changes
	 * unless both fit. */
	st_open(&blk, "VMIO", 1);
	blk.pos = blk.end;
	st_close(&blk);
	st_open(&blk, "VBLK", 1);
	sectors = st_get64(&blk);
	ro = st_get8(&blk);
	if (st_close(&blk) < 0 || sectors != d->sectors || ro != d->ro ||
	    virtio_mmio_load(d->t, r) < 0)
		return -1;
	r->pos = blk.pos;
	return 0;
}

/* ---- --disk and the VM ------------------------------------------------------------ */

static struct {
	const char *path; /* --disk FILE (",ro" cut off) */
	char buf[4096];
	bool ro;
	int fd;
	uint64_t sectors;
} disk;

/* --disk FILE[,ro]: kept for setup (once). */
static int parse_disk(const char *arg, char *err, size_t errlen)
{
	size_t len = strlen(arg);

	if (disk.path) {
		snprintf(err, errlen, "--disk '%s': only one disk is supported", arg);
		return -1;
	}
	disk.path = arg;
	if (len > 3 && strcmp(arg + len - 3, ",ro") == 0) {
		if (len - 3 >= sizeof(disk.buf)) {
			snprintf(err, errlen, "--disk: file name too long");
			return -1;
		}
		memcpy(disk.buf, arg, len - 3);
		disk.buf[len - 3] = '\0';
		disk.path = disk.buf;
		disk.ro = true;
	}
	if (!*disk.path) {
		snprintf(err, errlen, "--disk needs a file name");
		return -1;
	}
	return 0;
}

/* Opens and checks the disk image before the seccomp filter (which
 * forbids open); virtio_blk_vm_create attaches it to the first guest. */
static int setup_disk(const struct device_env *env, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (!disk.path)
		return 0;
	if (!env->first_is_kernel) {
		snprintf(
			err, errlen,
			"--disk needs a kernel (ELF or multiboot) as the first guest: %s is a flat real-mode guest without the PC devices",
			env->first_image);
		return -1;
	}
	fd = open(disk.path, (disk.ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "--disk '%s': %s", disk.path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--disk '%s': not a regular file; give a raw disk image",
			 disk.path);
		close(fd);
		return -1;
	}
	if (st.st_size == 0 || st.st_size % VIRTIO_BLK_SECTOR) {
		snprintf(
			err, errlen,
			"--disk '%s': size %lld bytes is not a positive multiple of 512 (a raw image of whole sectors)",
			disk.path, (long long)st.st_size);
		close(fd);
		return -1;
	}
	disk.fd = fd;
	disk.sectors = (uint64_t)st.st_size / VIRTIO_BLK_SECTOR;
	return 0;
}

static void vm_blk_irq(void *opaque, int level)
{
	vm_dev_irq(opaque, IRQ_VIRTIO_BLK, level);
}

static void vm_blk_fault(void *opaque, const char *reason)
{
	vm_dev_end(opaque, MKVM_EXIT_GUEST_FAULT, reason);
}

static const struct virtio_ops vm_blk_ops = {.irq = vm_blk_irq, .fault = vm_blk_fault};

/* The disk goes to the first guest on the command line only. */
static void *virtio_blk_vm_create(struct vm *vm, int *err)
{
	struct virtio_blk *d;

	*err = 0;
	if (!disk.path || vm->index != 0)
		return NULL;
	d = virtio_blk_create(&vm->mem, disk.fd, disk.sectors, disk.ro, &vm_blk_ops, vm);
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = bus_register(&vm->mmio, VIRTIO_BLK_MMIO_ADDR, VIRTIO_BLK_MMIO_SIZE, "virtio-blk",
			    virtio_blk_io, d);
	if (*err) {
		virtio_blk_destroy(d);
		return NULL;
	}
	return d;
}

static int blk_cmdline(void *dev, char *buf, size_t len)
{
	(void)dev;
	return virtio_mmio_cmdline(VIRTIO_BLK_MMIO_ADDR, IRQ_VIRTIO_BLK, buf, len);
}

static size_t blk_acpi(void *dev, uint8_t *aml, size_t cap)
{
	(void)dev;
	return virtio_mmio_acpi("VBLK", VIRTIO_BLK_MMIO_ADDR, IRQ_VIRTIO_BLK, aml, cap);
}

static int blk_save(void *dev, struct state_w *w)
{
	return virtio_blk_save(dev, w);
}

static int blk_load(void *dev, struct state_r *r)
{
	return virtio_blk_load(dev, r);
}

static void blk_reset(void *dev)
{
	virtio_blk_reset(dev);
}

static void blk_destroy(void *dev)
{
	virtio_blk_destroy(dev);
}

void virtio_blk_reset(struct virtio_blk *d)
{
	virtio_mmio_reset(d->t);
}

static const struct device_option blk_options[] = {
	{"disk", true,
	 "      --disk FILE[,ro] raw disk image as a virtio-mmio block device (kernels;\n"
	 "                       first guest only; ,ro: read-only)\n",
	 parse_disk},
	{NULL, false, NULL, NULL},
};

const struct device_type virtio_blk_device = {
	.name = "virtio-blk",
	.profiles = DEV_PC_ONLY,
	.options = blk_options,
	.setup = setup_disk,
	.create = virtio_blk_vm_create,
	.cmdline = blk_cmdline,
	.acpi = blk_acpi,
	.save = blk_save,
	.load = blk_load,
	.reset = blk_reset,
	.destroy = blk_destroy,
};
