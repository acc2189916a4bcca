/* SPDX-License-Identifier: MIT */
/*
 * The 1K OS: the multiboot entry, the interrupt entry stubs and the
 * context switch: everything that has to be assembly.
 */
	.section .text.multiboot, "ax"
	.p2align 2
	.long	0x1badb002		/* multiboot v1 magic */
	.long	0x00000003		/* page-aligned modules, memory info */
	.long	-(0x1badb002 + 0x00000003)

	.text
	.globl	_start
_start:					/* EAX = multiboot magic, EBX = info */
	mov	$boot_stack_top, %esp
	push	%ebx
	push	%eax
	call	kernel_main		/* does not return */

/* One stub per vector: push a zero error code where the CPU pushes none,
 * then the vector number, and go to trap_common. */
.macro VECTOR n, has_error=0
vector\n:
	.if !\has_error
	push	$0
	.endif
	push	$\n
	jmp	trap_common
	.section .rodata
	.long	vector\n
	.text
.endm

	.section .rodata
	.p2align 2
	.globl	vectors
vectors:				/* vectors[n]: address of the stub */
	.text
	.irp n, 0,1,2,3,4,5,6,7
	VECTOR \n
	.endr
	VECTOR 8, 1
	VECTOR 9
	.irp n, 10,11,12,13,14
	VECTOR \n, 1
	.endr
	.irp n, 15,16
	VECTOR \n
	.endr
	VECTOR 17, 1
	.irp n, 18,19,20
	VECTOR \n
	.endr
	VECTOR 21, 1
	.irp n, 22,23,24,25,26,27,28
	VECTOR \n
	.endr
	VECTOR 29, 1
	VECTOR 30, 1
	VECTOR 31
	.irp n, 32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
	VECTOR \n			/* 32..47: IRQ 0..15 */
	.endr
	VECTOR 128			/* vectors[48]: int 0x80, system calls */

/* Builds a struct trap_frame on the kernel stack and calls trap(frame). */
trap_common:
	push	%ds
	push	%es
	pusha
	mov	$0x10, %ax		/* kernel data segment */
	mov	%ax, %ds
	mov	%ax, %es
	push	%esp
	call	trap
	add	$4, %esp
	.globl	trap_return
trap_return:				/* also where a new process starts */
	popa
	pop	%es
	pop	%ds
	add	$8, %esp		/* vector and error code */
	iret

/* switch_context(&prev->sp, next->sp): saves the callee-saved registers on
 * this stack, switches stacks, restores them from the other one. */
	.globl	switch_context
switch_context:
	mov	4(%esp), %eax
	mov	8(%esp), %edx
	push	%ebp
	push	%ebx
	push	%esi
	push	%edi
	mov	%esp, (%eax)
	mov	%edx, %esp
	pop	%edi
	pop	%esi
	pop	%ebx
	pop	%ebp
	ret

	.section .bss
	.p2align 12
	.skip	8192
boot_stack_top:				/* the idle process keeps this stack */

	.section .note.GNU-stack, "", @progbits
