/*
 * hh32: a higher-half ELF32 kernel (virtual 0xc0100000, physical 1 MiB).
 * mini-kvm starts it with paging on (identity + higher-half mapping).
 * It reads its message through the higher-half address and through the
 * identity address, and prints CR0.PG and CR4.PSE.
 */
#include "mkvm/abi.h"
#include "pc.inc"

#define PHYS(x) ((x) - PC_HIGHER_HALF)

	.code32
	.section .text
	.globl	_start
_start:
	/* Same byte, two virtual addresses: both mappings are live. */
	movb	msg, %al
	cmpb	PHYS(msg), %al
	jne	fail
	WRITE	PHYS(msg), msg_len
	mov	%cr0, %ebx
	PRINT_BIT %ebx, 31		/* PG */
	WRITE	PHYS(pse), pse_len
	mov	%cr4, %ebx
	PRINT_BIT %ebx, 4		/* PSE */
	WRITE	PHYS(eip), eip_len
	call	1f
1:	pop	%eax			/* our own address: in the higher half */
	shr	$28, %eax
	add	$'0' + 7, %al		/* 0xc -> 'C' */
	PUTCHAR
	mov	$'\n', %al
	PUTCHAR
	EXIT	0
fail:	EXIT	1

	.section .rodata
msg:	.ascii	"hh32: PG="
	.set	msg_len, . - msg
pse:	.ascii	" PSE="
	.set	pse_len, . - pse
eip:	.ascii	" EIP=0x"
	.set	eip_len, . - eip
