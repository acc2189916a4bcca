/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk on the legacy (version 1) virtio-mmio transport: one queue,
 * requests processed synchronously on QueueNotify, a raw disk image read
 * and written with pread/pwrite.  The queue is in guest RAM and is hostile:
 * every ring field and descriptor is copied out through gmem_read() once
 * and checked on the copy; data moves through gmem_ptr().  What stops the
 * guest and what is only an I/O error: docs/machine.md.
 */
#include "virtio_blk.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkvm/abi.h"
#include "pc_devices.h"

#define QUEUE_ALIGN_DEFAULT 4096 /* legacy default; a QueueAlign of 0 keeps it */
#define BLK_HDR_SIZE	    16	 /* type, reserved, sector */

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtio_blk {
	pthread_mutex_t lock;
	const struct guest_mem *mem;
	const struct virtio_blk_ops *ops;
	void *opaque;
	int fd;
	uint64_t sectors;
	bool ro;

	/* Registers. */
	uint32_t host_features_sel, guest_features_sel, guest_features;
	uint32_t page_size; /* GuestPageSize: 1 until written, kept across resets */
	uint32_t queue_sel, queue_num, queue_align, queue_pfn;
	uint32_t isr, status;
	uint16_t last_avail; /* next avail entry to take = used idx we publish */
	int level;	     /* the interrupt line as last set */
	uint8_t config[24];  /* struct virtio_blk_config up to blk_size */
};

/* The queue's rings, checked against RAM (legacy layout). */
struct ring {
	uint64_t desc, avail, used;
	uint16_t num;
};

/* ---- helpers ---------------------------------------------------------------- */

static void set_irq(struct virtio_blk *d)
{
	int level = d->isr != 0;

	if (level != d->level) {
		d->level = level;
		if (d->ops->irq)
			d->ops->irq(d->opaque, level);
	}
}

static enum io_result fault(struct virtio_blk *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum io_result fault(struct virtio_blk *d, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "virtio-blk: ");

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (d->ops->fault)
		d->ops->fault(d->opaque, msg);
	return IO_STOP;
}

static uint64_t host_features(const struct virtio_blk *d)
{
	uint64_t f = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
		     1ull << VIRTIO_BLK_F_FLUSH;

	if (d->ro)
		f |= 1ull << VIRTIO_BLK_F_RO;
	return f;
}

static void reset(struct virtio_blk *d)
{
	d->host_features_sel = d->guest_features_sel = d->guest_features = 0;
	d->queue_sel = d->queue_num = d->queue_pfn = 0;
	d->queue_align = QUEUE_ALIGN_DEFAULT;
	d->status = 0;
	d->last_avail = 0;
	d->isr = 0;
	set_irq(d);
}

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The rings of queue 0 from the registers; NULL, or what is wrong. */
static const char *ring_layout(const struct virtio_blk *d, struct ring *r, char *why, size_t n)
{
	uint64_t num = d->queue_num, align = d->queue_align;

	if (!num || num > VIRTIO_BLK_QUEUE_MAX || !pow2(num)) {
		snprintf(why, n, "QueueNum %u is not a power of two from 1 to %u", d->queue_num,
			 VIRTIO_BLK_QUEUE_MAX);
		return why;
	}
	if (!pow2(d->page_size)) {
		snprintf(why, n, "GuestPageSize 0x%x is not a power of two", d->page_size);
		return why;
	}
	if (!pow2(align)) {
		snprintf(why, n, "QueueAlign 0x%x is not a power of two", d->queue_align);
		return why;
	}
	/* Below 2^63 each: no sum here can wrap. */
	r->num = (uint16_t)num;
	r->desc = (uint64_t)d->queue_pfn * d->page_size;
	r->avail = r->desc + 16 * num;
	r->used = (r->avail + 2 * (3 + num) + align - 1) & ~(align - 1);
	if (!gmem_ptr(d->mem, r->desc, 16 * num) || !gmem_ptr(d->mem, r->avail, 2 * (3 + num)) ||
	    !gmem_ptr(d->mem, r->used, 6 + 8 * num)) {
		snprintf(
			why, n,
			"queue at 0x%llx (QueuePFN 0x%x x GuestPageSize 0x%x, %u entries) is outside guest RAM",
			(unsigned long long)r->desc, d->queue_pfn, d->page_size, d->queue_num);
		return why;
	}
	return NULL;
}

static uint16_t rd16(const struct virtio_blk *d, uint64_t gpa)
{
	uint16_t v = 0;

	(void)gmem_read(d->mem, &v, gpa, 2); /* the ring was checked */
	return v;
}

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
 * Walks the chain from @head into @c (each descriptor checked), then does
 * the request.  Returns IO_STOP after fault() for ring corruption, else
 * IO_DONE with the bytes written to the guest in *@written.
 */
