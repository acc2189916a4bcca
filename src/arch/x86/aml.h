/* SPDX-License-Identifier: MIT */
/*
 * Little-endian table fields and the few AML (ACPI Machine Language)
 * constructs mini-kvm writes: ACPI tables (acpi.c) and the DSDT nodes of
 * devices (their device_type acpi hooks).
 */
#ifndef MKVM_X86_AML_H
#define MKVM_X86_AML_H

#include <stddef.h>
#include <stdint.h>

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* AML PkgLength for a package whose contents (after the PkgLength) are
 * @n bytes (< 4096): writes 1 or 2 bytes at @p, returns how many. */
size_t aml_pkglen(uint8_t *p, size_t n);

/*
 * An MMIO device with one level-triggered interrupt, as a DSDT node:
 *
 *   Scope (\_SB) { Device (@name4) {
 *       Name (_HID, @hid)  Name (_UID, Zero)
 *       Name (_CRS, ResourceTemplate () {
 *           Memory32Fixed (ReadWrite, @addr, @len)
 *           Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { @irq }
 *       }) } }
 *
 * @hid has 8 characters.  Returns the length written at @p (at most 128
 * bytes), or 0 if @cap is smaller.
 */
size_t aml_mmio_device(uint8_t *p, size_t cap, const char *name4, const char *hid, uint32_t addr,
		       uint32_t len, uint32_t irq);

#endif
