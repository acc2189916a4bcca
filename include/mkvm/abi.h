/* SPDX-License-Identifier: MIT */
/*
 * Mini-KVM guest ABI: the one source of truth shared by the VMM (C) and the
 * guests (C and GNU as, via the C preprocessor).  Everything a guest author
 * needs is here: hypercall ports and numbers, the memory map, exit codes.
 * docs/hypercalls.md and docs/memory-map.md explain it in prose.
 */
#ifndef MKVM_ABI_H
#define MKVM_ABI_H

/* ---- Hypercalls --------------------------------------------------------
 *
 * A hypercall is one port I/O instruction to port HC_PORT(nr): the number
 * is the port offset from HC_PORT_BASE, the argument is the data of the
 * access.  One instruction is exactly one VM exit.
 *
 *   nr  name        instruction              argument / result
 *   0   HC_EXIT     out  HC_PORT(0), al/ax/eax  status (low 8 bits kept)
 *   1   HC_PUTCHAR  out  HC_PORT(1), al      byte to print
 *   2   HC_GETCHAR  in   al/ax/eax, HC_PORT(2)  byte 0..255, or all ones
 *                                            (-1) at end of input; blocks
 *   3   HC_WRITE    out  HC_PORT(3), al      prints ECX bytes from the
 *                                            guest-physical address in ESI
 *
 * Any other port in HC_PORT_BASE .. HC_PORT_BASE + HC_PORT_COUNT - 1 is an
 * unknown hypercall: the guest is stopped with status MKVM_EXIT_GUEST_FAULT.
 */
#define HC_PORT_BASE  0x500
#define HC_PORT_COUNT 0x10
#define HC_PORT(nr)   (HC_PORT_BASE + (nr))

#define HC_EXIT	   0
#define HC_PUTCHAR 1
#define HC_GETCHAR 2
#define HC_WRITE   3
#define HC_COUNT   4 /* number of defined hypercalls */

/* Largest HC_WRITE length accepted in one call (longer: guest fault). */
#define HC_WRITE_MAX (1u << 20)

/* ---- Memory map of the bare real-mode profile (guest-physical) ---------
 *
 *   0x00000 - 0x003ff  real-mode interrupt vector table (left zero)
 *   0x00400 - 0x004ff  BIOS data area (reserved, left zero)
 *   0x00500 - 0x07bff  stack, grows down from REAL_STACK_TOP
 *   0x07c00 - ...      flat image, loaded at REAL_LOAD_ADDR, entry there
 *   ...     - mem end  free for the guest
 *
 * CS = DS = ES = SS = FS = GS = 0, IP = REAL_LOAD_ADDR, SP = REAL_STACK_TOP,
 * FLAGS = 0x2 (interrupts off).  Physical address = offset.
 */
#define REAL_IVT_ADDR	  0x00000
#define REAL_BDA_ADDR	  0x00400
#define REAL_STACK_BOTTOM 0x00500
#define REAL_STACK_TOP	  0x07c00
#define REAL_LOAD_ADDR	  0x07c00

/* ---- Memory map of the PC profile (ELF and multiboot kernels) ---------
 *
 *   0x000000 - 0x000fff  real-mode IVT and BIOS data area (left zero)
 *   0x001000 - 0x001fff  GDT and TSS built by the VMM      PC_GDT_ADDR
 *   0x002000 - 0x002fff  boot information (multiboot info, PC_BOOTINFO_ADDR
 *                        Linux's zero page or PVH start info)
 *   0x003000 - 0x003fff  kernel command line               PC_CMDLINE_ADDR
 *   0x004000 - 0x00afff  page tables built by the VMM      PC_PGTABLE_ADDR
 *   0x00b000 - 0x09efff  free; initial stack below PC_STACK_TOP
 *   0x09f000 - 0x0fffff  reserved (EBDA, VGA, ROM: the legacy PC hole)
 *   0x100000 - mem end   kernel (ELF segments at their physical addresses),
 *                        then multiboot modules
 * Kernels must not load below PC_KERNEL_MIN; the loader refuses overlaps.
 */
#define PC_GDT_ADDR	 0x1000
#define PC_TSS_ADDR	 0x1800
#define PC_BOOTINFO_ADDR 0x2000
#define PC_CMDLINE_ADDR	 0x3000
#define PC_CMDLINE_MAX	 0x1000
#define PC_PGTABLE_ADDR	 0x4000
#define PC_PGTABLE_END	 0xb000
#define PC_STACK_TOP	 0x9f000
#define PC_LEGACY_HOLE	 0x9f000
#define PC_KERNEL_MIN	 0x100000

/* Linux boot protocol (docs/linux.md): the zero page (struct boot_params)
 * takes the multiboot info page, the command line is at PC_CMDLINE_ADDR,
 * the protected-mode kernel at PC_KERNEL_MIN; the ACPI tables lie in the
 * legacy hole (e820 reserved), the RSDP first (found by the BIOS-area scan
 * of 0xe0000-0xfffff and through boot_params.acpi_rsdp_addr). */
