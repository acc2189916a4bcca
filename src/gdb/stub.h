/* SPDX-License-Identifier: MIT */
/*
 * The GDB remote protocol, target side, for an all-stop x86 machine whose
 * threads are its vCPUs (thread N = vCPU N - 1).  The stub parses packets
 * (packet.h), answers them and asks the target (struct gdb_target_ops) to
 * read, write, resume and stop; it knows no sockets and no KVM, so the unit
 * tests and the fuzz target drive it with a fake target.
 *
 * Packets: qSupported (PacketSize, qXfer:features:read, swbreak, hwbreak,
 * QStartNoAckMode), qXfer:features:read:target.xml, ?, g, G, p, P, m, M, X,
 * c, s, C, S, vCont, vCont?, Z0-Z4, z0-z4, qfThreadInfo, qsThreadInfo, qC,
 * H, T, qThreadExtraInfo, qAttached, D, k, vKill, qRcmd; 0x03 stops.
 */
#ifndef MKVM_GDB_STUB_H
#define MKVM_GDB_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "regs.h"

#define GDB_MAX_THREADS 64

/* What a thread does when the target resumes. */
enum gdb_action {
	GDB_STOPPED, /* stays stopped */
	GDB_STEP,    /* one instruction, then stop */
	GDB_CONT,    /* runs until something stops it */
};

/* Breakpoint and watchpoint kinds, as numbered by Z/z. */
enum gdb_bp_type {
	GDB_BP_SW = 0,
	GDB_BP_HW = 1,
	GDB_WP_WRITE = 2,
	GDB_WP_READ = 3,
	GDB_WP_ACCESS = 4,
};

/* Why the target stopped. */
struct gdb_stop {
	unsigned thread; /* 0-based vCPU */
	enum {
		GDB_STOP_SIGNAL, /* Ctrl-C (SIGINT), attach, a step done (SIGTRAP) */
		GDB_STOP_SWBREAK,
		GDB_STOP_HWBREAK,
		GDB_STOP_WATCH, /* a watchpoint at addr, of bp_type */
		GDB_STOP_EXITED /* the guest ended with status */
	} why;
	int signal; /* GDB_STOP_SIGNAL: 2 (SIGINT) or 5 (SIGTRAP) */
	enum gdb_bp_type bp_type;
	uint64_t addr;
	int status;
};

struct gdb_target_ops {
	unsigned (*nthreads)(void *t);
	int (*get_regs)(void *t, unsigned thread, struct gdb_regs *r);
	int (*set_regs)(void *t, unsigned thread, const struct gdb_regs *r);
	/* Guest-virtual memory of @thread's address space: bytes done (fewer
	 * at the first unmapped page), or -1. */
	long (*read_mem)(void *t, unsigned thread, uint64_t addr, uint8_t *buf, size_t len);
	long (*write_mem)(void *t, unsigned thread, uint64_t addr, const uint8_t *buf, size_t len);
	/* 0 done, -1 failed (E reply), 1 not supported (empty reply). */
	int (*breakpoint)(void *t, bool insert, enum gdb_bp_type type, uint64_t addr,
			  uint64_t kind);
	/* Resumes with one action per thread; the target later reports a stop
	 * with gdb_stub_stopped(). */
	void (*resume)(void *t, const enum gdb_action *actions, unsigned n);
	/* Ctrl-C: stop every thread (then gdb_stub_stopped with SIGINT). */
	void (*interrupt)(void *t);
	/* gdb leaves (D, or the connection is lost): breakpoints out, run on. */
	void (*detach)(void *t);
	void (*kill)(void *t);
	/* "monitor CMD": writes text (lines) into @out; 0, or -1 unknown. */
	int (*monitor)(void *t, const char *cmd, char *out, size_t cap);
};

struct gdb_stub {
	const struct gdb_target_ops *ops;
	void *target;
	enum gdb_arch arch;
	/* Writes bytes to the client; may fail silently (then the connection
	 * is gone and the caller notices). */
	void (*send)(void *io, const char *buf, size_t len);
	void *io;

	struct gdb_rx rx;
	bool no_ack;  /* QStartNoAckMode */
	bool running; /* resumed: only 0x03 is taken until a stop */
	bool ended;   /* D, k or the guest ended: the session is over */
	unsigned g_thread, c_thread;
	struct gdb_stop last; /* for '?' */
	char frame[GDB_FRAME_MAX];
	size_t frame_len; /* the last packet sent, for a '-' */
	char reply[GDB_PACKET_MAX + 1];
	uint8_t mem[GDB_PACKET_MAX];
};

/* A session, stopped by @first (attach: SIGTRAP on thread 0). */
void gdb_stub_init(struct gdb_stub *s, enum gdb_arch arch, const struct gdb_target_ops *ops,
		   void *target, void (*send)(void *io, const char *buf, size_t len), void *io,
		   const struct gdb_stop *first);

/* Bytes from the client, any bytes at all. */
void gdb_stub_input(struct gdb_stub *s, const uint8_t *buf, size_t len);

/* The target stopped (while running): sends the stop reply. */
void gdb_stub_stopped(struct gdb_stub *s, const struct gdb_stop *st);

/* A line for gdb's console ('O' packet); only while running, else dropped. */
void gdb_stub_console(struct gdb_stub *s, const char *text);

#endif
