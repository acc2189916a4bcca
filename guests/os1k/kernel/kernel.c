/* SPDX-License-Identifier: MIT */
/*
 * The 1K OS kernel: a port of "OS in 1,000 Lines" to 32-bit x86.
 *
 *   boot      multiboot entry (entry.S), our own GDT with a TSS, an IDT
 *   memory    the kernel runs identity-mapped at 1 MiB; physical memory
 *             0-16 MiB is mapped in every page directory with 4 MiB pages
 *             (no U bit); each process gets USER_SIZE bytes of 4 KiB user
 *             pages at USER_BASE (U bit), in its own page directory
 *   processes a fixed table, a kernel stack each (TSS.esp0), round robin,
 *             preempted by the PIT (IRQ 0, 100 Hz); an idle process halts
 *   traps     exceptions (a user fault kills the process, a kernel fault
 *             panics), IRQs, system calls (int 0x80)
 *
 * The kernel runs with interrupts off (all gates are interrupt gates): only
 * user mode and the idle loop are interrupted, so it needs no locks.
 */
#include "kernel.h"

/* ---- console and the end of the world ------------------------------------ */

void putchar(char ch)
{
	uart_putc(ch);
}

void shutdown(int status)
{
	for (;;) /* HC_EXIT: mini-kvm ends with this status */
		outb(HC_PORT(HC_EXIT), (uint8_t)status);
}

/* ---- segments: GDT and TSS ------------------------------------------------ */

struct tss {
	uint32_t link, esp0, ss0, unused[22];
	uint16_t trap, iomap_base; /* iomap_base past the end: no I/O bitmap */
} __attribute__((packed));

static struct tss tss;
static uint64_t gdt[6] = {
	0,
	0x00cf9a000000ffffull, /* 0x08 kernel code: base 0, limit 4 GiB, ring 0 */
	0x00cf92000000ffffull, /* 0x10 kernel data */
	0x00cffa000000ffffull, /* 0x18 user code, ring 3 */
	0x00cff2000000ffffull, /* 0x20 user data, ring 3 */
	0,		       /* 0x28 the TSS, filled in below */
};

static void gdt_init(void)
{
	uint64_t base = (uint32_t)&tss, limit = sizeof(tss) - 1;
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint32_t)gdt};

	gdt[5] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 | (base >> 24) << 56;
	tss.ss0 = SEL_KDATA;
	tss.iomap_base = sizeof(tss);
	__asm__ volatile("lgdt %0\n\t"
			 "ljmp $0x08, $1f\n"
			 "1:\tmov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%fs\n\t"
			 "mov %1, %%gs\n\t"
			 "mov %1, %%ss\n\t"
			 "ltr %w2"
			 :
			 : "m"(gdtr), "r"(SEL_KDATA), "r"(SEL_TSS32));
}

/* ---- interrupts: IDT ------------------------------------------------------ */

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t zero, flags;
	uint16_t offset_hi;
} __attribute__((packed));

static struct idt_gate idt[256];
extern const uint32_t vectors[49]; /* entry.S: 0..47, then int 0x80 */

static void set_gate(int n, uint32_t handler, int dpl)
{
	/* 0x8e: present, 32-bit interrupt gate (clears IF on entry) */
	idt[n] = (struct idt_gate){(uint16_t)handler, SEL_KCODE, 0, (uint8_t)(0x8e | dpl << 5),
				   (uint16_t)(handler >> 16)};
}

static void idt_init(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)idt};

	for (int i = 0; i < 48; i++)
		set_gate(i, vectors[i], 0);
	set_gate(0x80, vectors[48], 3); /* user mode may call int 0x80 */
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* ---- memory: the page allocator and page tables --------------------------- */

#define KERNEL_MAP_END USER_BASE /* the kernel maps (and uses) RAM below this */
#define PTE_P	       0x001
#define PTE_W	       0x002
#define PTE_U	       0x004
#define PTE_PWT	       0x008
#define PTE_PCD	       0x010
#define PDE_PS	       0x080 /* a 4 MiB page */

