/* SPDX-License-Identifier: MIT */
/*
 * fuzz_pc_devices: every PC-only device of the table (src/devices/devices.def)
 * as devices_create puts them on a VM's I/O bus (debug-exit, POST,
 * fw_cfg, COM1 UART, i8042), under port access sequences that hop between
 * them: ports near each registered range or any 16-bit port, widths 1/2/4,
 * in/out.  Checks the bus-level contract of every access (fuzz.h fuzz_pio:
 * no device -> IO_UNHANDLED and 0xff; IO_STOP -> the end is decided), the
 * fake KVM's IRQ line checks, and ASan/UBSan.  The per-device oracles are
 * in fuzz_fw_cfg, fuzz_uart and fuzz_i8042.
 */
#include "fuzz.h"

#include "devices/devices.h"

static struct vm vm;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_stdout();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};

	fuzz_vm_init(&vm, PROFILE_PC, 1 + fdp_u8(&f) % 4);
	vm.mem.size = 16ull << 20; /* only fw_cfg reads it */
	for (size_t i = 0; i < device_count; i++)
		if (device_table[i]->profiles == DEV_PC_ONLY)
			FUZZ_CHECK(vm_add_device(&vm, device_table[i]) == 0, "%s",
				   device_table[i]->name);
	FUZZ_CHECK(vm.pio.n >= 5, "only %u ranges registered", vm.pio.n);

	while (f.n) {
		uint8_t op = fdp_u8(&f);
		uint16_t port;
		uint8_t buf[8];

		if (op & 0x80) {
			port = fdp_u16(&f);
		} else {
			const struct bus_range *r = &vm.pio.r[fdp_u8(&f) % vm.pio.n];
			port = (uint16_t)(r->base + (op & 0x0f) % (r->len + 2) - 1);
		}
		for (unsigned i = 0; i < 8; i++)
			buf[i] = fdp_u8(&f);
		if (fuzz_pio(&vm, port, op & 0x10, 1u << ((op >> 5) % 3), buf) == IO_STOP)
			fuzz_vm_restart(&vm);
	}
	console_finish(&vm.con);
	vm_free_devices(&vm);
	return 0;
}
