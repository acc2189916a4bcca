/* triple64: a long-mode triple fault: a divide error with an IDT limit of
 * 0 (as the VMM leaves it) cannot be delivered: #GP, #DF, shutdown. */
	.code64
	.section .text
	.globl	_start
_start:
	xor	%ecx, %ecx
	div	%ecx
	hlt
