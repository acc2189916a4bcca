/* SPDX-License-Identifier: MIT */
/*
 * The legacy virtio-mmio transport: registers, queue 0, and the walk of
 * every descriptor chain.  The queue is in guest RAM and is hostile: every
 * ring field and descriptor is copied out through gmem_read() once and
 * checked on the copy; the device moves data through gmem_ptr().  What
 * stops the guest and what is only an I/O error: docs/machine.md.
 */
#include "virtio_mmio.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/aml.h"

#define QUEUE_ALIGN_DEFAULT 4096 /* legacy default; a QueueAlign of 0 keeps it */

struct virtio_mmio {
	pthread_mutex_t lock;
	const struct guest_mem *mem;
	const struct virtio_device *dev;
	void *dev_opaque;
	const struct virtio_ops *ops;
	void *opaque;
	uint32_t features;
	const uint8_t *config;
	size_t config_len;

	/* Registers. */
	uint32_t host_features_sel, guest_features_sel, guest_features;
	uint32_t page_size; /* GuestPageSize: 1 until written, kept across resets */
	uint32_t queue_sel, queue_num, queue_align, queue_pfn;
	uint32_t isr, status;
	uint16_t last_avail; /* next avail entry to take = used idx we publish */
	int level;	     /* the interrupt line as last set */
};

/* The queue's rings, checked against RAM (legacy layout). */
struct ring {
	uint64_t desc, avail, used;
	uint16_t num;
};

static void set_irq(struct virtio_mmio *t)
{
	int level = t->isr != 0;

	if (level != t->level) {
		t->level = level;
		if (t->ops->irq)
			t->ops->irq(t->opaque, level);
	}
}

enum io_result virtio_mmio_fault(struct virtio_mmio *t, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	int n = snprintf(msg, sizeof(msg), "%s: ", t->dev->name);

	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (t->ops->fault)
		t->ops->fault(t->opaque, msg);
	return IO_STOP;
}

const struct guest_mem *virtio_mmio_mem(const struct virtio_mmio *t)
{
	return t->mem;
}

static void reset_locked(struct virtio_mmio *t)
{
	t->host_features_sel = t->guest_features_sel = t->guest_features = 0;
	t->queue_sel = t->queue_num = t->queue_pfn = 0;
	t->queue_align = QUEUE_ALIGN_DEFAULT;
	t->status = 0;
	t->last_avail = 0;
	t->isr = 0;
	set_irq(t);
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
	pthread_mutex_lock(&t->lock);
	reset_locked(t);
	pthread_mutex_unlock(&t->lock);
}

static bool pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* The rings of queue 0 from the registers; NULL, or what is wrong. */
static const char *ring_layout(const struct virtio_mmio *t, struct ring *r, char *why, size_t n)
{
	uint64_t num = t->queue_num, align = t->queue_align;

	if (!num || num > VIRTIO_QUEUE_MAX || !pow2(num)) {
		snprintf(why, n, "QueueNum %u is not a power of two from 1 to %u", t->queue_num,
			 VIRTIO_QUEUE_MAX);
		return why;
	}
	if (!pow2(t->page_size)) {
		snprintf(why, n, "GuestPageSize 0x%x is not a power of two", t->page_size);
		return why;
	}
	if (!pow2(align)) {
		snprintf(why, n, "QueueAlign 0x%x is not a power of two", t->queue_align);
		return why;
	}
	/* Below 2^63 each: no sum here can wrap. */
	r->num = (uint16_t)num;
	r->desc = (uint64_t)t->queue_pfn * t->page_size;
	r->avail = r->desc + 16 * num;
	r->used = (r->avail + 2 * (3 + num) + align - 1) & ~(align - 1);
	if (!gmem_ptr(t->mem, r->desc, 16 * num) || !gmem_ptr(t->mem, r->avail, 2 * (3 + num)) ||
	    !gmem_ptr(t->mem, r->used, 6 + 8 * num)) {
		snprintf(
			why, n,
			"queue at 0x%llx (QueuePFN 0x%x x GuestPageSize 0x%x, %u entries) is outside guest RAM",
			(unsigned long long)r->desc, t->queue_pfn, t->page_size, t->queue_num);
		return why;
	}
	return NULL;
}

static uint16_t rd16(const struct virtio_mmio *t, uint64_t gpa)
{
	uint16_t v = 0;

	(void)gmem_read(t->mem, &v, gpa, 2); /* the ring was checked */
	return v;
}

/* Walks the chain from @head into @c, each descriptor checked: IO_STOP
 * after a fault for a loop, an index outside the queue, an indirect
 * descriptor or a buffer outside RAM. */
static enum io_result walk(struct virtio_mmio *t, const struct ring *r, uint16_t head,
			   struct virtq_chain *c)
{
	uint16_t idx = head;

