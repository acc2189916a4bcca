/* SPDX-License-Identifier: MIT */
/*
 * blk: a driver for mini-kvm's legacy virtio-mmio block device (--disk;
 * docs/machine.md).  Its command line picks what it does:
 *
 *   blk.elf          probe, features, capacity, GET_ID, read sector 0, write
 *                    sector 1 with a pattern, flush, read it back, then bad
 *                    requests the device must answer with a status (past the
 *                    end, short header, unknown type); completions by IRQ 5,
 *                    registers set up as Linux does (GuestPageSize 4096,
 *                    QueuePFN = address >> 12); ends with "blk: ok"
 *   blk.elf poll     the same, polling the used ring with interrupts off and
 *                    the registers set up as OS in 1,000 lines does (no
 *                    GuestPageSize, QueueAlign 0, QueuePFN = the address)
 *   blk.elf ro       a read-only disk: read works, a write ends in IOERR
 *   blk.elf write    writes sector 2, prints "blk: written" once the device
 *                    has completed it (no flush), then spins: the test kills
 *                    mini-kvm with SIGKILL and checks the file
 *   blk.elf loop | outside | pfn | jump | head | nostatus
 *                    hostile queues: a descriptor loop, a buffer outside
 *                    RAM, a queue outside RAM, an avail index jump, a head
 *                    index past the queue, a read-only status byte.  mini-kvm
 *                    must stop the guest; "blk: ... survived" means it did not.
 */
#include "rt.h"

#define REG(off)    (*(volatile uint32_t *)(VIRTIO_BLK_MMIO_ADDR + (off)))
#define MAGIC	    0x000
#define VERSION	    0x004
#define DEVICE_ID   0x008
#define VENDOR_ID   0x00c
#define HOST_FEAT   0x010
#define HOST_SEL    0x014
#define GUEST_FEAT  0x020
#define GUEST_SEL   0x024
#define PAGE_SIZE   0x028
#define QUEUE_SEL   0x030
#define QUEUE_MAX   0x034
#define QUEUE_NUM   0x038
#define QUEUE_ALIGN 0x03c
#define QUEUE_PFN   0x040
#define NOTIFY	    0x050
#define INT_STATUS  0x060
#define INT_ACK	    0x064
#define STATUS	    0x070
#define CONFIG	    0x100

#define QN	  16 /* queue entries */
#define F_NEXT	  1
#define F_WRITE	  2
#define T_IN	  0
#define T_OUT	  1
#define T_FLUSH	  4
#define T_GET_ID  8
#define S_OK	  0
#define S_IOERR	  1
#define S_UNSUPP  2
#define NO_STATUS 0xee /* what the status byte holds before the device answers */

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
} __attribute__((packed));

/* The legacy layout: descriptors, avail ring, used ring at the next page. */
static struct {
	struct desc d[QN];
	uint16_t avail_flags, avail_idx, avail_ring[QN], used_event;
	uint8_t pad[4096 - 16 * QN - 2 * (QN + 3)];
	volatile uint16_t used_flags, used_idx;
	volatile struct {
		uint32_t id, len;
	} used[QN];
} q __attribute__((aligned(4096)));

static struct {
	uint32_t type, reserved;
	uint64_t sector;
} hdr;
static uint8_t buf[1024], status;
static volatile uint32_t nirqs;
static int use_irq;
static uint32_t ram;

static void __attribute__((noreturn)) fail(const char *what, uint32_t got)
{
	printf("blk: FAIL: %s (got 0x%x)\n", what, got);
	hc_exit(1);
}

static void blk_irq(void)
{
	uint32_t s = REG(INT_STATUS);

	REG(INT_ACK) = s;
	nirqs++;
}

