/* SPDX-License-Identifier: MIT */
/*
 * A minimal ACPI for Linux guests, in [ACPI_TABLES_ADDR, ACPI_TABLES_END):
 * RSDP -> XSDT -> FADT (PM1a event/control blocks and PM timer at the
 * ACPI_* ports of mkvm/abi.h, SCI on IRQ 9, FACS, DSDT) and MADT (one
 * local APIC per vCPU, the IOAPIC at 0xfec00000, the SCI override).  The
 * DSDT holds the \_S5 package, so that `poweroff` works (Linux writes
 * SLP_TYP|SLP_EN to PM1a_CNT and src/devices/acpi_pm.c ends the run), and
 * the devices' own nodes (their device_type acpi hooks: the virtio-mmio
 * disk when there is one).
 * IRQ routing is KVM's default (ISA IRQ n -> IOAPIC pin n): no override
 * for IRQ 0.
 */
#ifndef MKVM_X86_ACPI_H
#define MKVM_X86_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include "core/guest_mem.h"

#define ACPI_IOAPIC_ADDR    0xfec00000u
#define ACPI_LAPIC_ADDR	    0xfee00000u
#define ACPI_MAX_CPUS	    64
#define ACPI_DSDT_EXTRA_MAX 0x380 /* device nodes: the DSDT ends at the MADT */

/* Writes the tables for @ncpus vCPUs with the @aml_len bytes of device
 * nodes at @aml in the DSDT; returns the RSDP's guest-physical address,
 * or 0 if they do not fit (@ncpus too large, memory too small, too much
 * AML). */
uint64_t acpi_build(struct guest_mem *mem, unsigned ncpus, const uint8_t *aml, size_t aml_len);

#endif