	c->head = head;
	c->n = 0;
	for (;;) {
		struct vring_desc *x = &c->d[c->n];

		if (c->n == r->num)
			return virtio_mmio_fault(
				t,
				"descriptor chain from head %u is longer than the queue (%u): a loop",
				head, r->num);
		if (idx >= r->num)
			return virtio_mmio_fault(
				t, "descriptor index %u outside the queue (%u entries)", idx,
				r->num);
		(void)gmem_read(t->mem, x, r->desc + 16ull * idx, sizeof(*x));
		if (x->flags & VRING_DESC_F_INDIRECT)
			return virtio_mmio_fault(t, "indirect descriptor %u (not offered)", idx);
		if (!gmem_ptr(t->mem, x->addr, x->len))
			return virtio_mmio_fault(
				t, "descriptor %u: buffer 0x%llx+0x%x outside guest RAM", idx,
				(unsigned long long)x->addr, x->len);
		c->n++;
		if (!(x->flags & VRING_DESC_F_NEXT))
			return IO_DONE;
		idx = x->next;
	}
}

/* QueueNotify: every new avail entry, in order, each completed at once. */
static enum io_result notify(struct virtio_mmio *t)
{
	struct virtq_chain c;
	struct ring r;
	char why[160];
	uint16_t avail_idx;
	bool any = false;

	if (t->queue_pfn == 0)
		return IO_DONE; /* no queue yet: nothing to do */
	if (ring_layout(t, &r, why, sizeof(why)))
		return virtio_mmio_fault(t, "%s", why);
	avail_idx = rd16(t, r.avail + 2);
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* ring entries after the index */
	if ((uint16_t)(avail_idx - t->last_avail) > r.num)
		return virtio_mmio_fault(t, "avail index jumped from %u to %u (queue of %u)",
					 t->last_avail, avail_idx, r.num);
	while (t->last_avail != avail_idx) {
		uint16_t head = rd16(t, r.avail + 4 + 2ull * (t->last_avail % r.num));
		uint32_t elem[2] = {head, 0};
		uint16_t used_idx = (uint16_t)(t->last_avail + 1);

		if (walk(t, &r, head, &c) == IO_STOP ||
		    t->dev->request(t->dev_opaque, t, &c, &elem[1]) == IO_STOP)
			return IO_STOP;
		(void)gmem_write(t->mem, r.used + 4 + 8ull * (t->last_avail % r.num), elem, 8);
		__atomic_thread_fence(__ATOMIC_RELEASE); /* the element before the index */
		(void)gmem_write(t->mem, r.used + 2, &used_idx, 2);
		t->last_avail = used_idx;
		any = true;
	}
	if (any) {
		t->isr |= 1; /* used buffer notification */
		set_irq(t);
	}
	return IO_DONE;
}

static uint32_t reg_read(const struct virtio_mmio *t, uint64_t off)
{
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return 1;
	case VIRTIO_MMIO_DEVICE_ID: return t->dev->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_HOST_FEATURES: return t->host_features_sel == 0 ? t->features : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return t->queue_sel == 0 ? VIRTIO_QUEUE_MAX : 0;
	case VIRTIO_MMIO_QUEUE_PFN: return t->queue_sel == 0 ? t->queue_pfn : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return t->isr;
	case VIRTIO_MMIO_STATUS: return t->status;
	default: return 0; /* write-only and reserved registers */
	}
}

static uint8_t byte_read(const struct virtio_mmio *t, uint64_t off)
{
	if (off >= VIRTIO_MMIO_SIZE)
		return 0xff;
	if (off >= VIRTIO_MMIO_CONFIG)
		return off - VIRTIO_MMIO_CONFIG < t->config_len
			       ? t->config[off - VIRTIO_MMIO_CONFIG]
			       : 0;
	return (uint8_t)(reg_read(t, off & ~3ull) >> 8 * (off & 3));
}

static enum io_result reg_write(struct virtio_mmio *t, uint64_t off, uint32_t v)
{
	char why[160];
	struct ring r;

	switch (off) {
	case VIRTIO_MMIO_HOST_FEATURES_SEL: t->host_features_sel = v; break;
	case VIRTIO_MMIO_GUEST_FEATURES:
		if (t->guest_features_sel == 0)
			t->guest_features = v & t->features;
		break;
	case VIRTIO_MMIO_GUEST_FEATURES_SEL: t->guest_features_sel = v; break;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE: t->page_size = v; break;
	case VIRTIO_MMIO_QUEUE_SEL: t->queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (t->queue_sel == 0)
			t->queue_num = v;
		break;
	case VIRTIO_MMIO_QUEUE_ALIGN:
		if (t->queue_sel == 0 && v) /* 0 (OS in 1,000 lines) keeps the default */
			t->queue_align = v;
		break;
	case VIRTIO_MMIO_QUEUE_PFN:
		if (t->queue_sel != 0)
			break;
		t->queue_pfn = v;
		t->last_avail = 0;
		if (v && ring_layout(t, &r, why, sizeof(why)))
			return virtio_mmio_fault(t, "%s", why);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (v == 0)
			return notify(t);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->isr &= ~v;
		set_irq(t);
		break;
	case VIRTIO_MMIO_STATUS:
		if ((v & 0xff) == 0)
			reset_locked(t);
		else
			t->status = v & 0xff;
		break;
	default: break; /* read-only, reserved and config space: ignored */
	}
	return IO_DONE;
}

