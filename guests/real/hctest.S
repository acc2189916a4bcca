/*
 * hctest: calls every hypercall.  PUTCHAR and WRITE print a line each, then
 * GETCHAR echoes input until end of input, then the byte count is printed
 * and the guest exits with status 42.
 */
#include "mkvm/abi.h"
#include "hc.inc"

	ENTRY
	mov	$msg1, %si
1:	lodsb
	test	%al, %al
	jz	2f
	PUTCHAR
	jmp	1b
2:	WRITE	msg2, msg2_len
	xor	%edi, %edi		/* bytes read */
echo:	GETCHAR
	cmp	$0xffff, %ax
	je	eof
	PUTCHAR
	inc	%edi
	jmp	echo
eof:	WRITE	msg3, msg3_len
	mov	%edi, %eax
	call	print_dec
	WRITE	msg4, msg4_len
	EXIT	42

#include "lib.inc"

msg1:	.asciz	"hctest: putchar ok\n"
msg2:	.ascii	"hctest: write ok\n"
	.set	msg2_len, . - msg2
msg3:	.ascii	"hctest: eof after "
	.set	msg3_len, . - msg3
msg4:	.ascii	" bytes\n"
	.set	msg4_len, . - msg4
