/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the GDB remote stub (src/gdb/): framing and checksums,
 * the target descriptions and register layouts, and the commands against a
 * fake target (4 KiB of memory at 0x1000, two threads).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "gdb/packet.h"
#include "gdb/regs.h"
#include "gdb/stub.h"

/* ---- the fake target and client ---- */
struct fake {
	struct gdb_regs regs[2];
	uint8_t mem[4096]; /* at 0x1000 */
	char out[65536];   /* everything the stub sent */
	size_t out_len;
	enum gdb_action acts[2];
	int resumes, interrupts, detaches, kills;
	int bp_type, bp_insert;
	uint64_t bp_addr;
};

static unsigned f_nthreads(void *t)
{
	(void)t;
	return 2;
}
static int f_get_regs(void *t, unsigned th, struct gdb_regs *r)
{
	*r = ((struct fake *)t)->regs[th];
	return 0;
}
static int f_set_regs(void *t, unsigned th, const struct gdb_regs *r)
{
	((struct fake *)t)->regs[th] = *r;
	return 0;
}
static long f_read(void *t, unsigned th, uint64_t addr, uint8_t *buf, size_t len)
{
	struct fake *f = t;
	size_t n = 0;

	(void)th;
	while (n < len && addr + n >= 0x1000 && addr + n < 0x2000) {
		buf[n] = f->mem[addr + n - 0x1000];
		n++;
	}
	return (long)n;
}
static long f_write(void *t, unsigned th, uint64_t addr, const uint8_t *buf, size_t len)
{
	struct fake *f = t;
	size_t n = 0;

	(void)th;
	while (n < len && addr + n >= 0x1000 && addr + n < 0x2000) {
		f->mem[addr + n - 0x1000] = buf[n];
		n++;
	}
	return (long)n;
}
static int f_bp(void *t, bool insert, enum gdb_bp_type type, uint64_t addr, uint64_t kind)
{
	struct fake *f = t;

	(void)kind;
	f->bp_type = (int)type;
	f->bp_insert = insert;
	f->bp_addr = addr;
	return type == GDB_WP_READ ? 1 : 0;
}
static void f_resume(void *t, const enum gdb_action *a, unsigned n)
{
	struct fake *f = t;

	assert_int_equal(n, 2);
	memcpy(f->acts, a, sizeof(f->acts));
	f->resumes++;
}
static void f_interrupt(void *t)
{
	((struct fake *)t)->interrupts++;
}
static void f_detach(void *t)
{
	((struct fake *)t)->detaches++;
}
static void f_kill(void *t)
{
	((struct fake *)t)->kills++;
}
static int f_monitor(void *t, const char *cmd, char *out, size_t cap)
{
	(void)t;
	if (strcmp(cmd, "stats") != 0)
		return -1;
	snprintf(out, cap, "exits: 42\n");
	return 0;
}

static const struct gdb_target_ops fops = {
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

	if (len > sizeof(f->out) - f->out_len)
		len = sizeof(f->out) - f->out_len;
	memcpy(f->out + f->out_len, buf, len);
	f->out_len += len;
}

static struct fake F;
static struct gdb_stub S;

static void start(enum gdb_arch arch)
{
	struct gdb_stop first = {.thread = 0, .why = GDB_STOP_SIGNAL, .signal = 5};

	memset(&F, 0, sizeof(F));
	gdb_stub_init(&S, arch, &fops, &F, f_send, &F, &first);
}

/* Sends @payload framed; returns the payload of the stub's last packet. */
static const char *cmd(const char *payload)
{
	static char frame[GDB_FRAME_MAX], last[GDB_FRAME_MAX];
	size_t n = gdb_frame(payload, strlen(payload), frame, sizeof(frame));
	struct gdb_rx rx;
	size_t start = F.out_len;

	assert_true(n > 0);
	gdb_stub_input(&S, (const uint8_t *)frame, n);
	gdb_rx_init(&rx);
	last[0] = '\0';
	for (size_t i = start; i < F.out_len; i++)
		if (gdb_rx_byte(&rx, (uint8_t)F.out[i]) == GDB_RX_PACKET)
			memcpy(last, rx.buf, rx.len + 1);
	return last;
}

