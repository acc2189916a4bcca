/* SPDX-License-Identifier: MIT */
/* The hypercall device on ports HC_PORT_BASE.. (see include/mkvm/abi.h). */
#ifndef MKVM_HYPERCALL_H
#define MKVM_HYPERCALL_H

#include "core/vm.h"

/* Registers the hypercall ports on @vm's I/O bus. 0 or -errno. */
int hypercall_register(struct vm *vm);

#endif
