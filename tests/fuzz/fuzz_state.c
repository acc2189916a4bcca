/* SPDX-License-Identifier: MIT */
/*
 * fuzz_state: the load hooks of every device with state (src/core/state.h
 * records: a snapshot file is input from outside, as hostile as a guest).
 * Input: a selector byte (low 3 bits: fw_cfg, UART, i8042, ACPI PM,
 * hypercall, virtio-blk; bit 3: the bytes are XORed onto a valid record
 * saved from a fresh device, else they are the record), then the bytes.
 *
 * Checks: a refused load (-1) leaves the device's saved record unchanged;
 * an accepted one round-trips: its save loads into a fresh device whose
 * save is the same bytes; no sanitizer report.
 */
#include "fuzz.h"

#include <sys/mman.h>

#include "devices/devices.h"
#include "devices/virtio_blk.h"

#define RAM (64 * 1024)

static struct vm va, vb;
static int disk_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_stdout();
	disk_fd = memfd_create("fuzz-disk", 0);
	if (disk_fd < 0 || ftruncate(disk_fd, 8 * 512) != 0)
		abort();
	return 0;
}

static void quiet_irq(void *opaque, int level)
{
	(void)opaque;
	(void)level;
}

static void quiet_fault(void *opaque, const char *reason)
{
	(void)opaque;
	(void)reason;
}

static const struct virtio_ops blk_ops = {.irq = quiet_irq, .fault = quiet_fault};

static int blk_save(void *d, struct state_w *w)
{
	return virtio_blk_save(d, w);
}

static int blk_load(void *d, struct state_r *r)
{
	return virtio_blk_load(d, r);
}

static const struct device_type blk_type = {
	.name = "virtio-blk", .save = blk_save, .load = blk_load};

static const struct device_type *const types[] = {&fw_cfg_device,  &uart_device,      &i8042_device,
						  &acpi_pm_device, &hypercall_device, &blk_type};

/* A fresh device of @t on @vm (virtio-blk: on its own RAM). */
static void *fresh(const struct device_type *t, struct vm *vm)
{
	fuzz_vm_init(vm, PROFILE_PC, 1);
	vm->mem.size = 16ull << 20; /* only fw_cfg reads it */
	if (t == &blk_type) {
		fuzz_mem_alloc(&vm->mem, RAM);
		memset(vm->mem.host, 0, RAM);
		return virtio_blk_create(&vm->mem, disk_fd, 8, false, &blk_ops, NULL);
	}
	FUZZ_CHECK(vm_add_device(vm, t) == 0, "%s", t->name);
	return vm->devs[0].dev;
}

static void gone(const struct device_type *t, struct vm *vm, void *dev)
{
	if (t == &blk_type) {
		virtio_blk_destroy(dev);
		fuzz_mem_free(&vm->mem);
		return;
	}
	vm_free_devices(vm);
}

static size_t save(const struct device_type *t, void *dev, uint8_t *buf, size_t cap)
{
	struct state_w w = {.buf = buf, .cap = cap};

	FUZZ_CHECK(t->save(dev, &w) == 0, "%s: save", t->name);
	return w.len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rec[4096], s1[4096], s2[4096];
	const struct device_type *t;
	struct state_r r;
	size_t n, n1, n2;
	void *a, *b;

	if (size < 1)
		return 0;
	t = types[(data[0] & 7) % (sizeof(types) / sizeof(types[0]))];
	a = fresh(t, &va);
	FUZZ_CHECK(a, "%s: create", t->name);
	n1 = save(t, a, s1, sizeof(s1));
	n = size - 1 < sizeof(rec) ? size - 1 : sizeof(rec);
	if (data[0] & 8) { /* mutate a valid record */
		memcpy(rec, s1, n1);
		for (size_t i = 0; i < n; i++)
			rec[i % n1] ^= data[1 + i];
		n = n1;
	} else {
		memcpy(rec, data + 1, n);
	}
	r = (struct state_r){.buf = rec, .len = n};
	if (t->load(a, &r) < 0) {
		n2 = save(t, a, s2, sizeof(s2));
		FUZZ_CHECK(n1 == n2 && memcmp(s1, s2, n1) == 0, "%s: a refused load changed it",
			   t->name);
	} else {
		n1 = save(t, a, s1, sizeof(s1));
		b = fresh(t, &vb);
		r = (struct state_r){.buf = s1, .len = n1};
		FUZZ_CHECK(t->load(b, &r) == 0, "%s: its own save refused", t->name);
		n2 = save(t, b, s2, sizeof(s2));
		FUZZ_CHECK(n1 == n2 && memcmp(s1, s2, n1) == 0, "%s: save, load, save differ",
			   t->name);
		gone(t, &vb, b);
	}
	gone(t, &va, a);
	return 0;
}