extern char __free_ram[]; /* kernel.ld: the end of the kernel image */
static paddr_t next_paddr, ram_end, free_list;
static uint32_t kernel_pd[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t free_pages;

/* n contiguous zeroed pages.  Single pages are recycled through a free list;
 * runs of pages (virtio queues) come from the never-freed bump region. */
paddr_t alloc_pages(uint32_t n)
{
	paddr_t paddr;

	if (n == 1 && free_list) {
		paddr = free_list;
		free_list = *(paddr_t *)paddr;
	} else {
		if (n > (ram_end - next_paddr) / PAGE_SIZE)
			PANIC("out of memory");
		paddr = next_paddr;
		next_paddr += n * PAGE_SIZE;
	}
	free_pages -= n;
	memset((void *)paddr, 0, n * PAGE_SIZE);
	return paddr;
}

static void free_page(paddr_t paddr)
{
	*(paddr_t *)paddr = free_list;
	free_list = paddr;
	free_pages++;
}

static void map_page(uint32_t *pd, vaddr_t vaddr, paddr_t paddr, uint32_t flags)
{
	uint32_t *pde = &pd[vaddr >> 22];

	if (!(*pde & PTE_P))
		*pde = alloc_pages(1) | PTE_U | PTE_W | PTE_P;
	((uint32_t *)(*pde & ~0xfffu))[(vaddr >> 12) & 0x3ff] = paddr | flags | PTE_P;
}

static void paging_init(void)
{
	for (uint32_t i = 0; i < KERNEL_MAP_END >> 22; i++)
		kernel_pd[i] = i << 22 | PDE_PS | PTE_W | PTE_P;
	/* The virtio-mmio registers, uncached. */
	kernel_pd[VIRTIO_BLK_MMIO_ADDR >> 22] =
		(VIRTIO_BLK_MMIO_ADDR & 0xffc00000) | PDE_PS | PTE_PCD | PTE_PWT | PTE_W | PTE_P;
	__asm__ volatile("mov %%cr4, %%eax; or $0x10, %%eax; mov %%eax, %%cr4\n\t" /* PSE */
			 "mov %0, %%cr3\n\t"
			 "mov %%cr0, %%eax; or $0x80010000, %%eax; mov %%eax, %%cr0" /* PG, WP */
			 :
			 : "r"(kernel_pd)
			 : "eax", "memory");
}

/* ---- processes ------------------------------------------------------------ */

#define PROCS_MAX 16
enum proc_state {
	PROC_UNUSED,
	PROC_RUNNABLE,
	PROC_SLEEPING,
	PROC_WAITING,
	PROC_ZOMBIE
};
static const char *const state_names[] = {"unused", "runnable", "sleeping", "waiting", "zombie"};

struct process {
	int pid;
	enum proc_state state; /* SLEEPING: for input, WAITING: for a child */
	char name[16];
	struct process *parent;
	int exit_status;
	uint32_t *page_dir;
	vaddr_t sp; /* saved kernel stack pointer (switch_context) */
	uint8_t stack[8192] __attribute__((aligned(16))); /* kernel stack */
};

struct program { /* programs.S (generated): the embedded user programs */
	const char *name;
	const uint8_t *start, *end;
};
extern const struct program programs[];

static struct process procs[PROCS_MAX], idle_proc;
static struct process *current;
static int next_pid = 1;
volatile uint32_t ticks;

void switch_context(vaddr_t *prev_sp, vaddr_t next_sp);
void trap_return(void);

static struct process *create_process(const char *name, const char *arg, struct process *parent)
{
	const struct program *prog = programs;
	struct process *p = NULL;

	while (prog->name && strcmp(prog->name, name))
		prog++;
	if (!prog->name)
		return NULL;
	for (int i = 0; i < PROCS_MAX && !p; i++)
		if (procs[i].state == PROC_UNUSED)
			p = &procs[i];
	if (!p)
		return NULL;

	/* The page directory: the kernel's mappings, then the user pages with
	 * the program copied to the bottom and the argument at the top. */
	p->page_dir = (uint32_t *)alloc_pages(1);
	memcpy(p->page_dir, kernel_pd, PAGE_SIZE);
	uint32_t image_size = (uint32_t)(prog->end - prog->start);
	for (uint32_t off = 0; off < USER_SIZE; off += PAGE_SIZE) {
		paddr_t page = alloc_pages(1);
		if (off < image_size)
			memcpy((void *)page, prog->start + off,
			       image_size - off < PAGE_SIZE ? image_size - off : PAGE_SIZE);
		if (off == USER_SIZE - PAGE_SIZE)
			strcpy_s((char *)(page + PAGE_SIZE - ARG_MAX), arg, ARG_MAX);
		map_page(p->page_dir, USER_BASE + off, page, PTE_U | PTE_W);
	}

	/* The kernel stack: a trap frame that "returns" to user mode at the
	 * program's start, below it what switch_context pops: edi, esi, ebx,
	 * ebp and the return address trap_return. */
	struct trap_frame *f = (struct trap_frame *)(p->stack + sizeof(p->stack)) - 1;
	memset(f, 0, sizeof(*f));
	f->ds = f->es = f->ss = SEL_UDATA;
	f->cs = SEL_UCODE;
	f->eip = USER_BASE;
	f->eflags = 0x202; /* IF: interrupts on in user mode */
	f->esp = USER_BASE + USER_SIZE - ARG_MAX;
	f->eax = f->esp; /* the argument string, for _start (user.c) */
	uint32_t *sp = (uint32_t *)f;
	*--sp = (uint32_t)trap_return;
	for (int i = 0; i < 4; i++)
		*--sp = 0;

	p->pid = next_pid++;
	p->sp = (vaddr_t)sp;
	p->parent = parent;
	strcpy_s(p->name, name, sizeof(p->name));
	p->state = PROC_RUNNABLE;
	return p;
}

/* Round robin: the next runnable process after the current one, or idle. */
void yield(void)
{
	struct process *next = &idle_proc, *prev = current;
	int start = current == &idle_proc ? 0 : (int)(current - procs) + 1;

	for (int i = 0; i < PROCS_MAX; i++) {
		struct process *p = &procs[(start + i) % PROCS_MAX];
		if (p->state == PROC_RUNNABLE) {
			next = p;
			break;
		}
	}
	if (next == current)
		return;
	tss.esp0 = (uint32_t)(next->stack + sizeof(next->stack));
	__asm__ volatile("mov %0, %%cr3" : : "r"(next->page_dir) : "memory");
	current = next;
	switch_context(&prev->sp, next->sp);
}

static void __attribute__((noreturn)) process_exit(int status)
{
	struct process *p = current;
	uint32_t *pd = p->page_dir;

	/* Give back the user pages, the page table and the page directory. */
	__asm__ volatile("mov %0, %%cr3" : : "r"(kernel_pd) : "memory");
	for (uint32_t i = USER_BASE >> 22; i < 1024; i++) {
		if (!(pd[i] & PTE_P) || pd[i] == kernel_pd[i])
			continue;
		uint32_t *pt = (uint32_t *)(pd[i] & ~0xfffu);
		for (int j = 0; j < 1024; j++)
			if (pt[j] & PTE_P)
				free_page(pt[j] & ~0xfffu);
		free_page((paddr_t)pt);
	}
	free_page((paddr_t)pd);
	p->page_dir = kernel_pd;

	for (int i = 0; i < PROCS_MAX; i++) { /* orphans are not waited for */
		if (procs[i].parent != p)
			continue;
		procs[i].parent = NULL;
		if (procs[i].state == PROC_ZOMBIE)
			procs[i].state = PROC_UNUSED;
	}
	p->exit_status = status;
	p->state = p->parent ? PROC_ZOMBIE : PROC_UNUSED;
	if (p->parent && p->parent->state == PROC_WAITING)
		p->parent->state = PROC_RUNNABLE;
	yield();
	PANIC("unreachable");
}

void input_wakeup(void)
{
	for (int i = 0; i < PROCS_MAX; i++)
		if (procs[i].state == PROC_SLEEPING)
			procs[i].state = PROC_RUNNABLE;
}

/* ---- system calls ---------------------------------------------------------- */

static void __attribute__((noreturn)) bad_pointer(struct trap_frame *f, uint32_t ptr)
{
	printf("process %d killed: bad pointer 0x%08x in system call %d\n", current->pid, ptr,
	       f->eax);
	process_exit(-1);
}

/* Every pointer from user mode must lie in the process's user pages. */
static void *user_ptr(struct trap_frame *f, uint32_t ptr, uint32_t len)
{
	if (ptr < USER_BASE || len > USER_SIZE || ptr - USER_BASE > USER_SIZE - len)
		bad_pointer(f, ptr);
	return (void *)ptr;
}

/* Copies a user string into buf; NULL if it does not fit. */
static const char *user_string(struct trap_frame *f, uint32_t ptr, char *buf, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++) {
		buf[i] = *(const char *)user_ptr(f, ptr + i, 1);
		if (!buf[i])
			return buf;
	}
	return NULL;
}

