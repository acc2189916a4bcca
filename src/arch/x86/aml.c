/* SPDX-License-Identifier: MIT */
#include "aml.h"

#include <string.h>

size_t aml_pkglen(uint8_t *p, size_t n)
{
	if (n + 1 < 64) {
		p[0] = (uint8_t)(n + 1);
		return 1;
	}
	n += 2; /* < 4096 here */
	p[0] = (uint8_t)(0x40 | (n & 0xf));
	p[1] = (uint8_t)(n >> 4);
	return 2;
}

size_t aml_mmio_device(uint8_t *p, size_t cap, const char *name4, const char *hid, uint32_t addr,
		       uint32_t len, uint32_t irq)
{
	uint8_t res[23], dev[96], devop[128], *d = dev, *q = devop;
	size_t n = 0, dn, qn;

	if (strlen(name4) != 4 || strlen(hid) != 8)
		return 0;
	/* Memory32Fixed, Extended Interrupt, End tag. */
	res[0] = 0x86;
	put16(res + 1, 9);
	res[3] = 1; /* read-write */
	put32(res + 4, addr);
	put32(res + 8, len);
	res[12] = 0x89;
	put16(res + 13, 6);
	res[15] = 0x01; /* consumer, level, active high, exclusive */
	res[16] = 1;
	put32(res + 17, irq);
	res[21] = 0x79;
	res[22] = 0;

	memcpy(d, "\x08_HID\x0d", 6); /* Name (_HID, String) with the string's NUL */
	memcpy(d + 6, hid, 9);
	d += 15;
	memcpy(d, "\x08_UID\x00", 6);
	d += 6;
	memcpy(d, "\x08_CRS\x11", 6);
	d += 6;
	d += aml_pkglen(d, 2 + sizeof(res));
	*d++ = 0x0a; /* BufferSize: ByteConst */
	*d++ = sizeof(res);
	memcpy(d, res, sizeof(res));
	d += sizeof(res);
	dn = (size_t)(d - dev);

	/* Device (name4) { dev } */
	*q++ = 0x5b;
	*q++ = 0x82;
	q += aml_pkglen(q, 4 + dn);
	memcpy(q, name4, 4);
	q += 4;
	memcpy(q, dev, dn);
	q += dn;
	qn = (size_t)(q - devop);

	/* Scope (\_SB) { ... }: at most 1 + 2 + 5 + qn bytes */
	if (cap < 8 + qn)
		return 0;
	p[n++] = 0x10;
	n += aml_pkglen(p + n, 5 + qn);
	memcpy(p + n, "\\_SB_", 5);
	n += 5;
	memcpy(p + n, devop, qn);
	n += qn;
	return n;
}
