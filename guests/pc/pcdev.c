/* SPDX-License-Identifier: MIT */
/*
 * pcdev: the small PC-profile devices.  Reads the fw_cfg signature, RAM size
 * and CPU count, writes two boot-progress codes to port 0x80, then ends
 * through QEMU's debug-exit at 0xf4 with the value 0x10 (status 0x21).
 */
#include "rt.h"

static void fw_cfg_select(uint16_t key)
{
	__asm__ volatile("outw %0, %1" : : "a"(key), "Nd"((uint16_t)FW_CFG_PORT));
}

static void fw_cfg_read(void *buf, uint32_t n)
{
	uint8_t *p = buf;
	while (n--)
		*p++ = inb(FW_CFG_PORT + 1);
}

int kmain(void)
{
	char sig[5] = {0};
	uint32_t ram[2], cpus = 0;

	fw_cfg_select(0x00);
	fw_cfg_read(sig, 4);
	fw_cfg_select(0x03);
	fw_cfg_read(ram, 8);
	fw_cfg_select(0x05);
	fw_cfg_read(&cpus, 2);
	printf("pcdev: fw_cfg signature %s, ram %u MiB, %u cpus\n", sig, ram[0] >> 20, cpus);
	outb(POST_PORT, 0x11);
	outb(POST_PORT, 0x22);
	outl(DEBUG_EXIT_PORT, 0x10);
	printf("pcdev: debug-exit did not end the run\n");
	return 1;
}