static enum io_result do_request(struct virtio_blk *d, const struct ring *r, uint16_t head,
				 uint32_t *written)
{
	struct vring_desc c[VIRTIO_BLK_QUEUE_MAX];
	unsigned n = 0;
	uint16_t idx = head;
	uint8_t hdr[BLK_HDR_SIZE], status = VIRTIO_BLK_S_OK;
	uint32_t type = 0;
	uint64_t sector = 0, data_len = 0;
	bool want_write; /* data descriptors must be device-writable */

	for (;;) {
		struct vring_desc *x = &c[n];

		if (n == r->num)
			return fault(
				d,
				"descriptor chain from head %u is longer than the queue (%u): a loop",
				head, r->num);
		if (idx >= r->num)
			return fault(d, "descriptor index %u outside the queue (%u entries)", idx,
				     r->num);
		(void)gmem_read(d->mem, x, r->desc + 16ull * idx, sizeof(*x));
		if (x->flags & VRING_DESC_F_INDIRECT)
			return fault(d, "indirect descriptor %u (not offered)", idx);
		if (!gmem_ptr(d->mem, x->addr, x->len))
			return fault(d, "descriptor %u: buffer 0x%llx+0x%x outside guest RAM", idx,
				     (unsigned long long)x->addr, x->len);
		n++;
		if (!(x->flags & VRING_DESC_F_NEXT))
			break;
		idx = x->next;
	}
	/* The status byte: last byte of the last descriptor, device-writable. */
	if (n < 2 || !(c[n - 1].flags & VRING_DESC_F_WRITE) || c[n - 1].len == 0)
		return fault(d, "request at head %u has no device-writable status byte", head);
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

/* QueueNotify: every new avail entry, in order, each completed at once. */
static enum io_result notify(struct virtio_blk *d)
{
	struct ring r;
	char why[160];
	uint16_t avail_idx;
	bool any = false;

	if (d->queue_pfn == 0)
		return IO_DONE; /* no queue yet: nothing to do */
	if (ring_layout(d, &r, why, sizeof(why)))
		return fault(d, "%s", why);
	avail_idx = rd16(d, r.avail + 2);
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* ring entries after the index */
	if ((uint16_t)(avail_idx - d->last_avail) > r.num)
		return fault(d, "avail index jumped from %u to %u (queue of %u)", d->last_avail,
			     avail_idx, r.num);
	while (d->last_avail != avail_idx) {
		uint16_t head = rd16(d, r.avail + 4 + 2ull * (d->last_avail % r.num));
		uint32_t elem[2] = {head, 0};
		uint16_t used_idx = (uint16_t)(d->last_avail + 1);

		if (do_request(d, &r, head, &elem[1]) == IO_STOP)
			return IO_STOP;
		(void)gmem_write(d->mem, r.used + 4 + 8ull * (d->last_avail % r.num), elem, 8);
		__atomic_thread_fence(__ATOMIC_RELEASE); /* the element before the index */
		(void)gmem_write(d->mem, r.used + 2, &used_idx, 2);
		d->last_avail = used_idx;
		any = true;
	}
	if (any) {
		d->isr |= 1; /* used buffer notification */
		set_irq(d);
	}
	return IO_DONE;
}

/* ---- registers ----------------------------------------------------------------- */

static uint32_t reg_read(const struct virtio_blk *d, uint64_t off)
{
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return 1;
	case VIRTIO_MMIO_DEVICE_ID: return VIRTIO_ID_BLOCK;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_HOST_FEATURES:
		return d->host_features_sel == 0 ? (uint32_t)host_features(d) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return d->queue_sel == 0 ? VIRTIO_BLK_QUEUE_MAX : 0;
	case VIRTIO_MMIO_QUEUE_PFN: return d->queue_sel == 0 ? d->queue_pfn : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return d->isr;
	case VIRTIO_MMIO_STATUS: return d->status;
	default: return 0; /* write-only and reserved registers */
	}
}

static uint8_t byte_read(const struct virtio_blk *d, uint64_t off)
{
	if (off >= VIRTIO_BLK_MMIO_SIZE)
		return 0xff;
	if (off >= VIRTIO_MMIO_CONFIG)
		return off - VIRTIO_MMIO_CONFIG < sizeof(d->config)
			       ? d->config[off - VIRTIO_MMIO_CONFIG]
			       : 0;
	return (uint8_t)(reg_read(d, off & ~3ull) >> 8 * (off & 3));
}

static enum io_result reg_write(struct virtio_blk *d, uint64_t off, uint32_t v)
{
	char why[160];
	struct ring r;

