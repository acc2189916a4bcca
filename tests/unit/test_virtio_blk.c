/* SPDX-License-Identifier: MIT */
/* Unit tests for src/devices/virtio_blk.c: the legacy virtio-mmio registers,
 * requests on a queue in fake guest RAM against a memfd disk, the interrupt
 * line, and every hostile-queue case (fault) and bad request (status). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/virtio_blk.h"
#include "mkvm/abi.h"

#define RAM	(1u << 20)
#define SECTORS 16
#define QADDR	0x10000 /* queue: desc, avail; used at QADDR + 0x1000 */
#define QN	8
#define HDR	0x20000
#define DATA	0x21000
#define STAT	0x22000
#define AVAIL	(QADDR + 16 * QN)
#define USED	(QADDR + 0x1000)

struct fake {
	int level, edges, faults;
	char reason[256];
};

static void fake_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	assert_int_not_equal(f->level, level); /* only on changes */
	f->level = level;
	f->edges++;
}

static void fake_fault(void *opaque, const char *reason)
{
	struct fake *f = opaque;

	f->faults++;
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
}

static const struct virtio_ops ops = {.irq = fake_irq, .fault = fake_fault};

struct env {
	struct guest_mem mem;
	struct fake f;
	struct virtio_blk *d;
	int fd;
	uint16_t avail_idx;
};

static struct env *env_new(bool ro)
{
	struct env *e = calloc(1, sizeof(*e));
	uint8_t sec[512];

	assert_non_null(e);
	e->mem.host = calloc(1, RAM);
	e->mem.size = RAM;
	e->fd = memfd_create("disk", 0);
	assert_true(e->fd >= 0);
	for (int s = 0; s < SECTORS; s++) {
		memset(sec, 'a' + s, sizeof(sec));
		assert_int_equal(pwrite(e->fd, sec, sizeof(sec), s * 512), 512);
	}
	e->d = virtio_blk_create(&e->mem, e->fd, SECTORS, ro, &ops, &e->f);
	assert_non_null(e->d);
	return e;
}

static void env_free(struct env *e)
{
	virtio_blk_destroy(e->d);
	close(e->fd);
	free(e->mem.host);
	free(e);
}

static enum io_result wr32(struct env *e, uint64_t off, uint32_t v)
{
	struct io_access a = {.offset = off, .data = (uint8_t *)&v, .size = 4, .is_write = true};

	a.addr = 0xfeb00000 + off;
	return virtio_blk_io(e->d, &a);
}

static uint32_t rd32(struct env *e, uint64_t off)
{
	uint32_t v = 0;
	struct io_access a = {.offset = off, .data = (uint8_t *)&v, .size = 4};

	assert_int_equal(virtio_blk_io(e->d, &a), IO_DONE);
	return v;
}

/* Queue 0 as Linux sets it up: page size 4096, PFN = address >> 12. */
static void setup_queue(struct env *e)
{
	assert_int_equal(wr32(e, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096), IO_DONE);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_SEL, 0), IO_DONE);
	assert_int_equal(rd32(e, VIRTIO_MMIO_QUEUE_PFN), 0);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_NUM, QN), IO_DONE);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_ALIGN, 4096), IO_DONE);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_PFN, QADDR >> 12), IO_DONE);
	assert_int_equal(wr32(e, VIRTIO_MMIO_STATUS, 0xf), IO_DONE);
}

