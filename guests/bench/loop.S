/* SPDX-License-Identifier: MIT */
/* Exit round trip: COUNT exits in a tight loop, then the end.
 *   -DLOOP_PUTC  each exit prints 'x' (HC_PUTCHAR; run with stdout discarded)
 *   -DLOOP_NOP   each exit is an OUT to the unhandled port 0x80
 * COUNT = 0 gives the start/stop cost alone, subtracted by bench/run. */
#include "mkvm/abi.h"
#include "hc.inc"
#include "bench.inc"

	ENTRY
	mov	$COUNT, %ecx
	mov	$'x', %al
	mov	$OUT_PORT, %dx
	jecxz	done
1:
#ifdef LOOP_PUTC
	outb	%al, %dx
#else
	NOP_EXIT
#endif
	dec	%ecx
	jnz	1b
done:	QUIT