static int sys_getchar(void)
{
	for (;;) {
		int ch = input_getc();
		if (ch >= 0)
			return ch;
		current->state = PROC_SLEEPING; /* until a key arrives (input_wakeup) */
		yield();
	}
}

static int sys_wait(int pid)
{
	struct process *child = NULL;

	for (int i = 0; i < PROCS_MAX; i++)
		if (procs[i].state != PROC_UNUSED && procs[i].pid == pid &&
		    procs[i].parent == current)
			child = &procs[i];
	if (!child)
		return -1;
	while (child->state != PROC_ZOMBIE) {
		current->state = PROC_WAITING;
		yield();
	}
	child->state = PROC_UNUSED;
	return child->exit_status;
}

static int sys_readfile(struct trap_frame *f, bool write)
{
	char name[NAME_MAX];
	uint32_t len = f->edx;
	char *buf = user_ptr(f, f->ecx, len);

	if (!user_string(f, f->ebx, name, sizeof(name)))
		return -1;
	struct file *file = fs_lookup(name);
	if (!write) {
		if (!file)
			return -1;
		len = len < file->size ? len : file->size;
		memcpy(buf, file->data, len);
		return (int)len;
	}
	if (len > FILE_DATA_MAX || (!file && !(file = fs_create(name))))
		return -1;
	memcpy(file->data, buf, len);
	file->size = len;
	return fs_flush() < 0 ? -1 : (int)len;
}

