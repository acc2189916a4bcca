/* SPDX-License-Identifier: MIT */
/* Console throughput by PUTCHAR: LINES lines of 63 letters and a newline
 * (default 16384: 1 MiB), one exit per byte. */
#include "mkvm/abi.h"
#include "hc.inc"
#include "bench.inc"
#ifndef LINES
#define LINES 16384
#endif

	ENTRY
	mov	$LINES, %bx
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
