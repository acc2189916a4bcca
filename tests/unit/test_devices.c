/* SPDX-License-Identifier: MIT */
/*
 * Save and load of every device with state (src/core/state.h, the
 * device_type save/load hooks): for each, drive a device into a
 * non-trivial state, save it, load the bytes into a fresh device, save
 * again: identical bytes, and both answer the next accesses alike.  Then
 * records that must be refused (foreign, short, long, another version,
 * values no guest could have written), leaving the device as it was.
 * Each model links alone: no KVM, no VM beyond a struct with fake hooks.
 */
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

#include "core/device.h"
#include "core/vm.h"
#include "devices/devices.h"
#include "devices/fw_cfg.h"
#include "devices/hypercall.h"
#include "devices/uart.h"
#include "devices/virtio_blk.h"
#include "mkvm/abi.h"

#define CLI_OPTS 16

/* ---- helpers -------------------------------------------------------------- */

static int fake_ends, fake_status;

static void fake_irq_line(struct vm *vm, unsigned irq, int level)
{
	(void)vm;
	(void)irq;
	(void)level;
}

static bool fake_end(struct vm *vm, int status, const char *reason)
{
	(void)vm;
	(void)reason;
	fake_ends++;
	fake_status = status;
	return true;
}

static const struct vm_host fake_host = {.irq_line = fake_irq_line, .end = fake_end};

static struct vm *fake_vm(void)
{
	struct vm *vm = calloc(1, sizeof(*vm));

	assert_non_null(vm);
	vm->name = "test";
	vm->host = &fake_host;
	vm->ncpus = 2;
	vm->mem.size = 32ull << 20;
	vm->profile = PROFILE_PC;
	return vm;
}

static void free_vm(struct vm *vm)
{
	vm_free_devices(vm);
	free(vm);
}

static uint32_t pio(struct vm *vm, uint16_t port, bool write, unsigned size, uint32_t v)
{
	uint8_t d[8] = {0};
	struct io_access a = {.addr = port, .data = d, .size = size, .is_write = write};

	memcpy(d, &v, 4);
	bus_dispatch(&vm->pio, &a);
	memcpy(&v, d, 4);
	return v;
}

/* Saves @dev with @t into @buf; returns the length. */
static size_t save(const struct device_type *t, void *dev, uint8_t *buf, size_t cap)
{
	struct state_w w = {.buf = buf, .cap = cap};

	assert_int_equal(t->save(dev, &w), 0);
	assert_false(w.overflow);
	return w.len;
}

static int load(const struct device_type *t, void *dev, const uint8_t *buf, size_t len)
{
	struct state_r r = {.buf = buf, .len = len};

	return t->load(dev, &r);
}

/* Save @a, load into @b, save @b: the same bytes.  Returns the length. */
static size_t round_trip(const struct device_type *t, void *a, void *b, uint8_t *s1)
{
	uint8_t s2[1024];
	size_t n1 = save(t, a, s1, 1024), n2;

	struct state_r r = {.buf = s1, .len = n1};

	assert_int_equal(t->load(b, &r), 0);
	assert_int_equal(r.pos, n1); /* every byte taken */
	n2 = save(t, b, s2, sizeof(s2));
	assert_int_equal(n1, n2);
	assert_memory_equal(s1, s2, n1);
	return n1;
}

/* Records a load must refuse, each leaving @dev's saved bytes unchanged. */
static void refusals(const struct device_type *t, void *dev, const uint8_t *rec, size_t len)
{
	uint8_t before[1024], after[1024], bad[1024];
	size_t nb = save(t, dev, before, sizeof(before));

	assert_int_equal(load(t, dev, rec, len - 1), -1); /* short */
	memcpy(bad, rec, len);
	bad[len] = 0;
	assert_int_equal(load(t, dev, bad, len + 1), 0); /* trailing bytes: the next record's */
	assert_int_equal(load(t, dev, before, nb), 0);
	memcpy(bad, rec, len);
	bad[0] ^= 0x20; /* another tag */
	assert_int_equal(load(t, dev, bad, len), -1);
	memcpy(bad, rec, len);
	bad[4]++; /* another version */
	assert_int_equal(load(t, dev, bad, len), -1);
	memcpy(bad, rec, len);
	bad[6]++; /* a length past the end */
	assert_int_equal(load(t, dev, bad, len), -1);
	memcpy(bad, rec, len);
	bad[6]--; /* a byte of the record left unread */
	assert_int_equal(load(t, dev, bad, len), -1);
	assert_int_equal(save(t, dev, after, sizeof(after)), nb);
	assert_memory_equal(before, after, nb);
}