static int sys_readdir(struct trap_frame *f)
{
	struct dirent *d = user_ptr(f, f->ecx, sizeof(*d));
	uint32_t n = f->ebx;

	for (int i = 0; i < FILES_MAX; i++) {
		if (files[i].in_use && n-- == 0) {
			strcpy_s(d->name, files[i].name, sizeof(d->name));
			d->size = files[i].size;
			return 0;
		}
	}
	return -1;
}

static int sys_ps(struct trap_frame *f)
{
	struct procinfo *info = user_ptr(f, f->ecx, sizeof(*info));
	uint32_t n = f->ebx;
	struct process *p = n == 0 ? &idle_proc : NULL;

	for (int i = 0; i < PROCS_MAX && !p; i++)
		if (procs[i].state != PROC_UNUSED && --n == 0)
			p = &procs[i];
	if (!p)
		return -1;
	info->pid = p->pid;
	info->parent = p->parent ? p->parent->pid : 0;
	strcpy_s(info->name, p->name, sizeof(info->name));
	strcpy_s(info->state, p == current ? "running" : state_names[p->state],
		 sizeof(info->state));
	return 0;
}

static void syscall(struct trap_frame *f)
{
	char name[16], arg[ARG_MAX];
	struct process *child;
	int ret = 0;

	switch (f->eax) {
	case SYS_PUTCHAR: putchar((char)f->ebx); break;
	case SYS_GETCHAR: ret = sys_getchar(); break;
	case SYS_EXIT: process_exit((int)f->ebx);
	case SYS_READFILE: ret = sys_readfile(f, false); break;
	case SYS_WRITEFILE: ret = sys_readfile(f, true); break;
	case SYS_READDIR: ret = sys_readdir(f); break;
	case SYS_SPAWN:
		child = NULL;
		if (user_string(f, f->ebx, name, sizeof(name)) &&
		    user_string(f, f->ecx, arg, sizeof(arg)))
			child = create_process(name, arg, current);
		ret = child ? child->pid : -1;
		break;
	case SYS_WAIT: ret = sys_wait((int)f->ebx); break;
	case SYS_YIELD: yield(); break;
	case SYS_PS: ret = sys_ps(f); break;
	case SYS_TICKS: ret = (int)ticks; break;
	case SYS_SHUTDOWN: shutdown((int)f->ebx);
	default:
		printf("process %d killed: bad system call %d\n", current->pid, f->eax);
		process_exit(-1);
	}
	f->eax = (uint32_t)ret;
}

