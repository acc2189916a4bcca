/* SPDX-License-Identifier: MIT */
/* The hypercall device on ports HC_PORT_BASE.. (see include/mkvm/abi.h). */
#ifndef MKVM_HYPERCALL_H
#define MKVM_HYPERCALL_H

#include "core/vm.h"

/* hypercall_device (devices.def): the HC_* ports on the VM's I/O bus. */
extern const struct device_type hypercall_device;

#endif
