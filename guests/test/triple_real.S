/* triple_real: a real-mode triple fault.  With an IDT limit of 0 the
 * divide error (vector 0) cannot be delivered: #GP, #DF, then shutdown. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	lidt	empty_idt
	xor	%cx, %cx
	div	%cx
	EXIT	0			/* never reached */

empty_idt:
	.word	0
	.long	0
