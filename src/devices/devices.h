/* SPDX-License-Identifier: MIT */
/*
 * The device table (src/devices/devices.def) and what the core does with
 * it: options, set-up, creation on a VM, the kernel command line and the
 * DSDT nodes of the devices a guest has.  docs/devices.md.
 */
#ifndef MKVM_DEVICES_H
#define MKVM_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "core/device.h"

#define DEVICE(x) extern const struct device_type x##_device;
#include "devices.def"
#undef DEVICE

/* The table, in devices.def order. */
extern const struct device_type *const device_table[];
extern const size_t device_count;

/* Every device's options, for cli_parse(): fills @out (room for @max) and
 * returns how many; NULL-name-terminated lists are flattened. */
size_t devices_options(const struct device_option **out, size_t max);

/* Runs every setup hook.  0, or -1 with one line in @err (a usage error). */
int devices_setup(const struct device_env *env, char *err, size_t errlen);

/* Creates every device this guest's profile has.  0, or -1 with a message. */
int devices_create(struct vm *vm);

/* The guest's devices' command-line fragments, space-separated, into @buf
 * ("" for none).  0, or -1 if @len is too small. */
int devices_cmdline(const struct vm *vm, char *buf, size_t len);

/* The guest's devices' DSDT nodes into @aml; returns the length, or
 * (size_t)-1 if they do not fit in @cap. */
size_t devices_acpi(const struct vm *vm, uint8_t *aml, size_t cap);

#endif
