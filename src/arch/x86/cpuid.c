/* SPDX-License-Identifier: MIT */
#include "cpuid.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#define CPUID_HYPERVISOR (1u << 31) /* leaf 1 ECX: running under a hypervisor */

/* KVM_GET_SUPPORTED_CPUID, growing the buffer while KVM says E2BIG. */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG)
			return NULL;
	}
	errno = E2BIG;
	return NULL;
}

int x86_setup_cpuid(int kvm_fd, int vcpu_fd, unsigned id, unsigned ncpus)
{
	struct kvm_cpuid2 *c = supported_cpuid(kvm_fd);
	int rc = 0;

	if (!c)
		return -errno;
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		switch (e->function) {
		case 1:
			e->ecx |= CPUID_HYPERVISOR;
			/* EBX[31:24] initial APIC ID, EBX[23:16] logical CPUs. */
			e->ebx = (e->ebx & 0xffff) | (ncpus & 0xff) << 16 | (id & 0xff) << 24;
			break;
		case 0xb:
		case 0x1f:
			e->edx = id; /* x2APIC ID */
			break;
		default: break;
		}
	}
	if (ioctl(vcpu_fd, KVM_SET_CPUID2, c) < 0)
		rc = -errno;
	free(c);
	return rc;
}
