/* SPDX-License-Identifier: MIT */
#include "pc_devices.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*reg)(struct vm *vm);
} pc_devices[] = {
	{"debug-exit", debug_exit_register}, {"POST port", post_port_register},
	{"fw_cfg", fw_cfg_register},	     {"COM1 UART", uart_register},
	{"i8042 keyboard", i8042_register},  /* after the UART: --keyboard listener wins */
	{"ACPI PM", acpi_pm_register},	     /* poweroff for Linux (docs/linux.md) */
	{"virtio-blk", virtio_blk_register}, /* --disk, first guest only */
};

int pc_devices_register(struct vm *vm)
{
	for (size_t i = 0; i < sizeof(pc_devices) / sizeof(pc_devices[0]); i++) {
		int err = pc_devices[i].reg(vm);
		if (err) {
			fprintf(stderr, "mini-kvm: %s: cannot add the %s device: %s\n", vm->name,
				pc_devices[i].name, strerror(-err));
			return -1;
		}
	}
	return 0;
}
