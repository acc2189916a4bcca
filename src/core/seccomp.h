/* SPDX-License-Identifier: MIT */
/*
 * The system-call allow-list.  Installed after set-up (files read, memory
 * mapped, VMs and vCPUs created), before the input and vCPU threads start,
 * so every thread runs under it.  A forbidden call ends mini-kvm with a
 * message naming the call and status 125.  --no-seccomp skips it.
 */
#ifndef MKVM_SECCOMP_H
#define MKVM_SECCOMP_H

#include <stdbool.h>

/* 0, or -1 with a message on stderr.  @gdb: the list with the --gdb
 * server's additions (docs/security.md). */
int seccomp_install(bool gdb);

#endif
