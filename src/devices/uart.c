/* SPDX-License-Identifier: MIT */
/*
 * A 16550A UART at COM1 (ports 0x3f8..0x3ff, IRQ 4), enough for Linux's
 * 8250 driver and hobby kernels: THR/RBR, IER, IIR/FCR, LCR (DLAB, divisor
 * latch), MCR (with loopback), LSR, MSR and the scratch register.
 *
 * Transmit is instant: a THR write goes to the guest's console at once, so
 * THR is always empty (LSR.THRE and TEMT always set).  Receive takes bytes
 * from the same input ring as HC_GETCHAR (src/core/input.c); that ring plays
 * the part of the receive FIFO.  In loopback (MCR bit 4) THR goes to a
 * 16-byte receive FIFO of the UART instead (1 byte with FIFOs off), with
 * overrun (LSR.OE) when it is full.  The interrupt line follows the pending
 * interrupt, gated by MCR.OUT2 as on PCs; docs/machine.md has the details.
 *
 * Port accesses come from the vCPU thread, the input listener from the
 * input thread: one mutex guards the registers.  Lock order: UART, then
 * the input ring (the input thread calls the listener without its lock).
 */
#include "uart.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/input.h"
#include "core/vm.h"
#include "mkvm/abi.h"

#define COM1_PORT 0x3f8

/* Register offsets. */
#define REG_RBR 0 /* read, DLAB=0; THR on write; DLL with DLAB=1 */
#define REG_IER 1 /* DLAB=0; DLM with DLAB=1 */
#define REG_IIR 2 /* read; FCR on write */
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7

#define IER_RDI	 0x01 /* received data available */
#define IER_THRI 0x02 /* THR empty */
#define IER_RLSI 0x04 /* receiver line status */
#define IER_MSI	 0x08 /* modem status */

#define IIR_NO_INT 0x01
#define IIR_MSI	   0x00
#define IIR_THRI   0x02
#define IIR_RDI	   0x04
#define IIR_RLSI   0x06
#define IIR_FIFO   0xc0 /* FIFOs enabled: reads as a 16550A */

#define FCR_ENABLE   0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define MCR_DTR	 0x01
#define MCR_RTS	 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR	 0x01
#define LSR_OE	 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS	 0x10
#define MSR_DSR	 0x20
#define MSR_RI	 0x40
#define MSR_DCD	 0x80

#define RX_FIFO 16

struct uart {
	pthread_mutex_t lock;
	pthread_mutex_t tx_lock; /* keeps THR order on the console (SMP) */
	const struct uart_ops *ops;
	void *opaque;
	bool host_input; /* receives from the input ring */

	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo;	   /* FCR bit 0: FIFOs on, IIR bits 6-7 set */
	uint8_t lsr_err;   /* sticky LSR error bits (OE), cleared by reading LSR */
	uint8_t msr_delta; /* MSR bits 0-3, cleared by reading MSR */
	bool thr_ipending; /* THRE interrupt not yet acknowledged */
	uint8_t rbr;	   /* last byte received: read again when none waits */

	/* Receive FIFO of loopback mode (the host input ring is the other). */
	uint8_t rx[RX_FIFO];
	unsigned rx_head, rx_count;

	int level; /* last level given to ops->irq */
};

/* MSR bits 4-7: a connected line (CTS, DSR, DCD), or the MCR in loopback. */
static uint8_t msr_lines(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_CTS | MSR_DSR | MSR_DCD;
	return (uint8_t)((m & MCR_RTS) << 3 | (m & MCR_DTR) << 5 | (m & MCR_OUT1) << 4 |
			 (m & MCR_OUT2) << 4);
}

static bool data_ready(const struct uart *u)
{
	if (u->rx_count)
		return true;
	return !(u->mcr & MCR_LOOP) && u->host_input && input_pending();
}

/* The interrupt to report, by priority (IIR bits 0-3). */
static uint8_t pending_source(const struct uart *u)
{
	if ((u->ier & IER_RLSI) && u->lsr_err)
		return IIR_RLSI;
	if ((u->ier & IER_RDI) && data_ready(u))
		return IIR_RDI;
	if ((u->ier & IER_THRI) && u->thr_ipending)
		return IIR_THRI;
	if ((u->ier & IER_MSI) && u->msr_delta)
		return IIR_MSI;
	return IIR_NO_INT;
}

