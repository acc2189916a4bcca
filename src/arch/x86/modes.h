/* SPDX-License-Identifier: MIT */
/*
 * Protected mode (paging off or on) and long mode start-up: the VMM builds
 * a GDT with a TSS and, for paging, page tables in the ranges the layout
 * header names (PC_GDT_ADDR, PC_PGTABLE_ADDR), then sets the vCPU state.
 */
#ifndef MKVM_X86_MODES_H
#define MKVM_X86_MODES_H

#include <stdint.h>

#include "core/guest_mem.h"

enum cpu_mode {
	MODE_REAL,
	MODE_PROTECTED, /* 32-bit, paging off (multiboot) */
	MODE_PAGING,	/* 32-bit, 4 MiB pages: identity + higher half */
	MODE_LONG,	/* 64-bit, 2 MiB pages: identity + -2 GiB */
};

const char *cpu_mode_name(enum cpu_mode m);
/* "real", "protected", "paging", "long" -> mode; -1 if unknown. */
int cpu_mode_parse(const char *s);

struct cpu_boot {
	enum cpu_mode mode;
	uint64_t entry;	   /* virtual entry point */
	uint64_t stack;	   /* initial stack pointer */
	uint32_t eax, ebx; /* e.g. the multiboot magic and info pointer */
	uint64_t rsi;	   /* e.g. the Linux zero page */
};

/* Builds the GDT/TSS (and page tables) in @mem and sets up vCPU @fd. 0 or -errno. */
int x86_boot_cpu(int fd, struct guest_mem *mem, const struct cpu_boot *b);

#endif
