/* SPDX-License-Identifier: MIT */
/*
 * A minimal ACPI for Linux guests, in [ACPI_TABLES_ADDR, ACPI_TABLES_END):
 * RSDP -> XSDT -> FADT (PM1a event/control blocks and PM timer at the
 * ACPI_* ports of mkvm/abi.h, SCI on IRQ 9, FACS, DSDT) and MADT (one
 * local APIC per vCPU, the IOAPIC at 0xfec00000, the SCI override).  The
 * DSDT holds the \_S5 package, so that `poweroff` works (Linux writes
 * SLP_TYP|SLP_EN to PM1a_CNT and src/devices/acpi_pm.c ends the run), and
 * the virtio-mmio disk when there is one.
 * IRQ routing is KVM's default (ISA IRQ n -> IOAPIC pin n): no override
 * for IRQ 0.
 */
#ifndef MKVM_X86_ACPI_H
#define MKVM_X86_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/guest_mem.h"

#define ACPI_IOAPIC_ADDR 0xfec00000u
#define ACPI_LAPIC_ADDR	 0xfee00000u
#define ACPI_MAX_CPUS	 64

/* Writes the tables for @ncpus vCPUs (and the virtio-mmio disk as an
 * ACPI device, HID LNRO0005, if @virtio_blk); returns the RSDP's
 * guest-physical address, or 0 if they do not fit (@ncpus too large,
 * memory too small). */
uint64_t acpi_build(struct guest_mem *mem, unsigned ncpus, bool virtio_blk);

#endif
