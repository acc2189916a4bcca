/* SPDX-License-Identifier: MIT */
/*
 * mini-kvm: parse the command line, load every image into its own VM, run
 * its vCPUs (the first one on this thread, the others on threads of their
 * own) and wait for them, a timeout or a signal (supervisor.c).
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/x86/acpi.h"
#include "arch/x86/modes.h"
#include "cli.h"
#include "console.h"
#include "devices/devices.h"
#include "gdb/server.h"
#include "input.h"
#include "kvm.h"
#include "seccomp.h"
#include "supervisor.h"
#include "test_hooks.h"
#include "loaders/boot.h"
#include "mkvm/abi.h"
#include "vcpu.h"
#include "vm.h"

static struct options opts;
static struct boot_args boot_args; /* --mode, --append, --initrd: same for every guest */

/* Runs on the guest's last vCPU thread once it has ended. */
static void guest_ended(struct vm *vm)
{
	console_finish(&vm->con);
	if (vm->reason[0])
		console_msg(&vm->con, vm->name, "%s (exit status %d)%s%s", vm->reason, vm->status,
			    vm->dump[0] ? "\n" : "", vm->dump);
	else if (opts.nimages > 1 && !opts.quiet)
		console_msg(&vm->con, vm->name, "exited with status %d", vm->status);
	supervisor_guest_ended();
}

/* The core learns what to do from these; only the supervisor knows them all. */
static const struct vcpu_hooks vcpu_hooks = {.kicked = supervisor_wanted, .ended = guest_ended};
static const struct input_hooks input_hooks = {.quit = supervisor_quit,
					       .before_block = supervisor_wanted};

/* "path/to/hello.bin" -> "hello", made unique with "#N" for repeats. */
static char *guest_name(char **paths, int i)
{
	char *copy = strdup(paths[i]), *base = basename(copy), *dot, *name;
	int repeat = 0;

	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	for (int j = 0; j < i; j++)
		if (strcmp(paths[j], paths[i]) == 0)
			repeat++;
	name = malloc(strlen(base) + 16);
	if (name) {
		if (repeat)
			sprintf(name, "%s#%d", base, repeat + 1);
		else
			strcpy(name, base);
	}
	free(copy);
	return name;
}

/* gdb's k: the run ends with MKVM_EXIT_KILLED_BY_GDB. */
static void gdb_kill(int status, const char *why)
{
	supervisor_stop_all(status, why);
}

/* --initrd "FILE ARGS": reads FILE; the whole string is the module's. */
static int read_modules(void)
{
	static struct image files[16];
	static struct mb_module mods[16];
	char err[512];

	for (int i = 0; i < opts.ninitrd; i++) {
		char path[PATH_MAX];
		size_t n = strcspn(opts.initrd[i], " ");

		if (n == 0 || n >= sizeof(path)) {
			fprintf(stderr, "mini-kvm: --initrd '%s': give a file name first\n",
				opts.initrd[i]);
			return -1;
		}
		memcpy(path, opts.initrd[i], n);
		path[n] = '\0';
		if (image_read(&files[i], strdup(path), IMAGE_FILE_MAX, err, sizeof(err)) < 0) {
			fprintf(stderr, "mini-kvm: --initrd: %s\n", err);
			return -1;
		}
		mods[i] = (struct mb_module){&files[i], opts.initrd[i]};
	}
	boot_args = (struct boot_args){.mode = opts.mode,
				       .cmdline = opts.append,
				       .mods = mods,
				       .nmods = (size_t)opts.ninitrd};
	return 0;
}

/* How setting up a guest went; each failure has printed its message. */
enum setup_result {
	SETUP_OK,
	SETUP_VMM_ERROR, /* KVM or memory failed: status 125 */
	SETUP_USAGE,	 /* the image cannot boot as asked: status 2 */
};

static enum setup_result setup_guest(struct vm *vm, struct kvm *kvm, const struct image *img)
{
	static char dev_cmdline[1024];
	static uint8_t dev_aml[ACPI_DSDT_EXTRA_MAX];
	struct cpu_boot boot;
	char err[512];
	size_t aml_len;
	int rc;

