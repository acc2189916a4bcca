/* SPDX-License-Identifier: MIT */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arch/x86/modes.h"
#include "mkvm/abi.h"

#ifndef MKVM_VERSION
#define MKVM_VERSION "0.1.0"
#endif

static const char usage_head[] =
	"Usage: mini-kvm [OPTIONS] IMAGE [IMAGE...]\n"
	"Runs each IMAGE (flat real-mode binary, ELF32/ELF64 or multiboot kernel,\n"
	"Linux bzImage) in its own KVM virtual machine, all at once.\n"
	"\n"
	"  -m, --mem SIZE       guest memory per VM, e.g. 256K, 64M, 1G (default 16M)\n"
	"      --mode MODE      CPU mode at entry: real, protected, paging or long\n"
	"                       (default: from the image: flat binary real, ELF32\n"
	"                       protected or paging for a higher-half entry, ELF64 long)\n"
	"      --cpus N         vCPUs per guest (kernels; the others wait for INIT/SIPI)\n"
	"      --kernel FILE    the image (as QEMU's -kernel); e.g. a Linux bzImage\n"
	"      --append CMDLINE kernel command line (multiboot and Linux kernels)\n"
	"      --initrd \"FILE [ARGS]\"  a multiboot module with its string; repeatable;\n"
	"                       for a Linux bzImage: the initrd (one FILE)\n";
/* The devices' options come between the two. */
static const char usage_tail[] =
	"      --keyboard       stdin goes to the i8042 keyboard (scancodes on IRQ1)\n"
	"                       of the first guest instead of its serial port\n"
	"  -t, --timeout SECS   stop guests still running after SECS seconds (status 124)\n"
	"  -s, --stats          print exits, I/O ports and hypercalls per guest at the end\n"
	"      --no-color       plain prefixes for several guests (also: NO_COLOR=1)\n"
	"      --no-seccomp     run without the system-call allow-list (debugging)\n"
	"      --gdb ADDR       a gdb remote stub for the guest on tcp:127.0.0.1:PORT\n"
	"                       or unix:PATH (docs/debugging.md); one guest only\n"
	"      --gdb-wait       stop before the first instruction until gdb attaches\n"
	"      --gdb-allow-remote  allow a --gdb address that is not loopback\n"
	"      --no-huge-pages  guest RAM on 4 KiB pages only (default: 2 MiB where possible)\n"
	"  -q, --quiet          no messages from mini-kvm except errors\n"
	"  -h, --help           this help\n"
	"  -V, --version        version\n"
	"\n"
	"On a terminal, Ctrl-A x quits. stdin goes to the first guest.\n"
	"Exit status: the guest's status; 2 bad usage; 124 timeout; 125 VMM error;\n"
	"126 guest crash or ABI violation; 128+N signal N. See docs/cli.md.\n";

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	case 'T':
		shift = 40;
		end++;
		break;
	default: break;
	}
	if (shift && (strcasecmp(end, "iB") == 0 || strcasecmp(end, "B") == 0))
		end += strlen(end);
	if (*end != '\0' || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static const struct device_option *const *dev_opts;
static size_t ndev_opts;

void cli_set_device_options(const struct device_option *const *opts, size_t n)
{
	dev_opts = opts;
	ndev_opts = n < CLI_MAX_DEVICE_OPTIONS ? n : CLI_MAX_DEVICE_OPTIONS;
}

static void print_usage(FILE *out)
{
	fputs(usage_head, out);
	for (size_t i = 0; i < ndev_opts; i++)
		fputs(dev_opts[i]->help, out);
	fputs(usage_tail, out);
}

static int parse_timeout(const char *s, double *out)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1; /* no spaces, signs or hex: like parse_size */
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !isfinite(v) || v <= 0 || v > 1e7)
		return -1;
	*out = v;
	return 0;
}

enum cli_result cli_parse(int argc, char **argv, struct options *o, FILE *out, FILE *err)
{
	enum {
		OPT_NO_COLOR = 256,
		OPT_MODE,
		OPT_APPEND,
		OPT_INITRD,
		OPT_KEYBOARD,
		OPT_CPUS,
		OPT_NO_SECCOMP,
		OPT_NO_HUGE_PAGES,
		OPT_KERNEL,
		OPT_GDB,
		OPT_GDB_WAIT,
		OPT_GDB_ALLOW_REMOTE,
		OPT_DEVICE, /* + index into dev_opts */
	};
	static const struct option core_opts[] = {
		{"mem", required_argument, NULL, 'm'},
		{"timeout", required_argument, NULL, 't'},
		{"stats", no_argument, NULL, 's'},
		{"no-color", no_argument, NULL, OPT_NO_COLOR},
		{"mode", required_argument, NULL, OPT_MODE},
		{"append", required_argument, NULL, OPT_APPEND},
		{"initrd", required_argument, NULL, OPT_INITRD},
		{"keyboard", no_argument, NULL, OPT_KEYBOARD},
		{"cpus", required_argument, NULL, OPT_CPUS},
		{"no-seccomp", no_argument, NULL, OPT_NO_SECCOMP},
		{"no-huge-pages", no_argument, NULL, OPT_NO_HUGE_PAGES},
		{"kernel", required_argument, NULL, OPT_KERNEL},
		{"gdb", required_argument, NULL, OPT_GDB},
		{"gdb-wait", no_argument, NULL, OPT_GDB_WAIT},
		{"gdb-allow-remote", no_argument, NULL, OPT_GDB_ALLOW_REMOTE},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
	};
	struct option
		longopts[sizeof(core_opts) / sizeof(core_opts[0]) + CLI_MAX_DEVICE_OPTIONS + 1];
	const size_t ncore = sizeof(core_opts) / sizeof(core_opts[0]);
	const char *no_color = getenv("NO_COLOR");
	char msg[512];
	int c;

