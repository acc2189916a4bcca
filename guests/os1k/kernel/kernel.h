/* SPDX-License-Identifier: MIT */
/* The 1K OS kernel: definitions shared by its files. */
#ifndef OS1K_KERNEL_H
#define OS1K_KERNEL_H

#include "../common.h"
#include "mkvm/abi.h"

#define PANIC(fmt, ...)                                                                            \
	do {                                                                                       \
		printf("PANIC: %s:%d: " fmt "\n", __FILE_NAME__, __LINE__, ##__VA_ARGS__);         \
		shutdown(1);                                                                       \
	} while (0)

#define PAGE_SIZE 4096
typedef uint32_t paddr_t; /* physical address (the kernel runs identity-mapped) */
typedef uint32_t vaddr_t; /* virtual address */

/* ---- x86 ---- */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* What the interrupt entry (entry.S) pushes: the registers of the
 * interrupted code, the vector and error code, then what the CPU pushed. */
struct trap_frame {
	uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax; /* pusha */
	uint32_t es, ds;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss; /* only when coming from user mode (ring 3) */
};

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1b /* ring 3 (RPL 3) */
#define SEL_UDATA 0x23
#define SEL_TSS32 0x28

/* kernel.c */
void shutdown(int status) __attribute__((noreturn));
paddr_t alloc_pages(uint32_t n);
void yield(void);
extern volatile uint32_t ticks;

/* devices.c: PIC, PIT, UART, i8042 keyboard, virtio-blk */
void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
void pit_init(uint32_t hz);
void uart_init(void);
void uart_putc(char ch);
void uart_irq(void);
void kbd_init(void);
void kbd_irq(void);
int input_getc(void);	 /* -1 when nothing is waiting */
void input_wakeup(void); /* kernel.c: wakes processes waiting for input */
bool virtio_blk_init(void);
void read_write_disk(void *buf, unsigned sector, bool is_write);
extern uint32_t blk_capacity;

/* fs.c: the tar file system */
#define FILES_MAX     16
#define FILE_DATA_MAX 4096
struct file {
	bool in_use;
	char name[NAME_MAX];
	char data[FILE_DATA_MAX];
	uint32_t size;
};
extern struct file files[FILES_MAX];
void fs_init(bool have_disk);
struct file *fs_lookup(const char *name);
struct file *fs_create(const char *name);
int fs_flush(void);

#endif