	vm->profile = boot_is_kernel(img, opts.mode) ? PROFILE_PC : PROFILE_BARE;
	vm->ncpus = opts.cpus;
	if (vm->ncpus > 1 && vm->profile != PROFILE_PC) {
		fprintf(stderr,
			"mini-kvm: %s: --cpus %u needs a kernel (ELF or multiboot): a flat real-mode guest has no LAPIC to start the others\n",
			vm->path, vm->ncpus);
		return SETUP_USAGE;
	}
	/* Huge pages for kernels only: a flat real-mode guest touches a few
	 * pages, and one 2 MiB page would cost more to clear than its run
	 * (and its RSS would no longer match the pages it touched). */
	vm->huge_pages = !opts.no_huge_pages && vm->profile == PROFILE_PC;
	if (vm_create(vm, kvm, opts.mem_size) < 0 || devices_create(vm) < 0)
		return SETUP_VMM_ERROR;
	/* What the devices announce to a Linux kernel. */
	aml_len = devices_acpi(vm, dev_aml, sizeof(dev_aml));
	if (devices_cmdline(vm, dev_cmdline, sizeof(dev_cmdline)) < 0 || aml_len == (size_t)-1) {
		fprintf(stderr,
			"mini-kvm: %s: the devices' command line or ACPI nodes are too long\n",
			vm->name);
		return SETUP_VMM_ERROR;
	}
	boot_args.ncpus = vm->ncpus;
	boot_args.dev_cmdline = dev_cmdline;
	boot_args.dev_aml = dev_aml;
	boot_args.dev_aml_len = aml_len;
	if (boot_load(img, &vm->mem, &boot_args, &boot, err, sizeof(err)) < 0) {
		fprintf(stderr, "mini-kvm: %s\n", err);
		return SETUP_USAGE;
	}
	/* Only the bootstrap processor starts here; the others wait for
	 * INIT/SIPI from the guest through the in-kernel LAPIC. */
	rc = x86_boot_cpu(vm->cpus[0].fd, &vm->mem, &boot);
	if (rc < 0) {
		fprintf(stderr, "mini-kvm: %s: vCPU set-up failed: %s\n", vm->name, strerror(-rc));
		return SETUP_VMM_ERROR;
	}
	return SETUP_OK;
}

/* --stats: the counters of all of a guest's vCPUs, summed. */
static void print_stats(const struct vm *vm)
{
	struct vm_stats sum;

	memset(&sum, 0, sizeof(sum));
	for (unsigned c = 0; c < vm->ncpus; c++)
		stats_merge(&sum, &vm->cpus[c].stats, c == 0);
	stats_print(&sum, vm->name, stderr);
	fprintf(stderr, "  memory: %llu MiB on %s\n", (unsigned long long)(vm->mem.size >> 20),
		gmem_pages_name(&vm->mem));
}

static int exit_status(const struct vm *vms, int n)
{
	for (int i = 0; i < n; i++)
		if (vms[i].status != 0)
			return vms[i].status;
	return 0;
}

