/* SPDX-License-Identifier: MIT */
#include "regs.h"

#include <stdio.h>
#include <string.h>

#include "packet.h"

enum {
	F_CORE,
	F_SSE,
	F_SEGMENTS,
	F_SYS,
	F_COUNT
};

static const char *const feature_names[F_COUNT] = {
	"org.gnu.gdb.i386.core",
	"org.gnu.gdb.i386.sse",
	"org.gnu.gdb.i386.segments",
	"org.mini-kvm.x86.sys",
};

#define FPU(w)                                                                                     \
	{"st0", 80, "i387_ext", F_CORE, X_NONE}, {"st1", 80, "i387_ext", F_CORE, X_NONE},          \
		{"st2", 80, "i387_ext", F_CORE, X_NONE}, {"st3", 80, "i387_ext", F_CORE, X_NONE},  \
		{"st4", 80, "i387_ext", F_CORE, X_NONE}, {"st5", 80, "i387_ext", F_CORE, X_NONE},  \
		{"st6", 80, "i387_ext", F_CORE, X_NONE}, {"st7", 80, "i387_ext", F_CORE, X_NONE},  \
		{"fctrl", 32, "int", F_CORE, X_NONE}, {"fstat", 32, "int", F_CORE, X_NONE},        \
		{"ftag", 32, "int", F_CORE, X_NONE}, {"fiseg", 32, "int", F_CORE, X_NONE},         \
		{"fioff", 32, "int", F_CORE, X_NONE}, {"foseg", 32, "int", F_CORE, X_NONE},        \
		{"fooff", 32, "int", F_CORE, X_NONE},                                              \
	{                                                                                          \
		"fop", 32, "int", F_CORE, X_NONE                                                   \
	}

#define XMM(n)                                                                                     \
	{                                                                                          \
		"xmm" #n, 128, "vec128", F_SSE, X_NONE                                             \
	}

static const struct gdb_reg_desc layout32[] = {
	{"eax", 32, "int32", F_CORE, X_RAX},
	{"ecx", 32, "int32", F_CORE, X_RCX},
	{"edx", 32, "int32", F_CORE, X_RDX},
	{"ebx", 32, "int32", F_CORE, X_RBX},
	{"esp", 32, "data_ptr", F_CORE, X_RSP},
	{"ebp", 32, "data_ptr", F_CORE, X_RBP},
	{"esi", 32, "int32", F_CORE, X_RSI},
	{"edi", 32, "int32", F_CORE, X_RDI},
	{"eip", 32, "code_ptr", F_CORE, X_RIP},
	{"eflags", 32, "i386_eflags", F_CORE, X_RFLAGS},
	{"cs", 32, "int32", F_CORE, X_CS},
	{"ss", 32, "int32", F_CORE, X_SS},
	{"ds", 32, "int32", F_CORE, X_DS},
	{"es", 32, "int32", F_CORE, X_ES},
	{"fs", 32, "int32", F_CORE, X_FS},
	{"gs", 32, "int32", F_CORE, X_GS},
	FPU(32),
	XMM(0),
	XMM(1),
	XMM(2),
	XMM(3),
	XMM(4),
	XMM(5),
	XMM(6),
	XMM(7),
	{"mxcsr", 32, "int", F_SSE, X_NONE},
	{"cr0", 32, "int32", F_SYS, X_CR0},
	{"cr2", 32, "int32", F_SYS, X_CR2},
	{"cr3", 32, "int32", F_SYS, X_CR3},
	{"cr4", 32, "int32", F_SYS, X_CR4},
	{"efer", 64, "int64", F_SYS, X_EFER},
};

