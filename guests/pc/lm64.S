/*
 * lm64: an ELF64 kernel linked at 1 MiB.  mini-kvm starts it in 64-bit
 * long mode; it prints EFER.LMA (read with RDMSR), CR4.PAE and CR0.PG, and
 * uses a 64-bit register to show it really runs 64-bit code.
 */
#include "mkvm/abi.h"
#include "pc.inc"

	.code64
	.section .text
	.globl	_start
_start:
	WRITE	msg, msg_len
	mov	$0xc0000080, %ecx	/* IA32_EFER */
	rdmsr
	mov	%eax, %ebx
	PRINT_BIT %ebx, 10		/* LMA */
	WRITE	pae, pae_len
	mov	%cr4, %rbx
	PRINT_BIT %ebx, 5		/* PAE */
	WRITE	wide, wide_len
	mov	$0x100000000, %rax	/* 2^32: needs 64-bit registers */
	shr	$32, %rax
	add	$'0', %al
	PUTCHAR
	mov	$'\n', %al
	PUTCHAR
	EXIT	0

	.section .rodata
msg:	.ascii	"lm64: LMA="
	.set	msg_len, . - msg
pae:	.ascii	" PAE="
	.set	pae_len, . - pae
wide:	.ascii	" 2^32>>32="
	.set	wide_len, . - wide
