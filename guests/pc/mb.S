/*
 * mb: a multiboot v1 kernel, written as for QEMU's -kernel.  It checks the
 * magic in EAX and prints what the boot information at EBX tells: memory,
 * memory map, command line and each module's string and contents.
 * Built twice: as an ELF32 (mb.elf) and, with -DAOUT, as a flat binary
 * that uses the header's address fields (mb-aout.bin).
 */
#include "mkvm/abi.h"
#include "pc.inc"

#ifdef AOUT
#define MB_FLAGS 0x00010003 /* page-aligned modules, memory info, address fields */
#else
#define MB_FLAGS 0x00000003
#endif

	.code32
	.section .text.multiboot, "ax"
	.p2align 2
mb_header:
	.long	0x1badb002
	.long	MB_FLAGS
	.long	-(0x1badb002 + MB_FLAGS)
#ifdef AOUT
	.long	mb_header		/* header_addr */
	.long	PC_KERNEL_MIN		/* load_addr */
	.long	_edata			/* load_end_addr */
	.long	_end			/* bss_end_addr */
	.long	_start			/* entry_addr */
#endif

	.section .text
	.globl	_start
_start:
	mov	%ebx, %edi		/* multiboot info */
	cmp	$0x2badb002, %eax
	jne	bad_magic
	cmpl	$0, bss_probe		/* bss must be zeroed by the loader */
	jne	bad_magic
	cmpl	$0x12345678, data_probe	/* and .data loaded */
	jne	bad_magic
	WRITE	m_magic, m_magic_len
	mov	4(%edi), %eax		/* mem_lower (KiB) */
	call	print_dec
	WRITE	m_upper, m_upper_len
	mov	8(%edi), %eax		/* mem_upper (KiB) */
	call	print_dec
	WRITE	m_mmap, m_mmap_len
	mov	44(%edi), %eax		/* mmap_length / 24 = entries */
	xor	%edx, %edx
	mov	$24, %ecx
	div	%ecx
	call	print_dec
	WRITE	m_cmd, m_cmd_len
	mov	16(%edi), %eax		/* cmdline */
	call	print_str
	WRITE	m_mods, m_mods_len
	mov	20(%edi), %eax		/* mods_count */
	call	print_dec
	mov	$'\n', %al
	PUTCHAR
	mov	20(%edi), %ebp		/* modules left */
	mov	24(%edi), %ebx		/* mods_addr */
mod:	test	%ebp, %ebp
	jz	done
	WRITE	m_mod, m_mod_len
	mov	8(%ebx), %eax		/* string */
	call	print_str
	WRITE	m_eq, m_eq_len
	mov	(%ebx), %esi		/* mod_start */
	mov	4(%ebx), %ecx		/* mod_end */
	sub	%esi, %ecx
	mov	$HC_PORT(HC_WRITE), %dx
	outb	%al, %dx
	mov	$'\n', %al
	PUTCHAR
	add	$16, %ebx
	dec	%ebp
	jmp	mod
done:	EXIT	0
bad_magic:
	EXIT	1

#include "lib32.inc"

	.section .rodata
m_magic: .ascii	"mb: magic ok, mem_lower="
	.set	m_magic_len, . - m_magic
m_upper: .ascii	" mem_upper="
	.set	m_upper_len, . - m_upper
m_mmap:	.ascii	" mmap entries="
	.set	m_mmap_len, . - m_mmap
m_cmd:	.ascii	"\nmb: cmdline="
	.set	m_cmd_len, . - m_cmd
m_mods:	.ascii	"\nmb: modules="
	.set	m_mods_len, . - m_mods
m_mod:	.ascii	"mb: module '"
	.set	m_mod_len, . - m_mod
m_eq:	.ascii	"' = "
	.set	m_eq_len, . - m_eq

	.section .data
data_probe: .long 0x12345678

	.section .bss
bss_probe: .long 0
