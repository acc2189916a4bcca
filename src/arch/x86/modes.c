/* SPDX-License-Identifier: MIT */
#include "modes.h"

#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "cpu.h"
#include "mkvm/abi.h"

#define CR0_PE	 (1u << 0)
#define CR0_ET	 (1u << 4)
#define CR0_PG	 (1u << 31)
#define CR4_PSE	 (1u << 4)
#define CR4_PAE	 (1u << 5)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)

#define PTE_P  0x1
#define PTE_RW 0x2
#define PTE_PS 0x80 /* large page (4 MiB / 2 MiB) */

/* Access byte and flags of each GDT entry, indexed by selector / 8. */
static const struct {
	uint8_t access; /* P, DPL, S, type */
	uint8_t flags;	/* G, D/B, L */
} gdt_desc[] = {
	[SEL_KERNEL_CS / 8] = {0x9b, 0xc},   /* ring 0 code, 32-bit, accessed */
	[SEL_KERNEL_DS / 8] = {0x93, 0xc},   /* ring 0 data */
	[SEL_USER_CS / 8] = {0xfb, 0xc},     /* ring 3 code */
	[SEL_USER_DS / 8] = {0xf3, 0xc},     /* ring 3 data */
	[SEL_TSS / 8] = {0x8b, 0x0},	     /* 32-bit TSS, busy */
	[SEL_KERNEL_CS64 / 8] = {0x9b, 0xa}, /* ring 0 code, 64-bit */
};
#define GDT_ENTRIES (sizeof(gdt_desc) / sizeof(gdt_desc[0]))
#define TSS_LIMIT   0x67

static const char *const mode_names[] = {
	[MODE_REAL] = "real",
	[MODE_PROTECTED] = "protected",
	[MODE_PAGING] = "paging",
	[MODE_LONG] = "long",
};

const char *cpu_mode_name(enum cpu_mode m)
{
	return mode_names[m];
}

int cpu_mode_parse(const char *s)
{
	for (int m = MODE_REAL; m <= MODE_LONG; m++)
		if (strcmp(s, mode_names[m]) == 0)
			return m;
	return -1;
}

static uint64_t seg_base(unsigned i)
{
	return i == SEL_TSS / 8 ? PC_TSS_ADDR : 0;
}

static uint32_t seg_limit(unsigned i)
{
	return i == SEL_TSS / 8 ? TSS_LIMIT : 0xfffff; /* 4 GiB with G = 1 */
}

static uint64_t gdt_entry(unsigned i)
{
	uint64_t base = seg_base(i), limit = seg_limit(i);

	return (limit & 0xffff) | (base & 0xffffff) << 16 | (uint64_t)gdt_desc[i].access << 40 |
	       ((limit >> 16) & 0xf) << 48 | (uint64_t)gdt_desc[i].flags << 52 |
	       (base >> 24 & 0xff) << 56;
}

/* The KVM view of GDT entry @sel, matching gdt_entry() bit for bit. */
static struct kvm_segment kvm_seg(uint16_t sel)
{
	unsigned i = sel / 8;
	uint8_t a = gdt_desc[i].access, f = gdt_desc[i].flags;
	uint32_t limit = seg_limit(i);

	return (struct kvm_segment){
		.base = seg_base(i),
		.limit = (f & 0x8) ? limit << 12 | 0xfff : limit,
		.selector = sel,
		.type = a & 0xf,
		.present = a >> 7,
		.dpl = (a >> 5) & 3,
		.db = (f >> 2) & 1,
		.s = (a >> 4) & 1,
		.l = (f >> 1) & 1,
		.g = (f >> 3) & 1,
	};
}

static int build_gdt(struct guest_mem *mem)
{
	uint64_t gdt[GDT_ENTRIES] = {0};
	uint8_t tss[TSS_LIMIT + 1] = {0};

	for (unsigned i = 1; i < GDT_ENTRIES; i++)
		gdt[i] = gdt_entry(i);
	tss[0x66] = sizeof(tss); /* I/O map base past the limit: no I/O bitmap */
	if (gmem_write(mem, PC_GDT_ADDR, gdt, sizeof(gdt)) < 0 ||
	    gmem_write(mem, PC_TSS_ADDR, tss, sizeof(tss)) < 0)
		return -ENOMEM;
	return 0;
}

