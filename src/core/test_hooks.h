/* SPDX-License-Identifier: MIT */
/*
 * Hooks for the end-to-end tests, switched on by environment variables
 * (tests/e2e/hostile.bats, terminal.bats), run once everything is set up
 * and just before the guests start:
 *
 *   MKVM_TEST_FORBIDDEN_SYSCALL  makes a system call the seccomp filter
 *                                forbids: the filter must kill mini-kvm
 *   MKVM_TEST_CRASH              crashes mini-kvm (SIGSEGV): the terminal
 *                                must still be restored
 */
#ifndef MKVM_TEST_HOOKS_H
#define MKVM_TEST_HOOKS_H

#include <stdbool.h>

/* @seccomp: the filter is installed. */
void test_hooks_run(bool seccomp);

#endif
