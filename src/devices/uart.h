/* SPDX-License-Identifier: MIT */
/*
 * The 16550A UART model behind COM1 (src/devices/uart.c), apart from the VM
 * so that unit tests can drive it: the interrupt line and the transmitter
 * are callbacks.  uart_device (devices.def) wires it to a VM; its save,
 * load and reset hooks work on a struct uart from uart_create().
 */
#ifndef MKVM_UART_H
#define MKVM_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bus.h"

#define UART_REGS 8 /* I/O ports taken: base .. base + 7 */

struct uart;

struct uart_ops {
	/* Drives the interrupt line; called only when the level changes, with
	 * the UART's lock held (must not block on anything the UART waits on). */
	void (*irq)(void *opaque, int level);
	/* Sends one byte written to THR; called without the lock held. */
	void (*tx)(void *opaque, uint8_t byte);
	/* Stops the model from touching the line (the guest has ended). */
	bool (*dead)(void *opaque);
};

/* A UART in its reset state; @host_input: takes bytes from the input ring
 * (src/core/input.h).  NULL if out of memory. */
struct uart *uart_create(const struct uart_ops *ops, void *opaque, bool host_input);

/* Frees a UART no longer on any bus (unit tests; VMs keep theirs). */
void uart_destroy(struct uart *u);

/* The bus handler: any access of 1..8 bytes at offset 0..7 of the range. */
enum io_result uart_io(void *uart, struct io_access *a);

/* The input listener: new bytes (or the end of input) arrived. */
void uart_input_ready(void *uart);

#endif
