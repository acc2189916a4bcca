/* SPDX-License-Identifier: MIT */
#include "vcpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "mkvm/abi.h"

/* The kvm_run of the vCPU running on this thread, for the kick handler;
 * volatile: a handler on this thread must see it cleared. */
static __thread struct kvm_run *volatile this_run;

void vcpu_kick_self(void)
{
	struct kvm_run *run = this_run;

	/* Makes the current or the next KVM_RUN return at once with EINTR. */
	if (run)
		run->immediate_exit = 1;
}

static void kick_handler(int sig)
{
	(void)sig;
	vcpu_kick_self();
}

void vcpu_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler; /* no SA_RESTART: blocking calls see EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

static enum io_result handle_io(struct vcpu *c)
{
	struct kvm_run *run = c->run;
	struct vm *vm = c->vm;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;
	struct io_access a = {
		.cpu = c,
		.addr = run->io.port,
		.size = run->io.size,
		.is_write = run->io.direction == KVM_EXIT_IO_OUT,
	};

	/* KVM fills these; still, never trust an offset into our mapping. */
	if (run->io.data_offset > c->run_size || bytes > c->run_size - run->io.data_offset) {
		vm_crash(c, "KVM reported I/O data outside kvm_run (offset %llu, %u x %u bytes)",
			 (unsigned long long)run->io.data_offset, run->io.count, run->io.size);
		return IO_STOP;
	}
	stats_port(&c->stats, run->io.port);
	/* String I/O (rep ins/outs): count accesses of size bytes each. */
	for (uint32_t i = 0; i < run->io.count; i++) {
		enum io_result r;

		a.data = (uint8_t *)run + run->io.data_offset + (size_t)i * run->io.size;
		r = bus_dispatch(&vm->pio, &a);
		if (r == IO_UNHANDLED)
			c->stats.io_unhandled++;
		else if (r == IO_STOP)
			return IO_STOP;
	}
	return IO_DONE;
}

static enum io_result handle_mmio(struct vcpu *c)
{
	struct kvm_run *run = c->run;
	struct io_access a = {
		.cpu = c,
		.addr = run->mmio.phys_addr,
		.data = run->mmio.data,
		.size = run->mmio.len > sizeof(run->mmio.data) ? sizeof(run->mmio.data)
							       : run->mmio.len,
		.is_write = run->mmio.is_write,
	};
	enum io_result r = bus_dispatch(&c->vm->mmio, &a);

	if (r == IO_UNHANDLED)
		c->stats.io_unhandled++;
	return r;
}

/* One exit: IO_DONE to run again, IO_STOP once the guest's end is decided. */
static enum io_result handle_exit(struct vcpu *c)
{
	struct kvm_run *run = c->run;
	struct vm *vm = c->vm;

	stats_exit(&c->stats, run->exit_reason);
	switch (run->exit_reason) {
	case KVM_EXIT_IO: return handle_io(c);
	case KVM_EXIT_MMIO: return handle_mmio(c);
	case KVM_EXIT_HLT:
		/* Bare profile: no interrupt can ever wake the CPU, HLT ends it. */
		vm_end(vm, 0, NULL);
		return IO_STOP;
	case KVM_EXIT_SHUTDOWN:
		vm_crash(
			c,
			"triple fault (KVM_EXIT_SHUTDOWN): the guest hit an exception it could not handle");
		return IO_STOP;
	case KVM_EXIT_FAIL_ENTRY:
		vm_crash(c, "VM entry failed (KVM_EXIT_FAIL_ENTRY, hardware reason 0x%llx)",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return IO_STOP;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_crash(
			c,
			"KVM internal error (KVM_EXIT_INTERNAL_ERROR, suberror %u%s, data 0x%llx 0x%llx)",
			run->internal.suberror,
			run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
				? ": emulation failed"
				: "",
			run->internal.ndata > 0 ? (unsigned long long)run->internal.data[0] : 0ull,
			run->internal.ndata > 1 ? (unsigned long long)run->internal.data[1] : 0ull);
		return IO_STOP;
	case KVM_EXIT_DEBUG:
		if (c->hooks->debug_exit)
			return c->hooks->debug_exit(c); /* --gdb: a step or a breakpoint */
		vm_crash(c, "unexpected KVM exit reason %u", run->exit_reason);
		return IO_STOP;
	default: vm_crash(c, "unexpected KVM exit reason %u", run->exit_reason); return IO_STOP;
	}
}

void vcpu_request(struct vcpu *c, unsigned req)
{
	atomic_fetch_or(&c->requests, req);
	if (c->started && !atomic_load(&c->done))
		pthread_kill(c->thread, SIGUSR1);
}

/* What others asked of this vCPU while it ran (vcpu_request()). */
static void take_requests(struct vcpu *c)
{
	unsigned req = atomic_exchange(&c->requests, 0);

	if (req & VCPU_REQ_FLUSH_CONSOLE)
		console_flush(&c->vm->con); /* a prompt waited too long */
	if ((req & VCPU_REQ_DEBUG) && c->hooks->debug_park)
		c->hooks->debug_park(c); /* the debugger stops every vCPU */
}

void vcpu_run(struct vcpu *c, const sigset_t *unblock)
{
	struct vm *vm = c->vm;

	this_run = c->run;
	pthread_sigmask(SIG_UNBLOCK, unblock, NULL);

	clock_gettime(CLOCK_MONOTONIC, &c->stats.start);
	if (c->hooks->debug_park)
		c->hooks->debug_park(c); /* --gdb-wait: stopped before the first instruction */
	while (!vm_over(vm)) {
		if (ioctl(c->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				c->run->immediate_exit = 0;
				take_requests(c);
				if (c->hooks->kicked)
					c->hooks->kicked(); /* a signal or the lazy timer */
				continue;		    /* kicked: the loop condition decides */
			}
			vm_end(vm, MKVM_EXIT_VMM_ERROR, "KVM_RUN failed: %s", strerror(errno));
			break;
		}
		if (handle_exit(c) == IO_STOP)
			break;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->stats.end);
	/* One vCPU ending ends the guest (vm_end kicked the others); the last
	 * one to leave reports, once the winner has written the reason. */
	if (!vm_over(vm))
		vm_end(vm, MKVM_EXIT_VMM_ERROR, "vCPU %u stopped without a reason", c->id);
	while (life_state(&vm->life) == LIFE_ENDING)
		sched_yield();
	if (atomic_fetch_sub(&vm->cpus_running, 1) == 1)
		c->hooks->ended(vm); /* may block on a slow stdout: still kickable */
	this_run = NULL;
	atomic_store(&c->done, true);
}

static void *vcpu_thread(void *arg)
{
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, SIGUSR1);
	vcpu_run(arg, &kick);
	return NULL;
}

int vcpu_start(struct vm *vm, const struct vcpu_hooks *hooks, bool here)
{
	atomic_store(&vm->cpus_running, (int)vm->ncpus);
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *c = &vm->cpus[i];
		int err;

		c->hooks = hooks;
		if (i == 0 && here) {
			c->thread = pthread_self();
			c->started = true;
			continue;
		}
		err = pthread_create(&c->thread, NULL, vcpu_thread, c);
		if (err) {
			vm_end(vm, MKVM_EXIT_VMM_ERROR, "cannot start vCPU thread %u", i);
			/* Threads never started never count themselves out. */
			if (atomic_fetch_sub(&vm->cpus_running, (int)(vm->ncpus - i)) ==
			    (int)(vm->ncpus - i))
				hooks->ended(vm);
			return -err;
		}
		c->started = true;
	}
	return 0;
}