	memcpy(longopts, core_opts, sizeof(core_opts));
	for (size_t i = 0; i < ndev_opts; i++)
		longopts[ncore + i] = (struct option){
			dev_opts[i]->name, dev_opts[i]->has_arg ? required_argument : no_argument,
			NULL, OPT_DEVICE + (int)i};
	longopts[ncore + ndev_opts] = (struct option){NULL, 0, NULL, 0};

	memset(o, 0, sizeof(*o));
	o->mem_size = GUEST_MEM_DEFAULT;
	o->mode = -1;
	o->cpus = 1;
	o->color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
	opterr = 0;
	optind = 0; /* full reset: cli_parse may be called more than once */
	while ((c = getopt_long(argc, argv, ":m:t:sqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (parse_size(optarg, &o->mem_size) < 0) {
				fprintf(err,
					"mini-kvm: --mem '%s': not a size; use e.g. 256K, 64M or 1G\n",
					optarg);
				return CLI_ERROR;
			}
			if (o->mem_size < GUEST_MEM_MIN || o->mem_size > GUEST_MEM_MAX) {
				fprintf(err, "mini-kvm: --mem '%s': must be between 1M and 3G\n",
					optarg);
				return CLI_ERROR;
			}
			break;
		case 't':
			if (parse_timeout(optarg, &o->timeout) < 0) {
				fprintf(err,
					"mini-kvm: --timeout '%s': not a positive number of seconds\n",
					optarg);
				return CLI_ERROR;
			}
			break;
		case 's': o->stats = true; break;
		case 'q': o->quiet = true; break;
		case OPT_NO_COLOR: o->color = false; break;
		case OPT_CPUS: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (!isdigit((unsigned char)*optarg) || *end || v < 1 || v > CLI_MAX_CPUS) {
				fprintf(err, "mini-kvm: --cpus '%s': give a number from 1 to %d\n",
					optarg, CLI_MAX_CPUS);
				return CLI_ERROR;
			}
			o->cpus = (unsigned)v;
			break;
		}
		case OPT_NO_SECCOMP: o->no_seccomp = true; break;
		case OPT_NO_HUGE_PAGES: o->no_huge_pages = true; break;
		case OPT_APPEND: o->append = optarg; break;
		case OPT_KERNEL: o->kernel[0] = optarg; break;
		case OPT_GDB: o->gdb = optarg; break;
		case OPT_GDB_WAIT: o->gdb_wait = true; break;
		case OPT_GDB_ALLOW_REMOTE: o->gdb_allow_remote = true; break;
		case OPT_KEYBOARD: o->keyboard = true; break;
		case OPT_INITRD:
			if (o->ninitrd == (int)(sizeof(o->initrd) / sizeof(o->initrd[0]))) {
				fprintf(err, "mini-kvm: --initrd '%s': at most %zu modules\n",
					optarg, sizeof(o->initrd) / sizeof(o->initrd[0]));
				return CLI_ERROR;
			}
			o->initrd[o->ninitrd++] = optarg;
			break;
		case OPT_MODE:
			o->mode = cpu_mode_parse(optarg);
			if (o->mode < 0) {
				fprintf(err,
					"mini-kvm: --mode '%s': use real, protected, paging or long\n",
					optarg);
				return CLI_ERROR;
			}
			break;
		case 'h': print_usage(out); return CLI_EXIT;
		case 'V': fprintf(out, "mini-kvm %s\n", MKVM_VERSION); return CLI_EXIT;
		case ':':
			fprintf(err, "mini-kvm: option '%s' needs a value; see mini-kvm --help\n",
				argv[optind - 1]);
			return CLI_ERROR;
		default:
			if (c >= OPT_DEVICE && (size_t)(c - OPT_DEVICE) < ndev_opts) {
				const struct device_option *d = dev_opts[c - OPT_DEVICE];
				if (d->parse(optarg, msg, sizeof(msg)) < 0) {
					fprintf(err, "mini-kvm: %s\n", msg);
					return CLI_ERROR;
				}
				break;
			}
			/* optopt names a short option even inside a cluster like -sx. */
			if (optopt && strncmp(argv[optind - 1], "--", 2) != 0)
				fprintf(err,
					"mini-kvm: unknown option '-%c'; see mini-kvm --help\n",
					optopt);
			else
				fprintf(err, "mini-kvm: unknown option '%s'; see mini-kvm --help\n",
					argv[optind - 1]);
			return CLI_ERROR;
		}
	}
	o->nimages = argc - optind;
	o->images = argv + optind;
	if (o->kernel[0]) {
		if (o->nimages) {
			fprintf(err,
				"mini-kvm: --kernel '%s' and image '%s': give the kernel once, with --kernel or as an argument\n",
				o->kernel[0], o->images[0]);
			return CLI_ERROR;
		}
		o->nimages = 1;
		o->images = o->kernel;
	}
	if (o->nimages == 0) {
		fprintf(err,
			"mini-kvm: no guest image given; usage: mini-kvm [OPTIONS] IMAGE...\n");
		return CLI_ERROR;
	}
	if ((o->gdb_wait || o->gdb_allow_remote) && !o->gdb) {
		fprintf(err, "mini-kvm: --%s needs --gdb ADDR; see docs/debugging.md\n",
			o->gdb_wait ? "gdb-wait" : "gdb-allow-remote");
		return CLI_ERROR;
	}
	if (o->gdb && o->nimages > 1) {
		fprintf(err,
			"mini-kvm: --gdb '%s' with %d guests: gdb debugs one guest; run the others apart\n",
			o->gdb, o->nimages);
		return CLI_ERROR;
	}
	return CLI_RUN;
}
