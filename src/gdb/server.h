/* SPDX-License-Identifier: MIT */
/*
 * --gdb: the listening socket (tcp:HOST:PORT, loopback unless
 * --gdb-allow-remote, or unix:PATH) and the thread that serves one gdb at a
 * time for the first guest.  Nothing of this runs without --gdb: the vCPU
 * loop then gets no debug hooks.
 */
#ifndef MKVM_GDB_SERVER_H
#define MKVM_GDB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/kvm.h"
#include "core/vm.h"

/* Parses @addr and listens on it (before the seccomp filter); 0, or -1
 * with one line in @err naming the value and what to do (a usage error). */
int gdb_server_listen(const char *addr, bool allow_remote, char *err, size_t errlen);

/* Probes what traps on this KVM and takes @vm as the debugged guest; with
 * @wait its vCPUs stop before their first instruction.  @kill ends the run
 * (gdb's k).  0, or -1 with a message on stderr. */
int gdb_server_prepare(struct vm *vm, struct kvm *kvm, bool wait,
		       void (*kill)(int status, const char *why));

/* The vCPU hooks of the debugged guest: @base's, plus parking and debug exits. */
const struct vcpu_hooks *gdb_server_hooks(const struct vcpu_hooks *base);

/* Starts the server thread (after the seccomp filter); 0 or -errno. */
int gdb_server_start(void);

/* Ends the server thread once the guest is over; removes a unix socket. */
void gdb_server_stop(void);

#endif
