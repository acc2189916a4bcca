/* multiplication: the table from 2x1 to 9x9, one row per multiplicand. */
#include "mkvm/abi.h"
#include "hc.inc"

	ENTRY
	WRITE	title, title_len
	mov	$2, %edi		/* multiplicand */
row:	mov	$1, %ebp		/* multiplier */
col:	mov	%edi, %eax
	call	print_dec
	mov	$'x', %al
	PUTCHAR
	mov	%ebp, %eax
	call	print_dec
	mov	$'=', %al
	PUTCHAR
	mov	%edi, %eax
	imul	%ebp, %eax
	call	print_dec
	mov	$' ', %al
	cmp	$9, %ebp
	jne	1f
	mov	$'\n', %al
1:	PUTCHAR
	inc	%ebp
	cmp	$9, %ebp
	jbe	col
	inc	%edi
	cmp	$9, %edi
	jbe	row
	EXIT	0

#include "lib.inc"

title:	.ascii	"Multiplication table:\n"
	.set	title_len, . - title