/* ---- framing ---- */
static void test_frame(void **state)
{
	char out[64];
	size_t n;

	(void)state;
	n = gdb_frame("OK", 2, out, sizeof(out));
	assert_int_equal(n, 6);
	assert_memory_equal(out, "$OK#9a", 6);
	/* '#', '$', '}' and '*' are escaped: '}' then the byte XOR 0x20. */
	n = gdb_frame("a#b", 3, out, sizeof(out));
	assert_memory_equal(out,
			    "$a}\x03"
			    "b#",
			    6);
	assert_int_equal(gdb_frame("OK", 2, out, 5), 0); /* does not fit */
}

static enum gdb_rx_event feed(struct gdb_rx *rx, const char *s)
{
	enum gdb_rx_event e = GDB_RX_NONE;

	for (; *s; s++)
		e = gdb_rx_byte(rx, (uint8_t)*s);
	return e;
}

static void test_rx(void **state)
{
	struct gdb_rx rx;

	(void)state;
	gdb_rx_init(&rx);
	assert_int_equal(feed(&rx, "$g#67"), GDB_RX_PACKET);
	assert_int_equal(rx.len, 1);
	assert_string_equal(rx.buf, "g");
	assert_int_equal(feed(&rx, "$g#68"), GDB_RX_BAD); /* checksum off by one */
	assert_int_equal(feed(&rx, "$g#6z"), GDB_RX_BAD); /* not hex */
	assert_int_equal(feed(&rx, "junk+"), GDB_RX_ACK); /* noise, then an ack */
	assert_int_equal(gdb_rx_byte(&rx, '-'), GDB_RX_NAK);
	assert_int_equal(gdb_rx_byte(&rx, 0x03), GDB_RX_INTERRUPT);
	/* An escaped '#' in the payload: '}' 0x03, checksum over the raw bytes. */
	assert_int_equal(feed(&rx, "$a}\x03"
				   "b#"),
			 GDB_RX_NONE);
	assert_int_equal(feed(&rx, "43"), GDB_RX_PACKET);
	assert_string_equal(rx.buf, "a#b");
	/* A '$' inside a packet starts a new one. */
	assert_int_equal(feed(&rx, "$abc$g#67"), GDB_RX_PACKET);
	assert_string_equal(rx.buf, "g");
}

static void test_rx_overlong(void **state)
{
	struct gdb_rx rx;
	uint8_t sum = 0;
	char cs[3];

	(void)state;
	gdb_rx_init(&rx);
	gdb_rx_byte(&rx, '$');
	for (int i = 0; i < GDB_PACKET_MAX + 10; i++) {
		assert_int_equal(gdb_rx_byte(&rx, 'a'), GDB_RX_NONE);
		sum = (uint8_t)(sum + 'a');
	}
	snprintf(cs, sizeof(cs), "%02x", sum);
	assert_int_equal(gdb_rx_byte(&rx, '#'), GDB_RX_NONE);
	assert_int_equal(feed(&rx, cs), GDB_RX_BAD); /* right checksum, too long */
	assert_int_equal(feed(&rx, "$g#67"), GDB_RX_PACKET);
}

static void test_hex(void **state)
{
	const char *p = "1f,";
	uint64_t v;
	uint8_t b[2];

	(void)state;
	assert_int_equal(gdb_parse_hex(&p, p + 3, &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(*p, ',');
	p = "12345678123456789";
	assert_int_equal(gdb_parse_hex(&p, p + 17, &v), -1); /* 17 digits */
	p = "x";
	assert_int_equal(gdb_parse_hex(&p, p + 1, &v), -1);
	assert_int_equal(gdb_fromhex(b, "a0FF", 2), 0);
	assert_int_equal(b[0], 0xa0);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(gdb_fromhex(b, "a0g0", 2), -1);
}

/* ---- target descriptions and layouts ---- */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void check_xml(enum gdb_arch arch, const char *archname, size_t nregs, size_t g_len)
{
	size_t len, n, bits = 0;
	const char *xml = gdb_target_xml(arch, &len);
	const struct gdb_reg_desc *l = gdb_layout(arch, &n);
	char want[64];

	assert_true(len > 0);
	assert_int_equal(strlen(xml), len);
	snprintf(want, sizeof(want), "<architecture>%s</architecture>", archname);
	assert_non_null(strstr(xml, want));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\">"));
	assert_non_null(strstr(xml, "<feature name=\"org.gnu.gdb.i386.sse\">"));
	assert_int_equal(n, nregs);
	assert_int_equal(count(xml, "<reg "), nregs);
	for (size_t i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "<reg name=\"%s\" bitsize=\"%u\"", l[i].name,
			 l[i].bits);
		assert_non_null(strstr(xml, want));
		bits += l[i].bits;
	}
	assert_int_equal(bits / 4, g_len);
}

