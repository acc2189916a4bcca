/* SPDX-License-Identifier: MIT */
#include "chipset.h"

#include <errno.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "mkvm/abi.h"

int x86_create_chipset(int vm_fd, const char *name)
{
	/* The speaker port 0x61 is answered by KVM too (dummy speaker). */
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};

	if (ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) <= 0 ||
	    ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_PIT2) <= 0) {
		fprintf(stderr,
			"mini-kvm: %s: this KVM has no in-kernel irqchip or PIT (KVM_CAP_IRQCHIP, KVM_CAP_PIT2)\n",
			name);
		return -1;
	}
	/* Intel needs a 3-page area for its real-mode TSS; it lies above RAM. */
	if (ioctl(vm_fd, KVM_SET_TSS_ADDR, PC_KVM_TSS_ADDR) < 0 && errno != ENOTTY) {
		fprintf(stderr, "mini-kvm: %s: KVM_SET_TSS_ADDR: %s\n", name, strerror(errno));
		return -1;
	}
	if (ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		fprintf(stderr, "mini-kvm: %s: KVM_CREATE_IRQCHIP: %s\n", name, strerror(errno));
		return -1;
	}
	if (ioctl(vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		fprintf(stderr, "mini-kvm: %s: KVM_CREATE_PIT2: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

int x86_irq_line(int vm_fd, unsigned irq, int level)
{
	struct kvm_irq_level l = {.irq = irq, .level = (uint32_t)level};

	return ioctl(vm_fd, KVM_IRQ_LINE, &l) < 0 ? -errno : 0;
}
