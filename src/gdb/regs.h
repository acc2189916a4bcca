/* SPDX-License-Identifier: MIT */
/*
 * The x86 registers as gdb sees them: the register layouts of the 'g'
 * packet and the target descriptions (target.xml) for "i386" (real and
 * protected mode guests) and "i386:x86-64" (long mode guests), built from
 * one table each, so the two can never disagree.  The features follow
 * gdb's own: org.gnu.gdb.i386.core (general, segment and x87 registers),
 * org.gnu.gdb.i386.sse, org.gnu.gdb.i386.segments (fs_base, gs_base; 64-bit)
 * and org.mini-kvm.x86.sys (cr0, cr2, cr3, cr4, efer), like QEMU's
 * target/i386/gdbstub.c.  x87 and SSE registers are sent as unavailable.
 */
#ifndef MKVM_GDB_REGS_H
#define MKVM_GDB_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gdb_arch {
	GDB_ARCH_I386,	 /* 32-bit registers: real, protected and paging mode */
	GDB_ARCH_X86_64, /* long mode */
};

/* The values mini-kvm keeps (KVM_GET_REGS / KVM_GET_SREGS). */
enum gdb_reg_id {
	X_RAX,
	X_RBX,
	X_RCX,
	X_RDX,
	X_RSI,
	X_RDI,
	X_RBP,
	X_RSP,
	X_R8,
	X_R9,
	X_R10,
	X_R11,
	X_R12,
	X_R13,
	X_R14,
	X_R15,
	X_RIP,
	X_RFLAGS,
	X_CS,
	X_SS,
	X_DS,
	X_ES,
	X_FS,
	X_GS,
	X_FS_BASE,
	X_GS_BASE,
	X_CR0,
	X_CR2,
	X_CR3,
	X_CR4,
	X_EFER,
	X_NREGS,
	X_NONE = X_NREGS, /* a register gdb knows and mini-kvm does not send */
};

struct gdb_regs {
	uint64_t r[X_NREGS];
};

/* One register of a layout, in gdb's numbering order. */
struct gdb_reg_desc {
	const char *name;
	unsigned bits;	  /* 32, 64, 80 or 128 */
	const char *type; /* target.xml type */
	unsigned feature; /* index into the arch's features */
	enum gdb_reg_id id;
};

/* The layout of @arch: *@n registers. */
const struct gdb_reg_desc *gdb_layout(enum gdb_arch arch, size_t *n);

/* "i386" or "i386:x86-64". */
const char *gdb_arch_name(enum gdb_arch arch);

/* The target description; its length in *@len. */
const char *gdb_target_xml(enum gdb_arch arch, size_t *len);

/* True if mini-kvm takes writes of register @id (general registers, the
 * instruction pointer and the flags: KVM_SET_REGS). */
bool gdb_reg_writable(enum gdb_reg_id id);

/* The 'g' reply: every register in hex, target byte order; unavailable
 * ones as 'x'.  Returns the length written (at most @cap), 0 if short. */
size_t gdb_regs_encode(enum gdb_arch arch, const struct gdb_regs *r, char *out, size_t cap);

/* A 'G' packet's @len digits: updates the writable registers of @r;
 * 0, or -1 for a wrong length or a bad digit (then @r is unchanged). */
int gdb_regs_decode(enum gdb_arch arch, const char *in, size_t len, struct gdb_regs *r);

/* 'p': register number @n in hex into @out; its length, 0 if no such. */
size_t gdb_reg_encode(enum gdb_arch arch, unsigned n, const struct gdb_regs *r, char *out,
		      size_t cap);

/* 'P': register @n from @len digits; 0, or -1 (no such register, not
 * writable, wrong length, bad digit). */
int gdb_reg_decode(enum gdb_arch arch, unsigned n, const char *in, size_t len, struct gdb_regs *r);

#endif
