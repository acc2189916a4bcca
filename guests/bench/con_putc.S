/* SPDX-License-Identifier: MIT */
/* Console throughput by PUTCHAR: 1 MiB (16384 lines of 63 letters and a
 * newline), one exit per byte. */
#include "mkvm/abi.h"
#include "hc.inc"
#include "bench.inc"

	ENTRY
	mov	$16384, %bx
	mov	$OUT_PORT, %dx
line:	mov	$text, %si
	mov	$64, %cx
1:	lodsb
	outb	%al, %dx
	loop	1b
	dec	%bx
	jnz	line
	QUIT

text:	.ascii	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.\n"
