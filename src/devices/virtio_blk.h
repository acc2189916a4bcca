/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio block device (legacy, version 1 register layout) behind
 * --disk (src/devices/virtio_blk.c; docs/machine.md), apart from the VM so
 * that unit tests and the fuzzer can drive it: the interrupt line and
 * "stop the guest" are callbacks, guest RAM is a struct guest_mem and the
 * disk an open file descriptor.  virtio_blk_register() (pc_devices.h)
 * wires it to a VM.
 */
#ifndef MKVM_VIRTIO_BLK_H
#define MKVM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/guest_mem.h"

#define VIRTIO_BLK_SECTOR    512
#define VIRTIO_BLK_QUEUE_MAX 128	/* QueueNumMax */
#define VIRTIO_BLK_ID	     "mini-kvm" /* answer to VIRTIO_BLK_T_GET_ID */

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
#define VIRTIO_ID_BLOCK	   2

/* Feature bits offered (VIRTIO_BLK_F_RO only for a read-only disk). */
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO	      5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* Request types and status values. */
#define VIRTIO_BLK_T_IN	    0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4

struct virtio_blk;

struct virtio_blk_ops {
	/* Drives the interrupt line; called only when the level changes, with
	 * the device's lock held. */
	void (*irq)(void *opaque, int level);
	/* The guest corrupted its queue: stop it with this one-line reason
	 * (the bus handler then returns IO_STOP). */
	void (*fault)(void *opaque, const char *reason);
};

/* A device in its reset state on the disk @fd of @sectors sectors (@ro:
 * writes fail with IOERR); the queue lives in @mem.  NULL if out of memory. */
struct virtio_blk *virtio_blk_create(const struct guest_mem *mem, int fd, uint64_t sectors, bool ro,
				     const struct virtio_blk_ops *ops, void *opaque);

/* Frees a device no longer on any bus (the disk fd stays open). */
void virtio_blk_destroy(struct virtio_blk *d);

/* The bus handler: any access of 1..8 bytes at offset 0..0x1ff. */
enum io_result virtio_blk_io(void *dev, struct io_access *a);

/*
 * --disk FILE[,ro]: opens and checks the disk image before the seccomp
 * filter (which forbids open) and keeps it for virtio_blk_register(), which
 * attaches it to the first guest.  0, or -1 with one line in @err naming
 * the file (a usage error: status 2).
 */
int virtio_blk_open_disk(const char *path, bool ro, char *err, size_t errlen);

#endif
