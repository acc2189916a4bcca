/* SPDX-License-Identifier: MIT */
#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "input.h"
#include "mkvm/abi.h"
#include "seccomp_bpf.h" /* generated from seccomp_policy.h by tools/seccomp-gen.c */

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

int seccomp_install(bool gdb)
{
	/* The BPF program was compiled at build time: loading it is two
	 * prctl calls, not a run of libseccomp's compiler (~0.6 ms). */
	struct sock_fprog prog = {
		.len = gdb ? sizeof(mkvm_seccomp_gdb_bpf) / sizeof(mkvm_seccomp_gdb_bpf[0])
			   : sizeof(mkvm_seccomp_bpf) / sizeof(mkvm_seccomp_bpf[0]),
		.filter = (struct sock_filter *)(gdb ? mkvm_seccomp_gdb_bpf : mkvm_seccomp_bpf),
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forbidden;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSYS, &sa, NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		fprintf(stderr,
			"mini-kvm: cannot install the seccomp filter: %s; use --no-seccomp\n",
			strerror(errno));
		return -1;
	}
	return 0;
}
