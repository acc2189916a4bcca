/* SPDX-License-Identifier: MIT */
#include "hypercall.h"

#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "core/device.h"
#include "core/input.h"
#include "mkvm/abi.h"

static const char *const hc_dir_name[] = {"IN", "OUT"};

/* Ends the guest with a message (through vm->host: no link to the VM). */
static enum io_result hc_end(struct vm *vm, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum io_result hc_end(struct vm *vm, int status, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vm_dev_end(vm, status, msg);
	return IO_STOP;
}

/* HC_WRITE: ESI = guest-physical address, ECX = length.  The only
 * hypercall that costs an ioctl (KVM_GET_REGS) beyond KVM_RUN. */
static enum io_result hc_write(struct vm *vm, struct vcpu *c)
{
	struct kvm_regs regs;
	uint64_t addr, len;
	const char *p;

	if (ioctl(c->fd, KVM_GET_REGS, &regs) < 0) {
		return hc_end(vm, MKVM_EXIT_VMM_ERROR, "HC_WRITE: KVM_GET_REGS failed");
	}
	addr = (uint32_t)regs.rsi;
	len = (uint32_t)regs.rcx;
	if (len > HC_WRITE_MAX) {
		return hc_end(vm, MKVM_EXIT_GUEST_FAULT,
			      "HC_WRITE length %llu (ecx) exceeds the limit of %u bytes",
			      (unsigned long long)len, HC_WRITE_MAX);
	}
	p = gmem_ptr(&vm->mem, addr, len);
	if (!p) {
		return hc_end(
			vm, MKVM_EXIT_GUEST_FAULT,
			"HC_WRITE buffer 0x%llx..0x%llx (esi, ecx) is outside guest memory (0x0..0x%llx)",
			(unsigned long long)addr, (unsigned long long)(addr + len),
			(unsigned long long)vm->mem.size);
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
		return hc_end(vm, MKVM_EXIT_GUEST_FAULT, "unknown hypercall %u (%s port 0x%llx)",
			      nr, hc_dir_name[a->is_write], (unsigned long long)a->addr);
	}
	if (a->is_write != want_write) {
		return hc_end(vm, MKVM_EXIT_GUEST_FAULT, "hypercall %u used with %s; it takes %s",
			      nr, hc_dir_name[a->is_write], hc_dir_name[want_write]);
	}
	switch (nr) {
	case HC_EXIT: vm_dev_end(vm, a->data[0], NULL); return IO_STOP;
	case HC_PUTCHAR: console_putc(&vm->con, (char)a->data[0]); return IO_DONE;
	case HC_GETCHAR: return hc_getchar(vm, a);
	default: /* HC_WRITE */ return hc_write(vm, a->cpu);
	}
}

/* The device is the VM itself: the ports keep no state of their own. */
static void *hypercall_create(struct vm *vm, int *err)
{
	*err = bus_register(&vm->pio, HC_PORT_BASE, HC_PORT_COUNT, "hypercall", hypercall_io, vm);
	return *err ? NULL : vm;
}

/* An empty record: no state (a later version may add some). */
static int hypercall_save(void *dev, struct state_w *w)
{
	(void)dev;
	st_begin(w, "HCAL", 1);
	return st_end(w);
}

static int hypercall_load(void *dev, struct state_r *r)
{
	(void)dev;
	st_open(r, "HCAL", 1);
	return st_close(r);
}

const struct device_type hypercall_device = {
	.name = "hypercall",
	.profiles = DEV_ANY_PROFILE,
	.create = hypercall_create,
	.save = hypercall_save,
	.load = hypercall_load,
};