/* 32-bit paging, 4 MiB pages: identity for 0..3 GiB, PC_HIGHER_HALF -> 0 for 1 GiB. */
static int build_pgtable32(struct guest_mem *mem)
{
	uint32_t *pd = gmem_ptr(mem, PC_PGTABLE_ADDR, 4096);

	if (!pd)
		return -ENOMEM;
	for (uint32_t i = 0; i < 1024; i++) {
		uint32_t phys = i < PC_HIGHER_HALF >> 22 ? i : i - (PC_HIGHER_HALF >> 22);
		pd[i] = phys << 22 | PTE_PS | PTE_RW | PTE_P;
	}
	return 0;
}

/* 4-level paging, 2 MiB pages: identity for 0..4 GiB, -2 GiB -> 0..2 GiB. */
static int build_pgtable64(struct guest_mem *mem)
{
	const uint64_t pml4_pa = PC_PGTABLE_ADDR, pdpt_pa = pml4_pa + 0x1000,
		       pd_pa = pdpt_pa + 0x1000, hi_pdpt_pa = pd_pa + 4 * 0x1000;
	uint64_t *pml4 = gmem_ptr(mem, pml4_pa, 4096), *pdpt = gmem_ptr(mem, pdpt_pa, 4096),
		 *pd = gmem_ptr(mem, pd_pa, 4 * 4096), *hi = gmem_ptr(mem, hi_pdpt_pa, 4096);

	if (!pml4 || !pdpt || !pd || !hi || hi_pdpt_pa + 0x1000 > PC_PGTABLE_END)
		return -ENOMEM;
	memset(pml4, 0, 4096);
	memset(hi, 0, 4096);
	pml4[0] = pdpt_pa | PTE_RW | PTE_P;
	pml4[511] = hi_pdpt_pa | PTE_RW | PTE_P;
	for (uint64_t i = 0; i < 512; i++)
		pdpt[i] = i < 4 ? (pd_pa + i * 0x1000) | PTE_RW | PTE_P : 0;
	for (uint64_t i = 0; i < 4 * 512; i++)
		pd[i] = i << 21 | PTE_PS | PTE_RW | PTE_P;
	hi[510] = pd_pa | PTE_RW | PTE_P;
	hi[511] = (pd_pa + 0x1000) | PTE_RW | PTE_P;
	return 0;
}

int x86_boot_cpu(int fd, struct guest_mem *mem, const struct cpu_boot *b)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	int err;

	if (b->mode == MODE_REAL)
		return x86_setup_real_mode(fd, (uint16_t)b->entry, (uint16_t)b->stack);
	err = build_gdt(mem);
	if (!err && b->mode == MODE_PAGING)
		err = build_pgtable32(mem);
	if (!err && b->mode == MODE_LONG)
		err = build_pgtable64(mem);
	if (err)
		return err;
	if (ioctl(fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.gdt.base = PC_GDT_ADDR;
	s.gdt.limit = GDT_ENTRIES * 8 - 1;
	s.idt.base = 0;
	s.idt.limit = 0; /* the kernel installs its own IDT */
	s.cs = kvm_seg(b->mode == MODE_LONG ? SEL_KERNEL_CS64 : SEL_KERNEL_CS);
	s.ds = s.es = s.fs = s.gs = s.ss = kvm_seg(SEL_KERNEL_DS);
	s.tr = kvm_seg(SEL_TSS);
	s.cr0 = CR0_PE | CR0_ET;
	s.cr4 = 0;
	s.efer = 0;
	if (b->mode == MODE_PAGING) {
		s.cr0 |= CR0_PG;
		s.cr3 = PC_PGTABLE_ADDR;
		s.cr4 = CR4_PSE;
	} else if (b->mode == MODE_LONG) {
		s.cr0 |= CR0_PG;
		s.cr3 = PC_PGTABLE_ADDR;
		s.cr4 = CR4_PAE;
		s.efer = EFER_LME | EFER_LMA;
	}
	if (ioctl(fd, KVM_SET_SREGS, &s) < 0)
		return -errno;
	memset(&r, 0, sizeof(r));
	r.rip = b->entry;
	r.rsp = b->stack;
	r.rax = b->eax;
	r.rbx = b->ebx;
	r.rsi = b->rsi;
	r.rflags = 0x2;
	if (ioctl(fd, KVM_SET_REGS, &r) < 0)
		return -errno;
	return 0;
}