static void desc(struct env *e, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		 uint16_t next)
{
	uint8_t *p = e->mem.host + QADDR + 16 * i;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static void header(struct env *e, uint32_t type, uint64_t sector)
{
	memset(e->mem.host + HDR, 0, 16);
	memcpy(e->mem.host + HDR, &type, 4);
	memcpy(e->mem.host + HDR + 8, &sector, 8);
	e->mem.host[STAT] = 0xee;
}

/* Makes @head available and notifies. */
static enum io_result kick(struct env *e, uint16_t head)
{
	memcpy(e->mem.host + AVAIL + 4 + 2 * (e->avail_idx % QN), &head, 2);
	e->avail_idx++;
	memcpy(e->mem.host + AVAIL + 2, &e->avail_idx, 2);
	return wr32(e, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

/* A 3-descriptor request (header, @len data bytes at DATA, status); the status. */
static uint8_t request(struct env *e, uint32_t type, uint64_t sector, uint32_t len, bool dev_writes)
{
	header(e, type, sector);
	desc(e, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	desc(e, 1, DATA, len, VRING_DESC_F_NEXT | (dev_writes ? VRING_DESC_F_WRITE : 0), 2);
	desc(e, 2, STAT, 1, VRING_DESC_F_WRITE, 0);
	assert_int_equal(kick(e, 0), IO_DONE);
	return e->mem.host[STAT];
}

static uint16_t used_idx(struct env *e)
{
	uint16_t v;

	memcpy(&v, e->mem.host + USED + 2, 2);
	return v;
}

static void test_registers(void **state)
{
	struct env *e = env_new(false);
	uint8_t b[8];
	struct io_access a = {.offset = 0, .data = b, .size = 8};

	(void)state;
	assert_int_equal(rd32(e, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd32(e, VIRTIO_MMIO_VERSION), 1);
	assert_int_equal(rd32(e, VIRTIO_MMIO_DEVICE_ID), 2);
	assert_int_equal(rd32(e, VIRTIO_MMIO_VENDOR_ID), 0x554d4551);
	assert_int_equal(rd32(e, VIRTIO_MMIO_HOST_FEATURES), 0x244);
	wr32(e, VIRTIO_MMIO_HOST_FEATURES_SEL, 1);
	assert_int_equal(rd32(e, VIRTIO_MMIO_HOST_FEATURES), 0); /* no VERSION_1 */
	assert_int_equal(rd32(e, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
	wr32(e, VIRTIO_MMIO_QUEUE_SEL, 1);
	assert_int_equal(rd32(e, VIRTIO_MMIO_QUEUE_NUM_MAX), 0); /* one queue only */
	assert_int_equal(rd32(e, VIRTIO_MMIO_CONFIG), SECTORS);	 /* capacity */
	assert_int_equal(rd32(e, VIRTIO_MMIO_CONFIG + 4), 0);
	assert_int_equal(rd32(e, VIRTIO_MMIO_CONFIG + 12), VIRTIO_BLK_QUEUE_MAX - 2);
	assert_int_equal(rd32(e, VIRTIO_MMIO_CONFIG + 20), 512);
	/* 8-byte and byte reads see the registers' bytes. */
	assert_int_equal(virtio_blk_io(e->d, &a), IO_DONE);
	assert_memory_equal(b, "virt\x01\0\0\0", 8);
	a.offset = 1;
	a.size = 1;
	assert_int_equal(virtio_blk_io(e->d, &a), IO_DONE);
	assert_int_equal(b[0], 'i');
	a.offset = VIRTIO_BLK_MMIO_SIZE - 1;
	a.size = 8; /* runs past the range: all ones there */
	assert_int_equal(virtio_blk_io(e->d, &a), IO_DONE);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[7], 0xff);
	/* Status 0 resets; a narrow write is ignored. */
	wr32(e, VIRTIO_MMIO_STATUS, 7);
	assert_int_equal(rd32(e, VIRTIO_MMIO_STATUS), 7);
	a = (struct io_access){
		.offset = VIRTIO_MMIO_STATUS, .data = b, .size = 1, .is_write = true};
	b[0] = 0;
	assert_int_equal(virtio_blk_io(e->d, &a), IO_DONE);
	assert_int_equal(rd32(e, VIRTIO_MMIO_STATUS), 7);
	wr32(e, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd32(e, VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd32(e, VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTIO_BLK_QUEUE_MAX);
	env_free(e);

	e = env_new(true);
	assert_int_equal(rd32(e, VIRTIO_MMIO_HOST_FEATURES), 0x264);
	env_free(e);
}

static void test_requests(void **state)
{
	struct env *e = env_new(false);
	uint8_t sec[1024];
	uint32_t elem[2];

	(void)state;
	setup_queue(e);
	assert_int_equal(request(e, VIRTIO_BLK_T_IN, 3, 1024, true), VIRTIO_BLK_S_OK);
	assert_int_equal(e->mem.host[DATA], 'd');
	assert_int_equal(e->mem.host[DATA + 1023], 'e');
	assert_int_equal(used_idx(e), 1);
	memcpy(elem, e->mem.host + USED + 4, 8);
	assert_int_equal(elem[0], 0);
	assert_int_equal(elem[1], 1025); /* data + status */
	assert_int_equal(e->f.level, 1);
	assert_int_equal(rd32(e, VIRTIO_MMIO_INTERRUPT_STATUS), 1);
	wr32(e, VIRTIO_MMIO_INTERRUPT_ACK, 1);
	assert_int_equal(e->f.level, 0);
	assert_int_equal(rd32(e, VIRTIO_MMIO_INTERRUPT_STATUS), 0);

	memset(e->mem.host + DATA, 'Z', 512);
	assert_int_equal(request(e, VIRTIO_BLK_T_OUT, SECTORS - 1, 512, false), VIRTIO_BLK_S_OK);
	assert_int_equal(pread(e->fd, sec, 512, (SECTORS - 1) * 512), 512);
	assert_int_equal(sec[0], 'Z');
	assert_int_equal(sec[511], 'Z');
	memcpy(elem, e->mem.host + USED + 4 + 8, 8);
	assert_int_equal(elem[1], 1);
	assert_int_equal(request(e, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);

	memset(e->mem.host + DATA, 0x55, 32);
	assert_int_equal(request(e, VIRTIO_BLK_T_GET_ID, 0, 20, true), VIRTIO_BLK_S_OK);
	assert_memory_equal(e->mem.host + DATA, "mini-kvm\0\0\0\0\0\0\0\0\0\0\0\0", 20);
	assert_int_equal(e->mem.host[DATA + 20], 0x55);

	/* Bad requests: a status, the device goes on. */
	assert_int_equal(request(e, VIRTIO_BLK_T_IN, SECTORS - 1, 1024, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(e, VIRTIO_BLK_T_IN, UINT64_MAX, 512, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(e, VIRTIO_BLK_T_IN, 0, 100, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(e, VIRTIO_BLK_T_IN, 0, 512, false), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(e, VIRTIO_BLK_T_OUT, 0, 512, true), VIRTIO_BLK_S_IOERR);
	assert_int_equal(request(e, 99, 0, 512, false), VIRTIO_BLK_S_UNSUPP);
	header(e, VIRTIO_BLK_T_IN, 0);
	desc(e, 0, HDR, 8, VRING_DESC_F_NEXT, 2); /* short header */
	assert_int_equal(kick(e, 0), IO_DONE);
	assert_int_equal(e->mem.host[STAT], VIRTIO_BLK_S_IOERR);
	assert_int_equal(e->f.faults, 0);
	assert_int_equal(used_idx(e), e->avail_idx);

	/* Several entries in one notify, and index wrap-around. */
	for (int i = 0; i < 70000; i += 3) {
		header(e, VIRTIO_BLK_T_FLUSH, 0);
		desc(e, 0, HDR, 16, VRING_DESC_F_NEXT, 2);
		for (int k = 0; k < 3; k++) {
			memcpy(e->mem.host + AVAIL + 4 + 2 * (e->avail_idx % QN), &(uint16_t){0},
			       2);
			e->avail_idx++;
		}
		memcpy(e->mem.host + AVAIL + 2, &e->avail_idx, 2);
		assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_NOTIFY, 0), IO_DONE);
		assert_int_equal(used_idx(e), e->avail_idx);
	}
	assert_int_equal(e->f.faults, 0);
	env_free(e);
}

static void test_read_only(void **state)
{
	struct env *e = env_new(true);
	uint8_t sec[512];

	(void)state;
	setup_queue(e);
	memset(e->mem.host + DATA, 'Z', 512);
	assert_int_equal(request(e, VIRTIO_BLK_T_OUT, 0, 512, false), VIRTIO_BLK_S_IOERR);
	assert_int_equal(pread(e->fd, sec, 512, 0), 512);
	assert_int_equal(sec[0], 'a');
	assert_int_equal(request(e, VIRTIO_BLK_T_IN, 0, 512, true), VIRTIO_BLK_S_OK);
	assert_int_equal(request(e, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
	env_free(e);
}

/* OS in 1,000 lines: no GuestPageSize, QueueAlign 0, QueuePFN = the address. */
static void test_os1k_layout(void **state)
{
	struct env *e = env_new(false);

	(void)state;
	wr32(e, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr32(e, VIRTIO_MMIO_QUEUE_NUM, QN);
	wr32(e, VIRTIO_MMIO_QUEUE_ALIGN, 0);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_PFN, QADDR), IO_DONE);
	assert_int_equal(request(e, VIRTIO_BLK_T_IN, 1, 512, true), VIRTIO_BLK_S_OK);
	assert_int_equal(e->mem.host[DATA], 'b');
	assert_int_equal(used_idx(e), 1);
	env_free(e);
}

/* expect_fault(e, result, reason) */
static void expect_fault(struct env *e, enum io_result r, const char *reason)
{
	assert_int_equal(r, IO_STOP);
	assert_int_equal(e->f.faults, 1);
	assert_string_equal(e->f.reason, reason);
}

static void test_hostile(void **state)
{
	struct env *e;

	(void)state;
	e = env_new(false); /* a loop */
	setup_queue(e);
	header(e, VIRTIO_BLK_T_IN, 0);
	desc(e, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	desc(e, 1, DATA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 0);
	expect_fault(
		e, kick(e, 0),
		"virtio-blk: descriptor chain from head 0 is longer than the queue (8): a loop");
	assert_int_equal(used_idx(e), 0);
	env_free(e);

	e = env_new(false); /* a buffer one byte past RAM */
	setup_queue(e);
	header(e, VIRTIO_BLK_T_IN, 0);
	desc(e, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	desc(e, 1, RAM - 511, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	desc(e, 2, STAT, 1, VRING_DESC_F_WRITE, 0);
	expect_fault(e, kick(e, 0),
		     "virtio-blk: descriptor 1: buffer 0xffe01+0x200 outside guest RAM");
	env_free(e);

	e = env_new(false); /* a buffer that wraps */
	setup_queue(e);
	desc(e, 0, UINT64_MAX - 7, 16, VRING_DESC_F_NEXT, 1);
	expect_fault(e, kick(e, 0),
		     "virtio-blk: descriptor 0: buffer 0xfffffffffffffff8+0x10 outside guest RAM");
	env_free(e);

	e = env_new(false); /* the queue's used ring past RAM */
	wr32(e, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
	wr32(e, VIRTIO_MMIO_QUEUE_NUM, QN);
	expect_fault(
		e, wr32(e, VIRTIO_MMIO_QUEUE_PFN, (RAM >> 12) - 1),
		"virtio-blk: queue at 0xff000 (QueuePFN 0xff x GuestPageSize 0x1000, 8 entries) is outside guest RAM");
	env_free(e);

	e = env_new(false); /* bad QueueNum, page size, align */
	wr32(e, VIRTIO_MMIO_QUEUE_NUM, 12);
	expect_fault(e, wr32(e, VIRTIO_MMIO_QUEUE_PFN, QADDR),
		     "virtio-blk: QueueNum 12 is not a power of two from 1 to 128");
	wr32(e, VIRTIO_MMIO_QUEUE_NUM, 256);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_PFN, QADDR), IO_STOP);
	wr32(e, VIRTIO_MMIO_QUEUE_NUM, QN);
	wr32(e, VIRTIO_MMIO_GUEST_PAGE_SIZE, 3000);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_PFN, 1), IO_STOP);
	assert_string_equal(e->f.reason, "virtio-blk: GuestPageSize 0xbb8 is not a power of two");
	wr32(e, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
	wr32(e, VIRTIO_MMIO_QUEUE_ALIGN, 100);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_PFN, QADDR >> 12), IO_STOP);
	assert_string_equal(e->f.reason, "virtio-blk: QueueAlign 0x64 is not a power of two");
	env_free(e);

	e = env_new(false); /* avail index jump */
	setup_queue(e);
	memcpy(e->mem.host + AVAIL + 2, &(uint16_t){QN + 1}, 2);
	expect_fault(e, wr32(e, VIRTIO_MMIO_QUEUE_NOTIFY, 0),
		     "virtio-blk: avail index jumped from 0 to 9 (queue of 8)");
	env_free(e);

	e = env_new(false); /* head and next index past the queue */
	setup_queue(e);
	expect_fault(e, kick(e, QN),
		     "virtio-blk: descriptor index 8 outside the queue (8 entries)");
	env_free(e);
	e = env_new(false);
	setup_queue(e);
	desc(e, 0, HDR, 16, VRING_DESC_F_NEXT, 0xffff);
	expect_fault(e, kick(e, 0),
		     "virtio-blk: descriptor index 65535 outside the queue (8 entries)");
	env_free(e);

	e = env_new(false); /* status not writable, single descriptor, indirect */
	setup_queue(e);
	header(e, VIRTIO_BLK_T_IN, 0);
	desc(e, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	desc(e, 1, STAT, 1, 0, 0);
	expect_fault(e, kick(e, 0),
		     "virtio-blk: request at head 0 has no device-writable status byte");
	assert_int_equal(e->mem.host[STAT], 0xee);
	wr32(e, VIRTIO_MMIO_STATUS, 0); /* reset: a fresh queue */
	setup_queue(e);
	e->avail_idx = 0;
	desc(e, 0, STAT, 1, VRING_DESC_F_WRITE, 0);
	assert_int_equal(kick(e, 0), IO_STOP);
	desc(e, 0, HDR, 16, VRING_DESC_F_INDIRECT, 0);
	assert_int_equal(kick(e, 0), IO_STOP);
	assert_string_equal(e->f.reason, "virtio-blk: indirect descriptor 0 (not offered)");
	env_free(e);
}

static void test_reset_and_irq(void **state)
{
	struct env *e = env_new(false);

	(void)state;
	setup_queue(e);
	assert_int_equal(request(e, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
	assert_int_equal(e->f.level, 1);
	assert_int_equal(request(e, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
	assert_int_equal(e->f.edges, 1);       /* still high: no new call */
	wr32(e, VIRTIO_MMIO_INTERRUPT_ACK, 2); /* not the used-buffer bit */
	assert_int_equal(e->f.level, 1);
	wr32(e, VIRTIO_MMIO_STATUS, 0); /* reset lowers the line, frees the queue */
	assert_int_equal(e->f.level, 0);
	assert_int_equal(rd32(e, VIRTIO_MMIO_QUEUE_PFN), 0);
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_NOTIFY, 0), IO_DONE); /* no queue: nothing */
	assert_int_equal(wr32(e, VIRTIO_MMIO_QUEUE_NOTIFY, 1), IO_DONE); /* no queue 1 */
	assert_int_equal(e->f.faults, 0);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registers), cmocka_unit_test(test_requests),
		cmocka_unit_test(test_read_only), cmocka_unit_test(test_os1k_layout),
		cmocka_unit_test(test_hostile),	  cmocka_unit_test(test_reset_and_irq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