/* ---- the state format ----------------------------------------------------- */

static void test_state_format(void **state)
{
	uint8_t buf[32];
	struct state_w w = {.buf = buf, .cap = sizeof(buf)};
	struct state_r r = {.buf = buf};

	(void)state;
	st_begin(&w, "TEST", 3);
	st_u8(&w, 0x12);
	st_u16(&w, 0x3456);
	st_u32(&w, 0x789abcde);
	st_u64(&w, 0x0102030405060708ull);
	assert_int_equal(st_end(&w), 0);
	assert_int_equal(w.len, STATE_HDR + 15);
	/* Little-endian whatever the host: the bytes are the format. */
	assert_memory_equal(buf, "TEST\x03\x00\x0f\x00\x00\x00\x12\x56\x34\xde\xbc\x9a\x78", 17);
	assert_memory_equal(buf + 17, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
	r.len = w.len;
	assert_true(st_open(&r, "TEST", 3));
	assert_int_equal(st_get8(&r), 0x12);
	assert_int_equal(st_get16(&r), 0x3456);
	assert_int_equal(st_get32(&r), 0x789abcde);
	assert_true(st_get64(&r) == 0x0102030405060708ull);
	assert_int_equal(st_close(&r), 0);
	assert_int_equal(st_get8(&r), 0); /* past the end: 0 and bad */
	assert_true(r.bad);
	/* Too small a buffer: counted, refused, nothing written past it. */
	w = (struct state_w){.buf = buf, .cap = 12};
	st_begin(&w, "TEST", 1);
	st_u32(&w, 1);
	assert_int_equal(st_end(&w), -1);
	assert_int_equal(w.len, 14);
}

/* ---- fw_cfg --------------------------------------------------------------- */

static void test_fw_cfg(void **state)
{
	struct vm *a = fake_vm(), *b = fake_vm();
	uint8_t rec[1024];
	size_t n;

	(void)state;
	b->mem.size = 1 << 20; /* the record carries the real size */
	b->ncpus = 1;
	assert_int_equal(vm_add_device(a, &fw_cfg_device), 0);
	assert_int_equal(vm_add_device(b, &fw_cfg_device), 0);
	pio(a, FW_CFG_PORT, true, 2, 0x03); /* RAM size, 3 bytes read */
	for (int i = 0; i < 3; i++)
		pio(a, FW_CFG_PORT + 1, false, 1, 0);
	n = round_trip(&fw_cfg_device, a->devs[0].dev, b->devs[0].dev, rec);
	for (int i = 0; i < 6; i++) /* the rest of the item, then zeros */
		assert_int_equal(pio(a, FW_CFG_PORT + 1, false, 1, 0),
				 pio(b, FW_CFG_PORT + 1, false, 1, 0));
	pio(b, FW_CFG_PORT, true, 2, 0x05);
	assert_int_equal(pio(b, FW_CFG_PORT + 1, false, 2, 0), 2); /* CPUs */
	refusals(&fw_cfg_device, b->devs[0].dev, rec, n);
	fw_cfg_device.reset(b->devs[0].dev);
	assert_int_equal(pio(b, FW_CFG_PORT + 1, false, 4, 0), 0x554d4551); /* "QEMU" */
	free_vm(a);
	free_vm(b);
}

/* ---- PCI host bridge ------------------------------------------------------ */

static void test_pci_host(void **state)
{
	struct vm *a = fake_vm(), *b = fake_vm();
	uint8_t rec[1024];
	char line[DEVICE_CMDLINE_MAX];
	size_t n;

	(void)state;
	assert_int_equal(vm_add_device(a, &pci_host_device), 0);
	assert_int_equal(vm_add_device(b, &pci_host_device), 0);
	/* Linux's type-1 check: the address reads back (bits 1:0 as 0). */
	pio(a, PCI_CONFIG_PORT, true, 4, 0x80000003);
	assert_int_equal(pio(a, PCI_CONFIG_PORT, false, 4, 0), 0x80000000);
	/* Partial accesses to CONFIG_ADDRESS: ignored, read as ones. */
	pio(a, PCI_CONFIG_PORT + 3, true, 1, 0x01);
	assert_int_equal(pio(a, PCI_CONFIG_PORT, false, 4, 0), 0x80000000);
	assert_int_equal(pio(a, PCI_CONFIG_PORT, false, 1, 0) & 0xff, 0xff);
	/* 00:00.0 is the host bridge: IDs, class 06/00, header type 0. */
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 4, false, 4, 0),
			 PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR);
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 6, false, 2, 0), PCI_HOST_DEVICE);
	pio(a, PCI_CONFIG_PORT, true, 4, 0x80000008);
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 6, false, 2, 0), 0x0600);
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 4, false, 4, 0), 0x06000000);
	pio(a, PCI_CONFIG_PORT, true, 4, 0x80000010); /* BAR 0: none, not writable */
	pio(a, PCI_CONFIG_PORT + 4, true, 4, 0xffffffff);
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 4, false, 4, 0), 0);
	/* Everything else is absent: another device, bus, function, or the
	 * enable bit clear. */
	pio(a, PCI_CONFIG_PORT, true, 4, 0x80000800); /* 00:01.0 */
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 4, false, 4, 0), 0xffffffff);
	pio(a, PCI_CONFIG_PORT, true, 4, 0x80010000); /* 01:00.0 */
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 4, false, 2, 0), 0xffff);
	pio(a, PCI_CONFIG_PORT, true, 4, 0x80000100); /* 00:00.1 */
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 4, false, 4, 0), 0xffffffff);
	pio(a, PCI_CONFIG_PORT, true, 4, 0x00000000);
	assert_int_equal(pio(a, PCI_CONFIG_PORT + 4, false, 4, 0), 0xffffffff);
	/* State: the address register. */
	pio(a, PCI_CONFIG_PORT, true, 4, 0x80000008);
	n = round_trip(&pci_host_device, a->devs[0].dev, b->devs[0].dev, rec);
	assert_int_equal(pio(b, PCI_CONFIG_PORT + 6, false, 2, 0), 0x0600);
	refusals(&pci_host_device, b->devs[0].dev, rec, n);
	rec[STATE_HDR] |= 1; /* bits 1:0 no guest can set */
	assert_int_equal(load(&pci_host_device, b->devs[0].dev, rec, n), -1);
	pci_host_device.reset(b->devs[0].dev);
	assert_int_equal(pio(b, PCI_CONFIG_PORT, false, 4, 0), 0);
	/* What it tells Linux. */
	assert_int_equal(pci_host_device.cmdline(NULL, line, sizeof(line)), 11);
	assert_string_equal(line, "pci=noearly");
	assert_int_equal(pci_host_device.cmdline(NULL, line, 11), -1);
	free_vm(a);
	free_vm(b);
}

