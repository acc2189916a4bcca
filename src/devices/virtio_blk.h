/* SPDX-License-Identifier: MIT */
/*
 * The virtio-blk device behind --disk (src/devices/virtio_blk.c;
 * docs/machine.md) on the virtio-mmio transport (virtio_mmio.h), apart
 * from the VM so that unit tests and the fuzzer can drive it: the
 * interrupt line and "stop the guest" are callbacks, guest RAM is a
 * struct guest_mem and the disk an open file descriptor.
 * virtio_blk_device (devices.def) wires it to a VM.
 */
#ifndef MKVM_VIRTIO_BLK_H
#define MKVM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio_mmio.h"

#define VIRTIO_BLK_SECTOR    512
#define VIRTIO_BLK_QUEUE_MAX VIRTIO_QUEUE_MAX
#define VIRTIO_BLK_ID	     "mini-kvm" /* answer to VIRTIO_BLK_T_GET_ID */
#define VIRTIO_ID_BLOCK	     2

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

struct virtio_blk;

/* A device in its reset state on the disk @fd of @sectors sectors (@ro:
 * writes fail with IOERR); the queue lives in @mem.  NULL if out of memory. */
struct virtio_blk *virtio_blk_create(const struct guest_mem *mem, int fd, uint64_t sectors, bool ro,
				     const struct virtio_ops *ops, void *opaque);

/* Frees a device no longer on any bus (the disk fd stays open). */
void virtio_blk_destroy(struct virtio_blk *d);

/* The bus handler: any access of 1..8 bytes at offset 0..0x1ff. */
enum io_result virtio_blk_io(void *dev, struct io_access *a);

/* Status 0, as the guest would write it. */
void virtio_blk_reset(struct virtio_blk *d);

/* Records "VMIO" (the transport) and "VBLK" (the disk's size and mode);
 * a load onto a different disk, or an invalid queue, is refused (-1) and
 * leaves the device as it was. */
int virtio_blk_save(struct virtio_blk *d, struct state_w *w);
int virtio_blk_load(struct virtio_blk *d, struct state_r *r);

#endif
