/* SPDX-License-Identifier: MIT */
/* Console throughput by HC_WRITE: BLOCKS writes of a 4 KiB block (64 lines
 * of 63 letters and a newline), one exit per 4 KiB; default 4096 blocks:
 * 16 MiB. */
#include "mkvm/abi.h"
#include "hc.inc"
#include "bench.inc"
#ifndef BLOCKS
#define BLOCKS 4096
#endif

	ENTRY
	mov	$BLOCKS, %bx
1:	WRITE	block, 4096
	dec	%bx
	jnz	1b
	QUIT

block:	.rept	64
	.ascii	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.\n"
	.endr
