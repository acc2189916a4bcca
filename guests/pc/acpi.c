/* SPDX-License-Identifier: MIT */
/*
 * acpi: what a kernel written for QEMU's -kernel finds of ACPI, found the
 * way firmware-agnostic kernels find it: the RSDP by its signature on a
 * 16-byte boundary in 0xe0000-0xfffff, then the XSDT, the FADT (FACP) with
 * the PM timer and PM1 ports, the FACS, the DSDT and its \_S5 object, the
 * MADT (APIC).  Every checksum is checked.  Then the PM timer must count,
 * and an S5 sleep (SLP_TYP from \_S5 | SLP_EN to PM1a_CNT) must power the
 * machine off: the run ends with status 0 and "acpi: S5" as the last line.
 * Any failure prints what and exits 1.
 */
#include "rt.h"

static const uint8_t *found[2]; /* FACP, APIC */

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static void fail(const char *what)
{
	printf("acpi: FAIL: %s\n", what);
	hc_exit(1);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int sum_ok(const uint8_t *p, uint32_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s == 0;
}

static int sig(const uint8_t *p, const char *s)
{
	return p[0] == s[0] && p[1] == s[1] && p[2] == s[2] && p[3] == s[3];
}

/* A system description table at @a (below 4 GiB: no paging here). */
static const uint8_t *table(uint64_t a, const char *want)
{
	const uint8_t *t = (const uint8_t *)(uint32_t)a;

	if (a == 0 || a >> 32)
		fail("table address 0 or above 4 GiB");
	if (want && !sig(t, want))
		fail(want);
	if (!sum_ok(t, rd32(t + 4)))
		fail("table checksum");
	return t;
}

int kmain(uint32_t magic, const uint32_t *info)
{
	const uint8_t *rsdp = 0, *xsdt, *fadt, *dsdt, *facs;
	uint32_t pm_tmr, pm1a_cnt, t0, t1, n;
	int s5 = -1;

	(void)magic;
	(void)info;
	for (uint32_t a = 0xe0000; a < 0x100000 && !rsdp; a += 16) {
		const uint8_t *p = (const uint8_t *)a;
		if (sig(p, "RSD ") && sig(p + 4, "PTR ") && sum_ok(p, 20))
			rsdp = p;
	}
	if (!rsdp)
		fail("no RSDP in 0xe0000-0xfffff");
	if (rsdp[15] < 2 || !sum_ok(rsdp, rd32(rsdp + 20)))
		fail("RSDP revision 2 with the extended checksum");
	printf("acpi: RSDP at 0x%x, revision %u\n", (uint32_t)rsdp, rsdp[15]);
	xsdt = table(rd32(rsdp + 24) | (uint64_t)rd32(rsdp + 28) << 32, "XSDT");
	n = (rd32(xsdt + 4) - 36) / 8;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *t =
			table(rd32(xsdt + 36 + 8 * i) | (uint64_t)rd32(xsdt + 40 + 8 * i) << 32, 0);
		if (sig(t, "FACP"))
			found[0] = t;
		else if (sig(t, "APIC"))
			found[1] = t;
		printf("acpi: XSDT entry %c%c%c%c\n", t[0], t[1], t[2], t[3]);
	}
	if (!found[0] || !found[1])
		fail("XSDT lists no FACP or no APIC");
	fadt = found[0];
	pm1a_cnt = rd32(fadt + 64);
	pm_tmr = rd32(fadt + 76);
	printf("acpi: FADT PM1a_EVT 0x%x PM1a_CNT 0x%x PM_TMR 0x%x\n", rd32(fadt + 56), pm1a_cnt,
	       pm_tmr);
	facs = (const uint8_t *)(rd32(fadt + 132) ? rd32(fadt + 132) : rd32(fadt + 36));
	if (!sig(facs, "FACS") || rd32(facs + 4) < 64)
		fail("FACS");
	dsdt = table(rd32(fadt + 140) ? rd32(fadt + 140) : rd32(fadt + 40), "DSDT");
	/* \_S5: NameOp '_S5_' PackageOp PkgLength NumElements, then the first
	 * element (SLP_TYP for PM1a): ZeroOp, OneOp or BytePrefix n. */
	for (uint32_t i = 36; i + 8 < rd32(dsdt + 4); i++)
		if (dsdt[i] == 0x08 && sig(dsdt + i + 1, "_S5_") && dsdt[i + 5] == 0x12) {
			const uint8_t *e = dsdt + i + 8;
			s5 = e[0] == 0x0a ? e[1] : e[0] == 0x01 ? 1 : 0;
		}
	if (s5 < 0)
		fail("no \\_S5 in the DSDT");
	printf("acpi: FACS ok, DSDT \\_S5 SLP_TYP %d, MADT %u bytes\n", s5, rd32(found[1] + 4));
	t0 = inl((uint16_t)pm_tmr) & 0xffffff;
	for (volatile int i = 0; i < 100000; i++)
		;
	t1 = inl((uint16_t)pm_tmr) & 0xffffff;
	if (t1 == t0)
		fail("the PM timer does not count");
	printf("acpi: PM timer counts; S5\n");
	outw((uint16_t)pm1a_cnt, (uint16_t)((s5 & 7) << 10 | 1 << 13)); /* SLP_TYP | SLP_EN */
	fail("still running after S5");
	return 1;
}
