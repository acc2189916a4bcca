/* SPDX-License-Identifier: MIT */
/*
 * fuzz_i8042: the keyboard controller (src/devices/i8042.c) registered on a
 * VM's I/O bus by its device_type (i8042_device), under sequences of port accesses to 0x60
 * (data) and 0x64 (status/command), biased towards the controller and
 * keyboard commands (0x20..0x7f RAM, 0xa4..0xe0, 0xd1..0xd4, 0xf0..0xff,
 * keyboard 0xed/0xf0/0xf2..0xff).  The IRQ lines go through the fake
 * KVM_IRQ_LINE of fuzz.h.  Checks: only IRQ1 and IRQ12 driven, each call a
 * change of level; status always has the "not locked" bit; IO_STOP only for
 * a reset (status 0); no sanitizer report.  No stdin (--keyboard needs the
 * process-global input thread).
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

static const uint8_t bytes[] = {0x20, 0x60, 0xa4, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xad, 0xae,
				0xc0, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xe0, 0xed, 0xee, 0xf0,
				0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xfe, 0xff, 0x00, 0x01, 0x03};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	int level[FAKE_IRQS];

	fuzz_vm_init(&vm, PROFILE_PC, 1);
	FUZZ_CHECK(vm_add_device(&vm, &i8042_device) == 0, "i8042_device");
	memcpy(level, fake_kvm.level, sizeof(level));

	while (f.n) {
		uint8_t op = fdp_u8(&f);
		uint16_t port = (op & 0x40) ? (uint16_t)(0x5e + fdp_u8(&f) % 8)
				: (op & 1)  ? 0x64
					    : 0x60;
		bool write = op & 2;
		unsigned asize = 1u << ((op >> 2) % 3);
		uint8_t v = fdp_u8(&f);
		uint8_t buf[8] = {0};
		unsigned calls = fake_kvm.irq_calls;
		enum io_result res;

		buf[0] = (op & 0x80) ? bytes[v % sizeof(bytes)] : v;
		res = fuzz_pio(&vm, port, write, asize, buf);
		if (port != 0x60 && port != 0x64) {
			FUZZ_CHECK(res == IO_UNHANDLED, "port 0x%x handled", port);
			continue;
		}
		if (res == IO_STOP) {
			FUZZ_CHECK(write && vm.status == 0 && strstr(vm.reason, "reset"),
				   "IO_STOP: status %d (%s)", vm.status, vm.reason);
			fuzz_vm_restart(&vm);
		} else {
			FUZZ_CHECK(res == IO_DONE, "result %d", res);
			FUZZ_CHECK(!vm_over(&vm), "ended: %s", vm.reason);
		}
		if (!write && port == 0x64)
			FUZZ_CHECK(buf[0] & 0x10, "status 0x%02x without ST_UNLOCKED", buf[0]);
		if (!write)
			for (unsigned i = 1; i < asize; i++)
				FUZZ_CHECK(buf[i] == 0, "wide read: byte %u = 0x%x", i, buf[i]);
		/* Each KVM_IRQ_LINE call changed a level (set_line skips no-ops). */
		for (unsigned irq = 0; irq < FAKE_IRQS; irq++) {
			if (irq != 1 && irq != 12)
				FUZZ_CHECK(fake_kvm.level[irq] == 0, "irq %u driven", irq);
		}
		FUZZ_CHECK(fake_kvm.irq_calls - calls <= 4, "%u irq calls in one access",
			   fake_kvm.irq_calls - calls);
		memcpy(level, fake_kvm.level, sizeof(level));
	}
	vm_free_devices(&vm);
	return 0;
}
