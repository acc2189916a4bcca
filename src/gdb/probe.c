/* SPDX-License-Identifier: MIT */
#include "probe.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch/x86/cpu.h"
#include "mkvm/abi.h"

#define CODE	0x1000 /* the program under test */
#define HANDLER 0x0500 /* every interrupt vector points here: HLT */

enum outcome {
	TRAPPED,
	NOT_TRAPPED,
	FAILED
};

/* Runs @code at CODE with @control and DR0 = @dr0 (DR7 exec on DR0 if set). */
static enum outcome run_one(struct vm *vm, const uint8_t *code, size_t len, uint32_t control,
			    uint64_t dr0, uint32_t *exception)
{
	struct vcpu *c = &vm->cpus[0];
	struct kvm_guest_debug g;

	memset(vm->mem.host, 0xf4, 0x8000); /* HLT everywhere */
	for (unsigned v = 0; v < 256; v++) {
		uint8_t vec[4] = {HANDLER & 0xff, HANDLER >> 8, 0, 0};
		gmem_write(&vm->mem, 4 * v, vec, 4);
	}
	gmem_write(&vm->mem, CODE, code, len);
	if (x86_setup_real_mode(c->fd, CODE, 0x7000) < 0)
		return FAILED;
	memset(&g, 0, sizeof(g));
	g.control = control;
	if (dr0) {
		g.arch.debugreg[0] = dr0;
		g.arch.debugreg[7] = 1u | 1u << 10; /* L0, execution, one byte */
	}
	if (ioctl(c->fd, KVM_SET_GUEST_DEBUG, &g) < 0)
		return FAILED;
	for (int i = 0; i < 8; i++) {
		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return FAILED;
		}
		if (c->run->exit_reason == KVM_EXIT_DEBUG) {
			*exception = c->run->debug.arch.exception;
			return TRAPPED;
		}
		if (c->run->exit_reason == KVM_EXIT_HLT)
			return NOT_TRAPPED;
	}
	return FAILED;
}

int gdb_probe(struct kvm *kvm, struct kt_caps *caps)
{
	static const uint8_t int3[] = {0xcc, 0xf4}, nops[] = {0x90, 0x90, 0xf4};
	static struct vm vm;
	uint32_t exc = 0;
	enum outcome o;

	memset(caps, 0, sizeof(*caps));
	memset(&vm, 0, sizeof(vm));
	vm.name = "gdb-probe";
	vm.profile = PROFILE_BARE;
	vm.ncpus = 1;
	if (vm_create(&vm, kvm, GUEST_MEM_MIN) < 0) {
		vm_destroy(&vm);
		return -1;
	}
	caps->sw_traps =
		run_one(&vm, int3, sizeof(int3), KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP, 0,
			&exc) == TRAPPED &&
		exc == 3;
	caps->hw_traps =
		run_one(&vm, nops, sizeof(nops), KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP,
			CODE + 1, &exc) == TRAPPED &&
		exc == 1;
#ifdef KVM_GUESTDBG_BLOCKIRQ
	o = run_one(&vm, nops, sizeof(nops),
		    KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_BLOCKIRQ, 0, &exc);
	caps->blockirq = o != FAILED;
	if (o == FAILED)
#endif
		o = run_one(&vm, nops, sizeof(nops), KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
			    0, &exc);
	caps->step_traps = o == TRAPPED && exc == 1;
	vm_destroy(&vm);
	return 0;
}
