/* SPDX-License-Identifier: MIT */
/* A vCPU: KVM_RUN in a loop, each exit handed to the device bus. */
#ifndef MKVM_VCPU_H
#define MKVM_VCPU_H

#include <signal.h>
#include <stdbool.h>

#include "vm.h"

/* Installs the SIGUSR1 handler used to kick vCPUs out of KVM_RUN. */
void vcpu_signals_init(void);

/* Makes the calling thread's KVM_RUN return (async-signal-safe). */
void vcpu_kick_self(void);

/*
 * Starts a thread for each vCPU of @vm; @hooks (kept) say what to do after
 * a kick and on the last vCPU to end.  With @here, vCPU 0 gets no thread:
 * the caller runs it with vcpu_run().  Negative errno if a thread cannot
 * start.
 */
int vcpu_start(struct vm *vm, const struct vcpu_hooks *hooks, bool here);

/* Any thread: sets @req (VCPU_REQ_*) for @c and kicks it out of KVM_RUN;
 * its own loop acts on it. */
void vcpu_request(struct vcpu *c, unsigned req);

/* Runs vCPU @c on the calling thread until its guest ends; @unblock is
 * unblocked once kicks can reach it (SIGUSR1 at least). */
void vcpu_run(struct vcpu *c, const sigset_t *unblock);

#endif
