/*
 * repstr: string I/O with huge counts.  65535 bytes of 'A' to PUTCHAR with
 * one rep outsb, 65535 words to an unhandled port with rep outsw, then
 * 65535 bytes from GETCHAR with rep insb (at end of input: 0xff each);
 * checks the last byte read, prints "repstr: ok" and exits 0.
 */
#include "mkvm/abi.h"
#include "../real/hc.inc"

#define BUF 0x10000			/* 64 KiB of buffer at 0x10000 */

	ENTRY
	mov	$BUF >> 4, %ax
	mov	%ax, %es
	xor	%di, %di
	mov	$0xffff, %cx
	mov	$'A', %al
	rep	stosb			/* ES:DI = 'A' x 65535 */
	mov	%es, %ax
	mov	%ax, %ds
	xor	%si, %si
	mov	$0xffff, %cx
	mov	$HC_PORT(HC_PUTCHAR), %dx
	rep	outsb			/* DS:SI -> port */
	xor	%si, %si
	mov	$0x7fff, %cx
	mov	$0x1234, %dx
	rep	outsw			/* to nobody */
	xor	%di, %di
	mov	$0xffff, %cx
	mov	$HC_PORT(HC_GETCHAR), %dx
	rep	insb			/* port -> ES:DI */
	xor	%ax, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	$BUF >> 4, %ax
	mov	%ax, %fs
	cmpb	$0xff, %fs:0xfffe	/* EOF reads as all ones */
	jne	bad
	mov	$'\n', %al
	PUTCHAR
	WRITE	ok, ok_len
	EXIT	0
bad:	EXIT	1
ok:	.ascii	"repstr: ok\n"
	.set	ok_len, . - ok