/* ---- ACPI PM -------------------------------------------------------------- */

static void test_acpi_pm(void **state)
{
	struct vm *a = fake_vm(), *b = fake_vm();
	uint8_t rec[1024];
	size_t n;

	(void)state;
	assert_int_equal(vm_add_device(a, &acpi_pm_device), 0);
	assert_int_equal(vm_add_device(b, &acpi_pm_device), 0);
	pio(a, ACPI_PM1A_EVT_PORT + 2, true, 2, 0x0121);
	pio(a, ACPI_PM1A_CNT_PORT, true, 2, 0x0400); /* SLP_TYP 1, no SLP_EN */
	n = round_trip(&acpi_pm_device, a->devs[0].dev, b->devs[0].dev, rec);
	assert_int_equal(pio(b, ACPI_PM1A_EVT_PORT + 2, false, 2, 0), 0x0121);
	assert_int_equal(pio(b, ACPI_PM1A_CNT_PORT, false, 2, 0), 0x0401); /* SCI_EN */
	refusals(&acpi_pm_device, b->devs[0].dev, rec, n);
	/* A record with SLP_EN set loads as the register reads: without it. */
	rec[STATE_HDR + 3] |= 0x20;
	assert_int_equal(load(&acpi_pm_device, b->devs[0].dev, rec, n), 0);
	assert_int_equal(pio(b, ACPI_PM1A_CNT_PORT, false, 2, 0), 0x0401);
	assert_int_equal(fake_ends, 0);
	/* S5 still powers off: same behaviour after the load. */
	pio(b, ACPI_PM1A_CNT_PORT, true, 2, (ACPI_S5_SLP_TYP << 10) | 0x2000);
	assert_int_equal(fake_ends, 1);
	assert_int_equal(fake_status, 0);
	fake_ends = 0;
	acpi_pm_device.reset(b->devs[0].dev);
	assert_int_equal(pio(b, ACPI_PM1A_EVT_PORT + 2, false, 2, 0), 0);
	free_vm(a);
	free_vm(b);
}

