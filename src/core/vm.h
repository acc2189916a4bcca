/* SPDX-License-Identifier: MIT */
/*
 * One guest: a KVM VM with its memory, device buses, vCPU, console and
 * counters, and how it ended.  Several guests are several struct vm.
 */
#ifndef MKVM_VM_H
#define MKVM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "console.h"
#include "guest_mem.h"
#include "kvm.h"
#include "lifecycle.h"
#include "stats.h"

struct kvm_run;
struct vcpu;
struct vm;

#define VM_MAX_CPUS    64
#define VM_MAX_DEVICES 16

struct device_type;

/* What a device may ask of its VM.  vm_create() installs vm_kvm_host (KVM
 * interrupt lines, vm_end); unit tests and fuzz targets may install fakes,
 * so that a device model links without the VM. */
struct vm_host {
	void (*irq_line)(struct vm *vm, unsigned irq, int level);
	/* Ends the guest with @status; @reason NULL for the guest's own end.
	 * True if this call decided the end. */
	bool (*end)(struct vm *vm, int status, const char *reason);
};

/* Requests to a vCPU (struct vcpu .requests), taken by its own loop after
 * a kick: whoever sets one also kicks (vcpu_request()). */
#define VCPU_REQ_FLUSH_CONSOLE 0x1u /* a partial line waited too long */
#define VCPU_REQ_DEBUG	       0x2u /* --gdb: park until the debugger resumes it */

/* What the vCPU loop tells its owner; given at vcpu_start(). */
struct vcpu_hooks {
	/* After a kick or signal on this thread (EINTR from KVM_RUN). */
	void (*kicked)(void);
	/* On the last vCPU thread of the guest to end, once its end is known. */
	void (*ended)(struct vm *vm);
	/* --gdb only (NULL otherwise, and never called): before the first
	 * KVM_RUN and on VCPU_REQ_DEBUG, park while the debugger holds the
	 * vCPU; on KVM_EXIT_DEBUG, decide what the exit means. */
	void (*debug_park)(struct vcpu *c);
	enum io_result (*debug_exit)(struct vcpu *c);
};

struct vcpu {
	struct vm *vm;
	unsigned id; /* 0 = the bootstrap processor */
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread; /* its own, or the main thread (vCPU 0 of guest 0) */
	const struct vcpu_hooks *hooks;
	_Atomic unsigned requests; /* VCPU_REQ_* bits */
	bool started;		   /* the thread exists */
	_Atomic bool done;	   /* the vCPU loop has finished */
	struct vm_stats stats;	   /* this vCPU's counters (no sharing) */
};

/* Which machine a guest gets (docs/machine.md). */
enum machine_profile {
	PROFILE_BARE, /* real-mode demos: no interrupt controller, HLT ends the run */
	PROFILE_PC,   /* kernels: in-kernel PIC/IOAPIC/LAPIC and PIT, devices with IRQs */
};

struct vm {
	const char *name;	/* short name for messages and prefixes */
	const char *path;	/* image file */
	int index;		/* position on the command line */
	bool reads_stdin;	/* only the first guest gets stdin */
	bool stdin_to_keyboard; /* --keyboard: stdin feeds the i8042, not the UART */
	enum machine_profile profile;
	bool huge_pages; /* RAM on 2 MiB pages where the host allows (kernels, not --no-huge-pages) */
	int fd;
	struct guest_mem mem;
	struct bus pio;
	struct bus mmio;
	unsigned ncpus;
	struct vcpu cpus[VM_MAX_CPUS];
	_Atomic int cpus_running; /* vCPU threads not yet ended */
	struct console con;
	const struct vm_host *host;
	/* The devices of this guest, in the order created (destroyed last
	 * first): src/devices/devices.def. */
	struct vm_device {
		const struct device_type *type;
		void *dev;
	} devs[VM_MAX_DEVICES];
	unsigned ndevs;

	/* How the guest ended; written once, by whoever ends it first. */
	struct lifecycle life; /* running, ending, ended, forced; and the cause */
	int status;	       /* exit status for this guest */
	char reason[256];      /* "" = the guest ended by itself */
	char dump[1024];       /* register dump for crashes, or "" */
};

/* Creates the VM (vm->profile says which machine), its memory (@mem_size
 * bytes) and its vCPU. 0 or -1 with a message on stderr. */
int vm_create(struct vm *vm, struct kvm *kvm, uint64_t mem_size);

/* Raises (1) or lowers (0) ISA interrupt line @irq (PC profile). */
void vm_irq_line(struct vm *vm, unsigned irq, int level);
void vm_destroy(struct vm *vm);

/* The real host of a VM on KVM (vm_irq_line, vm_end). */
extern const struct vm_host vm_kvm_host;

/* For device models: the interrupt line and the end, through vm->host. */
static inline void vm_dev_irq(struct vm *vm, unsigned irq, int level)
{
	vm->host->irq_line(vm, irq, level);
}

static inline bool vm_dev_end(struct vm *vm, int status, const char *reason)
{
	return vm->host->end(vm, status, reason);
}

/* Creates a device of @type on @vm (its create hook) and keeps it; a
 * device absent from this guest is no error.  0 or -errno. */
int vm_add_device(struct vm *vm, const struct device_type *type);

/* Destroys the devices alone, last created first (vm_destroy does it too). */
void vm_free_devices(struct vm *vm);

/*
 * Decides how the guest ends: the first call wins, later ones are ignored.
 * @fmt may be NULL for a normal end.  Returns true if this call won.
 */
bool vm_end(struct vm *vm, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Like vm_end() for a crash: also records a register dump of vCPU @c. */
bool vm_crash(struct vcpu *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Kicks every vCPU of @vm out of KVM_RUN (except the calling thread's). */
void vm_kick_all(struct vm *vm);

/* True once the guest's end is decided: loops and devices stop. */
static inline bool vm_over(const struct vm *vm)
{
	return life_over(&vm->life);
}

/* Ends the guest from another thread (@cause: timeout, signal, quit, VMM
 * failure) and kicks its vCPUs.  Waking blocked input is the caller's job
 * (the supervisor's). */
void vm_stop(struct vm *vm, enum end_cause cause, int status, const char *why);

#endif