enum io_result virtio_mmio_io(void *opaque, struct io_access *a)
{
	struct virtio_mmio *t = opaque;
	enum io_result res = IO_DONE;

	pthread_mutex_lock(&t->lock);
	if (!a->is_write) {
		for (unsigned i = 0; i < a->size; i++)
			a->data[i] = byte_read(t, a->offset + i);
	} else if (a->size == 4 && !(a->offset & 3) && a->offset < VIRTIO_MMIO_CONFIG) {
		uint32_t v;
		memcpy(&v, a->data, 4);
		res = reg_write(t, a->offset, v);
	} /* other widths, unaligned and config-space writes: ignored */
	pthread_mutex_unlock(&t->lock);
	return res;
}

struct virtio_mmio *virtio_mmio_create(const struct guest_mem *mem, const struct virtio_device *dev,
				       void *dev_opaque, uint32_t features, const uint8_t *config,
				       size_t config_len, const struct virtio_ops *ops,
				       void *opaque)
{
	struct virtio_mmio *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->mem = mem;
	t->dev = dev;
	t->dev_opaque = dev_opaque;
	t->features = features;
	t->config = config;
	t->config_len = config_len;
	t->ops = ops;
	t->opaque = opaque;
	t->page_size = 1; /* QueuePFN is a byte address until GuestPageSize is written */
	reset_locked(t);
	return t;
}

void virtio_mmio_destroy(struct virtio_mmio *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* ---- state, command line, ACPI ------------------------------------------------ */

int virtio_mmio_save(struct virtio_mmio *t, struct state_w *w)
{
	pthread_mutex_lock(&t->lock);
	st_begin(w, "VMIO", 1);
	st_u32(w, t->host_features_sel);
	st_u32(w, t->guest_features_sel);
	st_u32(w, t->guest_features);
	st_u32(w, t->page_size);
	st_u32(w, t->queue_sel);
	st_u32(w, t->queue_num);
	st_u32(w, t->queue_align);
	st_u32(w, t->queue_pfn);
	st_u32(w, t->isr);
	st_u32(w, t->status);
	st_u16(w, t->last_avail);
	pthread_mutex_unlock(&t->lock);
	return st_end(w);
}

int virtio_mmio_load(struct virtio_mmio *t, struct state_r *r)
{
	struct virtio_mmio n;
	struct ring ring;
	char why[160];

	pthread_mutex_lock(&t->lock);
	n = *t;
	st_open(r, "VMIO", 1);
	n.host_features_sel = st_get32(r);
	n.guest_features_sel = st_get32(r);
	n.guest_features = st_get32(r);
	n.page_size = st_get32(r);
	n.queue_sel = st_get32(r);
	n.queue_num = st_get32(r);
	n.queue_align = st_get32(r);
	n.queue_pfn = st_get32(r);
	n.isr = st_get32(r);
	n.status = st_get32(r);
	n.last_avail = st_get16(r);
	/* As the guest could have written them: no feature not offered, a
	 * queue inside RAM, interrupt bits and status as the registers keep. */
	if (st_close(r) < 0 || (n.guest_features & ~t->features) || n.isr > 3 || n.status > 0xff ||
	    !pow2(n.queue_align) || (n.queue_pfn && ring_layout(&n, &ring, why, sizeof(why)))) {
		pthread_mutex_unlock(&t->lock);
		return -1;
	}
	/* Field by field: n's copy of the mutex is never written back. */
	t->host_features_sel = n.host_features_sel;
	t->guest_features_sel = n.guest_features_sel;
	t->guest_features = n.guest_features;
	t->page_size = n.page_size;
	t->queue_sel = n.queue_sel;
	t->queue_num = n.queue_num;
	t->queue_align = n.queue_align;
	t->queue_pfn = n.queue_pfn;
	t->isr = n.isr;
	t->status = n.status;
	t->last_avail = n.last_avail;
	set_irq(t);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

int virtio_mmio_cmdline(uint64_t addr, unsigned irq, char *buf, size_t len)
{
	int n = snprintf(buf, len, "virtio_mmio.device=0x%x@0x%llx:%u", VIRTIO_MMIO_SIZE,
			 (unsigned long long)addr, irq);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

/*
 * For kernels whose virtio_mmio driver does not take virtio_mmio.device=
 * (Debian's: no CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES); the driver matches
 * HID LNRO0005.
 */
size_t virtio_mmio_acpi(const char *name4, uint64_t addr, unsigned irq, uint8_t *aml, size_t cap)
{
	return aml_mmio_device(aml, cap, name4, "LNRO0005", (uint32_t)addr, VIRTIO_MMIO_SIZE, irq);
}
