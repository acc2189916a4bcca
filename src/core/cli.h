/* SPDX-License-Identifier: MIT */
/* Command-line parsing (docs/cli.md). Pure functions: unit-tested. */
#ifndef MKVM_CLI_H
#define MKVM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"

struct options {
	uint64_t mem_size; /* bytes of RAM per guest */
	double timeout;	   /* seconds, 0 = none */
	int mode;	   /* enum cpu_mode, or -1: from the image */
	bool stats;
	bool color; /* prefixes in colour (terminal, no --no-color/NO_COLOR) */
	bool quiet;
	bool no_seccomp;	/* --no-seccomp: no system-call filter (debugging) */
	bool no_huge_pages;	/* --no-huge-pages: guest RAM on 4 KiB pages */
	bool keyboard;		/* --keyboard: stdin goes to the i8042 keyboard */
	const char *gdb;	/* --gdb tcp:HOST:PORT or unix:PATH */
	bool gdb_wait;		/* --gdb-wait: stopped before the first instruction */
	bool gdb_allow_remote;	/* --gdb-allow-remote: a non-loopback address */
	const char *append;	/* --append: kernel command line */
	const char *initrd[16]; /* --initrd "FILE [ARGS]": multiboot modules */
	int ninitrd;
	unsigned cpus;	 /* --cpus: vCPUs per guest */
	char *kernel[1]; /* --kernel FILE: the image, as QEMU names it */
	int nimages;
	char **images; /* points into argv (or to kernel) */
};

#define CLI_MAX_CPUS 64 /* = VM_MAX_CPUS */

enum cli_result {
	CLI_RUN,   /* options parsed: run the guests */
	CLI_EXIT,  /* --help or --version printed: exit 0 */
	CLI_ERROR, /* message printed: exit MKVM_EXIT_USAGE */
};

/* "256K", "64M", "1G", "1048576" (K/M/G = 2^10/2^20/2^30, optional "iB"/"B").
 * Returns 0, or -1 for anything else (junk, overflow, empty). */
int parse_size(const char *s, uint64_t *out);

#define CLI_MAX_DEVICE_OPTIONS 16

/* The devices' options (src/devices/devices.h devices_options()): parsed by
 * their own hooks and listed in --help.  Kept; none until this is called. */
void cli_set_device_options(const struct device_option *const *opts, size_t n);

/* Parses argv; messages go to @out (help, version) and @err (errors). */
enum cli_result cli_parse(int argc, char **argv, struct options *o, FILE *out, FILE *err);

#endif
