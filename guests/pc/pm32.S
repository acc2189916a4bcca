/*
 * pm32: an ELF32 kernel linked at 1 MiB.  Started by mini-kvm in 32-bit
 * protected mode with paging off; prints what it sees in CR0 and CS.
 */
#include "mkvm/abi.h"
#include "pc.inc"

	.code32
	.section .text
	.globl	_start
_start:
	WRITE	msg, msg_len
	mov	%cr0, %ebx
	PRINT_BIT %ebx, 0		/* PE */
	WRITE	pg, pg_len
	PRINT_BIT %ebx, 31		/* PG */
	WRITE	cs, cs_len
	mov	%cs, %eax
	add	$'0', %al		/* selector 0x08 -> '8' */
	PUTCHAR
	mov	$'\n', %al
	PUTCHAR
	EXIT	0

	.section .rodata
msg:	.ascii	"pm32: PE="
	.set	msg_len, . - msg
pg:	.ascii	" PG="
	.set	pg_len, . - pg
cs:	.ascii	" CS=0x0"
	.set	cs_len, . - cs
