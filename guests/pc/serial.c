/* SPDX-License-Identifier: MIT */
/*
 * serial: drives COM1 like a hobby kernel (and checks what Linux's 8250
 * autodetection checks), then echoes its input through the UART using RX
 * interrupts, halting in between.  The byte 'q' ends it with a summary.
 *
 *   serial.elf           the echo test
 *   serial.elf garbage   writes and reads hostile values on every register
 *                        first (the VMM must survive), then sets the UART
 *                        up again and ends after the banner
 *
 * All output after the first line goes through the UART (THR, polling
 * LSR.THRE); failures are reported with HC_WRITE and exit status 1.
 */
#include "rt.h"

#define COM1 0x3f8
#define RBR  (COM1 + 0)
#define THR  (COM1 + 0)
#define DLL  (COM1 + 0)
#define IER  (COM1 + 1)
#define DLM  (COM1 + 1)
#define IIR  (COM1 + 2)
#define FCR  (COM1 + 2)
#define LCR  (COM1 + 3)
#define MCR  (COM1 + 4)
#define LSR  (COM1 + 5)
#define MSR  (COM1 + 6)
#define SCR  (COM1 + 7)

#define LSR_DR	 0x01
#define LSR_THRE 0x20

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static volatile uint32_t nbytes, nirqs;
static volatile int done;

