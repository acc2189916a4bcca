/* SPDX-License-Identifier: MIT */
/*
 * The 1K OS's devices: the 8259 PICs, the 8254 PIT, the 16550 UART (COM1,
 * the console), the i8042 keyboard and the virtio-mmio block device.
 * Both input devices put bytes into one ring that getchar takes from.
 */
#include "kernel.h"

/* ---- 8259 PICs: IRQ 0..15 at vectors 32..47 ------------------------------- */

#define PIC1 0x20
#define PIC2 0xa0

void pic_init(void)
{
	outb(PIC1, 0x11); /* ICW1: edge triggered, cascade, ICW4 follows */
	outb(PIC2, 0x11);
	outb(PIC1 + 1, 32); /* ICW2: vector base */
	outb(PIC2 + 1, 40);
	outb(PIC1 + 1, 4); /* ICW3: the slave on IRQ 2 */
	outb(PIC2 + 1, 2);
	/* ICW4: 8086 mode; the master in auto-EOI mode: it ends each interrupt
	 * as it delivers it, which saves a port write (a VM exit) per tick. */
	outb(PIC1 + 1, 3);
	outb(PIC2 + 1, 1);
	outb(PIC1 + 1, 0xff); /* everything masked until a driver asks */
	outb(PIC2 + 1, 0xff);
}

void pic_unmask(int irq)
{
	uint16_t port = irq < 8 ? PIC1 + 1 : PIC2 + 1;

	outb(port, inb(port) & ~(1u << (irq & 7)));
}

void pic_eoi(int irq)
{
	if (irq >= 8) { /* the slave, then the master's cascade line (auto-EOI) */
		outb(PIC2, 0x20);
	}
}

/* ---- 8254 PIT: channel 0 as the scheduler's clock ------------------------- */

void pit_init(uint32_t hz)
{
	uint32_t divisor = (1193182 + hz / 2) / hz;

	outb(0x43, 0x34); /* channel 0, low then high byte, mode 2 (rate generator) */
	outb(0x40, (uint8_t)divisor);
	outb(0x40, (uint8_t)(divisor >> 8));
	pic_unmask(IRQ_PIT);
}

/* ---- the input ring --------------------------------------------------------- */

/*
 * Flow control: the interrupt handlers take bytes from a device only while
 * the ring has room.  Whatever they leave waits in the device (the UART's
 * FIFO, the keyboard's buffer), which in turn makes mini-kvm leave the rest
 * unread in its stdin pipe.  A device left holding bytes keeps its
 * interrupt line high, so no new edge will come: input_getc() drains it
 * again as soon as there is room.  The kernel runs with interrupts off (all
 * gates are interrupt gates): the ring needs no lock.
 */
static char input[256];
static uint32_t input_head, input_tail; /* free-running; head - tail bytes wait */
static bool input_held;			/* a device was left with bytes (ring full) */

static bool input_full(void)
{
	return input_head - input_tail >= sizeof(input);
}

static void input_put(char ch)
{
	if (!input_full()) /* the drains check first: never drops */
		input[input_head++ % sizeof(input)] = ch;
}

static void uart_drain(void);
static void kbd_drain(void);

int input_getc(void)
{
	int ch;

	if (input_head == input_tail)
		return -1;
	ch = (unsigned char)input[input_tail++ % sizeof(input)];
	/* Half the ring free again: take what the devices held back. */
	if (input_held && input_head - input_tail <= sizeof(input) / 2) {
		input_held = false;
		uart_drain();
		kbd_drain();
	}
	return ch;
}

/* ---- 16550 UART at COM1 ------------------------------------------------------ */

#define COM1	 0x3f8
#define LSR_DR	 0x01
#define LSR_THRE 0x20

void uart_init(void)
{
	outb(COM1 + 1, 0x00); /* IER: no interrupts yet */
	outb(COM1 + 3, 0x80); /* LCR: DLAB, to set the divisor */
	outb(COM1 + 0, 1);    /* 115200 baud */
	outb(COM1 + 1, 0);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0x07); /* FCR: FIFOs on and cleared */
	outb(COM1 + 4, 0x0b); /* MCR: DTR, RTS, OUT2 (OUT2 gates the IRQ on PCs) */
	outb(COM1 + 1, 0x01); /* IER: received data available */
	pic_unmask(IRQ_COM1);
}

