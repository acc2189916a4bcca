/* SPDX-License-Identifier: MIT */
/*
 * kbd: the i8042 keyboard controller, driven like a hobby kernel does.
 * Disables the keyboard and aux port, flushes the output buffer, turns
 * IRQs off in the command byte, runs the controller self-test (0xAA ->
 * 0x55) and interface test (0xAB -> 0x00), resets (0xFF -> FA AA) and
 * identifies (0xF2 -> FA AB 41) the keyboard, then enables IRQ1 and the
 * keyboard and prints every scancode it receives, in hex, on one line.
 * After the break code of 'q' (0x90) it prints "kbd: N scancodes" and
 * exits 0.  With "reset" on the command line it sends 0xFE (pulse the
 * reset line) instead, which must end the run.
 */
#include "rt.h"

#define DATA   0x60
#define STATUS 0x64
#define ST_OBF 0x01
#define ST_IBF 0x02

static volatile uint32_t count;
static volatile int done;

static void cmd(uint8_t c)
{
	while (inb(STATUS) & ST_IBF)
		;
	outb(STATUS, c);
}

static void data(uint8_t v)
{
	while (inb(STATUS) & ST_IBF)
		;
	outb(DATA, v);
}

/* The next byte of the output buffer, or -1 after a while. */
static int read_byte(void)
{
	for (int i = 0; i < 100000; i++)
		if (inb(STATUS) & ST_OBF)
			return inb(DATA);
	return -1;
}

static void expect(const char *what, int want)
{
	int got = read_byte();

	if (got != want) {
		printf("kbd: %s: got %x, want %x\n", what, (uint32_t)got, (uint32_t)want);
		hc_exit(1);
	}
}

static void on_irq1(void)
{
	uint8_t sc;

	if (!(inb(STATUS) & ST_OBF))
		return;
	sc = inb(DATA);
	printf(count ? " %02x" : "%02x", sc);
	count++;
	if (sc == 0x90) /* 'q' released */
		done = 1;
}

static int has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++) {
		size_t i = 0;
		while (i < n && s[i] == w[i])
			i++;
		if (i == n && (s[n] == ' ' || s[n] == '\0'))
			return 1;
	}
	return 0;
}

int kmain(uint32_t magic, const uint32_t *info)
{
	const char *cmdline = magic == 0x2badb002 && (info[0] & 4) ? (const char *)info[4] : "";
	uint8_t cb;

	cmd(0xad); /* keyboard off: keystrokes wait in the keyboard */
	cmd(0xa7); /* aux port off */
	while (inb(STATUS) & ST_OBF)
		inb(DATA);
	cmd(0x20);
	cb = (uint8_t)read_byte();
	cb &= (uint8_t)~0x03; /* no IRQs while we poll */
	cmd(0x60);
	data(cb);
	cmd(0xaa);
	expect("controller self-test", 0x55);
	cmd(0xab);
	expect("keyboard interface test", 0x00);
	printf("kbd: command byte %02x, self-test ok, interface ok\n", cb);

	if (has_word(cmdline, "reset")) {
		printf("kbd: pulsing the reset line\n");
		cmd(0xfe);
		printf("kbd: still running after 0xFE\n");
		return 1;
	}

	data(0xff); /* keyboard reset */
	expect("keyboard reset ack", 0xfa);
	expect("keyboard self-test", 0xaa);
	data(0xf2); /* identify */
	expect("identify ack", 0xfa);
	expect("identify byte 1", 0xab);
	expect("identify byte 2 (translated)", 0x41);
	data(0xed); /* LEDs */
	expect("LED ack", 0xfa);
	data(0x02);
	expect("LED data ack", 0xfa);
	printf("kbd: keyboard reset, id ab 41, LEDs set\n");

	irq_install();
	irq_handle(1, on_irq1);
	cmd(0x60);
	data(cb | 0x01); /* IRQ1 on */
	cmd(0xae);	 /* keyboard on */
	printf("kbd: ready\n");
	/* Test and halt with interrupts off, sti;hlt atomic: an IRQ between
	 * the test and the HLT would otherwise set done and leave the CPU
	 * halted for good (no further interrupt comes after 'q'). */
	cli();
	while (!done) {
		sti_hlt();
		cli();
	}
	printf("\nkbd: %u scancodes\n", count);
	return 0;
}