/* Device set-up; @linux: GuestPageSize and PFN as Linux, else as OS in 1,000 lines. */
static void setup(int linux)
{
	uint32_t v;

	if ((v = REG(MAGIC)) != 0x74726976)
		fail("magic", v);
	if ((v = REG(VERSION)) != 1)
		fail("version 1", v);
	if ((v = REG(DEVICE_ID)) != 2)
		fail("device id 2 (block)", v);
	printf("blk: magic 0x%x version %u device %u vendor 0x%x\n", REG(MAGIC), REG(VERSION),
	       REG(DEVICE_ID), REG(VENDOR_ID));
	REG(STATUS) = 0;
	REG(STATUS) = 1; /* ACKNOWLEDGE */
	REG(STATUS) = 3; /* DRIVER */
	REG(HOST_SEL) = 0;
	v = REG(HOST_FEAT);
	printf("blk: features 0x%x\n", v);
	REG(GUEST_SEL) = 0;
	REG(GUEST_FEAT) = v;
	REG(STATUS) = 3 | 8; /* FEATURES_OK */
	if (linux)
		REG(PAGE_SIZE) = 4096;
	REG(QUEUE_SEL) = 0;
	if (REG(QUEUE_PFN) != 0)
		fail("queue 0 free", REG(QUEUE_PFN));
	if ((v = REG(QUEUE_MAX)) < QN)
		fail("QueueNumMax >= 16", v);
	REG(QUEUE_NUM) = QN;
	REG(QUEUE_ALIGN) = linux ? 4096 : 0;
	REG(QUEUE_PFN) = linux ? (uint32_t)&q >> 12 : (uint32_t)&q;
	REG(STATUS) = 3 | 8 | 4; /* DRIVER_OK */
	if (use_irq) {
		irq_install();
		irq_handle(IRQ_VIRTIO_BLK, blk_irq);
	}
}

static void put_desc(int i, const void *p, uint32_t len, uint16_t flags, uint16_t next)
{
	q.d[i] = (struct desc){(uint32_t)p, len, flags, next};
}

/* Makes entry @head available and notifies; no wait. */
static void kick(uint16_t head)
{
	q.avail_ring[q.avail_idx % QN] = head;
	__asm__ volatile("" ::: "memory");
	q.avail_idx++;
	__asm__ volatile("" ::: "memory");
	REG(NOTIFY) = 0;
}

static void wait_used(void)
{
	static uint32_t seen;

	/* The device completes at once, while interrupts are off: IRQ 5 is
	 * pending by now, and sti; hlt takes it. */
	while (use_irq && nirqs == seen)
		sti_hlt();
	cli();
	seen = nirqs;
	while (q.used_idx != q.avail_idx)
		;
	__asm__ volatile("" ::: "memory"); /* read what the device wrote after this */
}

/* One request: header, @len bytes of buf (none if 0), status.  Returns the status. */
static uint8_t request(uint32_t type, uint64_t sector, uint32_t len, int dev_writes)
{
	int n = 0;

	hdr.type = type;
	hdr.sector = sector;
	status = NO_STATUS;
	put_desc(n, &hdr, sizeof(hdr), F_NEXT, (uint16_t)(n + 1));
	n++;
	if (len) {
		put_desc(n, buf, len, (uint16_t)(F_NEXT | (dev_writes ? F_WRITE : 0)),
			 (uint16_t)(n + 1));
		n++;
	}
	put_desc(n, &status, 1, F_WRITE, 0);
	kick(0);
	wait_used();
	return status;
}

static void check(const char *what, uint8_t got, uint8_t want)
{
	if (got != want)
		fail(what, got);
}

static const char pattern[] = "0123456789abcdef";

static void fill(void)
{
	for (int i = 0; i < 512; i++)
		buf[i] = (uint8_t)pattern[i % 16];
}

static void show_sector0(void)
{
	char s[17];

	memset(buf, 0, 512);
	check("read sector 0", request(T_IN, 0, 512, 1), S_OK);
	for (int i = 0; i < 16; i++)
		s[i] = buf[i] >= 32 && buf[i] < 127 ? (char)buf[i] : '.';
	s[16] = '\0';
	printf("blk: sector 0: %s\n", s);
}

static uint64_t capacity(void)
{
	uint64_t c = REG(CONFIG) | (uint64_t)REG(CONFIG + 4) << 32;

	printf("blk: capacity %u sectors, blk_size %u\n", (uint32_t)c, REG(CONFIG + 20));
	return c;
}