/* ---- UART ----------------------------------------------------------------- */

static int uart_level[2];
static char uart_out[2][16];
static unsigned uart_nout[2];

static void u_irq(void *opaque, int level)
{
	uart_level[(intptr_t)opaque] = level;
}

static void u_tx(void *opaque, uint8_t b)
{
	intptr_t i = (intptr_t)opaque;

	if (uart_nout[i] < sizeof(uart_out[i]))
		uart_out[i][uart_nout[i]++] = (char)b;
}

static const struct uart_ops u_ops = {.irq = u_irq, .tx = u_tx};

static uint8_t u_io(struct uart *u, unsigned reg, bool write, uint8_t v)
{
	struct io_access a = {.offset = reg, .data = &v, .size = 1, .is_write = write};

	uart_io(u, &a);
	return v;
}

static void test_uart(void **state)
{
	struct uart *a = uart_create(&u_ops, (void *)0, false);
	struct uart *b = uart_create(&u_ops, (void *)1, false);
	uint8_t rec[1024];
	size_t n;

	(void)state;
	u_io(a, 3, true, 0x83); /* DLAB, 8N1 */
	u_io(a, 0, true, 0x01); /* 115200 */
	u_io(a, 3, true, 0x03);
	u_io(a, 2, true, 0x01); /* FIFOs on */
	u_io(a, 4, true, 0x18); /* loopback, OUT2 */
	u_io(a, 0, true, 'x');	/* into the receive FIFO */
	u_io(a, 0, true, 'y');
	u_io(a, 1, true, 0x0f); /* every interrupt */
	u_io(a, 7, true, 0x5a); /* scratch */
	n = round_trip(&uart_device, a, b, rec);
	for (unsigned reg = 1; reg < 8; reg++)
		assert_int_equal(u_io(a, reg, false, 0), u_io(b, reg, false, 0));
	assert_int_equal(u_io(b, 0, false, 0), 'x');
	assert_int_equal(u_io(b, 0, false, 0), 'y');
	u_io(b, 4, true, 0x08); /* out of loopback: THR goes out */
	u_io(b, 0, true, '!');
	assert_int_equal(uart_nout[1], 1);
	assert_int_equal(uart_out[1][0], '!');
	refusals(&uart_device, b, rec, n);
	/* Values no guest could write: 17 bytes in the FIFO, IER bits 4-7. */
	rec[STATE_HDR + 11] = 17;
	assert_int_equal(load(&uart_device, b, rec, n), -1);
	uart_device.reset(b);
	assert_int_equal(u_io(b, 1, false, 0), 0);
	assert_int_equal(u_io(b, 5, false, 0), 0x60); /* THRE, TEMT */
	uart_destroy(a);
	uart_destroy(b);
}

