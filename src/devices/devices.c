/* SPDX-License-Identifier: MIT */
#include "devices.h"

#include <stdio.h>
#include <string.h>

#include "core/vm.h"

#define DEVICE(x) &x##_device,
const struct device_type *const device_table[] = {
#include "devices.def"
};
#undef DEVICE
const size_t device_count = sizeof(device_table) / sizeof(device_table[0]);

size_t devices_options(const struct device_option **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < device_count; i++)
		for (const struct device_option *o = device_table[i]->options; o && o->name; o++)
			if (n < max)
				out[n++] = o;
	return n;
}

int devices_setup(const struct device_env *env, char *err, size_t errlen)
{
	for (size_t i = 0; i < device_count; i++)
		if (device_table[i]->setup && device_table[i]->setup(env, err, errlen) < 0)
			return -1;
	return 0;
}

int devices_create(struct vm *vm)
{
	for (size_t i = 0; i < device_count; i++) {
		const struct device_type *t = device_table[i];
		int err;

		if (t->profiles == DEV_PC_ONLY && vm->profile != PROFILE_PC)
			continue;
		err = vm_add_device(vm, t);
		if (err) {
			fprintf(stderr, "mini-kvm: %s: cannot add the %s device: %s\n", vm->name,
				t->name, strerror(-err));
			return -1;
		}
	}
	return 0;
}

int devices_cmdline(const struct vm *vm, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return -1;
	buf[0] = '\0';
	for (unsigned i = 0; i < vm->ndevs; i++) {
		const struct vm_device *d = &vm->devs[i];
		char frag[DEVICE_CMDLINE_MAX];
		int n = d->type->cmdline ? d->type->cmdline(d->dev, frag, sizeof(frag)) : 0;

		if (n < 0)
			return -1;
		if (n == 0)
			continue;
		if ((size_t)n + (used ? 1 : 0) >= len - used)
			return -1; /* no room for it and the NUL */
		if (used)
			buf[used++] = ' ';
		memcpy(buf + used, frag, (size_t)n + 1);
		used += (size_t)n;
	}
	return 0;
}

size_t devices_acpi(const struct vm *vm, uint8_t *aml, size_t cap)
{
	size_t used = 0;

	for (unsigned i = 0; i < vm->ndevs; i++) {
		const struct vm_device *d = &vm->devs[i];
		uint8_t node[DEVICE_ACPI_MAX];
		size_t n = d->type->acpi ? d->type->acpi(d->dev, node, sizeof(node)) : 0;

		if (n > cap - used)
			return (size_t)-1;
		memcpy(aml + used, node, n);
		used += n;
	}
	return used;
}