static void test_target_xml(void **state)
{
	(void)state;
	/* i386: 16 core + 8 st + 8 x87 control + 8 xmm + mxcsr + 5 sys. */
	check_xml(GDB_ARCH_I386, "i386", 46,
		  (16 * 32 + 8 * 80 + 8 * 32 + 8 * 128 + 32 + 4 * 32 + 64) / 4);
	/* x86-64: 24 core + 16 x87 + 16 xmm + mxcsr + fs/gs_base + 5 sys. */
	check_xml(GDB_ARCH_X86_64, "i386:x86-64", 64,
		  (16 * 64 + 64 + 7 * 32 + 8 * 80 + 8 * 32 + 16 * 128 + 32 + 2 * 64 + 5 * 64) / 4);
	assert_string_equal(gdb_arch_name(GDB_ARCH_X86_64), "i386:x86-64");
}

static void test_regs_i386(void **state)
{
	struct gdb_regs r = {0}, back;
	char g[2048];
	size_t n;

	(void)state;
	r.r[X_RAX] = 0x11223344;
	r.r[X_RCX] = 0xaabbccdd;
	r.r[X_RIP] = 0x100000;
	r.r[X_CR3] = 0x5000;
	n = gdb_regs_encode(GDB_ARCH_I386, &r, g, sizeof(g));
	assert_true(n > 0);
	/* eax, then ecx (gdb's i386 order), little-endian. */
	assert_memory_equal(g, "44332211ddccbbaa", 16);
	assert_memory_equal(g + 8 * 8, "00001000", 8);		     /* eip */
	assert_memory_equal(g + 16 * 8, "xxxxxxxxxxxxxxxxxxxx", 20); /* st0: unavailable */
	/* A G of the same image changes nothing; eax changed takes effect. */
	back = r;
	g[0] = '5';
	assert_int_equal(gdb_regs_decode(GDB_ARCH_I386, g, n, &back), 0);
	assert_int_equal(back.r[X_RAX], 0x11223354);
	assert_int_equal(back.r[X_CR3], 0x5000);
	assert_int_equal(gdb_regs_decode(GDB_ARCH_I386, g, n - 1, &back), -1); /* short */
	g[3] = 'q';
	assert_int_equal(gdb_regs_decode(GDB_ARCH_I386, g, n, &back), -1);
	assert_int_equal(back.r[X_RAX], 0x11223354); /* unchanged by a bad G */
	/* p/P: eip is 8, cr3 is 43 (read-only). */
	n = gdb_reg_encode(GDB_ARCH_I386, 8, &r, g, sizeof(g));
	assert_int_equal(n, 8);
	assert_int_equal(gdb_reg_decode(GDB_ARCH_I386, 8, "00002000", 8, &r), 0);
	assert_int_equal(r.r[X_RIP], 0x200000);
	assert_int_equal(gdb_reg_decode(GDB_ARCH_I386, 43, "00000000", 8, &r), -1);
	assert_int_equal(gdb_reg_decode(GDB_ARCH_I386, 999, "00", 2, &r), -1);
	assert_int_equal(gdb_reg_encode(GDB_ARCH_I386, 46, &r, g, sizeof(g)), 0);
}

static void test_regs_x86_64(void **state)
{
	struct gdb_regs r = {0};
	char g[4096];
	size_t n;

	(void)state;
	r.r[X_RBX] = 0x0102030405060708ull;
	r.r[X_RIP] = 0xffffffff80001000ull;
	n = gdb_regs_encode(GDB_ARCH_X86_64, &r, g, sizeof(g));
	assert_true(n > 0);
	assert_memory_equal(g + 16, "0807060504030201", 16); /* rbx is second */
	assert_memory_equal(g + 16 * 16, "00100080ffffffff", 16);
	assert_int_equal(gdb_regs_encode(GDB_ARCH_X86_64, &r, g, 100), 0); /* no room */
}

