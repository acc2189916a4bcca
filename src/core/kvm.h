/* SPDX-License-Identifier: MIT */
/* /dev/kvm: open it, check the API version and the capabilities we use. */
#ifndef MKVM_KVM_H
#define MKVM_KVM_H

#include <stddef.h>

struct kvm {
	int fd;
	size_t run_size; /* size of each vCPU's struct kvm_run mapping */
};

/* Opens /dev/kvm (or $MKVM_KVM_DEV) and checks it; on failure prints a
 * message saying what it means and how to fix it, and returns -1. */
int kvm_open(struct kvm *k);

#endif
