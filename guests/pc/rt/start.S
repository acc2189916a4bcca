/* SPDX-License-Identifier: MIT */
/*
 * Entry of the C test kernels: a multiboot v1 header (so mini-kvm, QEMU or
 * GRUB boot them alike), a stack, then kmain(magic, info).
 */
	.section .text.multiboot, "ax"
	.p2align 2
	.long	0x1badb002
	.long	0x00000003		/* page-aligned modules, memory info */
	.long	-(0x1badb002 + 0x00000003)

	.section .text
	.globl	_start
_start:
	mov	$stack_top, %esp
	push	%ebx			/* multiboot info */
	push	%eax			/* multiboot magic */
	call	kmain
	push	%eax
	call	hc_exit			/* kmain's return value is the exit status */

	.section .bss
	.p2align 4
	.globl	stack_top
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
