/* SPDX-License-Identifier: MIT */
#include "cpuid.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_HYPERVISOR   (1u << 31) /* leaf 1 ECX: running under a hypervisor */
#define CPUID_TSC_DEADLINE (1u << 24) /* leaf 1 ECX: LAPIC timer TSC-deadline mode */

/*
 * KVM_GET_SUPPORTED_CPUID, asked once per process (it costs ~0.4 ms) and
 * kept: every vCPU of every guest starts from a copy.  256 entries fit
 * today's hosts in one call; the buffer grows while KVM says E2BIG.
 */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct kvm_cpuid2 *cached;
	struct kvm_cpuid2 *copy = NULL;
	size_t size = 0;

	pthread_mutex_lock(&lock);
	for (unsigned n = 256; !cached && n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			break;
		c->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			cached = c;
			break;
		}
		free(c);
		if (errno != E2BIG)
			break;
	}
	if (cached) {
		size = sizeof(*cached) + cached->nent * sizeof(cached->entries[0]);
		copy = malloc(size);
		if (copy)
			memcpy(copy, cached, size);
	}
	pthread_mutex_unlock(&lock);
	return copy;
}

int x86_setup_cpuid(int kvm_fd, int vcpu_fd, unsigned id, unsigned ncpus)
{
	struct kvm_cpuid2 *c = supported_cpuid(kvm_fd);
	/* KVM emulates the TSC-deadline timer in its in-kernel LAPIC (every
	 * PC-profile VM has one) but leaves the CPUID bit to userspace. */
	bool tsc_deadline = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	int rc = 0;

	if (!c)
		return -errno;
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];
		switch (e->function) {
		case 1:
			e->ecx |= CPUID_HYPERVISOR | (tsc_deadline ? CPUID_TSC_DEADLINE : 0);
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
