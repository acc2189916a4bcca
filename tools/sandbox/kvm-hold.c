/* SPDX-License-Identifier: MIT */
/*
 * kvm-hold: keeps two idle KVM VMs open for the whole sandbox run.  KVM
 * flips static keys (live code patching) when the number of VMs goes from
 * 0 to 1 and back; under multi-threaded TCG that patching is what hangs
 * nested runs now and then.  With VMs always open, the tests' VMs never
 * cause a flip.  Started by tools/sandbox/init, killed at power-off.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0 || ioctl(kvm, KVM_CREATE_VM, 0) < 0 || ioctl(kvm, KVM_CREATE_VM, 0) < 0)
		return 1;
	for (;;)
		pause();
}
