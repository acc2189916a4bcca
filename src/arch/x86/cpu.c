/* SPDX-License-Identifier: MIT */
#include "cpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

static void real_segment(struct kvm_segment *s, int is_code)
{
	s->base = 0;
	s->selector = 0;
	s->limit = 0xffff;
	s->type = is_code ? 0xb : 0x3; /* execute/read accessed, read/write accessed */
	s->present = 1;
	s->dpl = 0;
	s->db = 0;
	s->s = 1;
	s->l = 0;
	s->g = 0;
}

int x86_setup_real_mode(int vcpu_fd, uint16_t entry, uint16_t stack)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	real_segment(&sregs.cs, 1);
	real_segment(&sregs.ds, 0);
	real_segment(&sregs.es, 0);
	real_segment(&sregs.fs, 0);
	real_segment(&sregs.gs, 0);
	real_segment(&sregs.ss, 0);
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;

	memset(&regs, 0, sizeof(regs));
	regs.rip = entry;
	regs.rsp = stack;
	regs.rflags = 0x2; /* bit 1 is always set; IF = 0 */
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

void x86_dump_regs(int vcpu_fd, char *buf, size_t size)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu_fd, KVM_GET_REGS, &r) < 0 || ioctl(vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		snprintf(buf, size, "  (registers unavailable: %s)", strerror(errno));
		return;
	}
	/* The reset vector with the reset CS base: only an INIT or a reset gets
	 * here (a far jump to f000:fff0 gives base 0xf0000).  KVM on AMD puts
	 * the vCPU there on a triple fault, before we can look (the VMCB is
	 * undefined after a SHUTDOWN intercept): the state at the fault is gone,
	 * and a dump of the reset state would only mislead. */
	if (r.rip == 0xfff0 && s.cs.selector == 0xf000 && s.cs.base == 0xffff0000) {
		snprintf(buf, size,
			 "  (registers at the fault lost: KVM had already reset the vCPU to "
			 "cs:rip=f000:fff0, as it does on AMD CPUs after a triple fault)");
		return;
	}
	snprintf(buf, size,
		 "  rip=0x%016llx rsp=0x%016llx rflags=0x%08llx\n"
		 "  rax=0x%016llx rbx=0x%016llx rcx=0x%016llx rdx=0x%016llx\n"
		 "  cs=0x%04x base=0x%llx  ds=0x%04x base=0x%llx  ss=0x%04x base=0x%llx\n"
		 "  cr0=0x%llx cr2=0x%llx cr3=0x%llx cr4=0x%llx efer=0x%llx",
		 r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, s.cs.selector, s.cs.base,
		 s.ds.selector, s.ds.base, s.ss.selector, s.ss.base, s.cr0, s.cr2, s.cr3, s.cr4,
		 s.efer);
}
