/* SPDX-License-Identifier: MIT */
#include "test_hooks.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

void test_hooks_run(bool seccomp)
{
	if (getenv("MKVM_TEST_FORBIDDEN_SYSCALL") && seccomp)
		(void)!getppid();
	if (getenv("MKVM_TEST_CRASH"))
		raise(SIGSEGV);
}
