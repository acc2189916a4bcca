/* SPDX-License-Identifier: MIT */
/* A VM's devices: created from their types, destroyed last first.  Apart
 * from vm.c so that device models and their tests link without KVM. */
#include "device.h"

#include <errno.h>

#include "vm.h"

int vm_add_device(struct vm *vm, const struct device_type *type)
{
	int err = 0;
	void *dev;

	if (vm->ndevs == VM_MAX_DEVICES)
		return -ENOSPC;
	dev = type->create(vm, &err);
	if (!dev)
		return err;
	vm->devs[vm->ndevs].type = type;
	vm->devs[vm->ndevs].dev = dev;
	vm->ndevs++;
	return 0;
}

void vm_free_devices(struct vm *vm)
{
	while (vm->ndevs) {
		struct vm_device *d = &vm->devs[--vm->ndevs];

		if (d->type->destroy)
			d->type->destroy(d->dev);
	}
}