/* ---- virtio-blk on the virtio-mmio transport ------------------------------ */

#define RAM   (1u << 20)
#define QADDR 0x10000

struct blk_env {
	struct guest_mem mem;
	struct virtio_blk *d;
	int fd, level;
};

static void b_irq(void *opaque, int level)
{
	((struct blk_env *)opaque)->level = level;
}

static void b_fault(void *opaque, const char *reason)
{
	(void)opaque;
	fail_msg("fault: %s", reason);
}

static const struct virtio_ops b_ops = {.irq = b_irq, .fault = b_fault};

static void blk_new(struct blk_env *e, int fd)
{
	e->mem.host = calloc(1, RAM);
	e->mem.size = RAM;
	e->fd = fd;
	e->d = virtio_blk_create(&e->mem, fd, 16, false, &b_ops, e);
	assert_non_null(e->d);
}

static void b_wr(struct blk_env *e, uint64_t off, uint32_t v)
{
	struct io_access a = {.offset = off, .data = (uint8_t *)&v, .size = 4, .is_write = true};

	assert_int_equal(virtio_blk_io(e->d, &a), IO_DONE);
}

static uint32_t b_rd(struct blk_env *e, uint64_t off)
{
	uint32_t v = 0;
	struct io_access a = {.offset = off, .data = (uint8_t *)&v, .size = 4};

	virtio_blk_io(e->d, &a);
	return v;
}