/* ---- commands ---- */
static void test_queries(void **state)
{
	(void)state;
	start(GDB_ARCH_I386);
	assert_non_null(strstr(cmd("qSupported:multiprocess+;swbreak+"), "PacketSize=1000"));
	assert_non_null(strstr(F.out, "+$")); /* acknowledged */
	assert_string_equal(cmd("?"), "T05thread:1;");
	assert_string_equal(cmd("qfThreadInfo"), "m1,2");
	assert_string_equal(cmd("qsThreadInfo"), "l");
	assert_string_equal(cmd("qC"), "QC1");
	assert_string_equal(cmd("qAttached"), "1");
	assert_string_equal(cmd("T2"), "OK");
	assert_string_equal(cmd("T3"), "E01");
	assert_string_equal(cmd("Hg2"), "OK");
	assert_string_equal(cmd("Hg9"), "E01");
	assert_string_equal(cmd("qThreadExtraInfo,2"), "764350552031"); /* "vCPU 1" */
	assert_string_equal(cmd("vMustReplyEmpty"), "");
	assert_string_equal(cmd("vCont?"), "vCont;c;C;s;S");
	assert_string_equal(cmd("QStartNoAckMode"), "OK");
	F.out_len = 0;
	cmd("?");
	assert_int_equal(F.out[0], '$'); /* no more '+' */
}

static void test_xfer(void **state)
{
	char xml[16384];
	size_t len = 0, want;
	const char *full = gdb_target_xml(GDB_ARCH_X86_64, &want);

	(void)state;
	start(GDB_ARCH_X86_64);
	for (;;) {
		char q[64];
		const char *r;

		snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,200", len);
		r = cmd(q);
		assert_true(r[0] == 'm' || r[0] == 'l');
		memcpy(xml + len, r + 1, strlen(r + 1));
		len += strlen(r + 1);
		if (r[0] == 'l')
			break;
		assert_true(len < want);
	}
	assert_int_equal(len, want);
	assert_memory_equal(xml, full, want);
	assert_string_equal(cmd("qXfer:features:read:other.xml:0,100"), "E00");
	assert_string_equal(cmd("qXfer:features:read:target.xml:zz,100"), "E01");
}

static void test_regs_and_memory(void **state)
{
	(void)state;
	start(GDB_ARCH_I386);
	F.regs[1].r[X_RAX] = 0x1234;
	assert_string_equal(cmd("Hg2"), "OK");
	assert_string_equal(cmd("p0"), "34120000");
	assert_string_equal(cmd("P0=78560000"), "OK");
	assert_int_equal(F.regs[1].r[X_RAX], 0x5678);
	assert_int_equal(F.regs[0].r[X_RAX], 0);
	assert_string_equal(cmd("P2b=00000000"), "E01"); /* cr3: read-only */
	assert_string_equal(cmd("pzz"), "E01");
	memcpy(F.mem, "\x90\xcc\x01\x02", 4);
	assert_string_equal(cmd("m1000,4"), "90cc0102");
	assert_string_equal(cmd("m1ffe,4"), "0000"); /* the part that exists */
	assert_string_equal(cmd("m3000,4"), "E14");
	assert_string_equal(cmd("m1000"), "E01");
	assert_string_equal(cmd("M1000,2:abcd"), "OK");
	assert_int_equal(F.mem[0], 0xab);
	assert_int_equal(F.mem[1], 0xcd);
	assert_string_equal(cmd("M1000,2:abc"), "E01");
	assert_string_equal(cmd("M3000,1:00"), "E14");
	assert_string_equal(cmd("X1000,0:"), "OK");
	assert_string_equal(cmd("X1002,2:#z"), "OK"); /* binary; framing escapes the # */
	assert_int_equal(F.mem[2], '#');
	assert_int_equal(F.mem[3], 'z');
	/* A huge m is cut to what fits in a packet. */
	assert_int_equal(strlen(cmd("m1000,ffffffff")), GDB_PACKET_MAX);
}

