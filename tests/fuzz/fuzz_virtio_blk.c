/* SPDX-License-Identifier: MIT */
/*
 * fuzz_virtio_blk: the virtio-mmio block device (src/devices/virtio_blk.c)
 * through its own API (as tests/unit/test_virtio_blk.c uses it), on 64 KiB
 * of guest RAM from malloc (ASan sees one byte past it) and a memfd disk of
 * 8 sectors.  The input is a flag byte (bit 0: read-only disk) and then
 * operations, one byte each plus arguments:
 *
 *   op & 7 = 0  32-bit write of a u32 (or an edge value) to register
 *               regs[op >> 3 % N]
 *            1  raw access: u16 offset (mod 0x208), width 1..8, read/write,
 *               8 data bytes
 *            2  poke up to 31 bytes anywhere in RAM (ring contents)
 *            3  descriptor (u8 index) of the queue at QADDR: addr (edge
 *               values around RAM), len (edge), flags, next
 *            4  avail ring: entry head (u16), then idx += u8 % 20
 *            5  QueueNotify 0
 *            6  the queue as Linux sets it up at QADDR (QueueNum 2^(u8 % 9))
 *            7  InterruptACK u32, or Status 0 (reset) when bit 3 is set
 *
 * Checks: every access IO_DONE or IO_STOP; IO_STOP exactly when the fault
 * callback ran, with a "virtio-blk: " reason; the interrupt callback only
 * on a level change, and the line high exactly while InterruptStatus is
 * not 0; the magic value never changes; the disk never grows.
 */
#include "fuzz.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include "devices/virtio_blk.h"

#define RAM	64 * 1024
#define SECTORS 8
#define QADDR	0x1000

struct fake {
	int level;
	unsigned faults;
};

static void fake_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	FUZZ_CHECK(level == 0 || level == 1, "irq level %d", level);
	FUZZ_CHECK(level != f->level, "irq callback without a level change (%d)", level);
	f->level = level;
}

static void fake_fault(void *opaque, const char *reason)
{
	struct fake *f = opaque;

	FUZZ_CHECK(strncmp(reason, "virtio-blk: ", 12) == 0 && !strchr(reason, '\n'), "reason '%s'",
		   reason);
	f->faults++;
}

static const struct virtio_ops ops = {.irq = fake_irq, .fault = fake_fault};

static const uint16_t regs[] = {
	VIRTIO_MMIO_HOST_FEATURES_SEL,
	VIRTIO_MMIO_GUEST_FEATURES,
	VIRTIO_MMIO_GUEST_FEATURES_SEL,
	VIRTIO_MMIO_GUEST_PAGE_SIZE,
	VIRTIO_MMIO_QUEUE_SEL,
	VIRTIO_MMIO_QUEUE_NUM,
	VIRTIO_MMIO_QUEUE_ALIGN,
	VIRTIO_MMIO_QUEUE_PFN,
	VIRTIO_MMIO_QUEUE_NOTIFY,
	VIRTIO_MMIO_INTERRUPT_ACK,
	VIRTIO_MMIO_STATUS,
	VIRTIO_MMIO_MAGIC_VALUE,
	VIRTIO_MMIO_CONFIG,
};

static int disk_fd = -1;

static enum io_result mmio(struct virtio_blk *d, struct fake *f, uint64_t off, unsigned size,
			   bool write, uint8_t *data)
{
	struct io_access a = {.addr = 0xfeb00000 + off,
			      .offset = off,
			      .data = data,
			      .size = size,
			      .is_write = write};
	unsigned faults = f->faults;
	enum io_result r = virtio_blk_io(d, &a);
	uint8_t isr[4];
	struct io_access ra = {.offset = VIRTIO_MMIO_INTERRUPT_STATUS, .data = isr, .size = 4};

	FUZZ_CHECK(r == IO_DONE || r == IO_STOP, "result %d", r);
	FUZZ_CHECK((r == IO_STOP) == (f->faults != faults), "IO_STOP %d, faults %u -> %u",
		   r == IO_STOP, faults, f->faults);
	FUZZ_CHECK(virtio_blk_io(d, &ra) == IO_DONE, "InterruptStatus read");
	FUZZ_CHECK(f->level == (isr[0] || isr[1] || isr[2] || isr[3]), "line %d, status %02x",
		   f->level, isr[0]);
	return r;
}