int main(int argc, char **argv)
{
	struct image *imgs;
	struct vm *vms;
	struct kvm kvm;
	const struct device_option *dev_opts[CLI_MAX_DEVICE_OPTIONS];
	struct device_env env;
	sigset_t unblock;
	char err[512];
	int n, rc, status, started = 0;

	stats_set_origin(); /* POST markers count from here: "time from spawn" */
	cli_set_device_options(dev_opts, devices_options(dev_opts, CLI_MAX_DEVICE_OPTIONS));
	switch (cli_parse(argc, argv, &opts, stdout, stderr)) {
	case CLI_EXIT: return 0;
	case CLI_ERROR: return MKVM_EXIT_USAGE;
	case CLI_RUN: break;
	}
	n = opts.nimages;
	imgs = calloc((size_t)n, sizeof(*imgs));
	vms = calloc((size_t)n, sizeof(*vms));
	if (!imgs || !vms) {
		fprintf(stderr, "mini-kvm: out of memory for %d guests\n", n);
		return MKVM_EXIT_VMM_ERROR;
	}
	/* Every input is checked before anything starts. */
	for (int i = 0; i < n; i++) {
		if (image_read(&imgs[i], opts.images[i], flat_max_size(opts.mem_size), err,
			       sizeof(err)) < 0) {
			fprintf(stderr, "mini-kvm: %s\n", err);
			return MKVM_EXIT_USAGE;
		}
	}
	if (read_modules() < 0)
		return MKVM_EXIT_USAGE;
	/* Devices open their files (--disk) here, before the seccomp filter. */
	env = (struct device_env){.first_image = opts.images[0],
				  .first_is_kernel = boot_is_kernel(&imgs[0], opts.mode)};
	if (devices_setup(&env, err, sizeof(err)) < 0) {
		fprintf(stderr, "mini-kvm: %s\n", err);
		return MKVM_EXIT_USAGE;
	}
	/* --gdb listens now: a bad address is a usage error, before KVM. */
	if (opts.gdb && gdb_server_listen(opts.gdb, opts.gdb_allow_remote, err, sizeof(err)) < 0) {
		fprintf(stderr, "mini-kvm: %s\n", err);
		return MKVM_EXIT_USAGE;
	}
	if (kvm_open(&kvm) < 0)
		return MKVM_EXIT_VMM_ERROR;

	/* Signals belong to the supervisor (supervisor.h); nothing takes
	 * them asynchronously before the guests run. */
	supervisor_init();
	console_setup(opts.color, supervisor_wanted);

	for (int i = 0; i < n; i++) {
		struct vm *vm = &vms[i];
		vm->index = i;
		vm->path = opts.images[i];
		vm->name = guest_name(opts.images, i);
		vm->reads_stdin = i == 0;
		vm->stdin_to_keyboard = vm->reads_stdin && opts.keyboard;
		if (!vm->name)
			return MKVM_EXIT_VMM_ERROR;
		switch (setup_guest(vm, &kvm, &imgs[i])) {
		case SETUP_OK: break;
		case SETUP_USAGE: return MKVM_EXIT_USAGE;
		case SETUP_VMM_ERROR: return MKVM_EXIT_VMM_ERROR;
		}
		console_init(&vm->con, i, vm->name, n > 1, &vm->life);
		if (vm->ncpus > 1)
			console_set_shared(&vm->con);
		image_free(&imgs[i]);
	}
	if (opts.gdb && gdb_server_prepare(&vms[0], &kvm, opts.gdb_wait, gdb_kill) < 0)
		return MKVM_EXIT_VMM_ERROR;
	supervisor_prepare(vms, n, opts.timeout);
	if (!opts.no_seccomp) {
		if (seccomp_install(opts.gdb != NULL) < 0)
			return MKVM_EXIT_VMM_ERROR;
	}
	if (opts.gdb && (rc = gdb_server_start()) < 0) {
		fprintf(stderr, "mini-kvm: --gdb: cannot start the server thread: %s\n",
			strerror(-rc));
		return MKVM_EXIT_VMM_ERROR;
	}
	if (input_start(&input_hooks, vms[0].profile == PROFILE_PC) < 0) {
		fprintf(stderr, "mini-kvm: cannot start the input thread\n");
		return MKVM_EXIT_VMM_ERROR;
	}
	console_echo_keys(&vms[0].con, input_typed_at());
	test_hooks_run(!opts.no_seccomp);
	/* vCPU 0 of the first guest runs on this thread, the others on their own. */
	for (; started < n; started++) {
		rc = vcpu_start(&vms[started],
				opts.gdb && started == 0 ? gdb_server_hooks(&vcpu_hooks)
							 : &vcpu_hooks,
				started == 0);
		if (rc < 0) {
			fprintf(stderr, "mini-kvm: cannot start vCPU thread %d: %s\n", started,
				strerror(-rc));
			started++; /* its threads, if any, count themselves out */
			supervisor_stop_all(MKVM_EXIT_VMM_ERROR, "VMM failure");
			break;
		}
	}
	rc = supervisor_begin(started, &unblock);
	if (rc < 0) {
		fprintf(stderr, "mini-kvm: cannot start the supervisor thread: %s\n",
			strerror(-rc));
		supervisor_stop_all(MKVM_EXIT_VMM_ERROR, "VMM failure");
	}
	vcpu_run(&vms[0].cpus[0], &unblock); /* returns once the first guest has ended */
	supervisor_end();		     /* ... and the others */
	for (int i = 0; i < started; i++)
		for (unsigned c = i == 0 ? 1 : 0; c < vms[i].ncpus; c++)
			if (vms[i].cpus[c].started)
				pthread_join(vms[i].cpus[c].thread, NULL);
	if (opts.gdb)
		gdb_server_stop();
	input_restore_terminal();

	if (opts.stats)
		for (int i = 0; i < started; i++)
			print_stats(&vms[i]);
	status = started < n ? MKVM_EXIT_VMM_ERROR : exit_status(vms, n);
	for (int i = 0; i < n; i++)
		vm_destroy(&vms[i]);
	return status;
}
