/* SPDX-License-Identifier: MIT */
/*
 * What traps on this KVM: a throw-away real-mode VM (before the seccomp
 * filter) runs three two-byte programs with KVM_SET_GUEST_DEBUG and looks
 * at how each run ends: KVM_EXIT_DEBUG means the feature works, a HLT in
 * the guest's own INT3 handler (or after the instruction) means it does not.
 * Nested KVM inside QEMU's TCG emulation of SVM is where this matters
 * (docs/debugging.md).
 */
#ifndef MKVM_GDB_PROBE_H
#define MKVM_GDB_PROBE_H

#include "core/kvm.h"
#include "kvm_target.h"

/* 0, or -1 if the probe VM cannot be made (then nothing is known to work). */
int gdb_probe(struct kvm *kvm, struct kt_caps *caps);

#endif
