/* SPDX-License-Identifier: MIT */
/*
 * bench/floor: the floor that KVM itself sets.  The least a VMM can do to run
 * a flat real-mode guest of the Mini-KVM ABI: one VM, one vCPU, the image at
 * 0x7c00, then KVM_RUN and a bare switch on the exit -- no threads, no bus,
 * no checks beyond what keeps it from crashing.  Output as mini-kvm promises
 * it: PUTCHAR bytes are buffered and written at each newline (or 4 KiB);
 * HC_WRITE goes out in one write(2).  Usage: floor [MEM_MIB] IMAGE
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static char out[4096];
static size_t len;
static void flush(void)
{
	if (len)
		(void)!write(1, out, len); /* output errors: output dropped */
	len = 0;
}

int main(int argc, char **argv)
{
	size_t mem = (argc > 2 ? strtoul(argv[1], NULL, 0) : 16) << 20;
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm = ioctl(kvm, KVM_CREATE_VM, 0);
	unsigned char *ram = mmap(NULL, mem, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct kvm_userspace_memory_region region = {0, 0, 0, mem, (unsigned long)ram};
	FILE *img = fopen(argv[argc - 1], "rb");
	struct kvm_sregs sregs;
	struct kvm_regs regs = {.rip = 0x7c00, .rsp = 0x7c00, .rflags = 2};

	if (vm < 0 || ram == MAP_FAILED || !img || !fread(ram + 0x7c00, 1, mem - 0x7c00, img))
		return perror("floor"), 125;
	ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region);
	int cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	struct kvm_run *run = mmap(NULL, (size_t)ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0),
				   PROT_READ | PROT_WRITE, MAP_SHARED, cpu, 0);
	ioctl(cpu, KVM_GET_SREGS, &sregs);
	sregs.cs.base = sregs.cs.selector = 0; /* others are 0 after reset */
	ioctl(cpu, KVM_SET_SREGS, &sregs);
	ioctl(cpu, KVM_SET_REGS, &regs);
	for (;;) {
		if (ioctl(cpu, KVM_RUN, 0) < 0)
			return perror("KVM_RUN"), 125;
		unsigned char *d = (unsigned char *)run + run->io.data_offset;
		switch (run->exit_reason) {
		case KVM_EXIT_HLT: return flush(), 0;
		case KVM_EXIT_IO:
			switch (run->io.port) {
			case 0x500: return flush(), d[0]; /* HC_EXIT */
			case 0x501:			  /* HC_PUTCHAR */
				out[len++] = (char)d[0];
				if (d[0] == '\n' || len == sizeof(out))
					flush();
				break;
			case 0x503: /* HC_WRITE: ESI, ECX */
				ioctl(cpu, KVM_GET_REGS, &regs);
				flush();
				(void)!write(1, ram + (unsigned)regs.rsi, (unsigned)regs.rcx);
				break;
			default: break; /* any other port: ignored */
			}
			break;
		default: fprintf(stderr, "floor: exit %u\n", run->exit_reason); return 126;
		}
	}
}
