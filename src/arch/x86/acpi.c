/* SPDX-License-Identifier: MIT */
#include "acpi.h"

#include <string.h>

#include "aml.h"
#include "mkvm/abi.h"

/* Where each table goes, relative to ACPI_TABLES_ADDR. */
#define OFF_RSDP 0x000
#define OFF_XSDT 0x040
#define OFF_FACS 0x100 /* 64-byte aligned */
#define OFF_FADT 0x200
#define OFF_DSDT 0x400
#define OFF_MADT 0x800
#define SDT_HDR	 36
#define FADT_LEN 276 /* revision 6 */
#define FACS_LEN 64

static uint8_t checksum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return (uint8_t)-s;
}

/* The 36-byte header of a system description table; checksum later. */
static void sdt_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "MINKVM", 6);
	memcpy(t + 16, "MINIKVM ", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "MKVM", 4);
	put32(t + 32, 1);
}

static void sdt_finish(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* A Generic Address Structure in system I/O space. */
static void gas_io(uint8_t *g, uint8_t bits, uint8_t access, uint16_t port)
{
	g[0] = 1; /* system I/O */
	g[1] = bits;
	g[2] = 0;
	g[3] = access; /* 1 byte, 2 word, 3 dword */
	put64(g + 4, port);
}

uint64_t acpi_build(struct guest_mem *mem, unsigned ncpus, const uint8_t *aml, size_t aml_len)
{
	const uint64_t base = ACPI_TABLES_ADDR;
	uint8_t *a = gmem_ptr(mem, base, ACPI_TABLES_END - ACPI_TABLES_ADDR);
	/* DSDT body: Name (_S5, Package (4) { Zero, Zero, Zero, Zero }) */
	static const uint8_t s5[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
	uint8_t *rsdp, *xsdt, *facs, *fadt, *dsdt, *madt, *e;
	uint32_t len;

	if (!a || ncpus == 0 || ncpus > ACPI_MAX_CPUS || aml_len > ACPI_DSDT_EXTRA_MAX)
		return 0;
	memset(a, 0, ACPI_TABLES_END - ACPI_TABLES_ADDR);
	rsdp = a + OFF_RSDP;
	xsdt = a + OFF_XSDT;
	facs = a + OFF_FACS;
	fadt = a + OFF_FADT;
	dsdt = a + OFF_DSDT;
	madt = a + OFF_MADT;

	/* DSDT */
	len = SDT_HDR + sizeof(s5);
	memcpy(dsdt + SDT_HDR, s5, sizeof(s5));
	if (aml_len)
		memcpy(dsdt + len, aml, aml_len); /* the devices' nodes */
	len += (uint32_t)aml_len;
	sdt_header(dsdt, "DSDT", len, 2);
	sdt_finish(dsdt, len);

	/* FACS (no checksum) */
	memcpy(facs, "FACS", 4);
	put32(facs + 4, FACS_LEN);
	facs[32] = 2; /* version */

	/* FADT */
	sdt_header(fadt, "FACP", FADT_LEN, 6);
	/* FIRMWARE_CTRL stays 0: X_FIRMWARE_CTRL has the FACS. */
	put32(fadt + 40, (uint32_t)(base + OFF_DSDT));
	put16(fadt + 46, ACPI_SCI_IRQ);
	/* SMI_CMD = 0: no SMM, the machine is always in ACPI mode. */
	put32(fadt + 56, ACPI_PM1A_EVT_PORT);
	put32(fadt + 64, ACPI_PM1A_CNT_PORT);
	put32(fadt + 76, ACPI_PM_TMR_PORT);
	fadt[88] = 4;		/* PM1_EVT_LEN */
	fadt[89] = 2;		/* PM1_CNT_LEN */
	fadt[91] = 4;		/* PM_TMR_LEN */
	put16(fadt + 96, 101);	/* P_LVL2_LAT > 100: no C2 */
	put16(fadt + 98, 1001); /* P_LVL3_LAT > 1000: no C3 */
	/* IAPC_BOOT_ARCH: 8042 present, no VGA, no CMOS RTC. */
	put16(fadt + 109, 1u << 1 | 1u << 2 | 1u << 5);
	/* Flags: WBINVD, C1 supported, power and sleep buttons not fixed
	 * features (none exist). */
	put32(fadt + 112, 1u << 0 | 1u << 2 | 1u << 4 | 1u << 5);
	fadt[131] = 0; /* FADT minor version */
	put64(fadt + 132, base + OFF_FACS);
	put64(fadt + 140, base + OFF_DSDT);
	gas_io(fadt + 148, 32, 2, ACPI_PM1A_EVT_PORT);
	gas_io(fadt + 172, 16, 2, ACPI_PM1A_CNT_PORT);
	gas_io(fadt + 208, 32, 3, ACPI_PM_TMR_PORT);
	memcpy(fadt + 268, "MINI-KVM", 8); /* hypervisor vendor identity */
	sdt_finish(fadt, FADT_LEN);

	/* MADT: LAPIC address, PCAT_COMPAT (the 8259s exist: KVM's PIC). */
	e = madt + SDT_HDR + 8;
	put32(madt + SDT_HDR, ACPI_LAPIC_ADDR);
	put32(madt + SDT_HDR + 4, 1);
	for (unsigned i = 0; i < ncpus; i++, e += 8) {
		e[0] = 0; /* processor local APIC */
		e[1] = 8;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC ID = vCPU id */
		put32(e + 4, 1);   /* enabled */
	}
	e[0] = 1; /* I/O APIC */
	e[1] = 12;
	e[2] = (uint8_t)ncpus; /* its ID, after the LAPICs' */
	put32(e + 4, ACPI_IOAPIC_ADDR);
	put32(e + 8, 0); /* GSI base */
	e += 12;
	e[0] = 2; /* interrupt source override: the SCI is level, active high */
	e[1] = 10;
	e[2] = 0; /* ISA */
	e[3] = ACPI_SCI_IRQ;
	put32(e + 4, ACPI_SCI_IRQ);
	put16(e + 8, 0x000d);
	e += 10;
	len = (uint32_t)(e - madt);
	sdt_header(madt, "APIC", len, 3);
	sdt_finish(madt, len);

	/* XSDT: FADT, MADT */
	len = SDT_HDR + 2 * 8;
	sdt_header(xsdt, "XSDT", len, 1);
	put64(xsdt + SDT_HDR, base + OFF_FADT);
	put64(xsdt + SDT_HDR + 8, base + OFF_MADT);
	sdt_finish(xsdt, len);

	/* RSDP (ACPI 2.0+) */
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "MINKVM", 6);
	rsdp[15] = 2;
	put32(rsdp + 20, 36);
	put64(rsdp + 24, base + OFF_XSDT);
	rsdp[8] = checksum(rsdp, 20);
	rsdp[32] = checksum(rsdp, 36);
	return base + OFF_RSDP;
}
