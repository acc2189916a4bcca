/* hello: prints a greeting one HC_PUTCHAR at a time, then HC_EXIT 0. */
#include "mkvm/abi.h"
#include "hc.inc"

	ENTRY
	mov	$msg, %si
next:	lodsb				/* AL = [DS:SI++] */
	test	%al, %al
	jz	done
	PUTCHAR
	jmp	next
done:	EXIT	0

msg:	.asciz	"Hello, World!\n"