static int full_test(int linux)
{
	uint64_t cap;
	char id[21];

	setup(linux);
	cap = capacity();
	memset(buf, 0, 32);
	check("GET_ID", request(T_GET_ID, 0, 20, 1), S_OK);
	memset(id, 0, sizeof(id));
	for (int i = 0; i < 20; i++)
		id[i] = (char)buf[i];
	printf("blk: id %s\n", id);
	show_sector0();

	fill();
	check("write sector 1", request(T_OUT, 1, 512, 0), S_OK);
	check("flush", request(T_FLUSH, 0, 0, 0), S_OK);
	memset(buf, 0, 512);
	check("read sector 1 back", request(T_IN, 1, 512, 1), S_OK);
	for (int i = 0; i < 512; i++)
		if (buf[i] != (uint8_t)pattern[i % 16])
			fail("sector 1 reads back as written", (uint32_t)i);
	printf("blk: wrote, flushed and read back sector 1\n");

	/* Two sectors in one request, the last two of the disk. */
	check("read the last 2 sectors", request(T_IN, cap - 2, 1024, 1), S_OK);
	check("read past the end", request(T_IN, cap - 1, 1024, 1), S_IOERR);
	printf("blk: read past the end: IOERR\n");
	hdr.reserved = 0;
	put_desc(0, &hdr, 8, F_NEXT, 1); /* a header of 8 bytes */
	put_desc(1, &status, 1, F_WRITE, 0);
	status = NO_STATUS;
	kick(0);
	wait_used();
	check("short header", status, S_IOERR);
	printf("blk: 8-byte header: IOERR\n");
	check("type 99", request(99, 0, 0, 0), S_UNSUPP);
	printf("blk: type 99: UNSUPP\n");
	if (use_irq && nirqs == 0)
		fail("interrupts on IRQ 5", 0);
	if (REG(INT_STATUS) != (use_irq ? 0u : 1u))
		fail("InterruptStatus", REG(INT_STATUS));
	printf("blk: ok\n");
	return 0;
}

static int ro_test(void)
{
	setup(1);
	capacity();
	show_sector0();
	fill();
	check("write to a read-only disk", request(T_OUT, 1, 512, 0), S_IOERR);
	printf("blk: write to read-only disk: IOERR\n");
	check("flush", request(T_FLUSH, 0, 0, 0), S_OK);
	printf("blk: ok\n");
	return 0;
}

static void __attribute__((noreturn)) write_and_spin(void)
{
	setup(1);
	fill();
	check("write sector 2", request(T_OUT, 2, 512, 0), S_OK);
	printf("blk: written\n");
	for (;;)
		__asm__ volatile("pause");
}

static const char *const attacks[] = {"loop", "outside", "pfn", "jump", "head", "nostatus"};

/* The hostile queues: each notify (or QueuePFN write) must stop the guest. */
static int hostile(const char *what)
{
	setup(1);
	status = NO_STATUS;
	hdr.type = T_IN;
	hdr.sector = 0;
	if (what == attacks[0]) {
		put_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
		put_desc(1, buf, 512, F_NEXT | F_WRITE, 2);
		put_desc(2, buf, 512, F_NEXT | F_WRITE, 1); /* back to 1 */
		kick(0);
	} else if (what == attacks[1]) {
		put_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
		q.d[1] = (struct desc){ram, 512, F_NEXT | F_WRITE, 2}; /* just past RAM */
		put_desc(2, &status, 1, F_WRITE, 0);
		kick(0);
	} else if (what == attacks[2]) {
		REG(QUEUE_PFN) = ram >> 12; /* the queue's first page is past RAM */
	} else if (what == attacks[3]) {
		q.avail_idx = QN + 1; /* 17 new entries in a queue of 16 */
		__asm__ volatile("" ::: "memory");
		REG(NOTIFY) = 0;
	} else if (what == attacks[4]) {
		kick(QN); /* head index 16 */
	} else {
		put_desc(0, &hdr, sizeof(hdr), F_NEXT, 1);
		put_desc(1, buf, 512, F_NEXT | F_WRITE, 2);
		put_desc(2, &status, 1, 0, 0); /* not device-writable */
		kick(0);
	}
	printf("blk: %s survived\n", what);
	return 1;
}

int kmain(uint32_t magic, const uint32_t *info)
{
	const char *cmd = magic == 0x2badb002 ? (const char *)info[4] : "";

	ram = (info[2] + 1024) * 1024; /* mem_upper (KiB above 1 MiB) */
	use_irq = 1;
	if (cmdline_is(cmd, "poll")) {
		use_irq = 0;
		return full_test(0);
	}
	if (cmdline_is(cmd, "ro"))
		return ro_test();
	if (cmdline_is(cmd, "write"))
		write_and_spin();
	for (unsigned i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
		if (cmdline_is(cmd, attacks[i]))
			return hostile(attacks[i]);
	return full_test(1);
}
