/* SPDX-License-Identifier: MIT */
/*
 * QEMU's fw_cfg, port interface (src/devices/fw_cfg.c), apart from the VM:
 * a model of the RAM size and CPU count it reports.  fw_cfg_device
 * (devices.def) puts one on a VM's ports 0x510/0x511.
 */
#ifndef MKVM_FW_CFG_H
#define MKVM_FW_CFG_H

#include <stdint.h>

#include "core/bus.h"

struct fw_cfg;

/* A fw_cfg in its reset state reporting @ram_size bytes and @cpus CPUs;
 * NULL if out of memory. */
struct fw_cfg *fw_cfg_create(uint64_t ram_size, uint16_t cpus);
void fw_cfg_destroy(void *f);

/* The bus handler: offset 0 selector (write), offset 1 data (read). */
enum io_result fw_cfg_io(void *f, struct io_access *a);

#endif
