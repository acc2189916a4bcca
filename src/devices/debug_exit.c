/* SPDX-License-Identifier: MIT */
/*
 * QEMU's isa-debug-exit at 0xf4 (iosize 4): a write of v ends the run with
 * status (v << 1) | 1, so guests built for QEMU test setups run unchanged.
 * And port 0x80, the POST code port: each write is kept with its time and
 * shown by --stats (a boot-progress marker, like Firecracker's).
 */
#include <string.h>
#include <time.h>

#include "mkvm/abi.h"
#include "pc_devices.h"

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
	vm_end(vm, (int)((v << 1) | 1) & 0xff, NULL);
	return IO_STOP;
}

int debug_exit_register(struct vm *vm)
{
	return bus_register(&vm->pio, DEBUG_EXIT_PORT, 4, "debug-exit", debug_exit_io, vm);
}

static enum io_result post_io(void *opaque, struct io_access *a)
{
	(void)opaque;
	struct vm_stats *s = &a->cpu->stats;

	if (!a->is_write) {
		memset(a->data, 0xff, a->size);
		return IO_DONE;
	}
	if (s->npost < STATS_POST_MAX) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		s->post[s->npost].code = a->data[0];
		s->post[s->npost].ns = (uint64_t)(now.tv_sec - s->start.tv_sec) * 1000000000ull +
				       (uint64_t)(now.tv_nsec - s->start.tv_nsec);
		s->npost++;
	} else {
		s->post_dropped++;
	}
	return IO_DONE;
}

int post_port_register(struct vm *vm)
{
	return bus_register(&vm->pio, POST_PORT, 1, "POST", post_io, vm);
}
