/* SPDX-License-Identifier: MIT */
#include "vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/x86/chipset.h"
#include "arch/x86/cpu.h"
#include "arch/x86/cpuid.h"
#include "mkvm/abi.h"

static int vcpu_create(struct vm *vm, struct vcpu *c, unsigned id, struct kvm *kvm)
{
	int err;

	c->vm = vm;
	c->id = id;
	c->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (c->fd < 0) {
		fprintf(stderr, "mini-kvm: %s: KVM_CREATE_VCPU %u: %s\n", vm->name, id,
			strerror(errno));
		return -1;
	}
	/* The bare profile (real-mode demos) keeps KVM's default CPUID: the
	 * query costs more than such a guest's whole run. */
	err = vm->profile == PROFILE_PC ? x86_setup_cpuid(kvm->fd, c->fd, id, vm->ncpus) : 0;
	if (err) {
		fprintf(stderr, "mini-kvm: %s: KVM_SET_CPUID2: %s\n", vm->name, strerror(-err));
		return -1;
	}
	c->run_size = kvm->run_size;
	c->run = mmap(NULL, kvm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED) {
		c->run = NULL;
		fprintf(stderr, "mini-kvm: %s: mmap of kvm_run: %s\n", vm->name, strerror(errno));
		return -1;
	}
	return 0;
}

int vm_create(struct vm *vm, struct kvm *kvm, uint64_t mem_size)
{
	struct kvm_userspace_memory_region region;
	int err;

	vm->host = &vm_kvm_host;
	vm->fd = ioctl(kvm->fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0) {
		fprintf(stderr, "mini-kvm: %s: KVM_CREATE_VM: %s\n", vm->name, strerror(errno));
		return -1;
	}
	err = gmem_init(&vm->mem, mem_size, vm->huge_pages);
	if (err) {
		fprintf(stderr,
			"mini-kvm: %s: cannot map %llu bytes of guest memory: %s; try a smaller --mem\n",
			vm->name, (unsigned long long)mem_size, strerror(-err));
		return -1;
	}
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uint64_t)(uintptr_t)vm->mem.host,
	};
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		fprintf(stderr, "mini-kvm: %s: KVM_SET_USER_MEMORY_REGION: %s\n", vm->name,
			strerror(errno));
		return -1;
	}

	if (vm->profile == PROFILE_PC && x86_create_chipset(vm->fd, vm->name) < 0)
		return -1;
	for (unsigned i = 0; i < vm->ncpus; i++)
		if (vcpu_create(vm, &vm->cpus[i], i, kvm) < 0)
			return -1;
	return 0;
}

void vm_irq_line(struct vm *vm, unsigned irq, int level)
{
	int err = x86_irq_line(vm->fd, irq, level);

	if (err)
		vm_end(vm, MKVM_EXIT_VMM_ERROR, "KVM_IRQ_LINE %u: %s", irq, strerror(-err));
}

void vm_destroy(struct vm *vm)
{
	vm_free_devices(vm);
	for (unsigned i = 0; i < vm->ncpus; i++) {
		if (vm->cpus[i].run)
			munmap(vm->cpus[i].run, vm->cpus[i].run_size);
		if (vm->cpus[i].fd > 0)
			close(vm->cpus[i].fd);
	}
	gmem_destroy(&vm->mem);
	if (vm->fd > 0)
		close(vm->fd);
}

/* The cause a status stands for when a device or the run loop ends the
 * guest with a message (a guest's own exit has none). */
static enum end_cause cause_of(int status, const char *fmt)
{
	if (!fmt)
		return END_GUEST;
	if (status == MKVM_EXIT_GUEST_FAULT)
		return END_GUEST_FAULT;
	if (status == MKVM_EXIT_VMM_ERROR)
		return END_VMM_ERROR;
	return END_GUEST; /* e.g. "guest reset the machine", status 0 */
}

/* The winner writes status, reason (and the register dump of @crashed)
 * while the state is LIFE_ENDING; LIFE_ENDED publishes them. */
static bool vm_end_v(struct vm *vm, struct vcpu *crashed, enum end_cause cause, int status,
		     const char *fmt, va_list ap)
{
	int running = LIFE_RUNNING;

	if (!atomic_compare_exchange_strong_explicit(&vm->life.state, &running, LIFE_ENDING,
						     memory_order_acq_rel, memory_order_acquire))
		return false;
	vm->status = status;
	vm->life.cause = cause;
	if (fmt)
		vsnprintf(vm->reason, sizeof(vm->reason), fmt, ap);
	if (crashed)
		x86_dump_regs(crashed->fd, vm->dump, sizeof(vm->dump));
	/* Published: whoever sees LIFE_ENDED sees the status and reason. */
	atomic_store_explicit(&vm->life.state, LIFE_ENDED, memory_order_release);
	if (vm->ncpus > 1)
		vm_kick_all(vm); /* the other vCPUs must notice too */
	return true;
}

void vm_kick_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->ncpus; i++) {
		struct vcpu *c = &vm->cpus[i];
		if (c->started && !atomic_load(&c->done) &&
		    !pthread_equal(c->thread, pthread_self()))
			pthread_kill(c->thread, SIGUSR1);
	}
}

bool vm_end(struct vm *vm, int status, const char *fmt, ...)
{
	va_list ap;
	bool won;

	va_start(ap, fmt);
	won = vm_end_v(vm, NULL, cause_of(status, fmt), status, fmt, ap);
	va_end(ap);
	return won;
}

bool vm_crash(struct vcpu *c, const char *fmt, ...)
{
	struct vm *vm = c->vm;
	va_list ap;
	bool won;

	va_start(ap, fmt);
	won = vm_end_v(vm, c, END_GUEST_FAULT, MKVM_EXIT_GUEST_FAULT, fmt, ap);
	va_end(ap);
	return won;
}

static bool end_with(struct vm *vm, enum end_cause cause, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool end_with(struct vm *vm, enum end_cause cause, int status, const char *fmt, ...)
{
	va_list ap;
	bool won;

	va_start(ap, fmt);
	won = vm_end_v(vm, NULL, cause, status, fmt, ap);
	va_end(ap);
	return won;
}

void vm_stop(struct vm *vm, enum end_cause cause, int status, const char *why)
{
	end_with(vm, cause, status, "%s", why);
	/* ENDING -> ENDED belongs to the winner: wait for it (a few stores). */
	while (atomic_load(&vm->life.state) == LIFE_ENDING)
		sched_yield();
	atomic_store_explicit(&vm->life.state, LIFE_FORCED, memory_order_release);
	vm_kick_all(vm);
}

static bool kvm_host_end(struct vm *vm, int status, const char *reason)
{
	return reason ? vm_end(vm, status, "%s", reason) : vm_end(vm, status, NULL);
}

const struct vm_host vm_kvm_host = {.irq_line = vm_irq_line, .end = kvm_host_end};