static void uart_putc(char c)
{
	while (!(inb(LSR) & LSR_THRE))
		;
	outb(THR, (uint8_t)c);
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static void uart_hex(uint8_t v)
{
	uart_putc("0123456789abcdef"[v >> 4]);
	uart_putc("0123456789abcdef"[v & 15]);
}

static void uart_dec(uint32_t v)
{
	char d[10];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		uart_putc(d[--n]);
}

static void fail(const char *what, uint8_t got)
{
	printf("serial: FAIL: %s (got 0x%02x)\n", what, got);
	hc_exit(1);
}

/* IRQ 4: read every waiting byte, echo it; 'q' ends the run. */
static void com1_irq(void)
{
	nirqs++;
	(void)inb(IIR);
	while (!done && (inb(LSR) & LSR_DR)) {
		char c = (char)inb(RBR);
		nbytes++;
		if (c == 'q')
			done = 1;
		else
			uart_putc(c);
	}
}

/* Linux's 8250 autoconfig, in short: IER scratch test, loopback MSR, FIFO. */
static void detect(void)
{
	uint8_t v;

	outb(IER, 0);
	v = inb(IER) & 0x0f;
	if (v != 0)
		fail("IER reads back 0", v);
	outb(IER, 0x0f);
	v = inb(IER);
	if (v != 0x0f)
		fail("IER reads back 0x0f", v);
	outb(IER, 0xff); /* bits 4-7 do not exist (Linux probes bit 6) */
	v = inb(IER);
	if (v != 0x0f)
		fail("IER bits 4-7 read as 0", v);
	outb(IER, 0);
	outb(MCR, 0x10 | 0x0a); /* loopback, RTS, OUT2 */
	v = inb(MSR) & 0xf0;
	if (v != 0x90)
		fail("loopback MSR is CTS|DCD (0x90)", v);
	outb(MCR, 0);
}

static void init(void)
{
	uint8_t v;

	outb(IER, 0);	 /* no interrupts while setting up */
	outb(LCR, 0x80); /* DLAB */
	outb(DLL, 1);	 /* divisor 1: 115200 baud */
	outb(DLM, 0);
	if (inb(DLL) != 1 || inb(DLM) != 0)
		fail("divisor latch reads back", inb(DLL));
	outb(LCR, 0x03); /* 8N1, DLAB off */
	outb(FCR, 0xc7); /* FIFOs on and cleared, trigger at 14 bytes */
	outb(MCR, 0x0b); /* DTR, RTS, OUT2 */

	outb(SCR, 0x5a);
	v = inb(SCR);
	if (v != 0x5a)
		fail("scratch register", v);
	outb(SCR, 0xa5);
	v = inb(SCR);
	if (v != 0xa5)
		fail("scratch register", v);

	outb(MCR, 0x1e); /* loopback, OUT1, OUT2, RTS */
	outb(THR, 0xae);
	v = inb(LSR);
	if (!(v & LSR_DR))
		fail("loopback: LSR.DR set after a THR write", v);
	v = inb(RBR);
	if (v != 0xae)
		fail("loopback: the byte comes back", v);
	v = inb(LSR);
	if (v & LSR_DR)
		fail("loopback: LSR.DR clear after reading", v);
	outb(MCR, 0x0b); /* back to normal: DTR, RTS, OUT2 */

	/* THRE interrupt: raised when enabled with THR empty, cleared by IIR. */
	outb(IER, 0x02);
	v = inb(IIR);
	if ((v & 0x0f) != 0x02)
		fail("IIR reports THRE once ETBEI is set", v);
	v = inb(IIR);
	if ((v & 0x0f) != 0x01)
		fail("reading IIR clears THRE", v);
	outb(IER, 0);
}

static void garbage(void)
{
	uint32_t x = 12345;

	/* Every value to every register, then random widths and offsets. */
	for (int reg = 0; reg < 8; reg++)
		for (int val = 0; val < 256; val++) {
			outb((uint16_t)(COM1 + reg), (uint8_t)val);
			(void)inb((uint16_t)(COM1 + (val & 7)));
		}
	for (int i = 0; i < 4000; i++) {
		uint16_t port;
		x = x * 1103515245u + 12345u;
		port = (uint16_t)(COM1 + ((x >> 16) & 7));
		switch ((x >> 20) & 7) {
		case 0: outw(port, (uint16_t)(x >> 8)); break;
		case 1: outl(port, x); break;
		case 2: (void)inw(port); break;
		case 3: (void)inl(port); break;
		case 4:
		case 5: (void)inb(port); break;
		default: outb(port, (uint8_t)(x >> 24)); break;
		}
	}
	/* With interrupts on: whatever the UART raises lands in com1_irq. */
	sti();
	for (int i = 0; i < 300; i++) {
		x = x * 1103515245u + 12345u;
		outb((uint16_t)(COM1 + ((x >> 16) & 7)), (uint8_t)(x >> 24));
	}
	cli();
	outb(IER, 0);
	outb(MCR, 0);
	outb(LCR, 0);
	outb(FCR, 0x07);
	while (inb(LSR) & LSR_DR) /* drop what loopback left */
		(void)inb(RBR);
	(void)inb(MSR);
	printf("\nserial: garbage survived\n");
}

static int has_arg(const uint32_t *info, const char *word)
{
	const char *p = (const char *)info[4];
	size_t n = strlen(word);

	if (!(info[0] & 4)) /* no command line */
		return 0;
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	for (size_t i = 0; i < n; i++)
		if (p[i] != word[i])
			return 0;
	return p[n] == '\0' || p[n] == ' ';
}

int kmain(uint32_t magic, const uint32_t *info)
{
	uint8_t iir;

	int hostile = magic == 0x2badb002 && has_arg(info, "garbage");

	irq_install();
	irq_handle(4, com1_irq);
	if (hostile)
		garbage();
	detect();
	init();

	iir = inb(IIR);
	uart_puts("serial: IIR 0x");
	uart_hex(iir);
	uart_puts((iir & 0xc0) == 0xc0 ? " (16550A FIFOs)\n" : " (no FIFOs)\n");
	uart_puts("serial: ready\n");
	if (hostile) /* the UART still works after the garbage: done */
		return 0;

	outb(IER, 0x01); /* RX data interrupts */
	cli();
	while (!done) {
		sti_hlt();
		cli();
	}
	outb(IER, 0);
	uart_puts("serial: ");
	uart_dec(nbytes);
	uart_puts(" bytes, ");
	uart_dec(nirqs);
	uart_puts(" interrupts\n");
	return 0;
}
