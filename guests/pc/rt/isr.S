/* SPDX-License-Identifier: MIT */
/* Interrupt entry stubs: save registers, call irq_dispatch(n), iret. */
	.code32
	.text
.macro IRQ n
irq\n:
	pusha
	push	$\n
	call	irq_dispatch
	add	$4, %esp
	popa
	iret
.endm
	IRQ 0
	IRQ 1
	IRQ 2
	IRQ 3
	IRQ 4
	IRQ 5
	IRQ 6
	IRQ 7
	IRQ 8
	IRQ 9
	IRQ 10
	IRQ 11
	IRQ 12
	IRQ 13
	IRQ 14
	IRQ 15

	.globl	fault_stub
fault_stub:				/* vector unknown here: report 255 */
	push	(%esp)			/* eip (or error code, then eip) */
	push	$255
	call	fault_dispatch

	.section .rodata
	.globl	irq_stubs
irq_stubs:
	.long	irq0, irq1, irq2, irq3, irq4, irq5, irq6, irq7
	.long	irq8, irq9, irq10, irq11, irq12, irq13, irq14, irq15

	.section .note.GNU-stack, "", @progbits
