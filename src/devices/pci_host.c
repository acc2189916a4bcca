/* SPDX-License-Identifier: MIT */
/*
 * The smallest PCI a kernel accepts: configuration mechanism #1 at
 * 0xcf8 (CONFIG_ADDRESS, 32-bit) and 0xcfc-0xcff (CONFIG_DATA), and one
 * device, a host bridge at 00:00.0 with no BARs and no interrupt.  Every
 * other bus, device and function reads as absent (all ones).
 *
 * Why: without it Linux finds no config access method and prints "PCI:
 * Fatal: No config space access function found" on every boot.  With it,
 * its type-1 check (read-back of 0x80000000, then a host-bridge class at
 * 00:00.0) passes, the scan of bus 0 finds the bridge alone, and nothing
 * else probes.  The command-line fragment "pci=noearly" keeps the kernel's
 * early direct scans away (early quirks on bus 0 and, on AMD families
 * 0fh/10h/15h such as the nested sandbox's CPU, the GART aperture search
 * over all 256 buses, twice: 33,000 exits for a machine with one device).
 * docs/machine.md.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/vm.h"
#include "mkvm/abi.h"

#define CFG_ENABLE   0x80000000u
#define CFG_BDF_MASK 0x00ffff00u /* bus, device, function */
#define CFG_REG_MASK 0x000000fcu

/* CONFIG_ADDRESS as written (bits 1:0 read as 0).  Atomic, not locked:
 * vCPUs may race on it (Linux itself serialises config accesses), and a
 * stale value can only select another function to read. */
struct pci_host {
	_Atomic uint32_t addr;
};

/* Configuration space of the host bridge: byte @off (0..255).  Command,
 * status, revision, header type (0), BIST and everything past 0x0b: 0. */
static uint8_t bridge_cfg(unsigned off)
{
	static const uint8_t hdr[16] = {
		[0x00] = PCI_HOST_VENDOR & 0xff,
		[0x01] = PCI_HOST_VENDOR >> 8,
		[0x02] = PCI_HOST_DEVICE & 0xff,
		[0x03] = PCI_HOST_DEVICE >> 8,
		[0x0b] = 0x06, /* class 06 (bridge), subclass 00 (host), prog-if 00 */
	};

	return off < sizeof(hdr) ? hdr[off] : 0;
}

static enum io_result pci_host_io(void *opaque, struct io_access *a)
{
	struct pci_host *p = opaque;
	uint32_t addr;
	bool bridge;

	if (a->offset < 4) { /* CONFIG_ADDRESS: whole 32-bit accesses only */
		bool whole = a->offset == 0 && a->size == 4;
		if (a->is_write && whole) {
			addr = (uint32_t)a->data[0] | (uint32_t)a->data[1] << 8 |
			       (uint32_t)a->data[2] << 16 | (uint32_t)a->data[3] << 24;
			atomic_store_explicit(&p->addr, addr & ~3u, memory_order_relaxed);
		} else if (!a->is_write) {
			addr = atomic_load_explicit(&p->addr, memory_order_relaxed);
			for (unsigned i = 0; i < a->size; i++)
				a->data[i] = whole ? (uint8_t)(addr >> (8 * i)) : 0xff;
		}
		return IO_DONE;
	}
	if (a->is_write) /* the bridge has nothing writable */
		return IO_DONE;
	addr = atomic_load_explicit(&p->addr, memory_order_relaxed);
	bridge = (addr & CFG_ENABLE) && (addr & CFG_BDF_MASK) == 0;
	for (unsigned i = 0; i < a->size; i++) {
		uint64_t off = (addr & CFG_REG_MASK) + (a->offset - 4) + i;
		a->data[i] = bridge && off < 256 ? bridge_cfg((unsigned)off) : 0xff;
	}
	return IO_DONE;
}

static void *pci_host_create(struct vm *vm, int *err)
{
	struct pci_host *p = calloc(1, sizeof(*p));

	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = bus_register(&vm->pio, PCI_CONFIG_PORT, 8, "PCI config", pci_host_io, p);
	if (*err) {
		free(p);
		return NULL;
	}
	return p;
}

static int pci_host_cmdline(void *dev, char *buf, size_t len)
{
	static const char frag[] = "pci=noearly";

	(void)dev;
	if (len < sizeof(frag))
		return -1;
	memcpy(buf, frag, sizeof(frag));
	return (int)sizeof(frag) - 1;
}

static int pci_host_save(void *dev, struct state_w *w)
{
	const struct pci_host *p = dev;

	st_begin(w, "PCIH", 1);
	st_u32(w, atomic_load(&p->addr));
	return st_end(w);
}

/* Any address is one a guest could have written, but bits 1:0 read 0. */
static int pci_host_load(void *dev, struct state_r *r)
{
	struct pci_host *p = dev;
	uint32_t addr;

	st_open(r, "PCIH", 1);
	addr = st_get32(r);
	if (st_close(r) < 0 || (addr & 3))
		return -1;
	atomic_store(&p->addr, addr);
	return 0;
}

static void pci_host_reset(void *dev)
{
	atomic_store(&((struct pci_host *)dev)->addr, 0);
}

const struct device_type pci_host_device = {
	.name = "PCI host bridge",
	.profiles = DEV_PC_ONLY,
	.create = pci_host_create,
	.cmdline = pci_host_cmdline,
	.save = pci_host_save,
	.load = pci_host_load,
	.reset = pci_host_reset,
	.destroy = free,
};
