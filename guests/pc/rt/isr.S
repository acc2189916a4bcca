/* SPDX-License-Identifier: MIT */
/*
 * Interrupt entry stubs: save registers, call irq_dispatch(n), iret.
 *
 * If the interrupted instruction is a HLT, step over it: that happens only
 * when an interrupt was delivered inside the STI shadow of "sti; hlt",
 * which real CPUs never do; under the nested sandbox's TCG-emulated SVM it
 * appears to happen now and then (issue 13: about one run in a few hundred
 * under load hung after the handler of its last interrupt, the one that
 * sets the done flag, had run).  Each skip writes 0xf4 to the POST port
 * (--stats shows it).
 */
	.code32
	.text
.macro IRQ n
irq\n:
	pusha
	push	$\n
	call	irq_dispatch
	add	$4, %esp
	mov	32(%esp), %eax		/* the interrupted EIP, above pusha's 8 words */
	cmpb	$0xf4, (%eax)		/* HLT? */
	jne	1f
	incl	32(%esp)
	mov	$0xf4, %al
	outb	%al, $0x80
1:	popa
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
