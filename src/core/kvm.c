/* SPDX-License-Identifier: MIT */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
	{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
};

static void explain_open_error(const char *dev, int err)
{
	fprintf(stderr, "mini-kvm: cannot open %s: %s\n", dev, strerror(err));
	if (err == ENOENT || err == ENXIO || err == ENODEV)
		fprintf(stderr,
			"  KVM is not available on this host. Load the module\n"
			"  (modprobe kvm_intel or kvm_amd; enable VT-x/AMD-V in the firmware),\n"
			"  or run inside the nested sandbox: tools/kvm-sandbox mini-kvm ...\n");
	else if (err == EACCES || err == EPERM)
		fprintf(stderr,
			"  You may not use KVM. Add yourself to the group that owns %s\n"
			"  (usually: sudo usermod -aG kvm $USER, then log in again).\n",
			dev);
}

int kvm_open(struct kvm *k)
{
	const char *dev = getenv("MKVM_KVM_DEV");
	int version, size;

	if (!dev || !*dev)
		dev = "/dev/kvm";
	k->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		explain_open_error(dev, errno);
		return -1;
	}
	version = ioctl(k->fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		fprintf(stderr,
			"mini-kvm: %s: KVM API version %d, expected %d; %s is not a KVM device or the kernel is too old\n",
			dev, version, KVM_API_VERSION, dev);
		goto fail;
	}
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]); i++) {
		if (ioctl(k->fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <= 0) {
			fprintf(stderr,
				"mini-kvm: %s: this kernel's KVM lacks %s; use a newer kernel (4.11 or later)\n",
				dev, required_caps[i].name);
			goto fail;
		}
	}
	size = ioctl(k->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		fprintf(stderr, "mini-kvm: %s: KVM_GET_VCPU_MMAP_SIZE: %s\n", dev,
			size < 0 ? strerror(errno) : "too small");
		goto fail;
	}
	k->run_size = (size_t)size;
	return 0;
fail:
	close(k->fd);
	k->fd = -1;
	return -1;
}
