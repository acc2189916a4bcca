/* SPDX-License-Identifier: MIT */
/*
 * The system-call allow-list of mini-kvm (docs/security.md says why each is
 * here).  Compiled to BPF once, at build time, by tools/seccomp-gen.c with
 * libseccomp; mini-kvm loads the ready program (build/gen/seccomp_bpf.h).
 */
#ifndef MKVM_SECCOMP_POLICY_H
#define MKVM_SECCOMP_POLICY_H

#include <linux/kvm.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <termios.h>

/* What the run loop, the devices, the console, the input thread and the
 * supervisor need, and nothing else. */
static const int allowed[] = {
	SCMP_SYS(read),		  SCMP_SYS(write),
	SCMP_SYS(writev),	  SCMP_SYS(close),
	SCMP_SYS(futex),	  SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(rt_sigaction),	  SCMP_SYS(tgkill),
	SCMP_SYS(getpid),	  SCMP_SYS(gettid),
	SCMP_SYS(clock_gettime),  SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),	  SCMP_SYS(clone),
	SCMP_SYS(clone3),	  SCMP_SYS(set_robust_list),
	SCMP_SYS(rseq),		  SCMP_SYS(mmap),
	SCMP_SYS(munmap),	  SCMP_SYS(mprotect),
	SCMP_SYS(madvise),	  SCMP_SYS(brk),
	SCMP_SYS(sched_yield),	  SCMP_SYS(exit),
	SCMP_SYS(exit_group),	  SCMP_SYS(fsync),
	SCMP_SYS(fdatasync),	  SCMP_SYS(pread64),
	SCMP_SYS(pwrite64),	  SCMP_SYS(newfstatat),
	SCMP_SYS(fstat),	  SCMP_SYS(getrandom),
};

/* ioctl: only these requests (KVM and the terminal). */
static const unsigned long allowed_ioctls[] = {
	KVM_RUN, KVM_GET_REGS, KVM_GET_SREGS, KVM_SET_REGS, KVM_IRQ_LINE,
	TCGETS,	 TCSETS,       TCSETSW,	      TCSETSF,
};

/* --gdb adds these (a second program: runs without --gdb do not get them):
 * the server thread's socket, its poll, the unix socket's removal, and
 * the vCPU ioctls of single-stepping, breakpoints and address translation. */
static const int allowed_gdb[] = {
	SCMP_SYS(accept4),    SCMP_SYS(poll),	  SCMP_SYS(ppoll),
	SCMP_SYS(setsockopt), SCMP_SYS(shutdown), SCMP_SYS(unlink),
};

static const unsigned long allowed_gdb_ioctls[] = {
	KVM_SET_GUEST_DEBUG,
	KVM_TRANSLATE,
};

#endif
