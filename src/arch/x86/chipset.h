/* SPDX-License-Identifier: MIT */
/*
 * The PC profile's chipset, all inside KVM: the 8259 PICs, the IOAPIC, a
 * LAPIC per vCPU (KVM_CREATE_IRQCHIP) and the 8254 PIT (KVM_CREATE_PIT2).
 * Must be created before the vCPUs.
 */
#ifndef MKVM_X86_CHIPSET_H
#define MKVM_X86_CHIPSET_H

/* 0, or -1 with a message on stderr naming @name. */
int x86_create_chipset(int vm_fd, const char *name);

/* Drives interrupt line @irq (ISA numbering: PIC and IOAPIC) to @level. */
int x86_irq_line(int vm_fd, unsigned irq, int level);

#endif
