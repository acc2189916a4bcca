/* SPDX-License-Identifier: MIT */
#include "kvm_target.h"

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "core/stats.h"
#include "core/vcpu.h"

#define MAX_SW_BP 64
#define DR6_BS	  (1u << 14) /* single step */
#define PAGE	  4096u

static struct {
	struct vm *vm;
	struct kt_caps caps;
	int notify_fd;
	void (*kill)(int status, const char *why);
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool run_ok[VM_MAX_CPUS];	  /* may leave the park */
	bool parked[VM_MAX_CPUS];	  /* is in it */
	enum gdb_action act[VM_MAX_CPUS]; /* what it was resumed to do */
	unsigned nparked;
	bool have_event;
	struct gdb_stop event;
	struct {
		uint64_t addr;
		uint8_t orig;
		bool used, written; /* written: 0xcc is in guest memory */
	} sw[MAX_SW_BP];
	struct {
		uint64_t addr;
		enum gdb_bp_type type;
		unsigned len;
		bool used;
	} hw[4];
} K = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

void kt_init(struct vm *vm, const struct kt_caps *caps, bool hold, int notify_fd,
	     void (*kill)(int status, const char *why))
{
	K.vm = vm;
	K.caps = *caps;
	K.notify_fd = notify_fd;
	K.kill = kill;
	for (unsigned i = 0; i < vm->ncpus; i++)
		K.run_ok[i] = !hold;
	if (hold) {
		K.have_event = true;
		K.event = (struct gdb_stop){.thread = 0, .why = GDB_STOP_SIGNAL, .signal = 5};
	}
}

enum gdb_arch kt_arch(void)
{
	struct kvm_sregs s;

	if (ioctl(K.vm->cpus[0].fd, KVM_GET_SREGS, &s) == 0 && (s.efer & (1u << 10)))
		return GDB_ARCH_X86_64;
	return GDB_ARCH_I386;
}

/* ---- vCPU side ------------------------------------------------------------ */

static void wait_a_bit(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += 100 * 1000 * 1000;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&K.cond, &K.lock, &t);
}

void kt_park(struct vcpu *c)
{
	if (c->hooks->kicked)
		c->hooks->kicked(); /* the lazy supervisor must take signals now */
	pthread_mutex_lock(&K.lock);
	/* The guest's end (timeout, signal) is seen within 100 ms. */
	while (!K.run_ok[c->id] && !vm_over(c->vm)) {
		if (!K.parked[c->id]) {
			K.parked[c->id] = true;
			if (++K.nparked == K.vm->ncpus && K.notify_fd >= 0)
				(void)!write(K.notify_fd, "", 1);
			pthread_cond_broadcast(&K.cond);
		}
		wait_a_bit();
	}
	if (K.parked[c->id]) {
		K.parked[c->id] = false;
		K.nparked--;
	}
	pthread_mutex_unlock(&K.lock);
}

/* Called with the lock: every vCPU is to park; kicks all but @self. */
static void hold_all(const struct vcpu *self)
{
	for (unsigned i = 0; i < K.vm->ncpus; i++)
		K.run_ok[i] = false;
	for (unsigned i = 0; i < K.vm->ncpus; i++)
		if (&K.vm->cpus[i] != self)
			vcpu_request(&K.vm->cpus[i], VCPU_REQ_DEBUG);
}

static void report(struct vcpu *c, const struct gdb_stop *st)
{
	pthread_mutex_lock(&K.lock);
	if (!K.have_event) {
		K.have_event = true;
		K.event = *st;
	}
	hold_all(c);
	pthread_mutex_unlock(&K.lock);
	kt_park(c);
}

static int find_sw(uint64_t addr)
{
	for (int i = 0; i < MAX_SW_BP; i++)
		if (K.sw[i].used && K.sw[i].addr == addr)
			return i;
	return -1;
}

static int find_hw_exec(uint64_t addr)
{
	for (int i = 0; i < 4; i++)
		if (K.hw[i].used && K.hw[i].type == GDB_BP_HW && K.hw[i].addr == addr)
			return i;
	return -1;
}

