/* SPDX-License-Identifier: MIT */
/* hello (benchmark copy): the greeting one byte per exit, then the end.
 * Same loop as guests/real/hello.S; builds for QEMU too (bench.inc). */
#include "mkvm/abi.h"
#include "hc.inc"
#include "bench.inc"

	ENTRY
	mov	$msg, %si
next:	lodsb
	test	%al, %al
	jz	done
	OUTCH
	jmp	next
done:	QUIT

msg:	.asciz	"Hello, World!\n"
