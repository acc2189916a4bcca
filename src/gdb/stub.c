/* SPDX-License-Identifier: MIT */
#include "stub.h"

#include <stdio.h>
#include <string.h>

#define ALL_THREADS (-1)
#define ANY_THREAD  (-2)

static void send_frame(struct gdb_stub *s)
{
	if (s->frame_len)
		s->send(s->io, s->frame, s->frame_len);
}

static void reply_n(struct gdb_stub *s, const char *payload, size_t len)
{
	s->frame_len = gdb_frame(payload, len, s->frame, sizeof(s->frame));
	send_frame(s);
}

static void reply(struct gdb_stub *s, const char *payload)
{
	reply_n(s, payload, strlen(payload));
}

static void stop_reply(struct gdb_stub *s, const struct gdb_stop *st)
{
	char *r = s->reply;
	size_t cap = sizeof(s->reply);
	static const char *const watch[] = {"", "", "watch", "rwatch", "awatch"};

	switch (st->why) {
	case GDB_STOP_EXITED: snprintf(r, cap, "W%02x", st->status & 0xff); break;
	case GDB_STOP_SWBREAK: snprintf(r, cap, "T05thread:%x;swbreak:;", st->thread + 1); break;
	case GDB_STOP_HWBREAK: snprintf(r, cap, "T05thread:%x;hwbreak:;", st->thread + 1); break;
	case GDB_STOP_WATCH:
		snprintf(r, cap, "T05thread:%x;%s:%llx;", st->thread + 1,
			 watch[st->bp_type <= GDB_WP_ACCESS && st->bp_type >= GDB_WP_WRITE
				       ? st->bp_type
				       : GDB_WP_WRITE],
			 (unsigned long long)st->addr);
		break;
	default: snprintf(r, cap, "T%02xthread:%x;", st->signal & 0xff, st->thread + 1); break;
	}
	reply(s, r);
}

void gdb_stub_init(struct gdb_stub *s, enum gdb_arch arch, const struct gdb_target_ops *ops,
		   void *target, void (*send)(void *io, const char *buf, size_t len), void *io,
		   const struct gdb_stop *first)
{
	memset(s, 0, sizeof(*s));
	s->arch = arch;
	s->ops = ops;
	s->target = target;
	s->send = send;
	s->io = io;
	gdb_rx_init(&s->rx);
	s->last = *first;
	s->g_thread = s->c_thread = first->thread;
}

void gdb_stub_stopped(struct gdb_stub *s, const struct gdb_stop *st)
{
	if (s->ended || !s->running)
		return;
	s->running = false;
	s->last = *st;
	if (st->why != GDB_STOP_EXITED)
		s->g_thread = s->c_thread = st->thread;
	else
		s->ended = true;
	stop_reply(s, st);
}

static void console_packet(struct gdb_stub *s, const char *text, size_t len)
{
	/* 'O' + hex: at most (PacketSize - 1) / 2 bytes per packet. */
	while (len) {
		size_t n = len < (GDB_PACKET_MAX - 1) / 2 ? len : (GDB_PACKET_MAX - 1) / 2;

		s->reply[0] = 'O';
		gdb_tohex(s->reply + 1, (const uint8_t *)text, n);
		reply_n(s, s->reply, 1 + 2 * n);
		text += n;
		len -= n;
	}
}

void gdb_stub_console(struct gdb_stub *s, const char *text)
{
	if (s->running && !s->ended)
		console_packet(s, text, strlen(text));
}

/* A thread id: "-1" (all), "0" (any: the current one), or hex N >= 1. */
static int parse_thread(const char **p, const char *end, unsigned nthreads, int *out)
{
	uint64_t v;

	if (end - *p >= 2 && (*p)[0] == '-' && (*p)[1] == '1') {
		*p += 2;
		*out = ALL_THREADS;
		return 0;
	}
	if (gdb_parse_hex(p, end, &v) < 0 || v > nthreads)
		return -1;
	*out = v == 0 ? ANY_THREAD : (int)v - 1;
	return 0;
}

static unsigned nthreads(struct gdb_stub *s)
{
	unsigned n = s->ops->nthreads(s->target);

	return n > GDB_MAX_THREADS ? GDB_MAX_THREADS : n;
}

static void resume(struct gdb_stub *s, const enum gdb_action *act)
{
	s->running = true;
	s->ops->resume(s->target, act, nthreads(s));
}

