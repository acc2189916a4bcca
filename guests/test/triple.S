/*
 * triple: loads an empty IDT, enters protected mode and raises INT 3.  The
 * vector is past the IDT limit: #GP, then #DF, then a triple fault (shutdown).
 */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	cli
	lidt	empty_idt
	mov	%cr0, %eax
	or	$1, %eax		/* CR0.PE */
	mov	%eax, %cr0
	int	$3
	EXIT	0			/* never reached */

empty_idt:
	.word	0			/* limit */
	.long	0			/* base */