static const struct gdb_reg_desc layout64[] = {
	{"rax", 64, "int64", F_CORE, X_RAX},
	{"rbx", 64, "int64", F_CORE, X_RBX},
	{"rcx", 64, "int64", F_CORE, X_RCX},
	{"rdx", 64, "int64", F_CORE, X_RDX},
	{"rsi", 64, "int64", F_CORE, X_RSI},
	{"rdi", 64, "int64", F_CORE, X_RDI},
	{"rbp", 64, "data_ptr", F_CORE, X_RBP},
	{"rsp", 64, "data_ptr", F_CORE, X_RSP},
	{"r8", 64, "int64", F_CORE, X_R8},
	{"r9", 64, "int64", F_CORE, X_R9},
	{"r10", 64, "int64", F_CORE, X_R10},
	{"r11", 64, "int64", F_CORE, X_R11},
	{"r12", 64, "int64", F_CORE, X_R12},
	{"r13", 64, "int64", F_CORE, X_R13},
	{"r14", 64, "int64", F_CORE, X_R14},
	{"r15", 64, "int64", F_CORE, X_R15},
	{"rip", 64, "code_ptr", F_CORE, X_RIP},
	{"eflags", 32, "i386_eflags", F_CORE, X_RFLAGS},
	{"cs", 32, "int32", F_CORE, X_CS},
	{"ss", 32, "int32", F_CORE, X_SS},
	{"ds", 32, "int32", F_CORE, X_DS},
	{"es", 32, "int32", F_CORE, X_ES},
	{"fs", 32, "int32", F_CORE, X_FS},
	{"gs", 32, "int32", F_CORE, X_GS},
	FPU(64),
	XMM(0),
	XMM(1),
	XMM(2),
	XMM(3),
	XMM(4),
	XMM(5),
	XMM(6),
	XMM(7),
	XMM(8),
	XMM(9),
	XMM(10),
	XMM(11),
	XMM(12),
	XMM(13),
	XMM(14),
	XMM(15),
	{"mxcsr", 32, "int", F_SSE, X_NONE},
	{"fs_base", 64, "int", F_SEGMENTS, X_FS_BASE},
	{"gs_base", 64, "int", F_SEGMENTS, X_GS_BASE},
	{"cr0", 64, "int64", F_SYS, X_CR0},
	{"cr2", 64, "int64", F_SYS, X_CR2},
	{"cr3", 64, "int64", F_SYS, X_CR3},
	{"cr4", 64, "int64", F_SYS, X_CR4},
	{"efer", 64, "int64", F_SYS, X_EFER},
};

const struct gdb_reg_desc *gdb_layout(enum gdb_arch arch, size_t *n)
{
	if (arch == GDB_ARCH_X86_64) {
		*n = sizeof(layout64) / sizeof(layout64[0]);
		return layout64;
	}
	*n = sizeof(layout32) / sizeof(layout32[0]);
	return layout32;
}

const char *gdb_arch_name(enum gdb_arch arch)
{
	return arch == GDB_ARCH_X86_64 ? "i386:x86-64" : "i386";
}

bool gdb_reg_writable(enum gdb_reg_id id)
{
	return id <= X_RFLAGS;
}

/* The types gdb does not predefine, in the feature that first uses them. */
static const char eflags_type[] =
	"<flags id=\"i386_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>\n";
static const char vec128_type[] =
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
	"</union>\n";

static size_t build_xml(enum gdb_arch arch, char *buf, size_t cap)
{
	size_t n, len = 0;
	const struct gdb_reg_desc *l = gdb_layout(arch, &n);
	int open = -1;

#define PUT(...)                                                                                   \
	do {                                                                                       \
		int w_ = snprintf(buf + len, cap - len, __VA_ARGS__);                              \
		if (w_ < 0 || (size_t)w_ >= cap - len)                                             \
			return 0;                                                                  \
		len += (size_t)w_;                                                                 \
	} while (0)
	PUT("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>%s</architecture>\n",
	    gdb_arch_name(arch));
	for (size_t i = 0; i < n; i++) {
		if ((int)l[i].feature != open) {
			if (open >= 0)
				PUT("</feature>\n");
			open = (int)l[i].feature;
			PUT("<feature name=\"%s\">\n", feature_names[open]);
			if (open == F_CORE)
				PUT("%s", eflags_type);
			if (open == F_SSE)
				PUT("%s", vec128_type);
		}
		PUT("<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%zu\"%s/>\n", l[i].name,
		    l[i].bits, l[i].type, i, l[i].feature == F_SSE ? " group=\"vector\"" : "");
	}
	PUT("</feature>\n</target>\n");
#undef PUT
	return len;
}

