/* SPDX-License-Identifier: MIT */
/* Console throughput by HC_WRITE: 1 MiB as 256 writes of a 4 KiB block
 * (64 lines of 63 letters and a newline), one exit per 4 KiB. */
#include "mkvm/abi.h"
#include "hc.inc"
#include "bench.inc"

	ENTRY
	mov	$256, %bx
1:	WRITE	block, 4096
	dec	%bx
	jnz	1b
	QUIT

block:	.rept	64
	.ascii	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.\n"
	.endr
