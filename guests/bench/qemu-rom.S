/* SPDX-License-Identifier: MIT */
/*
 * A 64 KiB "BIOS" for qemu-system-x86_64 -bios: it boots a flat benchmark
 * guest exactly as Mini-KVM does.  The reset vector (F000:FFF0) jumps to a
 * stub that copies the payload (a guest built with -DQEMU, linked at 0x7c00)
 * from the ROM to 0x7c00, sets DS = ES = SS = 0 and SP = 0x7c00, and enters
 * it at 0000:7C00.  PAYLOAD is the path of the flat binary.
 */
	.code16
	.text
	.globl	_start
_start:
payload:
	.incbin	PAYLOAD
payload_end:
boot:	cli
	xor	%ax, %ax
	mov	%ax, %es
	mov	%ax, %ss
	mov	$0x7c00, %sp
	mov	$0xf000, %ax
	mov	%ax, %ds
	xor	%si, %si
	mov	$0x7c00, %di
	mov	$(payload_end - payload), %cx
	cld
	rep	movsb
	xor	%ax, %ax
	mov	%ax, %ds
	xor	%si, %si
	xor	%di, %di
	ljmp	$0, $0x7c00

	.org	0xfff0
	ljmp	$0xf000, $boot
	.org	0x10000
