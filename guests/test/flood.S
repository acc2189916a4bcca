/* flood: prints 'x' lines forever, faster than anyone reads them. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	mov	$HC_PORT(HC_PUTCHAR), %dx
1:	mov	$63, %cx
	mov	$'x', %al
2:	outb	%al, %dx
	loop	2b
	mov	$'\n', %al
	outb	%al, %dx
	jmp	1b
