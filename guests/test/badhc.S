/* badhc: hypercall number 7 does not exist. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	mov	$HC_PORT(7), %dx
	outb	%al, %dx
	EXIT	0			/* never reached */
