/* SPDX-License-Identifier: MIT */
/*
 * fuzz_fw_cfg: the PC profile's small devices, fw_cfg (src/devices/fw_cfg.c),
 * isa-debug-exit and the POST port (src/devices/debug_exit.c), registered
 * on a VM's I/O bus, under port access sequences (0x80, 0xf4..0xf7,
 * 0x510/0x511 and their neighbours, or any port; widths 1/2/4; in/out).
 * A shadow model of fw_cfg (selector, read offset, the items: "QEMU", ID,
 * RAM size, CPUs) predicts every byte read; debug-exit must end the guest
 * with status (v << 1 | 1) & 0xff; POST keeps 64 markers, then counts drops.
 */
#include "fuzz.h"

#include "devices/devices.h"
#include "mkvm/abi.h"

static struct vm vm;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_stdout();
	return 0;
}

struct fw_model {
	uint16_t key;
	uint32_t offset;
};

static uint32_t model_item(const struct vm *v, uint16_t key, uint8_t out[8])
{
	uint32_t id = 1;
	uint16_t cpus = (uint16_t)v->ncpus;

	switch (key) {
	case 0x00: memcpy(out, "QEMU", 4); return 4;
	case 0x01: memcpy(out, &id, 4); return 4;
	case 0x03: memcpy(out, &v->mem.size, 8); return 8;
	case 0x05:
	case 0x0f: memcpy(out, &cpus, 2); return 2;
	default: return 0;
	}
}

static const uint16_t ports[] = {0x7f, 0x80, 0x81,  0xf3,  0xf4,  0xf5, 0xf6,
				 0xf7, 0xf8, 0x50f, 0x510, 0x511, 0x512};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fdp f = {data, size};
	struct fw_model m = {0, 0};
	uint8_t cfg = fdp_u8(&f);

	fuzz_vm_init(&vm, PROFILE_PC, 1 + cfg % VM_MAX_CPUS);
	vm.mem.size = (1ull + fdp_u8(&f)) << 20; /* fw_cfg only reads the size */
	FUZZ_CHECK(vm_add_device(&vm, &debug_exit_device) == 0, "debug-exit");
	FUZZ_CHECK(vm_add_device(&vm, &post_device) == 0, "POST port");
	FUZZ_CHECK(vm_add_device(&vm, &fw_cfg_device) == 0, "fw_cfg");

	while (f.n) {
		uint8_t sel = fdp_u8(&f), flags = fdp_u8(&f);
		uint16_t port = (sel & 0x80)
					? fdp_u16(&f)
					: ports[(sel & 0x7f) % (sizeof(ports) / sizeof(ports[0]))];
		bool write = flags & 1;
		unsigned asize = 1u << ((flags >> 1) % 3);
		unsigned npost = vm.cpus[0].stats.npost;
		uint64_t dropped = vm.cpus[0].stats.post_dropped;
		uint8_t buf[8], orig[8];
		enum io_result res;

		for (unsigned i = 0; i < 8; i++)
			orig[i] = buf[i] = fdp_u8(&f);
		res = fuzz_pio(&vm, port, write, asize, buf);

		if (port >= DEBUG_EXIT_PORT && port < DEBUG_EXIT_PORT + 4) {
			if (write) {
				uint32_t v = 0;
				for (unsigned i = 0; i < asize; i++)
					v |= (uint32_t)orig[i] << (8 * i);
				FUZZ_CHECK(res == IO_STOP &&
						   vm.status == (int)(((v << 1) | 1) & 0xff),
					   "debug-exit write 0x%x: result %d status %d", v, res,
					   vm.status);
				fuzz_vm_restart(&vm);
			} else {
				FUZZ_CHECK(res == IO_DONE && buf[0] == 0xff, "debug-exit read");
			}
		} else if (port == POST_PORT) {
			FUZZ_CHECK(res == IO_DONE, "POST result %d", res);
			if (write && npost < STATS_POST_MAX)
				FUZZ_CHECK(vm.cpus[0].stats.npost == npost + 1 &&
						   vm.cpus[0].stats.post[npost].code == orig[0],
					   "POST marker not kept");
			else if (write)
				FUZZ_CHECK(vm.cpus[0].stats.post_dropped == dropped + 1,
					   "POST drop");
			else
				FUZZ_CHECK(buf[0] == 0xff && vm.cpus[0].stats.npost == npost,
					   "POST read");
		} else if (port == FW_CFG_PORT) {
			FUZZ_CHECK(res == IO_DONE, "fw_cfg selector result %d", res);
			if (write) {
				m.key = (uint16_t)(orig[0] | (asize > 1 ? orig[1] << 8 : 0));
				m.offset = 0;
			} else {
				for (unsigned i = 0; i < asize; i++)
					FUZZ_CHECK(buf[i] == 0xff, "fw_cfg selector read");
			}
		} else if (port == FW_CFG_PORT + 1) {
			FUZZ_CHECK(res == IO_DONE, "fw_cfg data result %d", res);
			if (!write) {
				uint8_t item[8];
				uint32_t len = model_item(&vm, m.key, item);
				for (unsigned i = 0; i < asize; i++) {
					uint8_t want = m.offset < len ? item[m.offset] : 0;
					FUZZ_CHECK(buf[i] == want,
						   "fw_cfg key 0x%x offset %u: 0x%02x, want 0x%02x",
						   m.key, m.offset, buf[i], want);
					if (m.offset < len)
						m.offset++;
				}
			}
		} else {
			FUZZ_CHECK(res == IO_UNHANDLED, "port 0x%x: result %d", port, res);
		}
		FUZZ_CHECK(!vm_over(&vm), "guest ended by port 0x%x", port);
	}
	vm_free_devices(&vm);
	return 0;
}