static void wr32(struct virtio_blk *d, struct fake *f, uint64_t off, uint32_t v)
{
	uint8_t b[8];

	memcpy(b, &v, 4);
	mmio(d, f, off, 4, true, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp fd = {data, size};
	struct fake f = {0};
	struct guest_mem mem;
	struct virtio_blk *d;
	uint16_t avail_idx = 0, num = 8;
	struct stat st;
	uint8_t b[8];

	if (disk_fd < 0) {
		disk_fd = memfd_create("fuzz-disk", 0);
		FUZZ_CHECK(disk_fd >= 0, "memfd_create");
		FUZZ_CHECK(ftruncate(disk_fd, SECTORS * 512) == 0, "ftruncate");
	}
	fuzz_mem_alloc(&mem, RAM);
	memset(mem.host, 0, RAM);
	d = virtio_blk_create(&mem, disk_fd, SECTORS, fdp_u8(&fd) & 1, &ops, &f);
	FUZZ_CHECK(d, "virtio_blk_create");
	while (fd.n) {
		uint8_t op = fdp_u8(&fd);

		switch (op & 7) {
		case 0: {
			uint16_t off = regs[(op >> 3) % (sizeof(regs) / sizeof(regs[0]))];
			wr32(d, &f, off, (op & 0x80) ? (uint32_t)fdp_edge(&fd, RAM) : fdp_u32(&fd));
			break;
		}
		case 1: {
			uint16_t off = fdp_u16(&fd) % 0x208;
			unsigned w = 1 + (fdp_u8(&fd) & 7);
			bool write = op & 8;
			for (unsigned i = 0; i < 8; i++)
				b[i] = fdp_u8(&fd);
			if (off + w > VIRTIO_BLK_MMIO_SIZE)
				off = (uint16_t)(VIRTIO_BLK_MMIO_SIZE - w); /* as the bus clips */
			mmio(d, &f, off, w, write, b);
			break;
		}
		case 2: {
			uint16_t at = fdp_u16(&fd);
			unsigned n = fdp_u8(&fd) & 31;
			for (unsigned i = 0; i < n; i++) {
				uint8_t v = fdp_u8(&fd);
				if ((unsigned)at + i < RAM)
					mem.host[at + i] = v;
			}
			break;
		}
		case 3: {
			unsigned i = fdp_u8(&fd) % num;
			uint64_t addr = fdp_edge(&fd, RAM);
			uint32_t len = (uint32_t)fdp_edge(&fd, 512);
			uint16_t flags = fdp_u8(&fd) & 7, next = fdp_u8(&fd);
			uint8_t *p = mem.host + QADDR + 16 * i;
			memcpy(p, &addr, 8);
			memcpy(p + 8, &len, 4);
			memcpy(p + 12, &flags, 2);
			memcpy(p + 14, &next, 2);
			break;
		}
		case 4: {
			uint16_t head = fdp_u16(&fd);
			memcpy(mem.host + QADDR + 16 * num + 4 + 2 * (avail_idx % num), &head, 2);
			avail_idx = (uint16_t)(avail_idx + fdp_u8(&fd) % 20);
			memcpy(mem.host + QADDR + 16 * num + 2, &avail_idx, 2);
			break;
		}
		case 5: wr32(d, &f, VIRTIO_MMIO_QUEUE_NOTIFY, 0); break;
		case 6:
			num = (uint16_t)(1u << (fdp_u8(&fd) % 9)); /* 1 .. 256 (too big) */
			wr32(d, &f, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
			wr32(d, &f, VIRTIO_MMIO_QUEUE_SEL, 0);
			wr32(d, &f, VIRTIO_MMIO_QUEUE_NUM, num);
			wr32(d, &f, VIRTIO_MMIO_QUEUE_ALIGN, 4096);
			wr32(d, &f, VIRTIO_MMIO_QUEUE_PFN, QADDR >> 12);
			if (num > VIRTIO_BLK_QUEUE_MAX)
				num = VIRTIO_BLK_QUEUE_MAX; /* keeps ops 3/4 inside RAM */
			avail_idx = 0;
			break;
		case 7:
			if (op & 8)
				wr32(d, &f, VIRTIO_MMIO_STATUS, 0);
			else
				wr32(d, &f, VIRTIO_MMIO_INTERRUPT_ACK, fdp_u32(&fd));
			break;
		}
		mmio(d, &f, VIRTIO_MMIO_MAGIC_VALUE, 4, false, b);
		FUZZ_CHECK(memcmp(b, "virt", 4) == 0, "magic %02x%02x%02x%02x", b[0], b[1], b[2],
			   b[3]);
	}
	FUZZ_CHECK(fstat(disk_fd, &st) == 0 && st.st_size == SECTORS * 512, "disk size %lld",
		   (long long)st.st_size);
	virtio_blk_destroy(d);
	fuzz_mem_free(&mem);
	return 0;
}
