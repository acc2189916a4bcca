/* fibonacci: F(0) to F(30), one per line, with 32-bit arithmetic. */
#include "mkvm/abi.h"
#include "hc.inc"

	ENTRY
	xor	%edi, %edi		/* index */
	xor	%ebx, %ebx		/* F(i) */
	mov	$1, %ebp		/* F(i+1) */
1:	WRITE	label, label_len
	mov	%edi, %eax
	call	print_dec
	WRITE	equals, equals_len
	mov	%ebx, %eax
	call	print_dec
	mov	$'\n', %al
	PUTCHAR
	mov	%ebp, %eax		/* advance: (a, b) = (b, a + b) */
	add	%ebx, %eax
	mov	%ebp, %ebx
	mov	%eax, %ebp
	inc	%edi
	cmp	$30, %edi
	jbe	1b
	EXIT	0

#include "lib.inc"

label:	.ascii	"F("
	.set	label_len, . - label
equals:	.ascii	") = "
	.set	equals_len, . - equals
