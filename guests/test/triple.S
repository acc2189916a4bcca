/*
 * triple: enters 32-bit protected mode with an IDT of not-present gates and
 * divides by zero: #DE finds no gate, #NP, then #DF, then a triple fault, which KVM reports as
 * KVM_EXIT_SHUTDOWN.  (Neither INT n nor an IDT limit of 0: KVM may
 * emulate those, e.g. on AMD without NRIPS, instead of running them.)
 */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	cli
	lgdt	gdt_desc
	lidt	zero_idt
	mov	%cr0, %eax
	or	$1, %eax		/* CR0.PE */
	mov	%eax, %cr0
	ljmp	$0x08, $pm		/* load a protected-mode CS */

	.code32
pm:	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %fs
	mov	%ax, %gs
	mov	%ax, %ss
	xor	%ecx, %ecx
	div	%ecx			/* #DE */
	hlt				/* never reached */

	.p2align 3
gdt:	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: code (accessed), base 0, 4 GiB, 32-bit */
	.quad	0x00cf93000000ffff	/* 0x10: data (accessed), base 0, 4 GiB */
gdt_desc:
	.word	gdt_desc - gdt - 1
	.long	gdt
zero_idt:
	.word	256 * 8 - 1		/* limit: all 256 gates */
	.long	0x10000			/* base: untouched RAM, all zero */