static int set_debug(struct vcpu *c, bool step, bool inject_bp, bool blockirq);
static bool emulating(void);

enum io_result kt_debug_exit(struct vcpu *c)
{
	struct kvm_debug_exit_arch *a = &c->run->debug.arch;
	struct gdb_stop st = {.thread = c->id, .why = GDB_STOP_SIGNAL, .signal = 5};

	if (a->exception == 3) { /* #BP */
		if (find_sw(a->pc) < 0) {
			/* The guest's own INT3: give it back to the guest. */
			set_debug(c, K.act[c->id] == GDB_STEP || emulating(), true,
				  K.act[c->id] == GDB_STEP);
			return IO_DONE;
		}
		st.why = GDB_STOP_SWBREAK;
	} else if (a->exception == 1 && (a->dr6 & DR6_BS)) {
		if (K.act[c->id] != GDB_STEP) {
			/* Stepping to emulate breakpoints that do not trap. */
			if (find_sw(a->pc) >= 0)
				st.why = GDB_STOP_SWBREAK;
			else if (find_hw_exec(a->pc) >= 0)
				st.why = GDB_STOP_HWBREAK;
			else
				return IO_DONE;
		}
	} else if (a->exception == 1) {
		for (int i = 0; i < 4; i++) {
			if (!(a->dr6 & (1u << i)) || !K.hw[i].used)
				continue;
			if (K.hw[i].type == GDB_BP_HW) {
				st.why = GDB_STOP_HWBREAK;
			} else {
				st.why = GDB_STOP_WATCH;
				st.bp_type = K.hw[i].type;
				st.addr = K.hw[i].addr;
			}
			break;
		}
	}
	report(c, &st);
	return IO_DONE;
}

/* ---- gdb side ------------------------------------------------------------- */

static bool all_parked(void)
{
	return K.nparked == K.vm->ncpus;
}

bool kt_stop_all(void)
{
	pthread_mutex_lock(&K.lock);
	if (!all_parked())
		hold_all(NULL);
	while (!all_parked() && !vm_over(K.vm))
		wait_a_bit();
	if (!K.have_event) {
		K.have_event = true;
		K.event = (struct gdb_stop){.thread = 0, .why = GDB_STOP_SIGNAL, .signal = 5};
	}
	pthread_mutex_unlock(&K.lock);
	return !vm_over(K.vm);
}

bool kt_stopped(struct gdb_stop *st)
{
	bool done;

	pthread_mutex_lock(&K.lock);
	done = all_parked() && K.have_event;
	if (done)
		*st = K.event;
	pthread_mutex_unlock(&K.lock);
	return done;
}

static bool sw_needs_step(void)
{
	if (K.caps.sw_traps)
		return false;
	for (int i = 0; i < MAX_SW_BP; i++)
		if (K.sw[i].used)
			return true;
	return false;
}

static bool hw_needs_step(void)
{
	if (K.caps.hw_traps)
		return false;
	for (int i = 0; i < 4; i++)
		if (K.hw[i].used)
			return true;
	return false;
}

/* @blockirq: no interrupt enters during a step (gdb's stepi).  Never
 * while stepping to emulate breakpoints: a HLT must still wake up. */
/* Breakpoints that do not trap here are found by stepping. */
static bool emulating(void)
{
	return sw_needs_step() || hw_needs_step();
}

