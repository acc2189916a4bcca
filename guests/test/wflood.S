/*
 * wflood: like flood, but 4 KiB per exit (HC_WRITE of 64 lines): a pipe
 * nobody reads is full after a few exits, so mini-kvm soon blocks in
 * writev -- on its main thread, when it runs one guest.
 */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
1:	WRITE	lines, lines_len
	jmp	1b

lines:
	.rept	64
	.fill	63, 1, 'x'
	.byte	'\n'
	.endr
	.set	lines_len, . - lines
