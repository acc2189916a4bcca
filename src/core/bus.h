/* SPDX-License-Identifier: MIT */
/*
 * The device bus: devices register address ranges (I/O ports on one bus,
 * MMIO on another) with a handler.  The vCPU run loop hands every I/O or
 * MMIO exit to bus_dispatch(); it never switches over port numbers itself.
 */
#ifndef MKVM_BUS_H
#define MKVM_BUS_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* One access of 1, 2, 4 or 8 bytes (string I/O is split by the caller). */
struct io_access {
	struct vcpu *cpu; /* the vCPU that made the access          */
	uint64_t addr;	  /* port or guest-physical address          */
	uint64_t offset;  /* addr - base of the device's range       */
	uint8_t *data;	  /* bytes written by / to return to the guest */
	unsigned size;	  /* access width in bytes                   */
	bool is_write;	  /* guest -> device                         */
};

enum io_result {
	IO_DONE = 0,	  /* access handled, guest continues            */
	IO_STOP = 1,	  /* handler ended the guest (reason in the vm)  */
	IO_UNHANDLED = 2, /* no device here: reads see all ones          */
};

typedef enum io_result (*io_handler)(void *opaque, struct io_access *a);

struct bus_range {
	uint64_t base;
	uint64_t len;
	const char *name;
	io_handler fn;
	void *opaque;
};

#define BUS_MAX_RANGES 32

struct bus {
	struct bus_range r[BUS_MAX_RANGES]; /* sorted by base, no overlap */
	unsigned n;
};

/* Returns 0, -EINVAL (empty or wrapping range), -EEXIST (overlap) or -ENOSPC. */
int bus_register(struct bus *b, uint64_t base, uint64_t len, const char *name, io_handler fn,
		 void *opaque);

/* The range containing @addr, or NULL. */
const struct bus_range *bus_find(const struct bus *b, uint64_t addr);

/* Finds the device for a->addr and calls it; fills reads with 0xff if none. */
enum io_result bus_dispatch(const struct bus *b, struct io_access *a);

#endif