static int set_debug(struct vcpu *c, bool step, bool inject_bp, bool blockirq)
{
	struct kvm_guest_debug g;
	bool sw = false, hw = false;

	memset(&g, 0, sizeof(g));
	for (int i = 0; i < MAX_SW_BP; i++)
		sw |= K.sw[i].written;
	if (K.caps.hw_traps) {
		for (int i = 0; i < 4; i++) {
			static const unsigned lenbits[9] = {0, 0, 1, 0, 3, 0, 0, 0, 2};
			unsigned rw = K.hw[i].type == GDB_BP_HW	     ? 0
				      : K.hw[i].type == GDB_WP_WRITE ? 1
								     : 3;

			if (!K.hw[i].used)
				continue;
			hw = true;
			g.arch.debugreg[i] = K.hw[i].addr;
			g.arch.debugreg[7] |=
				(1ull << (2 * i)) | ((uint64_t)rw << (16 + 4 * i)) |
				((uint64_t)(rw ? lenbits[K.hw[i].len] : 0) << (18 + 4 * i));
		}
		if (hw)
			g.arch.debugreg[7] |= 1u << 8 | 1u << 10; /* LE, and bit 10 reads as 1 */
	}
	if (sw || hw || step || inject_bp)
		g.control = KVM_GUESTDBG_ENABLE;
	if (sw)
		g.control |= KVM_GUESTDBG_USE_SW_BP;
	if (hw)
		g.control |= KVM_GUESTDBG_USE_HW_BP;
	if (step) {
		g.control |= KVM_GUESTDBG_SINGLESTEP;
#ifdef KVM_GUESTDBG_BLOCKIRQ
		if (K.caps.blockirq && blockirq)
			g.control |= KVM_GUESTDBG_BLOCKIRQ;
#endif
	}
	if (inject_bp)
		g.control |= KVM_GUESTDBG_INJECT_BP;
	return ioctl(c->fd, KVM_SET_GUEST_DEBUG, &g) < 0 ? -errno : 0;
}

static void resume(void *t, const enum gdb_action *act, unsigned n)
{
	bool emulate = emulating();

	(void)t;
	pthread_mutex_lock(&K.lock);
	K.have_event = false;
	for (unsigned i = 0; i < K.vm->ncpus && i < n; i++) {
		K.act[i] = act[i];
		if (act[i] != GDB_STOPPED)
			set_debug(&K.vm->cpus[i], act[i] == GDB_STEP || emulate, false,
				  act[i] == GDB_STEP);
	}
	for (unsigned i = 0; i < K.vm->ncpus && i < n; i++)
		K.run_ok[i] = act[i] != GDB_STOPPED;
	pthread_cond_broadcast(&K.cond);
	pthread_mutex_unlock(&K.lock);
}

static void interrupt(void *t)
{
	(void)t;
	pthread_mutex_lock(&K.lock);
	if (!K.have_event) {
		K.have_event = true;
		K.event = (struct gdb_stop){.thread = 0, .why = GDB_STOP_SIGNAL, .signal = 2};
	}
	hold_all(NULL);
	pthread_mutex_unlock(&K.lock);
}

static unsigned nthreads(void *t)
{
	(void)t;
	return K.vm->ncpus;
}

static int get_regs(void *t, unsigned th, struct gdb_regs *r)
{
	struct kvm_regs k;
	struct kvm_sregs s;
	int fd = K.vm->cpus[th].fd;

	(void)t;
	if (th >= K.vm->ncpus || ioctl(fd, KVM_GET_REGS, &k) < 0 ||
	    ioctl(fd, KVM_GET_SREGS, &s) < 0)
		return -1;
	*r = (struct gdb_regs){
		.r = {
			[X_RAX] = k.rax,	 [X_RBX] = k.rbx,	  [X_RCX] = k.rcx,
			[X_RDX] = k.rdx,	 [X_RSI] = k.rsi,	  [X_RDI] = k.rdi,
			[X_RBP] = k.rbp,	 [X_RSP] = k.rsp,	  [X_R8] = k.r8,
			[X_R9] = k.r9,		 [X_R10] = k.r10,	  [X_R11] = k.r11,
			[X_R12] = k.r12,	 [X_R13] = k.r13,	  [X_R14] = k.r14,
			[X_R15] = k.r15,	 [X_RIP] = k.rip,	  [X_RFLAGS] = k.rflags,
			[X_CS] = s.cs.selector,	 [X_SS] = s.ss.selector,  [X_DS] = s.ds.selector,
			[X_ES] = s.es.selector,	 [X_FS] = s.fs.selector,  [X_GS] = s.gs.selector,
			[X_FS_BASE] = s.fs.base, [X_GS_BASE] = s.gs.base, [X_CR0] = s.cr0,
			[X_CR2] = s.cr2,	 [X_CR3] = s.cr3,	  [X_CR4] = s.cr4,
			[X_EFER] = s.efer,
		}};
	return 0;
}

