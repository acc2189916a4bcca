/* SPDX-License-Identifier: MIT */
#include "rt.h"

void hc_putchar(char c)
{
	outb(HC_PORT(HC_PUTCHAR), (uint8_t)c);
}

void hc_write(const void *buf, uint32_t len)
{
	/* Paging is off in these kernels: virtual = physical. */
	__asm__ volatile("outb %%al, %%dx"
			 :
			 : "S"(buf), "c"(len), "d"(HC_PORT(HC_WRITE)), "a"(0)
			 : "memory");
}

void hc_exit(int status)
{
	for (;;)
		outb(HC_PORT(HC_EXIT), (uint8_t)status);
}

int hc_getchar(void)
{
	uint32_t v = inl(HC_PORT(HC_GETCHAR));
	return v == 0xffffffffu ? -1 : (int)v;
}

static const char *cmdline_args(const char *p)
{
	while (*p && *p != ' ') /* the kernel's path */
		p++;
	while (*p == ' ')
		p++;
	return p;
}

int cmdline_is(const char *cmdline, const char *word)
{
	const char *p = cmdline_args(cmdline);

	for (; *word; word++, p++)
		if (*p != *word)
			return 0;
	return *p == '\0' || *p == ' ';
}

uint32_t cmdline_number(const char *cmdline, uint32_t dflt)
{
	const char *p = cmdline_args(cmdline);
	uint32_t n = 0;

	if (*p < '0' || *p > '9')
		return dflt;
	while (*p >= '0' && *p <= '9')
		n = n * 10 + (uint32_t)(*p++ - '0');
	return n;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* printf: %d %u %x %s %c %%, with an optional zero-padded width for %x. */
static char out[256];
static unsigned outn;

static void emit(char c)
{
	out[outn++] = c;
	if (c == '\n' || outn == sizeof(out)) {
		hc_write(out, outn);
		outn = 0;
	}
}

static void emit_num(uint32_t v, unsigned base, int width)
{
	char digits[16];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width-- > n)
		emit('0');
	while (n)
		emit(digits[--n]);
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0;
		if (*fmt != '%') {
			emit(*fmt);
			continue;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		switch (*fmt) {
		case 'd': {
			int v = va_arg(ap, int);
			if (v < 0) {
				emit('-');
				v = -v;
			}
			emit_num((uint32_t)v, 10, width);
			break;
		}
		case 'u': emit_num(va_arg(ap, uint32_t), 10, width); break;
		case 'x': emit_num(va_arg(ap, uint32_t), 16, width); break;
		case 'c': emit((char)va_arg(ap, int)); break;
		case 's':
			for (const char *s = va_arg(ap, const char *); *s; s++)
				emit(*s);
			break;
		default: emit(*fmt); break;
		}
	}
	va_end(ap);
	if (outn) { /* flush a partial line too: tests read prompts */
		hc_write(out, outn);
		outn = 0;
	}
}

/* ---- interrupts ---------------------------------------------------------- */
#define PIC1	 0x20
#define PIC2	 0xa0
#define IRQ_BASE 0x20

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t zero, flags;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_entry idt[256];
static irq_fn handlers[16];
extern void (*const irq_stubs[16])(void);
extern void fault_stub(void);

/* Called by the assembly stubs with the IRQ number. */
void irq_dispatch(uint32_t irq)
{
	if (handlers[irq])
		handlers[irq]();
	if (irq >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}

/* Any CPU exception: print the vector and give up. */
void fault_dispatch(uint32_t vector, uint32_t eip)
{
	printf("unexpected exception %u at eip 0x%x\n", vector, eip);
	hc_exit(3);
}

static void set_gate(int v, void (*fn)(void))
{
	uint32_t a = (uint32_t)fn;
	idt[v] = (struct idt_entry){(uint16_t)a, SEL_KERNEL_CS, 0, 0x8e, (uint16_t)(a >> 16)};
}

void irq_install(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)idt};

	for (int v = 0; v < 32; v++)
		set_gate(v, fault_stub);
	for (int i = 0; i < 16; i++)
		set_gate(IRQ_BASE + i, irq_stubs[i]);
	__asm__ volatile("lidt %0" : : "m"(idtr));
	/* ICW1..ICW4: edge triggered, cascade, vectors 0x20 and 0x28, 8086 mode. */
	outb(PIC1, 0x11);
	outb(PIC2, 0x11);
	outb(PIC1 + 1, IRQ_BASE);
	outb(PIC2 + 1, IRQ_BASE + 8);
	outb(PIC1 + 1, 4);
	outb(PIC2 + 1, 2);
	outb(PIC1 + 1, 1);
	outb(PIC2 + 1, 1);
	outb(PIC1 + 1, 0xfb); /* all masked but the cascade (IRQ2) */
	outb(PIC2 + 1, 0xff);
}

void irq_handle(int irq, irq_fn fn)
{
	uint16_t port = irq < 8 ? PIC1 + 1 : PIC2 + 1;

	handlers[irq] = fn;
	outb(port, inb(port) & ~(1u << (irq & 7)));
}
