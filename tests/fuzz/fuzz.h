/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the libFuzzer targets (tests/fuzz/fuzz_*.c, one per
 * guest-facing parser or device model; docs/fuzzing.md):
 *
 *   - a byte reader that turns the fuzzer's input into numbers (never fails:
 *     past the end it yields zeros),
 *   - FUZZ_CHECK: an invariant that aborts (a crash for libFuzzer),
 *   - a fake KVM behind the link-time seam -Wl,--wrap=ioctl: the real VMM
 *     code runs unchanged, only the kernel's answers are made up.  The fake
 *     VM fd takes KVM_IRQ_LINE (levels are recorded and checked), the fake
 *     vCPU fd answers KVM_GET_REGS with registers chosen by the input (how
 *     HC_WRITE's pointer and length checks are reached without KVM); every
 *     other fd goes to the real ioctl.
 *   - a struct vm without KVM (fake fds, guest memory from malloc so that
 *     ASan sees a single byte outside it; mmap'd memory is invisible to it).
 *
 * Included by exactly one translation unit per fuzzer binary.
 */
#ifndef MKVM_FUZZ_H
#define MKVM_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/vm.h"

#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FUZZ INVARIANT FAILED %s:%d: %s: ", __FILE__, __LINE__,   \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* ---- reading the input ---------------------------------------------------- */

struct fdp {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fdp_u8(struct fdp *f)
{
	if (!f->n)
		return 0;
	f->n--;
	return *f->p++;
}

static inline uint64_t fdp_uint(struct fdp *f, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)fdp_u8(f) << (8 * i);
	return v;
}

static inline uint16_t fdp_u16(struct fdp *f)
{
	return (uint16_t)fdp_uint(f, 2);
}
static inline uint32_t fdp_u32(struct fdp *f)
{
	return (uint32_t)fdp_uint(f, 4);
}
static inline uint64_t fdp_u64(struct fdp *f)
{
	return fdp_uint(f, 8);
}

/* A 64-bit number near the interesting edges of [0, @size]: the fuzzer
 * finds size - 1 much more easily this way than as 8 raw bytes. */
static inline uint64_t fdp_edge(struct fdp *f, uint64_t size)
{
	uint8_t sel = fdp_u8(f);
	uint64_t small = fdp_u8(f);

	switch (sel & 7) {
	case 0: return small;
	case 1: return size - small;
	case 2: return size + small;
	case 3: return UINT64_MAX - small;
	case 4: return (uint64_t)fdp_u32(f);
	case 5: return (1ull << (small & 63)) - (sel >> 3 & 3) + 1;
	default: return fdp_u64(f);
	}
}

/* Output of the code under test (console, UART) goes nowhere. */
static inline void fuzz_quiet_stdout(void)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
}

/* ---- the fake KVM ----------------------------------------------------------- */

#define FAKE_VM_FD   0x7ff0
#define FAKE_VCPU_FD 0x7ff1
#define FAKE_IRQS    24

struct fake_kvm {
	bool regs_ok;	   /* KVM_GET_REGS succeeds */
	uint64_t rsi, rcx; /* ...with these */
	int level[FAKE_IRQS];
	unsigned irq_calls; /* KVM_IRQ_LINE ioctls */
	unsigned get_regs;  /* KVM_GET_REGS ioctls */
};
static struct fake_kvm fake_kvm;

int __real_ioctl(int fd, unsigned long req, ...);

int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd == FAKE_VCPU_FD && req == KVM_GET_REGS) {
		struct kvm_regs *r = arg;
		fake_kvm.get_regs++;
		if (!fake_kvm.regs_ok) {
			errno = EFAULT;
			return -1;
		}
		memset(r, 0, sizeof(*r));
		r->rsi = fake_kvm.rsi;
		r->rcx = fake_kvm.rcx;
		return 0;
	}
	if (fd == FAKE_VM_FD && req == KVM_IRQ_LINE) {
		const struct kvm_irq_level *l = arg;
		FUZZ_CHECK(l->irq < FAKE_IRQS, "KVM_IRQ_LINE irq %u", l->irq);
		FUZZ_CHECK(l->level <= 1, "KVM_IRQ_LINE level %u", l->level);
		fake_kvm.level[l->irq] = (int)l->level;
		fake_kvm.irq_calls++;
		return 0;
	}
	if (fd == FAKE_VM_FD || fd == FAKE_VCPU_FD) {
		errno = ENOTTY;
		return -1;
	}
	return __real_ioctl(fd, req, arg);
}

/* ---- a VM without KVM ---------------------------------------------------------- */

/* Guest memory from malloc (ASan-visible); gmem_destroy() must not see it. */
static inline void fuzz_mem_alloc(struct guest_mem *m, uint64_t size)
{
	m->host = malloc(size ? size : 1);
	m->size = size;
	FUZZ_CHECK(m->host, "malloc %llu", (unsigned long long)size);
}

static inline void fuzz_mem_free(struct guest_mem *m)
{
	free(m->host);
	m->host = NULL;
	m->size = 0;
}

/* A struct vm as vm_create() leaves it, with the fake fds; no memory yet. */
static inline void fuzz_vm_init(struct vm *vm, enum machine_profile profile, unsigned ncpus)
{
	memset(vm, 0, sizeof(*vm));
	memset(&fake_kvm, 0, sizeof(fake_kvm));
	vm->name = "fuzz";
	vm->path = "fuzz.img";
	vm->profile = profile;
	vm->fd = FAKE_VM_FD;
	vm->host = &vm_kvm_host; /* KVM_IRQ_LINE reaches the fake below */
	vm->ncpus = ncpus ? ncpus : 1;
	for (unsigned i = 0; i < vm->ncpus; i++) {
		vm->cpus[i].vm = vm;
		vm->cpus[i].id = i;
		vm->cpus[i].fd = FAKE_VCPU_FD;
	}
	atomic_store(&vm->cpus_running, (int)vm->ncpus);
	console_init(&vm->con, 0, vm->name, false, &vm->life);
}

/* After an IO_STOP the vCPU loop would end the guest; the fuzzer instead
 * checks that the end was decided and lets the same devices run on. */
static inline void fuzz_vm_restart(struct vm *vm)
{
	atomic_store(&vm->life.state, LIFE_RUNNING);
	vm->life.cause = END_NONE;
	vm->status = 0;
	vm->reason[0] = '\0';
}

/* One port access as the vCPU loop makes it (src/core/vcpu.c handle_io):
 * bus_dispatch() with a->cpu set.  Returns the result; checks what every
 * access must satisfy. */
static inline enum io_result fuzz_pio(struct vm *vm, uint16_t port, bool write, unsigned size,
				      uint8_t data[8])
{
	struct io_access a = {
		.cpu = &vm->cpus[0],
		.addr = port,
		.data = data,
		.size = size,
		.is_write = write,
	};
	const struct bus_range *r = bus_find(&vm->pio, port);
	enum io_result res = bus_dispatch(&vm->pio, &a);

	FUZZ_CHECK(res == IO_DONE || res == IO_STOP || res == IO_UNHANDLED, "result %d", res);
	if (!r)
		FUZZ_CHECK(res == IO_UNHANDLED, "port 0x%x has no device but result %d", port, res);
	if (res == IO_UNHANDLED && !write)
		for (unsigned i = 0; i < size; i++)
			FUZZ_CHECK(data[i] == 0xff, "unhandled read byte %u = 0x%x", i, data[i]);
	if (res == IO_STOP)
		FUZZ_CHECK(vm_over(vm), "IO_STOP from port 0x%x but the end is not decided", port);
	return res;
}

#endif
