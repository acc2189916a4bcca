/* SPDX-License-Identifier: MIT */
/* The guest's CPUID: what KVM supports on this host, hypervisor bit set. */
#ifndef MKVM_X86_CPUID_H
#define MKVM_X86_CPUID_H

/* Sets vCPU @vcpu_fd (number @id of @ncpus) CPUID from KVM_GET_SUPPORTED_CPUID.
 * 0 or -errno. */
int x86_setup_cpuid(int kvm_fd, int vcpu_fd, unsigned id, unsigned ncpus);

#endif
