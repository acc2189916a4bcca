/* SPDX-License-Identifier: MIT */
/*
 * The debugged guest as the stub's target (stub.h) on KVM: stops and
 * resumes its vCPUs at exit boundaries (all-stop: a vCPU parks in its own
 * thread, the others are kicked out of KVM_RUN to park too), single-steps
 * and sets breakpoints with KVM_SET_GUEST_DEBUG (INT3 with
 * KVM_GUESTDBG_USE_SW_BP, DR0-DR3/DR7 with KVM_GUESTDBG_USE_HW_BP), reads
 * and writes guest-virtual memory page by page through KVM_TRANSLATE and
 * the checked accessor (core/guest_mem.h).  Where the probe (probe.h) found
 * that INT3 or debug registers do not trap, those breakpoints are done by
 * single-stepping the running vCPUs and comparing the instruction pointer.
 *
 * Threads: the vCPU threads call kt_park() and kt_debug_exit() (through
 * their vcpu_hooks); the gdb thread calls everything else, and touches a
 * vCPU's registers only while it is parked.
 */
#ifndef MKVM_GDB_KVM_TARGET_H
#define MKVM_GDB_KVM_TARGET_H

#include <stdbool.h>

#include "core/vm.h"
#include "stub.h"

struct kt_caps {
	bool sw_traps;	 /* INT3 exits with KVM_GUESTDBG_USE_SW_BP */
	bool hw_traps;	 /* DR0-DR3 exits with KVM_GUESTDBG_USE_HW_BP */
	bool step_traps; /* KVM_GUESTDBG_SINGLESTEP works */
	bool blockirq;	 /* KVM_GUESTDBG_BLOCKIRQ is known */
};

/* Prepares the target for @vm; @hold: its vCPUs park before their first
 * instruction (--gdb-wait).  @notify_fd is written one byte each time
 * every vCPU has parked.  @kill ends the run (gdb's k). */
void kt_init(struct vm *vm, const struct kt_caps *caps, bool hold, int notify_fd,
	     void (*kill)(int status, const char *why));

extern const struct gdb_target_ops kt_ops;

/* The architecture for gdb: long mode at entry means i386:x86-64. */
enum gdb_arch kt_arch(void);

/* vCPU side (vcpu_hooks). */
void kt_park(struct vcpu *c);
enum io_result kt_debug_exit(struct vcpu *c);

/* gdb side: stops every vCPU and waits until all are parked (or the guest
 * is over: then false). */
bool kt_stop_all(void);
/* True once every vCPU is parked after a resume; *@st says why. */
bool kt_stopped(struct gdb_stop *st);
/* Breakpoints out, every vCPU resumed (a client left). */
void kt_release(void);
/* One line on how breakpoints work here, for gdb's console. */
const char *kt_method(void);

#endif
