/* SPDX-License-Identifier: MIT */
/*
 * How a device plugs into mini-kvm (docs/devices.md).  A device is one
 * file in src/devices/ that defines a `const struct device_type` and one
 * line in src/devices/devices.def.  Every hook is optional; the core calls
 * them in this order:
 *
 *   options  its command-line options (cli.c parses them, --help lists them)
 *   setup    once, after the command line, before seccomp: open files,
 *            refuse impossible combinations (a usage error)
 *   create   per guest: the model, registered on the VM's buses; NULL
 *            with *err == 0 means "not in this guest"
 *   cmdline  per guest: a fragment for the kernel command line (Linux)
 *   acpi     per guest: AML for the DSDT (Linux)
 *   save/load  its complete state as a versioned record (core/state.h)
 *   reset    back to the power-on state
 *   destroy  frees what create made
 */
#ifndef MKVM_DEVICE_H
#define MKVM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

struct vm;

#define DEVICE_CMDLINE_MAX 256 /* one device's kernel command-line fragment */
#define DEVICE_ACPI_MAX	   256 /* one device's DSDT AML */

/* One command-line option of a device. */
struct device_option {
	const char *name; /* long option without "--", e.g. "disk" */
	bool has_arg;
	const char *help; /* its --help lines, each ending in "\n" */
	/* Keeps @arg (NULL without has_arg).  0, or -1 with one line in @err
	 * naming the value and what to do. */
	int (*parse)(const char *arg, char *err, size_t errlen);
};

/* What setup may look at: the run as the command line describes it. */
struct device_env {
	const char *first_image; /* the first guest's image path */
	bool first_is_kernel;	 /* it boots with the PC devices */
};

enum device_profiles {
	DEV_ANY_PROFILE, /* every guest (the hypercall ports) */
	DEV_PC_ONLY,	 /* kernels only (PROFILE_PC) */
};

struct device_type {
	const char *name; /* in messages: "cannot add the %s device" */
	enum device_profiles profiles;
	const struct device_option *options; /* NULL or ended by a NULL name */

	int (*setup)(const struct device_env *env, char *err, size_t errlen);
	void *(*create)(struct vm *vm, int *err);
	/* Writes a NUL-terminated fragment into @buf (DEVICE_CMDLINE_MAX
	 * bytes); returns its length (without NUL), 0 for none, -1 if too long. */
	int (*cmdline)(void *dev, char *buf, size_t len);
	/* Writes AML into @aml (@cap = DEVICE_ACPI_MAX bytes); returns its
	 * length, 0 for none or if it does not fit. */
	size_t (*acpi)(void *dev, uint8_t *aml, size_t cap);
	/* One record (st_begin .. st_end); 0 or -1 (the buffer was small). */
	int (*save)(void *dev, struct state_w *w);
	/* Replaces the whole state from one record; 0, or -1 leaving the
	 * device as it was when the record is foreign, short or invalid
	 * (every value in it is checked as if the guest had written it). */
	int (*load)(void *dev, struct state_r *r);
	void (*reset)(void *dev);
	void (*destroy)(void *dev);
};

#endif
