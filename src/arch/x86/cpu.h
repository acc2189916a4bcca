/* SPDX-License-Identifier: MIT */
/* x86 vCPU set-up for each start mode, and the register dump for crashes. */
#ifndef MKVM_X86_CPU_H
#define MKVM_X86_CPU_H

#include <stddef.h>
#include <stdint.h>

/* Real mode, all segments 0 (flat), IP = @entry, SP = @stack, IF = 0. */
int x86_setup_real_mode(int vcpu_fd, uint16_t entry, uint16_t stack);

/* Writes rip, rsp, rflags, cs/ds/ss (selector and base), cr0, cr3, cr4 and
 * efer as text into @buf (always NUL-terminated). */
void x86_dump_regs(int vcpu_fd, char *buf, size_t size);

#endif