#define LINUX_ZERO_PAGE_ADDR PC_BOOTINFO_ADDR
#define ACPI_TABLES_ADDR     0xe0000
#define ACPI_TABLES_END	     0xe2000

/* ACPI fixed hardware (PIIX4-like ports): PM1a event block (status,
 * enable), PM1a control block (SLP_EN with the _S5 SLP_TYP powers the
 * machine off: the run ends with status 0), the 24-bit PM timer. */
#define ACPI_PM1A_EVT_PORT 0x600
#define ACPI_PM1A_CNT_PORT 0x604
#define ACPI_PM_TMR_PORT   0x608
#define ACPI_PM_PORTS	   12 /* 0x600..0x60b */
#define ACPI_SCI_IRQ	   9
#define ACPI_S5_SLP_TYP	   0 /* the DSDT's \_S5 package */

/* Above RAM: KVM's own real-mode TSS (3 pages, needed on Intel). */
#define PC_KVM_TSS_ADDR 0xfffbd000

/* Ports of the PC profile's small devices (docs/machine.md). */
#define POST_PORT	 0x80 /* boot-progress marker, shown by --stats */
/* The boot-time marker of the Linux test guest: its init writes this code
 * to POST_PORT first thing (guests/linux/init gets both values from here
 * through guests/linux/build-guest); --stats prints its time from
 * mini-kvm's start: "post 0x7b at N ms from start".  123, as Firecracker's
 * boot-complete signal. */
#define BOOT_MARKER_INIT 0x7b
#define DEBUG_EXIT_PORT	 0xf4  /* QEMU isa-debug-exit: status (v << 1) | 1 */
#define FW_CFG_PORT	 0x510 /* QEMU fw_cfg: selector 0x510, data 0x511 */

/* PCI configuration mechanism #1: CONFIG_ADDRESS at 0xcf8, CONFIG_DATA at
 * 0xcfc-0xcff.  Bus 0 holds one device, a host bridge at 00:00.0 (Red
 * Hat's vendor ID, QEMU's "PCIe host bridge" device ID); nothing else. */
#define PCI_CONFIG_PORT 0xcf8
#define PCI_HOST_VENDOR 0x1b36
#define PCI_HOST_DEVICE 0x0008

/* The virtio-mmio block device (--disk), legacy (version 1) register
 * layout as in "OS in 1,000 lines"; Linux finds it through the command
 * line: virtio_mmio.device=0x200@0xfeb00000:5 */
#define VIRTIO_BLK_MMIO_ADDR 0xfeb00000
#define VIRTIO_BLK_MMIO_SIZE 0x200

/* ISA interrupt lines of the PC profile's devices. */
#define IRQ_PIT	       0
#define IRQ_KEYBOARD   1
#define IRQ_COM1       4
#define IRQ_VIRTIO_BLK 5

/* GDT selectors set up by the VMM (protected, paging and long mode). */
#define SEL_KERNEL_CS	0x08 /* 32-bit ring-0 code, flat */
#define SEL_KERNEL_DS	0x10 /* ring-0 data, flat */
#define SEL_USER_CS	0x1b /* 32-bit ring-3 code, flat (RPL 3) */
#define SEL_USER_DS	0x23 /* ring-3 data, flat (RPL 3) */
#define SEL_TSS		0x28 /* 32-bit TSS at PC_TSS_ADDR */
#define SEL_KERNEL_CS64 0x30 /* 64-bit ring-0 code */

/* Virtual base of the higher-half mapping of physical 0 (paging mode). */
#define PC_HIGHER_HALF	 0xc0000000 /* no suffix: also used by ld scripts */
/* Virtual base of the -2 GiB mapping of physical 0 (long mode). */
#define PC_HIGHER_HALF64 0xffffffff80000000ull

/* Guest memory size limits (bytes) and default. */
#define GUEST_MEM_MIN	  (1ull << 20) /* 1 MiB */
#define GUEST_MEM_MAX	  (3ull << 30) /* 3 GiB: below the PCI/APIC hole */
#define GUEST_MEM_DEFAULT (16ull << 20)

/* ---- Exit status of mini-kvm (see docs/cli.md) ------------------------- */
/* 0..123: the guest's own HC_EXIT status (HLT counts as 0). */
#define MKVM_EXIT_USAGE		2   /* bad command line or input file   */
#define MKVM_EXIT_TIMEOUT	124 /* --timeout expired                */
#define MKVM_EXIT_VMM_ERROR	125 /* KVM unusable or VMM failure      */
#define MKVM_EXIT_GUEST_FAULT	126 /* guest crashed or broke the ABI   */
#define MKVM_EXIT_SIGNAL_BASE	128 /* 128 + signal (SIGINT, SIGTERM)   */
#define MKVM_EXIT_USER_QUIT	130 /* Ctrl-A x on the terminal         */
#define MKVM_EXIT_KILLED_BY_GDB 137 /* gdb's kill (k), as SIGKILL     */

#endif /* MKVM_ABI_H */