static int set_regs(void *t, unsigned th, const struct gdb_regs *r)
{
	struct kvm_regs k = {
		.rax = r->r[X_RAX],
		.rbx = r->r[X_RBX],
		.rcx = r->r[X_RCX],
		.rdx = r->r[X_RDX],
		.rsi = r->r[X_RSI],
		.rdi = r->r[X_RDI],
		.rbp = r->r[X_RBP],
		.rsp = r->r[X_RSP],
		.r8 = r->r[X_R8],
		.r9 = r->r[X_R9],
		.r10 = r->r[X_R10],
		.r11 = r->r[X_R11],
		.r12 = r->r[X_R12],
		.r13 = r->r[X_R13],
		.r14 = r->r[X_R14],
		.r15 = r->r[X_R15],
		.rip = r->r[X_RIP],
		.rflags = r->r[X_RFLAGS] | 2, /* bit 1 is always set */
	};

	(void)t;
	if (th >= K.vm->ncpus || ioctl(K.vm->cpus[th].fd, KVM_SET_REGS, &k) < 0)
		return -1;
	return 0;
}

/* The guest-physical address of @va in @th's address space, or -1. */
static int translate(unsigned th, uint64_t va, uint64_t *gpa)
{
	struct kvm_translation tr = {.linear_address = va};

	if (th >= K.vm->ncpus || ioctl(K.vm->cpus[th].fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
		return -1;
	*gpa = tr.physical_address;
	return 0;
}

/* Page by page: translation, then the checked accessor. */
static long access_mem(unsigned th, uint64_t va, uint8_t *buf, size_t len, bool write)
{
	size_t done = 0;

	while (done < len) {
		uint64_t gpa, at = va + done;
		size_t n = PAGE - (at & (PAGE - 1));

		if (n > len - done)
			n = len - done;
		if (translate(th, at, &gpa) < 0)
			break;
		if (write ? gmem_write(&K.vm->mem, gpa, buf + done, n)
			  : gmem_read(&K.vm->mem, buf + done, gpa, n))
			break; /* outside RAM: MMIO or nothing */
		done += n;
	}
	return (long)done;
}

static long read_mem(void *t, unsigned th, uint64_t addr, uint8_t *buf, size_t len)
{
	(void)t;
	return access_mem(th, addr, buf, len, false);
}

static long write_mem(void *t, unsigned th, uint64_t addr, const uint8_t *buf, size_t len)
{
	(void)t;
	return access_mem(th, addr, (uint8_t *)buf, len, true);
}

static int sw_breakpoint(bool insert, uint64_t addr)
{
	int i = find_sw(addr);
	uint8_t cc = 0xcc;

	if (!insert) {
		if (i < 0)
			return -1;
		if (K.sw[i].written && access_mem(0, addr, &K.sw[i].orig, 1, true) != 1)
			return -1;
		K.sw[i].used = K.sw[i].written = false;
		return 0;
	}
	if (i >= 0)
		return 0;
	for (i = 0; i < MAX_SW_BP && K.sw[i].used; i++)
		;
	if (i == MAX_SW_BP || access_mem(0, addr, &K.sw[i].orig, 1, false) != 1)
		return -1;
	K.sw[i].addr = addr;
	K.sw[i].used = true;
	/* Where INT3 does not trap, the byte stays: the steps find the address. */
	if (K.caps.sw_traps) {
		if (access_mem(0, addr, &cc, 1, true) != 1) {
			K.sw[i].used = false;
			return -1;
		}
		K.sw[i].written = true;
	}
	return 0;
}

static int hw_breakpoint(bool insert, enum gdb_bp_type type, uint64_t addr, uint64_t kind)
{
	unsigned len = type == GDB_BP_HW ? 1 : (unsigned)kind;
	int free_slot = -1;

	if (type != GDB_BP_HW && !K.caps.hw_traps)
		return 1; /* no watchpoints by stepping: gdb can do them itself */
	if (type != GDB_BP_HW && ((len != 1 && len != 2 && len != 4 && len != 8) ||
				  (addr & (len - 1)) || (len == 8 && kt_arch() != GDB_ARCH_X86_64)))
		return 1;
	for (int i = 0; i < 4; i++) {
		if (K.hw[i].used && K.hw[i].addr == addr && K.hw[i].type == type) {
			if (!insert)
				K.hw[i].used = false;
			return 0;
		}
		if (!K.hw[i].used && free_slot < 0)
			free_slot = i;
	}
	if (!insert)
		return -1;
	if (free_slot < 0)
		return -1; /* four at most: DR0-DR3 */
	K.hw[free_slot].addr = addr;
	K.hw[free_slot].type = type;
	K.hw[free_slot].len = len;
	K.hw[free_slot].used = true;
	return 0;
}

static int breakpoint(void *t, bool insert, enum gdb_bp_type type, uint64_t addr, uint64_t kind)
{
	(void)t;
	return type == GDB_BP_SW ? sw_breakpoint(insert, addr)
				 : hw_breakpoint(insert, type, addr, kind);
}

void kt_release(void)
{
	/* A running vCPU holds its own mutex inside KVM_RUN: stop them first. */
	if (!kt_stop_all())
		return;
	for (int i = 0; i < MAX_SW_BP; i++)
		if (K.sw[i].used)
			sw_breakpoint(false, K.sw[i].addr);
	memset(K.hw, 0, sizeof(K.hw));
	pthread_mutex_lock(&K.lock);
	for (unsigned i = 0; i < K.vm->ncpus; i++) {
		set_debug(&K.vm->cpus[i], false, false, false);
		K.act[i] = GDB_CONT;
		K.run_ok[i] = true;
	}
	K.have_event = false;
	pthread_cond_broadcast(&K.cond);
	pthread_mutex_unlock(&K.lock);
}

static void detach(void *t)
{
	(void)t;
	kt_release();
}

static void kill_guest(void *t)
{
	(void)t;
	K.kill(MKVM_EXIT_KILLED_BY_GDB, "killed by gdb (k)");
}

const char *kt_method(void)
{
	if (K.caps.sw_traps && K.caps.hw_traps)
		return "mini-kvm: breakpoints: INT3 and debug registers trap (KVM_SET_GUEST_DEBUG)\n";
	if (K.caps.sw_traps)
		return "mini-kvm: breakpoints: INT3 traps; debug registers do not here (probed): hbreak by single-stepping, no hardware watchpoints\n";
	if (K.caps.hw_traps)
		return "mini-kvm: breakpoints: INT3 does not trap here (probed): break uses single-stepping (slow); hbreak and watchpoints use DR0-DR3\n";
	return "mini-kvm: breakpoints: neither INT3 nor debug registers trap here (probed): breakpoints by single-stepping (slow), watchpoints left to gdb\n";
}

static int monitor(void *t, const char *cmd, char *out, size_t cap)
{
	(void)t;
	if (strcmp(cmd, "help") == 0) {
		snprintf(out, cap,
			 "monitor stats        VM exits by reason, I/O ports, hypercalls so far\n"
			 "monitor breakpoints  how breakpoints work on this machine\n");
		return 0;
	}
	if (strcmp(cmd, "breakpoints") == 0) {
		snprintf(out, cap, "%s", kt_method());
		return 0;
	}
	if (strcmp(cmd, "stats") == 0) {
		struct vm_stats sum;
		FILE *f = fmemopen(out, cap, "w");

		if (!f)
			return -1;
		memset(&sum, 0, sizeof(sum));
		for (unsigned c = 0; c < K.vm->ncpus; c++)
			stats_merge(&sum, &K.vm->cpus[c].stats, c == 0);
		clock_gettime(CLOCK_MONOTONIC, &sum.end); /* the run so far */
		stats_print(&sum, K.vm->name, f);
		fclose(f);
		return 0;
	}
	return -1;
}

const struct gdb_target_ops kt_ops = {
	.nthreads = nthreads,
	.get_regs = get_regs,
	.set_regs = set_regs,
	.read_mem = read_mem,
	.write_mem = write_mem,
	.breakpoint = breakpoint,
	.resume = resume,
	.interrupt = interrupt,
	.detach = detach,
	.kill = kill_guest,
	.monitor = monitor,
};