/* ---- traps ------------------------------------------------------------------ */

static const char *const exception_names[32] = {"divide error",
						"debug",
						"NMI",
						"breakpoint",
						"overflow",
						"bound range exceeded",
						"invalid opcode",
						"device not available",
						"double fault",
						"coprocessor segment overrun",
						"invalid TSS",
						"segment not present",
						"stack fault",
						"general protection fault",
						"page fault",
						"reserved (15)",
						"x87 floating-point error",
						"alignment check",
						"machine check",
						"SIMD floating-point error",
						"virtualization exception",
						"control protection exception",
						"reserved (22)",
						"reserved (23)",
						"reserved (24)",
						"reserved (25)",
						"reserved (26)",
						"reserved (27)",
						"hypervisor injection",
						"VMM communication",
						"security exception",
						"reserved (31)"};

static void exception(struct trap_frame *f)
{
	const char *name = exception_names[f->vector];
	uint32_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	if (!(f->cs & 3))
		PANIC("%s in the kernel: error 0x%x, eip 0x%08x, cr2 0x%08x", name, f->error,
		      f->eip, cr2);
	if (f->vector == 14)
		printf("process %d killed: page fault at 0x%08x, eip 0x%08x\n", current->pid, cr2,
		       f->eip);
	else if ((1u << f->vector) & 0x60227d00) /* the exceptions with an error code */
		printf("process %d killed: %s (error 0x%x), eip 0x%08x\n", current->pid, name,
		       f->error, f->eip);
	else
		printf("process %d killed: %s, eip 0x%08x\n", current->pid, name, f->eip);
	process_exit(-1);
}

void trap(struct trap_frame *f)
{
	if (f->vector < 32) {
		exception(f);
	} else if (f->vector < 48) {
		int irq = (int)f->vector - 32;
		pic_eoi(irq);
		if (irq == 0) {
			ticks++;
			if (f->cs & 3) /* preempt user mode; idle yields by itself */
				yield();
		} else if (irq == 1) {
			kbd_irq();
		} else if (irq == 4) {
			uart_irq();
		}
	} else {
		syscall(f);
	}
}

/* ---- boot ------------------------------------------------------------------- */

static bool cmdline_has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = cmdline; *p; p++)
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, word, n) &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

void kernel_main(uint32_t magic, const uint32_t *info)
{
	const char *cmdline = "";
	uint32_t mem_kib = 1024;

	pic_init();
	uart_init();
	if (magic == 0x2badb002 && (info[0] & 1))
		mem_kib += info[2]; /* mem_upper: KiB above 1 MiB */
	if (magic == 0x2badb002 && (info[0] & 4))
		cmdline = (const char *)info[4];
	gdt_init();
	idt_init();

	next_paddr = align_up((paddr_t)__free_ram, PAGE_SIZE);
	ram_end = mem_kib < KERNEL_MAP_END / 1024 ? mem_kib * 1024 : KERNEL_MAP_END;
	free_pages = (ram_end - next_paddr) / PAGE_SIZE;
	paging_init();
	printf("1K OS: 32-bit x86, paging on, %u KiB of memory, %u KiB free\n", mem_kib,
	       free_pages * 4);
	if (cmdline_has(cmdline, "crash")) /* for the tests: a kernel page fault */
		*(volatile uint32_t *)0xdead0000 = 1;

	pit_init(100);
	kbd_init();
	fs_init(virtio_blk_init());

	idle_proc.page_dir = kernel_pd;
	idle_proc.state = PROC_RUNNABLE;
	strcpy_s(idle_proc.name, "idle", sizeof(idle_proc.name));
	current = &idle_proc;
	if (!create_process("shell", "", NULL))
		PANIC("no shell");
	/* The idle process: run the others; when nobody can run, halt until
	 * the next interrupt (sti;hlt is atomic: no wake-up is lost). */
	for (;;) {
		yield();
		__asm__ volatile("sti; hlt; cli");
	}
}