	switch (off) {
	case VIRTIO_MMIO_HOST_FEATURES_SEL: d->host_features_sel = v; break;
	case VIRTIO_MMIO_GUEST_FEATURES:
		if (d->guest_features_sel == 0)
			d->guest_features = v & (uint32_t)host_features(d);
		break;
	case VIRTIO_MMIO_GUEST_FEATURES_SEL: d->guest_features_sel = v; break;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE: d->page_size = v; break;
	case VIRTIO_MMIO_QUEUE_SEL: d->queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (d->queue_sel == 0)
			d->queue_num = v;
		break;
	case VIRTIO_MMIO_QUEUE_ALIGN:
		if (d->queue_sel == 0 && v) /* 0 (OS in 1,000 lines) keeps the default */
			d->queue_align = v;
		break;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (d->queue_sel != 0)
			break;
		d->queue_pfn = v;
		d->last_avail = 0;
		if (v && ring_layout(d, &r, why, sizeof(why)))
			return fault(d, "%s", why);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v == 0)
			return notify(d);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->isr &= ~v;
		set_irq(d);
		break;
	case VIRTIO_MMIO_STATUS:
		if ((v & 0xff) == 0)
			reset(d);
		else
			d->status = v & 0xff;
		break;
	default: break; /* read-only, reserved and config space: ignored */
	}
	return IO_DONE;
}

enum io_result virtio_blk_io(void *dev, struct io_access *a)
{
	struct virtio_blk *d = dev;
	enum io_result res = IO_DONE;

	pthread_mutex_lock(&d->lock);
	if (!a->is_write) {
		for (unsigned i = 0; i < a->size; i++)
			a->data[i] = byte_read(d, a->offset + i);
	} else if (a->size == 4 && !(a->offset & 3) && a->offset < VIRTIO_MMIO_CONFIG) {
		uint32_t v;
		memcpy(&v, a->data, 4);
		res = reg_write(d, a->offset, v);
	} /* other widths, unaligned and config-space writes: ignored */
	pthread_mutex_unlock(&d->lock);
	return res;
}

struct virtio_blk *virtio_blk_create(const struct guest_mem *mem, int fd, uint64_t sectors, bool ro,
				     const struct virtio_blk_ops *ops, void *opaque)
{
	struct virtio_blk *d = calloc(1, sizeof(*d));
	uint32_t seg_max = VIRTIO_BLK_QUEUE_MAX - 2, blk_size = VIRTIO_BLK_SECTOR;

	if (!d)
		return NULL;
	pthread_mutex_init(&d->lock, NULL);
	d->mem = mem;
	d->ops = ops;
	d->opaque = opaque;
	d->fd = fd;
	d->sectors = sectors;
	d->ro = ro;
	d->page_size = 1; /* QueuePFN is a byte address until GuestPageSize is written */
	memcpy(d->config, &sectors, 8);	     /* capacity */
	memcpy(d->config + 12, &seg_max, 4); /* seg_max */
	memcpy(d->config + 20, &blk_size, 4);
	reset(d);
	return d;
}

void virtio_blk_destroy(struct virtio_blk *d)
{
	if (!d)
		return;
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/* ---- --disk and the VM ------------------------------------------------------------ */

static struct {
	int fd;
	uint64_t sectors;
	bool ro, open;
} disk;

int virtio_blk_open_disk(const char *path, bool ro, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "--disk '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--disk '%s': not a regular file; give a raw disk image",
			 path);
		close(fd);
		return -1;
	}
	if (st.st_size == 0 || st.st_size % VIRTIO_BLK_SECTOR) {
		snprintf(
			err, errlen,
			"--disk '%s': size %lld bytes is not a positive multiple of 512 (a raw image of whole sectors)",
			path, (long long)st.st_size);
		close(fd);
		return -1;
	}
	disk.fd = fd;
	disk.sectors = (uint64_t)st.st_size / VIRTIO_BLK_SECTOR;
	disk.ro = ro;
	disk.open = true;
	return 0;
}

static void vm_blk_irq(void *opaque, int level)
{
	vm_irq_line(opaque, IRQ_VIRTIO_BLK, level);
}

static void vm_blk_fault(void *opaque, const char *reason)
{
	vm_end(opaque, MKVM_EXIT_GUEST_FAULT, "%s", reason);
}

static const struct virtio_blk_ops vm_blk_ops = {.irq = vm_blk_irq, .fault = vm_blk_fault};

static void blk_free(void *d)
{
	virtio_blk_destroy(d);
}

/* The disk goes to the first guest on the command line only. */
int virtio_blk_register(struct vm *vm)
{
	struct virtio_blk *d;
	int err;

	if (!disk.open || vm->index != 0)
		return 0;
	d = virtio_blk_create(&vm->mem, disk.fd, disk.sectors, disk.ro, &vm_blk_ops, vm);
	if (!d)
		return -ENOMEM;
	err = bus_register(&vm->mmio, VIRTIO_BLK_MMIO_ADDR, VIRTIO_BLK_MMIO_SIZE, "virtio-blk",
			   virtio_blk_io, d);
	if (!err)
		err = vm_on_destroy(vm, blk_free, d);
	if (err)
		virtio_blk_destroy(d);
	return err;
}