/* c/s with an optional address (the new instruction pointer). */
static void cont_or_step(struct gdb_stub *s, const char *p, const char *end, bool step)
{
	enum gdb_action act[GDB_MAX_THREADS];
	unsigned n = nthreads(s), me = s->c_thread < n ? s->c_thread : 0;
	uint64_t addr;

	if (p < end) {
		struct gdb_regs r;
		if (gdb_parse_hex(&p, end, &addr) < 0 || s->ops->get_regs(s->target, me, &r) < 0) {
			reply(s, "E01");
			return;
		}
		r.r[X_RIP] = addr;
		if (s->ops->set_regs(s->target, me, &r) < 0) {
			reply(s, "E01");
			return;
		}
	}
	for (unsigned i = 0; i < n; i++)
		act[i] = step ? (i == me ? GDB_STEP : GDB_STOPPED) : GDB_CONT;
	resume(s, act);
}

/* "vCont;ACTION[:TID];...": the leftmost action naming a thread wins. */
static void vcont(struct gdb_stub *s, const char *p, const char *end)
{
	enum gdb_action act[GDB_MAX_THREADS];
	bool set[GDB_MAX_THREADS] = {false};
	unsigned n = nthreads(s);
	bool any = false;

	for (unsigned i = 0; i < n; i++)
		act[i] = GDB_STOPPED;
	while (p < end && *p == ';') {
		enum gdb_action a;
		uint64_t sig;
		int t = ALL_THREADS;

		p++;
		if (p >= end)
			goto bad;
		switch (*p++) {
		case 'c': a = GDB_CONT; break;
		case 's': a = GDB_STEP; break;
		case 'C':
		case 'S':
			a = p[-1] == 'C' ? GDB_CONT : GDB_STEP;
			if (gdb_parse_hex(&p, end, &sig) < 0)
				goto bad;
			break;
		default: goto bad;
		}
		if (p < end && *p == ':') {
			p++;
			if (parse_thread(&p, end, n, &t) < 0)
				goto bad;
			if (t == ANY_THREAD)
				t = (int)s->last.thread;
		}
		for (unsigned i = 0; i < n; i++)
			if (!set[i] && (t == ALL_THREADS || (unsigned)t == i)) {
				act[i] = a;
				set[i] = true;
				any = true;
			}
	}
	if (p != end || !any)
		goto bad;
	resume(s, act);
	return;
bad:
	reply(s, "E01");
}

static void read_memory(struct gdb_stub *s, const char *p, const char *end)
{
	uint64_t addr, len;
	long got;

	if (gdb_parse_hex(&p, end, &addr) < 0 || p >= end || *p++ != ',' ||
	    gdb_parse_hex(&p, end, &len) < 0 || p != end) {
		reply(s, "E01");
		return;
	}
	if (len > GDB_PACKET_MAX / 2)
		len = GDB_PACKET_MAX / 2;
	got = s->ops->read_mem(s->target, s->g_thread, addr, s->mem, len);
	if (got <= 0 && len) {
		reply(s, "E14");
		return;
	}
	gdb_tohex(s->reply, s->mem, (size_t)got);
	reply_n(s, s->reply, 2 * (size_t)got);
}

/* M addr,len:HEX and X addr,len:BINARY. */
static void write_memory(struct gdb_stub *s, const char *p, const char *end, bool binary)
{
	uint64_t addr, len;
	long done;

	if (gdb_parse_hex(&p, end, &addr) < 0 || p >= end || *p++ != ',' ||
	    gdb_parse_hex(&p, end, &len) < 0 || p >= end || *p++ != ':' || len > sizeof(s->mem)) {
		reply(s, "E01");
		return;
	}
	if (binary) {
		if ((uint64_t)(end - p) != len) {
			reply(s, "E01");
			return;
		}
		memcpy(s->mem, p, len);
	} else if ((uint64_t)(end - p) != 2 * len || gdb_fromhex(s->mem, p, len) < 0) {
		reply(s, "E01");
		return;
	}
	if (len == 0) {
		reply(s, "OK");
		return;
	}
	done = s->ops->write_mem(s->target, s->g_thread, addr, s->mem, len);
	reply(s, done == (long)len ? "OK" : "E14");
}

static void breakpoint(struct gdb_stub *s, const char *p, const char *end, bool insert)
{
	uint64_t type, addr, kind;
	int rc;

	if (gdb_parse_hex(&p, end, &type) < 0 || p >= end || *p++ != ',' ||
	    gdb_parse_hex(&p, end, &addr) < 0 || p >= end || *p++ != ',' ||
	    gdb_parse_hex(&p, end, &kind) < 0 || (p != end && *p != ';')) {
		reply(s, "E01");
		return;
	}
	if (type > GDB_WP_ACCESS) {
		reply(s, "");
		return;
	}
	rc = s->ops->breakpoint(s->target, insert, (enum gdb_bp_type)type, addr, kind);
	reply(s, rc == 0 ? "OK" : rc > 0 ? "" : "E01");
}