void uart_putc(char ch)
{
	while (!(inb(COM1 + 5) & LSR_THRE))
		;
	outb(COM1, (uint8_t)ch);
}

/* Every waiting byte the ring has room for (the line rises again on new
 * input once the FIFO is empty). */
static void uart_drain(void)
{
	while (!input_full() && (inb(COM1 + 5) & LSR_DR))
		input_put((char)inb(COM1));
	if (input_full())
		input_held = true;
}

/* IRQ 4. */
void uart_irq(void)
{
	(void)inb(COM1 + 2); /* IIR */
	uart_drain();
	input_wakeup();
}

/* ---- i8042 keyboard: scancode set 1 ---------------------------------------- */

#define KBD_DATA   0x60
#define KBD_STATUS 0x64
#define KBD_OBF	   0x01

static const char keymap[2][0x3a] = {
	{0,    27,  '1', '2', '3', '4', '5', '6', '7', '8', '9',  '0', '-', '=',  '\b',
	 '\t', 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p',  '[', ']', '\n', 0,
	 'a',  's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,   '\\', 'z',
	 'x',  'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0,   '*',  0,   ' '},
	{0,    27,  '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',	 '\b',
	 '\t', 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0,
	 'A',  'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|',	 'Z',
	 'X',  'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0,   '*', 0,   ' '},
};
static bool shift, ctrl, extended;

static void kbd_command(uint8_t cmd)
{
	while (inb(KBD_STATUS) & 0x02) /* input buffer full */
		;
	outb(KBD_STATUS, cmd);
}

void kbd_init(void)
{
	kbd_command(0xad); /* keyboard off: keystrokes wait in the keyboard */
	while (inb(KBD_STATUS) & KBD_OBF)
		(void)inb(KBD_DATA);
	kbd_command(0x60); /* command byte: IRQ 1 on, translation to set 1 on */
	outb(KBD_DATA, 0x41 | 0x04);
	kbd_command(0xae); /* keyboard on */
	pic_unmask(IRQ_KEYBOARD);
}

/* One scancode: track Shift and Ctrl, turn key presses into characters. */
static void kbd_scancode(uint8_t sc)
{
	bool released = sc & 0x80;
	char ch;

	if (sc == 0xe0) { /* arrows and friends: ignored */
		extended = true;
		return;
	}
	if (extended) {
		extended = false;
		return;
	}
	sc &= 0x7f;
	if (sc == 0x2a || sc == 0x36)
		shift = !released;
	else if (sc == 0x1d)
		ctrl = !released;
	if (released || sc >= sizeof(keymap[0]) || !(ch = keymap[shift][sc]))
		return;
	if (ctrl && ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 1);
	input_put(ch);
}

/* Every waiting scancode while the ring has room (one scancode makes at
 * most one character). */
static void kbd_drain(void)
{
	while (!input_full() && (inb(KBD_STATUS) & KBD_OBF))
		kbd_scancode(inb(KBD_DATA));
	if (input_full())
		input_held = true;
}

/* IRQ 1. */
void kbd_irq(void)
{
	kbd_drain();
	input_wakeup();
}

/* ---- virtio-blk: legacy virtio-mmio, as in "OS in 1,000 Lines" -------------- */

#define SECTOR_SIZE		   512
#define VIRTQ_ENTRY_NUM		   16
#define VIRTIO_DEVICE_BLK	   2
#define VIRTIO_REG_MAGIC	   0x00
#define VIRTIO_REG_VERSION	   0x04
#define VIRTIO_REG_DEVICE_ID	   0x08
#define VIRTIO_REG_GUEST_PAGE_SIZE 0x28
#define VIRTIO_REG_QUEUE_SEL	   0x30
#define VIRTIO_REG_QUEUE_NUM_MAX   0x34
#define VIRTIO_REG_QUEUE_NUM	   0x38
#define VIRTIO_REG_QUEUE_ALIGN	   0x3c
#define VIRTIO_REG_QUEUE_PFN	   0x40
#define VIRTIO_REG_QUEUE_NOTIFY	   0x50
#define VIRTIO_REG_INT_STATUS	   0x60
#define VIRTIO_REG_INT_ACK	   0x64
#define VIRTIO_REG_DEVICE_STATUS   0x70
#define VIRTIO_REG_DEVICE_CONFIG   0x100
#define VIRTIO_STATUS_ACK	   1
#define VIRTIO_STATUS_DRIVER	   2
#define VIRTIO_STATUS_DRIVER_OK	   4
#define VIRTIO_STATUS_FEAT_OK	   8
#define VIRTQ_DESC_F_NEXT	   1
#define VIRTQ_DESC_F_WRITE	   2
#define VIRTIO_BLK_T_IN		   0
#define VIRTIO_BLK_T_OUT	   1

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __attribute__((packed));

struct virtq_avail {
	uint16_t flags;
	uint16_t index;
	uint16_t ring[VIRTQ_ENTRY_NUM];
} __attribute__((packed));

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
} __attribute__((packed));

struct virtq_used {
	uint16_t flags;
	uint16_t index;
	struct virtq_used_elem ring[VIRTQ_ENTRY_NUM];
} __attribute__((packed));

/* The legacy layout: descriptors, the available ring, then (at the next
 * page, QUEUE_ALIGN) the used ring; all in physically contiguous pages. */
struct virtio_virtq {
	struct virtq_desc descs[VIRTQ_ENTRY_NUM];
	struct virtq_avail avail;
	struct virtq_used used __attribute__((aligned(PAGE_SIZE)));
	int queue_index;
	volatile uint16_t *used_index;
	uint16_t last_used_index;
} __attribute__((packed));

struct virtio_blk_req {
	uint32_t type; /* first descriptor: read by the device */
	uint32_t reserved;
	uint64_t sector;
	uint8_t data[SECTOR_SIZE]; /* second: written by the device on reads */
	uint8_t status;		   /* third: written by the device */
} __attribute__((packed));

static struct virtio_virtq *blk_request_vq;
static struct virtio_blk_req *blk_req;
static paddr_t blk_req_paddr;
uint32_t blk_capacity; /* bytes */

static uint32_t virtio_reg_read32(unsigned offset)
{
	return *((volatile uint32_t *)(VIRTIO_BLK_MMIO_ADDR + offset));
}

static void virtio_reg_write32(unsigned offset, uint32_t value)
{
	*((volatile uint32_t *)(VIRTIO_BLK_MMIO_ADDR + offset)) = value;
}

static void virtio_reg_fetch_and_or32(unsigned offset, uint32_t value)
{
	virtio_reg_write32(offset, virtio_reg_read32(offset) | value);
}

static struct virtio_virtq *virtq_init(unsigned index)
{
	paddr_t virtq_paddr =
		alloc_pages(align_up(sizeof(struct virtio_virtq), PAGE_SIZE) / PAGE_SIZE);
	struct virtio_virtq *vq = (struct virtio_virtq *)virtq_paddr;

	vq->queue_index = (int)index;
	vq->used_index = (volatile uint16_t *)(virtq_paddr + offsetof(struct virtio_virtq, used) +
					       offsetof(struct virtq_used, index));
	virtio_reg_write32(VIRTIO_REG_QUEUE_SEL, index);
	virtio_reg_write32(VIRTIO_REG_QUEUE_NUM, VIRTQ_ENTRY_NUM);
	virtio_reg_write32(VIRTIO_REG_QUEUE_ALIGN, PAGE_SIZE);
	virtio_reg_write32(VIRTIO_REG_QUEUE_PFN, virtq_paddr / PAGE_SIZE);
	return vq;
}

/* False (and a message) when there is no disk: the file system then lives
 * in memory only. */
bool virtio_blk_init(void)
{
	if (virtio_reg_read32(VIRTIO_REG_MAGIC) != 0x74726976 ||
	    virtio_reg_read32(VIRTIO_REG_VERSION) != 1 ||
	    virtio_reg_read32(VIRTIO_REG_DEVICE_ID) != VIRTIO_DEVICE_BLK) {
		printf("virtio-blk: no disk (start mini-kvm with --disk FILE)\n");
		return false;
	}
	virtio_reg_write32(VIRTIO_REG_DEVICE_STATUS, 0); /* reset */
	virtio_reg_fetch_and_or32(VIRTIO_REG_DEVICE_STATUS, VIRTIO_STATUS_ACK);
	virtio_reg_fetch_and_or32(VIRTIO_REG_DEVICE_STATUS, VIRTIO_STATUS_DRIVER);
	virtio_reg_fetch_and_or32(VIRTIO_REG_DEVICE_STATUS, VIRTIO_STATUS_FEAT_OK);
	virtio_reg_write32(VIRTIO_REG_GUEST_PAGE_SIZE, PAGE_SIZE);
	blk_request_vq = virtq_init(0);
	virtio_reg_write32(VIRTIO_REG_DEVICE_STATUS, VIRTIO_STATUS_DRIVER_OK);

	/* The capacity in sectors is a 64-bit value; we keep 32 bits of bytes. */
	blk_capacity = virtio_reg_read32(VIRTIO_REG_DEVICE_CONFIG) * SECTOR_SIZE;
	printf("virtio-blk: %u bytes (%u sectors)\n", blk_capacity, blk_capacity / SECTOR_SIZE);

	blk_req_paddr = alloc_pages(align_up(sizeof(*blk_req), PAGE_SIZE) / PAGE_SIZE);
	blk_req = (struct virtio_blk_req *)blk_req_paddr;
	return true;
}

/* Tells the device a new request is in descriptor desc_index. */
static void virtq_kick(struct virtio_virtq *vq, int desc_index)
{
	vq->avail.ring[vq->avail.index % VIRTQ_ENTRY_NUM] = (uint16_t)desc_index;
	vq->avail.index++;
	__sync_synchronize();
	virtio_reg_write32(VIRTIO_REG_QUEUE_NOTIFY, (uint32_t)vq->queue_index);
	vq->last_used_index++;
}

static bool virtq_is_busy(struct virtio_virtq *vq)
{
	return vq->last_used_index != *vq->used_index;
}

/* Reads or writes one sector, waiting for the device (as the original). */
void read_write_disk(void *buf, unsigned sector, bool is_write)
{
	if (sector >= blk_capacity / SECTOR_SIZE) {
		printf("virtio: tried to read/write sector=%u, but capacity is %u\n", sector,
		       blk_capacity / SECTOR_SIZE);
		return;
	}
	blk_req->sector = sector;
	blk_req->type = is_write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
	if (is_write)
		memcpy(blk_req->data, buf, SECTOR_SIZE);

	struct virtio_virtq *vq = blk_request_vq;
	vq->descs[0].addr = blk_req_paddr;
	vq->descs[0].len = sizeof(uint32_t) * 2 + sizeof(uint64_t);
	vq->descs[0].flags = VIRTQ_DESC_F_NEXT;
	vq->descs[0].next = 1;

	vq->descs[1].addr = blk_req_paddr + offsetof(struct virtio_blk_req, data);
	vq->descs[1].len = SECTOR_SIZE;
	vq->descs[1].flags = VIRTQ_DESC_F_NEXT | (is_write ? 0 : VIRTQ_DESC_F_WRITE);
	vq->descs[1].next = 2;

	vq->descs[2].addr = blk_req_paddr + offsetof(struct virtio_blk_req, status);
	vq->descs[2].len = sizeof(uint8_t);
	vq->descs[2].flags = VIRTQ_DESC_F_WRITE;

	virtq_kick(vq, 0);
	while (virtq_is_busy(vq))
		;
	/* IRQ 5 stays masked; acknowledge what the device raised anyway. */
	virtio_reg_write32(VIRTIO_REG_INT_ACK, virtio_reg_read32(VIRTIO_REG_INT_STATUS));
	if (blk_req->status != 0) {
		printf("virtio: warn: failed to read/write sector=%u status=%u\n", sector,
		       blk_req->status);
		return;
	}
	if (!is_write)
		memcpy(buf, blk_req->data, SECTOR_SIZE);
}
