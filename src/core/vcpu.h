/* SPDX-License-Identifier: MIT */
/* The vCPU thread: KVM_RUN in a loop, each exit handed to the device bus. */
#ifndef MKVM_VCPU_H
#define MKVM_VCPU_H

#include "vm.h"

/* Installs the SIGUSR1 handler used to kick vCPUs out of KVM_RUN. */
void vcpu_signals_init(void);

/* Starts the vCPU thread of @vm; @on_exit runs in it when the guest ends. */
int vcpu_start(struct vm *vm, void (*on_exit)(struct vm *vm));

#endif