static void regs_read(struct gdb_stub *s)
{
	struct gdb_regs r;
	size_t n;

	if (s->ops->get_regs(s->target, s->g_thread, &r) < 0) {
		reply(s, "E01");
		return;
	}
	n = gdb_regs_encode(s->arch, &r, s->reply, sizeof(s->reply) - 1);
	reply_n(s, s->reply, n);
}

static void regs_write(struct gdb_stub *s, const char *p, const char *end)
{
	struct gdb_regs r;

	if (s->ops->get_regs(s->target, s->g_thread, &r) < 0 ||
	    gdb_regs_decode(s->arch, p, (size_t)(end - p), &r) < 0 ||
	    s->ops->set_regs(s->target, s->g_thread, &r) < 0) {
		reply(s, "E01");
		return;
	}
	reply(s, "OK");
}

static void reg_read(struct gdb_stub *s, const char *p, const char *end)
{
	struct gdb_regs r;
	uint64_t n;
	size_t len;

	if (gdb_parse_hex(&p, end, &n) < 0 || p != end || n > 1024 ||
	    s->ops->get_regs(s->target, s->g_thread, &r) < 0) {
		reply(s, "E01");
		return;
	}
	len = gdb_reg_encode(s->arch, (unsigned)n, &r, s->reply, sizeof(s->reply) - 1);
	if (!len)
		reply(s, "E01");
	else
		reply_n(s, s->reply, len);
}

static void reg_write(struct gdb_stub *s, const char *p, const char *end)
{
	struct gdb_regs r;
	uint64_t n;

	if (gdb_parse_hex(&p, end, &n) < 0 || p >= end || *p++ != '=' || n > 1024 ||
	    s->ops->get_regs(s->target, s->g_thread, &r) < 0 ||
	    gdb_reg_decode(s->arch, (unsigned)n, p, (size_t)(end - p), &r) < 0 ||
	    s->ops->set_regs(s->target, s->g_thread, &r) < 0) {
		reply(s, "E01");
		return;
	}
	reply(s, "OK");
}

static void set_thread(struct gdb_stub *s, const char *p, const char *end)
{
	char op;
	int t;

	if (p >= end) {
		reply(s, "E01");
		return;
	}
	op = *p++;
	if ((op != 'g' && op != 'c') || parse_thread(&p, end, nthreads(s), &t) < 0 || p != end) {
		reply(s, "E01");
		return;
	}
	if (t < 0)
		t = (int)s->last.thread; /* any, or all (for c: c and s use all anyway) */
	if (op == 'g')
		s->g_thread = (unsigned)t;
	else
		s->c_thread = (unsigned)t;
	reply(s, "OK");
}

static void thread_alive(struct gdb_stub *s, const char *p, const char *end)
{
	int t;

	reply(s, parse_thread(&p, end, nthreads(s), &t) == 0 && p == end && t >= 0 ? "OK" : "E01");
}

static void xfer_features(struct gdb_stub *s, const char *p, const char *end)
{
	static const char annex[] = "target.xml:";
	uint64_t off, len;
	size_t xml_len;
	const char *xml = gdb_target_xml(s->arch, &xml_len);

	if ((size_t)(end - p) < sizeof(annex) - 1 || memcmp(p, annex, sizeof(annex) - 1) != 0) {
		reply(s, "E00");
		return;
	}
	p += sizeof(annex) - 1;
	if (gdb_parse_hex(&p, end, &off) < 0 || p >= end || *p++ != ',' ||
	    gdb_parse_hex(&p, end, &len) < 0 || p != end) {
		reply(s, "E01");
		return;
	}
	if (off >= xml_len) {
		reply(s, "l");
		return;
	}
	if (len > GDB_PACKET_MAX - 1)
		len = GDB_PACKET_MAX - 1;
	if (len > xml_len - off)
		len = xml_len - off;
	s->reply[0] = off + len < xml_len ? 'm' : 'l';
	memcpy(s->reply + 1, xml + off, len);
	reply_n(s, s->reply, 1 + len);
}

static void thread_list(struct gdb_stub *s)
{
	size_t len = 0;
	unsigned n = nthreads(s);

	s->reply[len++] = 'm';
	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(s->reply + len, sizeof(s->reply) - len, "%s%x",
					i ? "," : "", i + 1);
	reply_n(s, s->reply, len);
}

static void thread_info(struct gdb_stub *s, const char *p, const char *end)
{
	char text[32];
	int t, n;

	if (parse_thread(&p, end, nthreads(s), &t) < 0 || p != end || t < 0) {
		reply(s, "E01");
		return;
	}
	n = snprintf(text, sizeof(text), "vCPU %d", t);
	gdb_tohex(s->reply, (const uint8_t *)text, (size_t)n);
	reply_n(s, s->reply, 2 * (size_t)n);
}

