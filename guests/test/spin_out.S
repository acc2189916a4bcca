/* spin_out: an endless stream of exits to an unhandled port. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	mov	$0x1234, %dx
1:	outb	%al, %dx
	jmp	1b
