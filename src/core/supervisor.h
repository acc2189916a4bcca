/* SPDX-License-Identifier: MIT */
/*
 * The supervisor: --timeout, SIGINT/SIGTERM/SIGHUP, Ctrl-A x, and partial
 * lines (prompts) that have waited too long.  It runs on a thread of its own
 * and sleeps in sigtimedwait(); vCPUs hear from it through kicks (SIGUSR1).
 *
 * The main thread runs the first guest's first vCPU itself.  A single guest
 * with one vCPU and no --timeout starts without the supervisor thread (a
 * short run such as hello never needs one): it is started on demand, by the
 * main thread, when the run lasts SUPERVISOR_LAZY_MS, when a signal arrives,
 * or before the main thread may block (waiting for input, or an interrupted
 * write to a slow stdout).  Until then the main thread takes those signals
 * with handlers that only kick its own KVM_RUN.
 *
 * The supervisor is the only core file that knows the others: the vCPU
 * loop, the console and the input learn what to do through the hooks main
 * gives them at set-up (supervisor_wanted, supervisor_quit) and through the
 * per-vCPU request mask (vcpu_request()); nothing calls back up here.
 */
#ifndef MKVM_SUPERVISOR_H
#define MKVM_SUPERVISOR_H

#include <signal.h>

#include "vm.h"

#define SUPERVISOR_LAZY_MS 100

/* On the main thread, before any other thread exists. */
void supervisor_init(void);

/* After the guests are set up, before the seccomp filter: decides whether
 * the supervisor can wait (see above) and arms the timer that ends that. */
void supervisor_prepare(struct vm *vms, int n, double timeout);

/* On the main thread, just before it runs its vCPU: @started guests have
 * vCPUs.  Starts the supervisor thread, or leaves the signals to the main
 * thread until it is needed; fills @unblock with what the main thread's
 * vCPU loop must unblock.  Negative errno if the thread cannot start. */
int supervisor_begin(int started, sigset_t *unblock);

/* Any thread: the supervisor is needed now.  Acts only on the main thread
 * while the supervisor waits to be started; a no-op elsewhere. */
void supervisor_wanted(void);

/* A guest has ended (any thread, once per guest). */
void supervisor_guest_ended(void);

/* Ctrl-A x was typed (input thread). */
void supervisor_quit(void);

/* A VMM failure while starting: ends every prepared guest with @status. */
void supervisor_stop_all(int status, const char *why);

/* On the main thread once its vCPU is done: waits until every guest has
 * ended and the supervisor thread, if it ever started, is gone. */
void supervisor_end(void);

#endif