/* One GET_ID request at avail slot @slot: header, 20 bytes, status. */
static void blk_get_id(struct blk_env *e, uint16_t slot)
{
	uint8_t *q = e->mem.host + QADDR;
	uint64_t hdr = 0x20000, id = 0x21000, st = 0x22000;
	struct vring_desc d[3] = {{hdr, 16, VRING_DESC_F_NEXT, 1},
				  {id, 20, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2},
				  {st, 1, VRING_DESC_F_WRITE, 0}};
	uint32_t type = VIRTIO_BLK_T_GET_ID;
	uint16_t idx = (uint16_t)(slot + 1), head = 0;

	memcpy(q, d, sizeof(d));
	memcpy(e->mem.host + hdr, &type, 4);
	memcpy(q + 16 * 8 + 4 + 2 * (slot % 8), &head, 2);
	memcpy(q + 16 * 8 + 2, &idx, 2);
	b_wr(e, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

static void test_virtio_blk(void **state)
{
	struct blk_env a = {0}, b = {0};
	int fd = memfd_create("disk", 0);
	uint8_t rec[1024];
	struct state_r r;
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 16 * 512), 0);
	blk_new(&a, fd);
	blk_new(&b, fd);
	b_wr(&a, VIRTIO_MMIO_STATUS, 7);
	b_wr(&a, VIRTIO_MMIO_GUEST_FEATURES, 1u << VIRTIO_BLK_F_FLUSH);
	b_wr(&a, VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
	b_wr(&a, VIRTIO_MMIO_QUEUE_NUM, 8);
	b_wr(&a, VIRTIO_MMIO_QUEUE_PFN, QADDR >> 12);
	blk_get_id(&a, 0);
	assert_int_equal(a.level, 1);
	memcpy(b.mem.host, a.mem.host, RAM); /* the guest's RAM travels apart */
	{
		struct state_w w = {.buf = rec, .cap = sizeof(rec)};
		uint8_t again[1024];
		struct state_w w2 = {.buf = again, .cap = sizeof(again)};

		assert_int_equal(virtio_blk_save(a.d, &w), 0);
		n = w.len;
		r = (struct state_r){.buf = rec, .len = n};
		assert_int_equal(virtio_blk_load(b.d, &r), 0);
		assert_int_equal(r.pos, n);
		assert_int_equal(b.level, 1); /* the line follows the loaded status */
		assert_int_equal(virtio_blk_save(b.d, &w2), 0);
		assert_int_equal(w2.len, n);
		assert_memory_equal(rec, again, n);
	}
	for (uint64_t off = 0; off < 0x80; off += 4)
		assert_int_equal(b_rd(&a, off), b_rd(&b, off));
	/* Same behaviour: the next request completes at the same used slot. */
	b_wr(&a, VIRTIO_MMIO_INTERRUPT_ACK, 1);
	b_wr(&b, VIRTIO_MMIO_INTERRUPT_ACK, 1);
	blk_get_id(&a, 1);
	blk_get_id(&b, 1);
	assert_memory_equal(a.mem.host + QADDR + 0x1000, b.mem.host + QADDR + 0x1000, 6 + 16);
	assert_memory_equal(b.mem.host + 0x21000, "mini-kvm", 8);

	/* Refused, nothing changed: a queue outside RAM, a feature not
	 * offered, another disk size, a short record. */
	{
		uint8_t bad[1024];
		uint32_t big = 0xffff0;

		memcpy(bad, rec, n);
		memcpy(bad + STATE_HDR + 28, &big, 4); /* QueuePFN */
		r = (struct state_r){.buf = bad, .len = n};
		assert_int_equal(virtio_blk_load(b.d, &r), -1);
		memcpy(bad, rec, n);
		bad[STATE_HDR + 11] |= 0x80; /* guest features bit 31 */
		r = (struct state_r){.buf = bad, .len = n};
		assert_int_equal(virtio_blk_load(b.d, &r), -1);
		memcpy(bad, rec, n);
		bad[n - 9]++; /* VBLK sectors */
		r = (struct state_r){.buf = bad, .len = n};
		assert_int_equal(virtio_blk_load(b.d, &r), -1);
		r = (struct state_r){.buf = rec, .len = n - 1};
		assert_int_equal(virtio_blk_load(b.d, &r), -1);
		assert_int_equal(b_rd(&b, VIRTIO_MMIO_QUEUE_PFN), QADDR >> 12);
	}
	virtio_blk_reset(b.d);
	assert_int_equal(b_rd(&b, VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(b.level, 0);
	virtio_blk_destroy(a.d);
	virtio_blk_destroy(b.d);
	free(a.mem.host);
	free(b.mem.host);
	close(fd);
}

/* ---- hooks of the table that need no VM ----------------------------------- */

static void test_hooks(void **state)
{
	char line[DEVICE_CMDLINE_MAX];
	uint8_t aml[DEVICE_ACPI_MAX], rec[64];
	struct state_w w = {.buf = rec, .cap = sizeof(rec)};
	struct state_r r = {.buf = rec};

	(void)state;
	/* The disk's kernel command line and DSDT node come from its device. */
	assert_int_equal(virtio_blk_device.cmdline(NULL, line, sizeof(line)), 37);
	assert_string_equal(line, "virtio_mmio.device=0x200@0xfeb00000:5");
	assert_int_equal(virtio_blk_device.cmdline(NULL, line, 37), -1);
	assert_true(virtio_blk_device.acpi(NULL, aml, sizeof(aml)) > 40);
	assert_non_null(memmem(aml, sizeof(aml), "LNRO0005", 8));
	assert_int_equal(virtio_blk_device.acpi(NULL, aml, 16), 0);
	/* The hypercall device has no state: an empty record. */
	assert_int_equal(hypercall_device.save(NULL, &w), 0);
	assert_int_equal(w.len, STATE_HDR);
	r.len = w.len;
	assert_int_equal(hypercall_device.load(NULL, &r), 0);
	/* Stateless devices leave their hooks out; every device has a name
	 * and a create hook. */
	assert_null(debug_exit_device.save);
	assert_non_null(debug_exit_device.create);
}

/* ---- the table ------------------------------------------------------------ */

static int frag_x(void *dev, char *buf, size_t len)
{
	(void)dev;
	return snprintf(buf, len, "x=1");
}

static int frag_y(void *dev, char *buf, size_t len)
{
	(void)dev;
	return snprintf(buf, len, "y=22");
}

static size_t node_ab(void *dev, uint8_t *aml, size_t cap)
{
	(void)dev;
	if (cap < 2)
		return 0;
	memcpy(aml, "ab", 2);
	return 2;
}

/* Fragments joined by one space, nodes one after the other; too little
 * room is an error, never a cut. */
static void test_join(void **state)
{
	static const struct device_type x = {.name = "x", .cmdline = frag_x, .acpi = node_ab};
	static const struct device_type none = {.name = "none"};
	static const struct device_type y = {.name = "y", .cmdline = frag_y, .acpi = node_ab};
	struct vm *vm = fake_vm();
	char line[16];
	uint8_t aml[8];

	(void)state;
	vm->devs[0].type = &x;
	vm->devs[1].type = &none;
	vm->devs[2].type = &y;
	vm->ndevs = 3;
	assert_int_equal(devices_cmdline(vm, line, sizeof(line)), 0);
	assert_string_equal(line, "x=1 y=22");
	assert_int_equal(devices_cmdline(vm, line, 9), 0);
	assert_int_equal(devices_cmdline(vm, line, 8), -1);
	assert_int_equal(devices_acpi(vm, aml, sizeof(aml)), 4);
	assert_memory_equal(aml, "abab", 4);
	assert_true(devices_acpi(vm, aml, 3) == (size_t)-1);
	vm->ndevs = 0; /* nothing to destroy */
	free_vm(vm);
}

/* Every device of the table, as devices_create() makes them for each
 * profile; then the whole machine's state round-trips device by device. */
static void test_table(void **state)
{
	struct vm *a = fake_vm(), *b = fake_vm(), *bare = fake_vm();
	const struct device_option *opts[CLI_OPTS];
	char line[64];
	uint8_t aml[64];
	size_t nopts = devices_options(opts, CLI_OPTS);

	(void)state;
	for (size_t i = 0; i < device_count; i++) {
		assert_non_null(device_table[i]->name);
		assert_non_null(device_table[i]->create);
		/* A device that saves can load, and the other way round. */
		assert_true(!device_table[i]->save == !device_table[i]->load);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(device_table[i]->name, device_table[j]->name);
	}
	assert_int_equal(nopts, 1);
	assert_string_equal(opts[0]->name, "disk");
	assert_non_null(strstr(opts[0]->help, "--disk FILE[,ro]"));

	bare->profile = PROFILE_BARE;
	assert_int_equal(devices_create(bare), 0);
	assert_int_equal(bare->ndevs, 1); /* the hypercall ports only */
	assert_ptr_equal(bare->devs[0].type, &hypercall_device);
	assert_int_equal(devices_create(a), 0);
	assert_int_equal(devices_create(b), 0);
	assert_int_equal(a->ndevs, device_count - 1); /* no --disk: no virtio-blk */
	/* No disk: only the PCI host's fragment for Linux. */
	assert_int_equal(devices_cmdline(a, line, sizeof(line)), 0);
	assert_string_equal(line, "pci=noearly");
	assert_int_equal(devices_acpi(a, aml, sizeof(aml)), 0);

	pio(a, FW_CFG_PORT, true, 2, 0x05);
	pio(a, 0x3f8 + 7, true, 1, 0x42); /* UART scratch */
	pio(a, 0x64, true, 1, 0xad);	  /* i8042: keyboard off */
	for (unsigned i = 0; i < a->ndevs; i++) {
		const struct device_type *t = a->devs[i].type;
		uint8_t rec[1024];

		assert_ptr_equal(t, b->devs[i].type);
		if (t->save)
			round_trip(t, a->devs[i].dev, b->devs[i].dev, rec);
	}
	assert_int_equal(pio(b, 0x3f8 + 7, false, 1, 0), 0x42);
	assert_int_equal(pio(b, FW_CFG_PORT + 1, false, 1, 0), 2);
	free_vm(a);
	free_vm(b);
	free_vm(bare);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_format), cmocka_unit_test(test_fw_cfg),
		cmocka_unit_test(test_pci_host),     cmocka_unit_test(test_acpi_pm),
		cmocka_unit_test(test_uart),	     cmocka_unit_test(test_virtio_blk),
		cmocka_unit_test(test_hooks),	     cmocka_unit_test(test_table),
		cmocka_unit_test(test_join),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
