/* SPDX-License-Identifier: MIT */
/* The devices of the PC profile, registered on a VM's buses in one place. */
#ifndef MKVM_PC_DEVICES_H
#define MKVM_PC_DEVICES_H

#include "core/vm.h"

/* Registers every PC-profile device on @vm. 0, or -1 with a message. */
int pc_devices_register(struct vm *vm);

/* Each device's own registration (src/devices/<device>.c). 0 or -errno. */
int debug_exit_register(struct vm *vm);
int post_port_register(struct vm *vm);
int fw_cfg_register(struct vm *vm);
int i8042_register(struct vm *vm);	/* keyboard controller, 0x60/0x64, IRQ1 */
int uart_register(struct vm *vm);	/* COM1: 16550A at 0x3f8, IRQ 4 */
int acpi_pm_register(struct vm *vm);	/* ACPI PM1a and PM timer at 0x600 */
int virtio_blk_register(struct vm *vm); /* --disk: virtio-mmio at 0xfeb00000, IRQ 5 */

#endif