static void monitor(struct gdb_stub *s, const char *p, const char *end)
{
	char cmd[256], out[1024];
	size_t n = (size_t)(end - p) / 2;

	if ((size_t)(end - p) % 2 || n >= sizeof(cmd) || gdb_fromhex((uint8_t *)cmd, p, n) < 0) {
		reply(s, "E01");
		return;
	}
	cmd[n] = '\0';
	out[0] = '\0';
	if (memchr(cmd, '\0', n) || s->ops->monitor(s->target, cmd, out, sizeof(out)) < 0)
		snprintf(out, sizeof(out),
			 "mini-kvm: unknown monitor command '%.200s'; try 'monitor help'\n", cmd);
	console_packet(s, out, strnlen(out, sizeof(out)));
	reply(s, "OK");
}

static bool starts(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

static void query(struct gdb_stub *s, const char *p, const char *end)
{
	char buf[32];

	if (starts(p, end, "qSupported"))
		reply(s, "PacketSize=1000;qXfer:features:read+;swbreak+;hwbreak+;"
			 "QStartNoAckMode+;vContSupported+");
	else if (starts(p, end, "qXfer:features:read:"))
		xfer_features(s, p + 20, end);
	else if (starts(p, end, "qAttached"))
		reply(s, "1");
	else if (p + 2 == end && starts(p, end, "qC")) {
		snprintf(buf, sizeof(buf), "QC%x", s->last.thread + 1);
		reply(s, buf);
	} else if (starts(p, end, "qfThreadInfo"))
		thread_list(s);
	else if (starts(p, end, "qsThreadInfo"))
		reply(s, "l");
	else if (starts(p, end, "qThreadExtraInfo,"))
		thread_info(s, p + 17, end);
	else if (starts(p, end, "qRcmd,"))
		monitor(s, p + 6, end);
	else if (starts(p, end, "qSymbol"))
		reply(s, "OK");
	else if (starts(p, end, "QStartNoAckMode")) {
		reply(s, "OK"); /* still acknowledged: the last '+' */
		s->no_ack = true;
	} else
		reply(s, "");
}

static void packet(struct gdb_stub *s, const char *p, size_t len)
{
	const char *end = p + len;

	if (len == 0) {
		reply(s, "");
		return;
	}
	switch (p[0]) {
	case '?': stop_reply(s, &s->last); break;
	case 'g': regs_read(s); break;
	case 'G': regs_write(s, p + 1, end); break;
	case 'p': reg_read(s, p + 1, end); break;
	case 'P': reg_write(s, p + 1, end); break;
	case 'm': read_memory(s, p + 1, end); break;
	case 'M': write_memory(s, p + 1, end, false); break;
	case 'X': write_memory(s, p + 1, end, true); break;
	case 'c': cont_or_step(s, p + 1, end, false); break;
	case 's': cont_or_step(s, p + 1, end, true); break;
	case 'C':
	case 'S': {
		/* C sig[;addr]: the signal is not delivered (no such thing on bare x86). */
		const char *q = memchr(p, ';', len);
		cont_or_step(s, q ? q + 1 : end, end, p[0] == 'S');
		break;
	}
	case 'Z': breakpoint(s, p + 1, end, true); break;
	case 'z': breakpoint(s, p + 1, end, false); break;
	case 'H': set_thread(s, p + 1, end); break;
	case 'T': thread_alive(s, p + 1, end); break;
	case 'q':
	case 'Q': query(s, p, end); break;
	case 'D':
		reply(s, "OK");
		s->ended = true;
		s->ops->detach(s->target);
		break;
	case 'k':
		s->ended = true;
		s->ops->kill(s->target);
		break;
	case 'v':
		if (starts(p, end, "vCont?"))
			reply(s, "vCont;c;C;s;S");
		else if (starts(p, end, "vCont;"))
			vcont(s, p + 5, end);
		else if (starts(p, end, "vKill")) {
			reply(s, "OK");
			s->ended = true;
			s->ops->kill(s->target);
		} else
			reply(s, "");
		break;
	default: reply(s, ""); break;
	}
}

void gdb_stub_input(struct gdb_stub *s, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len && !s->ended; i++) {
		switch (gdb_rx_byte(&s->rx, buf[i])) {
		case GDB_RX_PACKET:
			if (!s->no_ack)
				s->send(s->io, "+", 1);
			if (!s->running) /* in all-stop mode gdb waits for the stop */
				packet(s, s->rx.buf, s->rx.len);
			break;
		case GDB_RX_BAD:
			if (!s->no_ack)
				s->send(s->io, "-", 1);
			break;
		case GDB_RX_INTERRUPT:
			if (s->running)
				s->ops->interrupt(s->target);
			break;
		case GDB_RX_NAK:
			if (!s->no_ack)
				send_frame(s);
			break;
		case GDB_RX_ACK:
		case GDB_RX_NONE: break;
		}
	}
}