/* Sets the line from the state; OUT2 gates it, loopback disconnects it. */
static void update_irq(struct uart *u)
{
	int level = (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2 && pending_source(u) != IIR_NO_INT;

	if (level == u->level || (u->ops->dead && u->ops->dead(u->opaque)))
		return;
	u->level = level;
	u->ops->irq(u->opaque, level);
}

static void rx_clear(struct uart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* Loopback: THR -> receive FIFO; a full FIFO is an overrun. */
static void rx_push(struct uart *u, uint8_t b)
{
	unsigned cap = u->fifo ? RX_FIFO : 1;

	if (u->rx_count >= cap) {
		u->lsr_err |= LSR_OE;
		if (!u->fifo) /* a 16450 overwrites its holding register */
			u->rx[u->rx_head] = b;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % RX_FIFO] = b;
	u->rx_count++;
}

static uint8_t rx_take(struct uart *u)
{
	if (u->rx_count) {
		u->rbr = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RX_FIFO;
		u->rx_count--;
	} else if (!(u->mcr & MCR_LOOP) && u->host_input) {
		int c = input_trygetchar();
		if (c >= 0)
			u->rbr = (uint8_t)c;
	}
	return u->rbr;
}

static void set_mcr(struct uart *u, uint8_t v)
{
	uint8_t old = msr_lines(u), now, changed;

	u->mcr = v & 0x1f;
	now = msr_lines(u);
	changed = old ^ now;
	if (changed & MSR_CTS)
		u->msr_delta |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_delta |= MSR_DDSR;
	if ((old & MSR_RI) && !(now & MSR_RI))
		u->msr_delta |= MSR_TERI;
	if (changed & MSR_DCD)
		u->msr_delta |= MSR_DDCD;
}

/* One register write; returns the byte to transmit, or -1. */
static int reg_write(struct uart *u, unsigned reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;
	int tx = -1;

	switch (reg) {
	case REG_RBR:
		if (dlab) {
			u->dll = v;
			break;
		}
		if (u->mcr & MCR_LOOP)
			rx_push(u, v);
		else
			tx = v;
		/* Sent at once: THR is empty again, which re-arms THRE. */
		u->thr_ipending = u->ier & IER_THRI;
		break;
	case REG_IER:
		if (dlab) {
			u->dlm = v;
		} else {
			/* Enabling THRI with THR empty raises THRE (as on QEMU, Bochs). */
			if ((u->ier ^ v) & IER_THRI)
				u->thr_ipending = v & IER_THRI;
			u->ier = v & 0x0f;
		}
		break;
	case REG_IIR: { /* FCR */
		bool on = v & FCR_ENABLE;
		if (on != u->fifo || (on && (v & FCR_CLEAR_RX)))
			rx_clear(u); /* the host input ring is kept (docs/machine.md) */
		u->fifo = on;
		break;
	}
	case REG_LCR: u->lcr = v; break;
	case REG_MCR: set_mcr(u, v); break;
	case REG_SCR: u->scr = v; break;
	default: break; /* LSR, MSR: read-only (factory test writes ignored) */
	}
	return tx;
}

static uint8_t reg_read(struct uart *u, unsigned reg)
{
	bool dlab = u->lcr & LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case REG_RBR: return dlab ? u->dll : rx_take(u);
	case REG_IER: return dlab ? u->dlm : u->ier;
	case REG_IIR:
		v = pending_source(u);
		if (v == IIR_THRI)
			u->thr_ipending = false;
		return v | (u->fifo ? IIR_FIFO : 0);
	case REG_LCR: return u->lcr;
	case REG_MCR: return u->mcr;
	case REG_LSR:
		v = (uint8_t)((data_ready(u) ? LSR_DR : 0) | u->lsr_err | LSR_THRE | LSR_TEMT);
		u->lsr_err = 0;
		return v;
	case REG_MSR:
		v = msr_lines(u) | u->msr_delta;
		u->msr_delta = 0;
		return v;
	default: return u->scr;
	}
}

enum io_result uart_io(void *opaque, struct io_access *a)
{
	struct uart *u = opaque;
	uint8_t out[UART_REGS];
	unsigned nout = 0;

	/* Wider accesses act on consecutive registers, as an 8-bit ISA bus
	 * splits them; bytes past the last register read as all ones. */
	pthread_mutex_lock(&u->lock);
	for (unsigned i = 0; i < a->size; i++) {
		uint64_t reg = a->offset + i;

		if (reg >= UART_REGS) {
			if (!a->is_write)
				a->data[i] = 0xff;
		} else if (a->is_write) {
			int tx = reg_write(u, (unsigned)reg, a->data[i]);
			if (tx >= 0)
				out[nout++] = (uint8_t)tx;
		} else {
			a->data[i] = reg_read(u, (unsigned)reg);
		}
	}
	update_irq(u);
	if (!nout) {
		pthread_mutex_unlock(&u->lock);
		return IO_DONE;
	}
	/* The console may block on a slow stdout: not with the register lock
	 * held (the input thread takes it); tx_lock keeps the bytes in order. */
	pthread_mutex_lock(&u->tx_lock);
	pthread_mutex_unlock(&u->lock);
	for (unsigned i = 0; i < nout; i++)
		u->ops->tx(u->opaque, out[i]);
	pthread_mutex_unlock(&u->tx_lock);
	return IO_DONE;
}

void uart_input_ready(void *opaque)
{
	struct uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

struct uart *uart_create(const struct uart_ops *ops, void *opaque, bool host_input)
{
	struct uart *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	pthread_mutex_init(&u->lock, NULL);
	pthread_mutex_init(&u->tx_lock, NULL);
	u->ops = ops;
	u->opaque = opaque;
	u->host_input = host_input;
	u->dll = 0x0c; /* 9600 baud, as a PC BIOS leaves it */
	return u;
}

void uart_destroy(struct uart *u)
{
	if (!u)
		return;
	pthread_mutex_destroy(&u->tx_lock);
	pthread_mutex_destroy(&u->lock);
	free(u);
}

/* ---- state ------------------------------------------------------------------ */

static int uart_save(void *opaque, struct state_w *w)
{
	struct uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	st_begin(w, "UART", 1);
	st_u8(w, u->ier);
	st_u8(w, u->lcr);
	st_u8(w, u->mcr);
	st_u8(w, u->scr);
	st_u8(w, u->dll);
	st_u8(w, u->dlm);
	st_u8(w, u->fifo);
	st_u8(w, u->lsr_err);
	st_u8(w, u->msr_delta);
	st_u8(w, u->thr_ipending);
	st_u8(w, u->rbr);
	st_u8(w, (uint8_t)u->rx_count);
	for (unsigned i = 0; i < u->rx_count; i++) /* oldest first */
		st_u8(w, u->rx[(u->rx_head + i) % RX_FIFO]);
	st_u8(w, (uint8_t)u->level);
	pthread_mutex_unlock(&u->lock);
	return st_end(w);
}

/* Every field is checked as a guest write would be; the line then follows
 * the loaded state (ops->irq if it differs from the device's). */
static int uart_load(void *opaque, struct state_r *r)
{
	struct uart *u = opaque;
	uint8_t v[11], rx[RX_FIFO] = {0}, n, level;

	st_open(r, "UART", 1);
	st_get(r, v, sizeof(v));
	n = st_get8(r);
	if (n > RX_FIFO || (n > 1 && !v[6])) /* one byte held with FIFOs off */
		return -1;
	st_get(r, rx, n);
	level = st_get8(r);
	if (st_close(r) < 0 || level > 1 || v[0] & 0xf0 || v[2] & 0xe0 || v[6] > 1 ||
	    v[7] & ~LSR_OE || v[8] & 0xf0 || v[9] > 1)
		return -1;
	pthread_mutex_lock(&u->lock);
	u->ier = v[0];
	u->lcr = v[1];
	u->mcr = v[2];
	u->scr = v[3];
	u->dll = v[4];
	u->dlm = v[5];
	u->fifo = v[6];
	u->lsr_err = v[7];
	u->msr_delta = v[8];
	u->thr_ipending = v[9];
	u->rbr = v[10];
	memcpy(u->rx, rx, sizeof(rx));
	u->rx_head = 0;
	u->rx_count = n;
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

/* Power-on state; the host input ring is not the UART's to clear. */
static void uart_reset(void *opaque)
{
	struct uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	u->ier = u->lcr = u->mcr = u->scr = u->dlm = 0;
	u->dll = 0x0c;
	u->fifo = u->thr_ipending = false;
	u->lsr_err = u->msr_delta = u->rbr = 0;
	rx_clear(u);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

/* ---- COM1 of a VM ---------------------------------------------------------- */

static void vm_uart_irq(void *opaque, int level)
{
	vm_dev_irq(opaque, IRQ_COM1, level);
}

static void vm_uart_tx(void *opaque, uint8_t b)
{
	struct vm *vm = opaque;

	console_putc(&vm->con, (char)b);
}

static bool vm_uart_dead(void *opaque)
{
	const struct vm *vm = opaque;

	return vm_over(vm);
}

static const struct uart_ops vm_uart_ops = {
	.irq = vm_uart_irq,
	.tx = vm_uart_tx,
	.dead = vm_uart_dead,
};

/*
 * Who takes stdin in the PC profile: the UART, unless --keyboard gives it to
 * the i8042 (vm->stdin_to_keyboard).  HC_GETCHAR reads the same ring; a
 * guest uses one or the other.
 */
static bool uart_takes_stdin(const struct vm *vm)
{
	return vm->reads_stdin && !vm->stdin_to_keyboard;
}

static void *uart_vm_create(struct vm *vm, int *err)
{
	bool input = uart_takes_stdin(vm);
	struct uart *u = uart_create(&vm_uart_ops, vm, input);

	if (!u) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = bus_register(&vm->pio, COM1_PORT, UART_REGS, "COM1", uart_io, u);
	if (*err) {
		uart_destroy(u);
		return NULL;
	}
	if (input) { /* the input thread keeps using it: freed at process exit */
		input_set_capacity(RX_FIFO); /* the ring is the receive FIFO */
		input_set_listener(uart_input_ready, u);
	}
	return u;
}

static void uart_vm_destroy(void *opaque)
{
	struct uart *u = opaque;

	if (!u->host_input)
		uart_destroy(u);
}

const struct device_type uart_device = {
	.name = "COM1 UART",
	.profiles = DEV_PC_ONLY,
	.create = uart_vm_create,
	.save = uart_save,
	.load = uart_load,
	.reset = uart_reset,
	.destroy = uart_vm_destroy,
};
