/* SPDX-License-Identifier: MIT */
/*
 * fuzz_gdb: the GDB remote stub (src/gdb/packet.c, regs.c, stub.c) fed
 * whatever a client could send, against a fake target with two threads and
 * 8 KiB of memory at 0x1000.
 *
 * Input: byte 0 picks the architecture (bit 0) and the chunk size (bits
 * 1..7, 1..128 bytes); the rest is the client's byte stream, fed in chunks;
 * between chunks, while the target runs, it stops with a reason taken from
 * the chunk's first byte.
 *
 * Checks (besides ASan/UBSan): every frame the stub sends has a valid
 * checksum and fits in PacketSize; memory is asked for only inside what a
 * packet can carry; thread numbers are in range; a resume comes only while
 * stopped and gives an action to every thread; 0x03 reaches the target
 * only while it runs; nothing happens after D or k.
 */
#include "fuzz.h"

#include "gdb/stub.h"

struct fake {
	struct gdb_regs regs[2];
	uint8_t mem[8192];
	bool running, ended;
	struct gdb_rx out; /* parses what the stub sends */
};

static unsigned f_nthreads(void *t)
{
	(void)t;
	return 2;
}
static int f_get_regs(void *t, unsigned th, struct gdb_regs *r)
{
	struct fake *f = t;

	FUZZ_CHECK(th < 2, "get_regs thread %u", th);
	FUZZ_CHECK(!f->running && !f->ended, "registers read while running");
	*r = f->regs[th];
	return 0;
}
static int f_set_regs(void *t, unsigned th, const struct gdb_regs *r)
{
	struct fake *f = t;

	FUZZ_CHECK(th < 2, "set_regs thread %u", th);
	FUZZ_CHECK(!f->running && !f->ended, "registers written while running");
	f->regs[th] = *r;
	return 0;
}
static long f_read(void *t, unsigned th, uint64_t addr, uint8_t *buf, size_t len)
{
	struct fake *f = t;
	size_t n = 0;

	FUZZ_CHECK(th < 2 && len <= GDB_PACKET_MAX, "read_mem thread %u len %zu", th, len);
	while (n < len && addr + n >= 0x1000 && addr + n < 0x3000) {
		buf[n] = f->mem[addr + n - 0x1000];
		n++;
	}
	return (long)n;
}
static long f_write(void *t, unsigned th, uint64_t addr, const uint8_t *buf, size_t len)
{
	struct fake *f = t;
	size_t n = 0;

	FUZZ_CHECK(th < 2 && len <= GDB_PACKET_MAX, "write_mem thread %u len %zu", th, len);
	while (n < len && addr + n >= 0x1000 && addr + n < 0x3000) {
		f->mem[addr + n - 0x1000] = buf[n];
		n++;
	}
	return (long)n;
}
static int f_bp(void *t, bool insert, enum gdb_bp_type type, uint64_t addr, uint64_t kind)
{
	(void)t;
	(void)insert;
	(void)kind;
	FUZZ_CHECK(type <= GDB_WP_ACCESS, "breakpoint type %d", (int)type);
	return (int)(addr % 3) - 1;
}
static void f_resume(void *t, const enum gdb_action *a, unsigned n)
{
	struct fake *f = t;

	FUZZ_CHECK(!f->running && !f->ended, "resumed while running");
	FUZZ_CHECK(n == 2, "resume with %u actions", n);
	for (unsigned i = 0; i < n; i++)
		FUZZ_CHECK(a[i] == GDB_STOPPED || a[i] == GDB_STEP || a[i] == GDB_CONT, "action %d",
			   (int)a[i]);
	f->running = true;
}
static void f_interrupt(void *t)
{
	FUZZ_CHECK(((struct fake *)t)->running, "interrupt while stopped");
}
static void f_detach(void *t)
{
	((struct fake *)t)->ended = true;
}
static void f_kill(void *t)
{
	((struct fake *)t)->ended = true;
}
static int f_monitor(void *t, const char *cmd, char *out, size_t cap)
{
	(void)t;
	FUZZ_CHECK(strlen(cmd) < 256, "monitor command too long");
	if (cmd[0] == 'a')
		return -1;
	/* Long output: several 'O' packets. */
	memset(out, 'x', cap - 1);
	out[cap - 1] = '\0';
	return 0;
}

static const struct gdb_target_ops ops = {
	.nthreads = f_nthreads,
	.get_regs = f_get_regs,
	.set_regs = f_set_regs,
	.read_mem = f_read,
	.write_mem = f_write,
	.breakpoint = f_bp,
	.resume = f_resume,
	.interrupt = f_interrupt,
	.detach = f_detach,
	.kill = f_kill,
	.monitor = f_monitor,
};

static void f_send(void *io, const char *buf, size_t len)
{
	struct fake *f = io;

	for (size_t i = 0; i < len; i++) {
		enum gdb_rx_event e = gdb_rx_byte(&f->out, (uint8_t)buf[i]);

		FUZZ_CHECK(e != GDB_RX_BAD, "the stub sent a bad or overlong frame");
		FUZZ_CHECK(e != GDB_RX_INTERRUPT, "the stub sent 0x03");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gdb_stub s;
	static struct fake f;
	struct gdb_stop first = {.thread = 0, .why = GDB_STOP_SIGNAL, .signal = 5};
	size_t chunk;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	gdb_rx_init(&f.out);
	gdb_stub_init(&s, data[0] & 1 ? GDB_ARCH_X86_64 : GDB_ARCH_I386, &ops, &f, f_send, &f,
		      &first);
	chunk = 1 + (data[0] >> 1);
	data++;
	size--;
	while (size) {
		size_t n = size < chunk ? size : chunk;

		if (f.running && !f.ended) {
			struct gdb_stop st = {.thread = data[0] & 1,
					      .why = (data[0] >> 1) % 5,
					      .signal = 2 + 3 * (data[0] >> 4 & 1),
					      .bp_type = (enum gdb_bp_type)(data[0] >> 5 & 3) + 2,
					      .addr = data[0],
					      .status = data[0]};
			f.running = false;
			if (st.why == GDB_STOP_EXITED)
				f.ended = true;
			gdb_stub_stopped(&s, &st);
		}
		gdb_stub_input(&s, data, n);
		FUZZ_CHECK(!(f.ended && !s.ended), "the target ended, the session did not");
		data += n;
		size -= n;
	}
	return 0;
}
