/* SPDX-License-Identifier: MIT */
/*
 * kvm-hold: keeps two idle KVM VMs open for the whole sandbox run.  KVM
 * flips static keys (live code patching) when the number of VMs goes from
 * 0 to 1 and back, and likewise for some per-vCPU keys: a vCPU without an
 * in-kernel LAPIC (kvm_has_noapic_vcpu), a LAPIC that is software-disabled
 * (apic_sw_disabled, as every LAPIC starts).  Under multi-threaded TCG that
 * patching is what hangs nested runs now and then.  So: one VM with an
 * in-kernel irqchip and one vCPU (its LAPIC stays disabled), one VM with a
 * vCPU and no irqchip.  The tests' VMs then never cause a flip.  The vCPUs
 * never run.  Started by tools/sandbox/init, killed at power-off.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int with_apic, without;

	if (kvm < 0)
		return 1;
	with_apic = ioctl(kvm, KVM_CREATE_VM, 0);
	without = ioctl(kvm, KVM_CREATE_VM, 0);
	if (with_apic < 0 || without < 0)
		return 1;
	/* Best effort: the VMs alone already pin the VM-count keys. */
	if (ioctl(with_apic, KVM_CREATE_IRQCHIP, 0) == 0)
		ioctl(with_apic, KVM_CREATE_VCPU, 0);
	ioctl(without, KVM_CREATE_VCPU, 0);
	for (;;)
		pause();
}
