/* SPDX-License-Identifier: MIT */
#include "hypercall.h"

#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "core/input.h"
#include "mkvm/abi.h"

static const char *const hc_dir_name[] = {"IN", "OUT"};

/* HC_WRITE: ESI = guest-physical address, ECX = length.  The only
 * hypercall that costs an ioctl (KVM_GET_REGS) beyond KVM_RUN. */
static enum io_result hc_write(struct vm *vm, struct vcpu *c)
{
	struct kvm_regs regs;
	uint64_t addr, len;
	const char *p;

	if (ioctl(c->fd, KVM_GET_REGS, &regs) < 0) {
		vm_end(vm, MKVM_EXIT_VMM_ERROR, "HC_WRITE: KVM_GET_REGS failed");
		return IO_STOP;
	}
	addr = (uint32_t)regs.rsi;
	len = (uint32_t)regs.rcx;
	if (len > HC_WRITE_MAX) {
		vm_end(vm, MKVM_EXIT_GUEST_FAULT,
		       "HC_WRITE length %llu (ecx) exceeds the limit of %u bytes",
		       (unsigned long long)len, HC_WRITE_MAX);
		return IO_STOP;
	}
	p = gmem_ptr(&vm->mem, addr, len);
	if (!p) {
		vm_end(vm, MKVM_EXIT_GUEST_FAULT,
		       "HC_WRITE buffer 0x%llx..0x%llx (esi, ecx) is outside guest memory (0x0..0x%llx)",
		       (unsigned long long)addr, (unsigned long long)(addr + len),
		       (unsigned long long)vm->mem.size);
		return IO_STOP;
	}
	console_write(&vm->con, p, len);
	return IO_DONE;
}

static enum io_result hc_getchar(struct vm *vm, struct io_access *a)
{
	int ch = INPUT_EOF;

	console_flush(&vm->con); /* a prompt must show before we wait */
	if (vm->reads_stdin)
		ch = input_getchar(&vm->life);
	if (ch == INPUT_STOPPED)
		return IO_STOP;
	/* A byte zero-extended to the access width, or all ones for EOF. */
	memset(a->data, ch == INPUT_EOF ? 0xff : 0, a->size);
	if (ch != INPUT_EOF)
		a->data[0] = (uint8_t)ch;
	return IO_DONE;
}

static enum io_result hypercall_io(void *opaque, struct io_access *a)
{
	struct vm *vm = opaque;
	unsigned nr = (unsigned)a->offset;
	bool want_write = nr != HC_GETCHAR;

	a->cpu->stats.hypercalls[nr]++;
	if (nr >= HC_COUNT) {
		vm_end(vm, MKVM_EXIT_GUEST_FAULT, "unknown hypercall %u (%s port 0x%llx)", nr,
		       hc_dir_name[a->is_write], (unsigned long long)a->addr);
		return IO_STOP;
	}
	if (a->is_write != want_write) {
		vm_end(vm, MKVM_EXIT_GUEST_FAULT, "hypercall %u used with %s; it takes %s", nr,
		       hc_dir_name[a->is_write], hc_dir_name[want_write]);
		return IO_STOP;
	}
	switch (nr) {
	case HC_EXIT: vm_end(vm, a->data[0], NULL); return IO_STOP;
	case HC_PUTCHAR: console_putc(&vm->con, (char)a->data[0]); return IO_DONE;
	case HC_GETCHAR: return hc_getchar(vm, a);
	default: /* HC_WRITE */ return hc_write(vm, a->cpu);
	}
}

int hypercall_register(struct vm *vm)
{
	return bus_register(&vm->pio, HC_PORT_BASE, HC_PORT_COUNT, "hypercall", hypercall_io, vm);
}
