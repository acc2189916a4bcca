/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport (legacy, version 1 register layout), apart from
 * any device: registers, feature words, queue 0 and its rings in guest RAM,
 * the interrupt status.  A device (virtio_blk.c) gives its ID, features,
 * config space and a request handler; the transport walks each descriptor
 * chain first, checking every descriptor through the guest-memory accessor
 * (src/core/guest_mem.c), and stops the guest (ops->fault) on loops,
 * out-of-RAM rings and buffers, indirect descriptors and jumping indices.
 * A second virtio device is a second such device: boot, ACPI and main need
 * no change (its device_type gives the command line and the DSDT node,
 * virtio_mmio_cmdline() and virtio_mmio_acpi()).
 */
#ifndef MKVM_VIRTIO_MMIO_H
#define MKVM_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/guest_mem.h"
#include "core/state.h"

#define VIRTIO_QUEUE_MAX 128 /* QueueNumMax */
#define VIRTIO_MMIO_SIZE 0x200

/* Registers of the legacy (version 1) virtio-mmio layout. */
#define VIRTIO_MMIO_MAGIC_VALUE	       0x000
#define VIRTIO_MMIO_VERSION	       0x004
#define VIRTIO_MMIO_DEVICE_ID	       0x008
#define VIRTIO_MMIO_VENDOR_ID	       0x00c
#define VIRTIO_MMIO_HOST_FEATURES      0x010
#define VIRTIO_MMIO_HOST_FEATURES_SEL  0x014
#define VIRTIO_MMIO_GUEST_FEATURES     0x020
#define VIRTIO_MMIO_GUEST_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE    0x028
#define VIRTIO_MMIO_QUEUE_SEL	       0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX      0x034
#define VIRTIO_MMIO_QUEUE_NUM	       0x038
#define VIRTIO_MMIO_QUEUE_ALIGN	       0x03c
#define VIRTIO_MMIO_QUEUE_PFN	       0x040
#define VIRTIO_MMIO_QUEUE_NOTIFY       0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS   0x060
#define VIRTIO_MMIO_INTERRUPT_ACK      0x064
#define VIRTIO_MMIO_STATUS	       0x070
#define VIRTIO_MMIO_CONFIG	       0x100

#define VIRTIO_MMIO_MAGIC  0x74726976 /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551 /* "QEMU", as Linux and QEMU expect */

#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* One request: its descriptors, in chain order, each buffer inside RAM. */
struct virtq_chain {
	uint16_t head;
	unsigned n; /* 1..queue size */
	struct vring_desc d[VIRTIO_QUEUE_MAX];
};

/* What the transport asks of the machine it is in. */
struct virtio_ops {
	/* Drives the interrupt line; called only when the level changes, with
	 * the transport's lock held. */
	void (*irq)(void *opaque, int level);
	/* The guest corrupted its queue: stop it with this one-line reason
	 * (the bus handler then returns IO_STOP). */
	void (*fault)(void *opaque, const char *reason);
};

struct virtio_mmio;

/* The device behind a transport. */
struct virtio_device {
	const char *name; /* prefixes fault reasons: "virtio-blk: ..." */
	uint32_t device_id;
	/* Handles one checked chain: fills *@written (bytes the device wrote
	 * into the guest's buffers).  IO_DONE, or IO_STOP after
	 * virtio_mmio_fault(). */
	enum io_result (*request)(void *dev, struct virtio_mmio *t, const struct virtq_chain *c,
				  uint32_t *written);
};

/* A transport in its reset state for @dev (@dev_opaque its state) offering
 * @features (bits 0..31) and the @config_len bytes at @config as config
 * space (kept, not copied).  NULL if out of memory. */
struct virtio_mmio *virtio_mmio_create(const struct guest_mem *mem, const struct virtio_device *dev,
				       void *dev_opaque, uint32_t features, const uint8_t *config,
				       size_t config_len, const struct virtio_ops *ops,
				       void *opaque);
void virtio_mmio_destroy(struct virtio_mmio *t);

/* The bus handler: any access of 1..8 bytes at offset 0..0x1ff. */
enum io_result virtio_mmio_io(void *t, struct io_access *a);

/* Stops the guest with "<name>: <reason>"; returns IO_STOP. */
enum io_result virtio_mmio_fault(struct virtio_mmio *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The guest RAM of the queue (for request handlers). */
const struct guest_mem *virtio_mmio_mem(const struct virtio_mmio *t);

/* Device reset (Status 0). */
void virtio_mmio_reset(struct virtio_mmio *t);

/* The transport's record "VMIO" (registers, queue 0, interrupt status). */
int virtio_mmio_save(struct virtio_mmio *t, struct state_w *w);
/* Checks the record as guest writes (a queue must lie in RAM); 0, or -1
 * with the transport unchanged. */
int virtio_mmio_load(struct virtio_mmio *t, struct state_r *r);

/* Linux's command-line form of a device at @addr, @irq; returns the
 * length or -1 (see device_type.cmdline). */
int virtio_mmio_cmdline(uint64_t addr, unsigned irq, char *buf, size_t len);

/* The DSDT node of a device at @addr, @irq named @name4 (4 characters);
 * returns its length, 0 if @cap is too small. */
size_t virtio_mmio_acpi(const char *name4, uint64_t addr, unsigned irq, uint8_t *aml, size_t cap);

#endif
