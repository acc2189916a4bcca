/* SPDX-License-Identifier: MIT */
/*
 * ACPI fixed hardware for the tables of src/arch/x86/acpi.c, at the
 * ACPI_* ports of mkvm/abi.h:
 *
 *   0x600  PM1a_STS  (16 bit) reads 0, writes (write-1-to-clear) ignored
 *   0x602  PM1a_EN   (16 bit) kept, no event is ever raised
 *   0x604  PM1a_CNT  (16 bit) SCI_EN always reads 1 (no SMM: always ACPI
 *                    mode); SLP_EN with SLP_TYP = the \_S5 value powers
 *                    off: the run ends with status 0.  Other sleep types
 *                    (there are none in the DSDT) are ignored.
 *   0x608  PM_TMR    (32 bit) 24-bit counter at 3.579545 MHz
 *
 * The SCI (IRQ 9) is never raised.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/device.h"
#include "core/vm.h"
#include "mkvm/abi.h"

#define PM1_SCI_EN  0x0001
#define PM1_SLP_TYP 0x1c00
#define PM1_SLP_EN  0x2000
#define PM_TMR_HZ   3579545ull

struct acpi_pm {
	struct vm *vm;
	uint8_t regs[8]; /* STS (always 0), EN, CNT, (pad) */
};

static uint32_t pm_timer(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint32_t)(((uint64_t)t.tv_sec * PM_TMR_HZ +
			   (uint64_t)t.tv_nsec * PM_TMR_HZ / 1000000000ull) &
			  0xffffff);
}

static enum io_result acpi_pm_io(void *opaque, struct io_access *a)
{
	struct acpi_pm *pm = opaque;
	uint64_t off = a->offset;

	if (!a->is_write) {
		for (unsigned i = 0; i < a->size; i++) {
			uint64_t o = off + i;
			uint64_t t = o - (ACPI_PM_TMR_PORT - ACPI_PM1A_EVT_PORT);
			if (o >= ACPI_PM_TMR_PORT - ACPI_PM1A_EVT_PORT)
				/* 4 timer bytes; an access running past them reads ones */
				a->data[i] = t < 4 ? (uint8_t)(pm_timer() >> (8 * t)) : 0xff;
			else if (o < 2)
				a->data[i] = 0; /* PM1a_STS: nothing pending */
			else
				a->data[i] = pm->regs[o];
		}
		return IO_DONE;
	}
	for (unsigned i = 0; i < a->size; i++)
		if (off + i >= 2 && off + i < 6)
			pm->regs[off + i] = a->data[i];
	pm->regs[4] |= PM1_SCI_EN;
	if (off < 6 && off + a->size > 4) {
		uint16_t cnt = (uint16_t)(pm->regs[4] | pm->regs[5] << 8);
		if ((cnt & PM1_SLP_EN) && ((cnt & PM1_SLP_TYP) >> 10) == ACPI_S5_SLP_TYP) {
			vm_dev_end(pm->vm, 0, NULL);
			return IO_STOP;
		}
		pm->regs[5] &= (uint8_t) ~(PM1_SLP_EN >> 8); /* SLP_EN reads as 0 */
	}
	return IO_DONE;
}

static void acpi_pm_reset(void *dev)
{
	struct acpi_pm *pm = dev;

	memset(pm->regs, 0, sizeof(pm->regs));
	pm->regs[4] = PM1_SCI_EN;
}

/* PM1a_EN and PM1a_CNT; STS is always 0 and the timer is the host clock. */
static int acpi_pm_save(void *dev, struct state_w *w)
{
	const struct acpi_pm *pm = dev;

	st_begin(w, "APM1", 1);
	st_u16(w, (uint16_t)(pm->regs[2] | pm->regs[3] << 8));
	st_u16(w, (uint16_t)(pm->regs[4] | pm->regs[5] << 8));
	return st_end(w);
}

static int acpi_pm_load(void *dev, struct state_r *r)
{
	struct acpi_pm *pm = dev;
	uint16_t en, cnt;

	st_open(r, "APM1", 1);
	en = st_get16(r);
	cnt = st_get16(r);
	if (st_close(r) < 0)
		return -1;
	/* As a guest write leaves them: SCI_EN set, SLP_EN reading 0. */
	cnt = (uint16_t)((cnt | PM1_SCI_EN) & ~PM1_SLP_EN);
	pm->regs[2] = (uint8_t)en;
	pm->regs[3] = (uint8_t)(en >> 8);
	pm->regs[4] = (uint8_t)cnt;
	pm->regs[5] = (uint8_t)(cnt >> 8);
	return 0;
}

static void *acpi_pm_create(struct vm *vm, int *err)
{
	struct acpi_pm *pm = calloc(1, sizeof(*pm));

	if (!pm) {
		*err = -ENOMEM;
		return NULL;
	}
	pm->vm = vm;
	acpi_pm_reset(pm);
	*err = bus_register(&vm->pio, ACPI_PM1A_EVT_PORT, ACPI_PM_PORTS, "acpi-pm", acpi_pm_io, pm);
	if (*err) {
		free(pm);
		return NULL;
	}
	return pm;
}

const struct device_type acpi_pm_device = {
	.name = "ACPI PM",
	.profiles = DEV_PC_ONLY,
	.create = acpi_pm_create,
	.save = acpi_pm_save,
	.load = acpi_pm_load,
	.reset = acpi_pm_reset,
	.destroy = free,
};