static void test_resume_and_stop(void **state)
{
	struct gdb_stop st = {.thread = 1, .why = GDB_STOP_SWBREAK};

	(void)state;
	start(GDB_ARCH_I386);
	assert_string_equal(cmd("Z0,1000,1"), "OK");
	assert_int_equal(F.bp_type, GDB_BP_SW);
	assert_int_equal(F.bp_addr, 0x1000);
	assert_true(F.bp_insert);
	assert_string_equal(cmd("z1,2000,1"), "OK");
	assert_false(F.bp_insert);
	assert_string_equal(cmd("Z3,2000,4"), ""); /* the target cannot: empty */
	assert_string_equal(cmd("Z9,2000,4"), "");
	assert_string_equal(cmd("Z0,zz,1"), "E01");

	cmd("c");
	assert_int_equal(F.resumes, 1);
	assert_int_equal(F.acts[0], GDB_CONT);
	assert_int_equal(F.acts[1], GDB_CONT);
	assert_true(S.running);
	/* While running: packets are ignored, 0x03 interrupts. */
	assert_string_equal(cmd("g"), "");
	gdb_stub_input(&S, (const uint8_t *)"\x03", 1);
	assert_int_equal(F.interrupts, 1);
	gdb_stub_stopped(&S, &st);
	assert_false(S.running);
	assert_string_equal(cmd("?"), "T05thread:2;swbreak:;");
	assert_string_equal(cmd("qC"), "QC2");

	cmd("s");
	assert_int_equal(F.acts[0], GDB_STOPPED);
	assert_int_equal(F.acts[1], GDB_STEP);
	st = (struct gdb_stop){
		.thread = 0, .why = GDB_STOP_WATCH, .bp_type = GDB_WP_WRITE, .addr = 0x1234};
	gdb_stub_stopped(&S, &st);
	assert_string_equal(cmd("?"), "T05thread:1;watch:1234;");

	cmd("vCont;s:2;c");
	assert_int_equal(F.acts[0], GDB_CONT);
	assert_int_equal(F.acts[1], GDB_STEP);
	st = (struct gdb_stop){.thread = 0, .why = GDB_STOP_SIGNAL, .signal = 2};
	gdb_stub_stopped(&S, &st);
	assert_string_equal(cmd("vCont;s:1"), "");
	assert_int_equal(F.acts[0], GDB_STEP);
	assert_int_equal(F.acts[1], GDB_STOPPED);
	gdb_stub_stopped(&S, &st);
	assert_string_equal(cmd("vCont;x"), "E01");
	assert_string_equal(cmd("vCont;c:9"), "E01");
	/* The console text goes out only while running. */
	gdb_stub_console(&S, "hi");
	cmd("c");
	F.out_len = 0;
	gdb_stub_console(&S, "hi");
	assert_non_null(strstr(F.out, "$O6869#"));
	st.why = GDB_STOP_EXITED;
	st.status = 7;
	gdb_stub_stopped(&S, &st);
	assert_non_null(strstr(F.out, "$W07#"));
	assert_true(S.ended);
}

static void test_monitor_detach_kill(void **state)
{
	(void)state;
	start(GDB_ARCH_I386);
	F.out_len = 0;
	assert_string_equal(cmd("qRcmd,7374617473"), "OK");	   /* "stats" */
	assert_non_null(strstr(F.out, "$O65786974733a2034320a#")); /* "exits: 42\n" */
	assert_string_equal(cmd("qRcmd,6e6f7065"), "OK");	   /* "nope": a message */
	assert_string_equal(cmd("qRcmd,6"), "E01");
	assert_string_equal(cmd("D"), "OK");
	assert_int_equal(F.detaches, 1);
	assert_true(S.ended);
	cmd("g"); /* after the end: nothing */
	start(GDB_ARCH_I386);
	cmd("k");
	assert_int_equal(F.kills, 1);
}

static void test_nak_resends(void **state)
{
	size_t n;

	(void)state;
	start(GDB_ARCH_I386);
	cmd("qC");
	n = F.out_len;
	gdb_stub_input(&S, (const uint8_t *)"-", 1);
	assert_memory_equal(F.out + n, "$QC1#", 5);
	/* A bad checksum gets '-' and no answer. */
	n = F.out_len;
	gdb_stub_input(&S, (const uint8_t *)"$g#00", 5);
	assert_int_equal(F.out_len, n + 1);
	assert_int_equal(F.out[n], '-');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_rx),
		cmocka_unit_test(test_rx_overlong),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_target_xml),
		cmocka_unit_test(test_regs_i386),
		cmocka_unit_test(test_regs_x86_64),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_xfer),
		cmocka_unit_test(test_regs_and_memory),
		cmocka_unit_test(test_resume_and_stop),
		cmocka_unit_test(test_monitor_detach_kill),
		cmocka_unit_test(test_nak_resends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
