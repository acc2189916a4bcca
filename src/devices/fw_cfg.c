/* SPDX-License-Identifier: MIT */
/*
 * A minimal fw_cfg as QEMU's, port interface only: a 16-bit write to 0x510
 * selects an item, byte reads from 0x511 return it (zeros past its end).
 * Items: signature "QEMU", ID (traditional interface), RAM size, CPUs.
 */
#include "fw_cfg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/vm.h"
#include "mkvm/abi.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID	 0x01
#define FW_CFG_RAM_SIZE	 0x03
#define FW_CFG_NB_CPUS	 0x05
#define FW_CFG_MAX_CPUS	 0x0f

struct fw_cfg {
	uint16_t key;
	uint32_t offset;
	uint64_t ram_size;
	uint16_t cpus;
};

/* The current item as bytes; returns its length. */
static uint32_t item(const struct fw_cfg *f, uint8_t buf[8])
{
	uint32_t id = 1; /* traditional (port) interface, no DMA */

	switch (f->key) {
	case FW_CFG_SIGNATURE: memcpy(buf, "QEMU", 4); return 4;
	case FW_CFG_ID: memcpy(buf, &id, 4); return 4;
	case FW_CFG_RAM_SIZE: memcpy(buf, &f->ram_size, 8); return 8;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS: memcpy(buf, &f->cpus, 2); return 2;
	default: return 0;
	}
}

enum io_result fw_cfg_io(void *opaque, struct io_access *a)
{
	struct fw_cfg *f = opaque;
	uint8_t buf[8];

	if (a->offset == 0) { /* selector */
		if (a->is_write) {
			f->key = (uint16_t)(a->data[0] | (a->size > 1 ? a->data[1] << 8 : 0));
			f->offset = 0;
		} else {
			memset(a->data, 0xff, a->size);
		}
		return IO_DONE;
	}
	if (a->is_write) /* data port: writes are ignored (no writable items) */
		return IO_DONE;
	for (unsigned i = 0; i < a->size; i++) {
		uint32_t len = item(f, buf);
		a->data[i] = f->offset < len ? buf[f->offset] : 0;
		if (f->offset < len)
			f->offset++;
	}
	return IO_DONE;
}

struct fw_cfg *fw_cfg_create(uint64_t ram_size, uint16_t cpus)
{
	struct fw_cfg *f = calloc(1, sizeof(*f));

	if (f) {
		f->ram_size = ram_size;
		f->cpus = cpus;
	}
	return f;
}

void fw_cfg_destroy(void *f)
{
	free(f);
}

static void fw_cfg_reset(void *dev)
{
	struct fw_cfg *f = dev;

	f->key = 0;
	f->offset = 0;
}

static int fw_cfg_save(void *dev, struct state_w *w)
{
	const struct fw_cfg *f = dev;

	st_begin(w, "FWCF", 1);
	st_u16(w, f->key);
	st_u32(w, f->offset);
	st_u64(w, f->ram_size);
	st_u16(w, f->cpus);
	return st_end(w);
}

/* Any key and offset are safe: unknown items and offsets read as zeros. */
static int fw_cfg_load(void *dev, struct state_r *r)
{
	struct fw_cfg *f = dev, n;

	st_open(r, "FWCF", 1);
	n.key = st_get16(r);
	n.offset = st_get32(r);
	n.ram_size = st_get64(r);
	n.cpus = st_get16(r);
	if (st_close(r) < 0)
		return -1;
	*f = n;
	return 0;
}

static void *fw_cfg_vm_create(struct vm *vm, int *err)
{
	struct fw_cfg *f = fw_cfg_create(vm->mem.size, (uint16_t)vm->ncpus);

	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = bus_register(&vm->pio, FW_CFG_PORT, 2, "fw_cfg", fw_cfg_io, f);
	if (*err) {
		free(f);
		return NULL;
	}
	return f;
}

const struct device_type fw_cfg_device = {
	.name = "fw_cfg",
	.profiles = DEV_PC_ONLY,
	.create = fw_cfg_vm_create,
	.save = fw_cfg_save,
	.load = fw_cfg_load,
	.reset = fw_cfg_reset,
	.destroy = fw_cfg_destroy,
};
