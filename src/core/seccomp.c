/* SPDX-License-Identifier: MIT */
#include "seccomp.h"

#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "input.h"
#include "mkvm/abi.h"

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

static void forbidden(int sig, siginfo_t *info, void *ctx)
{
	char msg[160];
	int n;

	(void)sig;
	(void)ctx;
	input_restore_terminal();
	n = snprintf(
		msg, sizeof(msg),
		"mini-kvm: seccomp: forbidden system call %d; a bug in mini-kvm (or an attack): rerun with --no-seccomp to debug\n",
		info->si_syscall);
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n);
	_exit(MKVM_EXIT_VMM_ERROR);
}

int seccomp_install(void)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forbidden;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);

	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (!ctx)
		goto fail;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (size_t i = 0; i < sizeof(allowed_ioctls) / sizeof(allowed_ioctls[0]) && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1(SCMP_CMP_EQ, allowed_ioctls[i]));
	if (!rc)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (!rc)
		return 0;
	errno = -rc;
fail:
	fprintf(stderr, "mini-kvm: cannot install the seccomp filter: %s; use --no-seccomp\n",
		strerror(errno));
	return -1;
}
