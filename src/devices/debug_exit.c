/* SPDX-License-Identifier: MIT */
/*
 * QEMU's isa-debug-exit at 0xf4 (iosize 4): a write of v ends the run with
 * status (v << 1) | 1, so guests built for QEMU test setups run unchanged.
 * And port 0x80, the POST code port: each write is kept with its time from
 * mini-kvm's start and shown by --stats (a boot-time marker, like
 * Firecracker's: the Linux guest's init writes BOOT_MARKER_INIT).
 */
#include <string.h>

#include "core/device.h"
#include "core/vm.h"
#include "mkvm/abi.h"

static enum io_result debug_exit_io(void *opaque, struct io_access *a)
{
	struct vm *vm = opaque;
	uint32_t v = 0;

	if (!a->is_write) {
		memset(a->data, 0xff, a->size);
		return IO_DONE;
	}
	for (unsigned i = 0; i < a->size && i < 4; i++)
		v |= (uint32_t)a->data[i] << (8 * i);
	vm_dev_end(vm, (int)((v << 1) | 1) & 0xff, NULL);
	return IO_STOP;
}

/* Both ports keep no state: the device is the VM. */
static void *debug_exit_create(struct vm *vm, int *err)
{
	*err = bus_register(&vm->pio, DEBUG_EXIT_PORT, 4, "debug-exit", debug_exit_io, vm);
	return *err ? NULL : vm;
}

const struct device_type debug_exit_device = {
	.name = "debug-exit",
	.profiles = DEV_PC_ONLY,
	.create = debug_exit_create,
};

static enum io_result post_io(void *opaque, struct io_access *a)
{
	(void)opaque;
	struct vm_stats *s = &a->cpu->stats;

	if (!a->is_write) {
		memset(a->data, 0xff, a->size);
		return IO_DONE;
	}
	if (s->npost < STATS_POST_MAX) {
		s->post[s->npost].code = a->data[0];
		s->post[s->npost].ns = stats_origin_ns();
		s->npost++;
	} else {
		s->post_dropped++;
	}
	return IO_DONE;
}

/* The codes live in the vCPU's counters (--stats), not in the device. */
static void *post_create(struct vm *vm, int *err)
{
	*err = bus_register(&vm->pio, POST_PORT, 1, "POST", post_io, vm);
	return *err ? NULL : vm;
}

const struct device_type post_device = {
	.name = "POST port",
	.profiles = DEV_PC_ONLY,
	.create = post_create,
};