const char *gdb_target_xml(enum gdb_arch arch, size_t *len)
{
	static char xml[2][8192];
	static size_t xml_len[2];
	unsigned a = arch == GDB_ARCH_X86_64;

	if (!xml_len[a])
		xml_len[a] = build_xml(arch, xml[a], sizeof(xml[a]));
	*len = xml_len[a];
	return xml[a];
}

static size_t put_reg(const struct gdb_reg_desc *d, const struct gdb_regs *r, char *out, size_t cap)
{
	size_t bytes = d->bits / 8;
	uint8_t le[16] = {0};

	if (cap < 2 * bytes)
		return 0;
	if (d->id == X_NONE) {
		memset(out, 'x', 2 * bytes);
		return 2 * bytes;
	}
	for (size_t i = 0; i < bytes && i < 8; i++)
		le[i] = (uint8_t)(r->r[d->id] >> (8 * i));
	gdb_tohex(out, le, bytes);
	return 2 * bytes;
}

size_t gdb_regs_encode(enum gdb_arch arch, const struct gdb_regs *r, char *out, size_t cap)
{
	size_t n, len = 0;
	const struct gdb_reg_desc *l = gdb_layout(arch, &n);

	for (size_t i = 0; i < n; i++) {
		size_t w = put_reg(&l[i], r, out + len, cap - len);
		if (!w)
			return 0;
		len += w;
	}
	return len;
}

size_t gdb_reg_encode(enum gdb_arch arch, unsigned n, const struct gdb_regs *r, char *out,
		      size_t cap)
{
	size_t count;
	const struct gdb_reg_desc *l = gdb_layout(arch, &count);

	return n < count ? put_reg(&l[n], r, out, cap) : 0;
}

/* @d's value from 2 * bits / 8 digits; 'x' digits (unavailable) leave it. */
static int get_reg(const struct gdb_reg_desc *d, const char *in, uint64_t *v, bool *set)
{
	size_t bytes = d->bits / 8;
	uint8_t le[16];

	*set = false;
	if (in[0] == 'x')
		return 0;
	if (gdb_fromhex(le, in, bytes) < 0)
		return -1;
	if (d->id == X_NONE)
		return 0;
	*v = 0;
	for (size_t i = 0; i < bytes && i < 8; i++)
		*v |= (uint64_t)le[i] << (8 * i);
	*set = true;
	return 0;
}

int gdb_regs_decode(enum gdb_arch arch, const char *in, size_t len, struct gdb_regs *r)
{
	size_t n, pos = 0;
	const struct gdb_reg_desc *l = gdb_layout(arch, &n);
	struct gdb_regs tmp = *r;

	for (size_t i = 0; i < n; i++) {
		size_t digits = l[i].bits / 4;
		uint64_t v;
		bool set;

		if (len - pos < digits)
			return -1;
		if (get_reg(&l[i], in + pos, &v, &set) < 0)
			return -1;
		if (set && gdb_reg_writable(l[i].id))
			tmp.r[l[i].id] = v;
		pos += digits;
	}
	if (pos != len)
		return -1;
	*r = tmp;
	return 0;
}

int gdb_reg_decode(enum gdb_arch arch, unsigned n, const char *in, size_t len, struct gdb_regs *r)
{
	size_t count;
	const struct gdb_reg_desc *l = gdb_layout(arch, &count);
	uint64_t v;
	bool set;

	if (n >= count || len != l[n].bits / 4 || !gdb_reg_writable(l[n].id))
		return -1;
	if (get_reg(&l[n], in, &v, &set) < 0 || !set)
		return -1;
	r->r[l[n].id] = v;
	return 0;
}
