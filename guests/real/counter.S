/* counter: counts from 0 to 9, one number per line. */
#include "mkvm/abi.h"
#include "hc.inc"

	ENTRY
	WRITE	title, title_len
	mov	$'0', %bl
1:	mov	%bl, %al
	PUTCHAR
	mov	$'\n', %al
	PUTCHAR
	inc	%bl
	cmp	$'9', %bl
	jbe	1b
	EXIT	0

title:	.ascii	"Counting from 0 to 9:\n"
	.set	title_len, . - title
