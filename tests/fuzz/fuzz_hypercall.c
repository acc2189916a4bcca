/* SPDX-License-Identifier: MIT */
/*
 * fuzz_hypercall: the hypercall device (src/devices/hypercall.c) on a VM's
 * I/O bus, driven by sequences of port accesses in and around
 * HC_PORT_BASE..+HC_PORT_COUNT (numbers, direction, width 1/2/4, data),
 * and HC_WRITE's pointer and length (ESI, ECX) through the fake
 * KVM_GET_REGS of fuzz.h (which can also fail).  Guest memory is small
 * (4..64 KiB, or HC_WRITE_MAX + 0..12 KiB) so that HC_WRITE's range and
 * length checks both see both sides.  Every
 * access is checked against the ABI in include/mkvm/abi.h: which calls end
 * the guest, with which status, what GETCHAR returns (EOF: no stdin here).
 */
#include "fuzz.h"

#include "devices/hypercall.h"
#include "mkvm/abi.h"

static struct vm vm;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_stdout(); /* PUTCHAR and WRITE output */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	uint8_t msel;

	fuzz_vm_init(&vm, PROFILE_BARE, 1);
	vm.reads_stdin = false; /* GETCHAR: EOF at once, never blocks */
	msel = fdp_u8(&f);
	/* 4..64 KiB, or just over HC_WRITE_MAX so that the length limit is
	 * what refuses a call (with less memory the range check would). */
	fuzz_mem_alloc(&vm.mem, (msel & 0x80) ? HC_WRITE_MAX + 4096ull * (msel & 3)
					      : 4096ull * (1 + msel % 16));
	memset(vm.mem.host, 'x', 4096);
	FUZZ_CHECK(vm_add_device(&vm, &hypercall_device) == 0, "hypercall_device");
	FUZZ_CHECK(vm_add_device(&vm, &hypercall_device) == -EEXIST, "second hypercall_device");

	while (f.n) {
		uint8_t sel = fdp_u8(&f), flags = fdp_u8(&f);
		uint16_t port =
			(sel & 0x80) ? fdp_u16(&f) : (uint16_t)(HC_PORT_BASE - 8 + (sel & 0x1f));
		bool write = flags & 1;
		unsigned asize = 1u << ((flags >> 1) % 3);
		unsigned nr = port - HC_PORT_BASE;
		uint64_t hc_before = vm.cpus[0].stats.hypercalls[nr < HC_PORT_COUNT ? nr : 0];
		uint8_t buf[8];
		enum io_result res;
		int want_status = -1;
		enum io_result want = IO_DONE;

		for (unsigned i = 0; i < 8; i++)
			buf[i] = fdp_u8(&f);
		fake_kvm.regs_ok = !(flags & 0x80);
		fake_kvm.rsi = fdp_edge(&f, vm.mem.size);
		fake_kvm.rcx = (flags & 0x40) ? (uint32_t)(vm.mem.size - (uint32_t)fake_kvm.rsi) +
							(flags >> 3 & 1)
					      : fdp_edge(&f, HC_WRITE_MAX);

		if (port < HC_PORT_BASE || port >= HC_PORT_BASE + HC_PORT_COUNT) {
			want = IO_UNHANDLED;
		} else if (nr >= HC_COUNT || write != (nr != HC_GETCHAR)) {
			want = IO_STOP;
			want_status = MKVM_EXIT_GUEST_FAULT;
		} else if (nr == HC_EXIT) {
			want = IO_STOP;
			want_status = buf[0];
		} else if (nr == HC_WRITE) {
			/* The VMM reads ESI and ECX as 32-bit registers. */
			uint64_t addr = (uint32_t)fake_kvm.rsi, len = (uint32_t)fake_kvm.rcx;
			if (!fake_kvm.regs_ok) {
				want = IO_STOP;
				want_status = MKVM_EXIT_VMM_ERROR;
			} else if (len > HC_WRITE_MAX || addr + len > vm.mem.size) {
				want = IO_STOP;
				want_status = MKVM_EXIT_GUEST_FAULT;
			}
		}

		res = fuzz_pio(&vm, port, write, asize, buf);
		FUZZ_CHECK(res == want, "port 0x%x %s size %u: result %d, want %d", port,
			   write ? "OUT" : "IN", asize, res, want);
		if (want == IO_STOP) {
			FUZZ_CHECK(vm.status == want_status, "status %d, want %d (%s)", vm.status,
				   want_status, vm.reason);
			fuzz_vm_restart(&vm);
		} else {
			FUZZ_CHECK(!vm_over(&vm), "guest ended by port 0x%x (%s)", port, vm.reason);
		}
		if (nr < HC_PORT_COUNT)
			FUZZ_CHECK(vm.cpus[0].stats.hypercalls[nr] == hc_before + 1,
				   "hypercall %u not counted", nr);
		if (nr == HC_GETCHAR && !write)
			for (unsigned i = 0; i < asize; i++)
				FUZZ_CHECK(buf[i] == 0xff, "GETCHAR at EOF: byte %u = 0x%x", i,
					   buf[i]);
	}
	console_finish(&vm.con);
	fuzz_mem_free(&vm.mem);
	return 0;
}
