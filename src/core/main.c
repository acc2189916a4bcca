/* SPDX-License-Identifier: MIT */
/*
 * mini-kvm: parse the command line, load every image into its own VM, run
 * one vCPU thread per guest, and wait for them, a timeout or a signal.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arch/x86/modes.h"
#include "cli.h"
#include "console.h"
#include "devices/hypercall.h"
#include "devices/pc_devices.h"
#include "devices/virtio_blk.h"
#include "input.h"
#include "kvm.h"
#include "seccomp.h"
#include "loaders/boot.h"
#include "mkvm/abi.h"
#include "vcpu.h"
#include "vm.h"

static pthread_t main_thread;
static int guests_done;	 /* atomic: guests whose vCPU thread has ended */
static int quit_pressed; /* atomic: Ctrl-A x */
static struct options opts;
static struct boot_args boot_args; /* --mode, --append, --initrd: same for every guest */

static void notify_main(void)
{
	pthread_kill(main_thread, SIGUSR2);
}

static void on_quit_key(void)
{
	__atomic_store_n(&quit_pressed, 1, __ATOMIC_RELEASE);
	notify_main();
}

/* Runs on the vCPU thread once its guest has ended. */
static void guest_ended(struct vm *vm)
{
	console_finish(&vm->con);
	if (vm->reason[0])
		console_msg(&vm->con, vm->name, "%s (exit status %d)%s%s", vm->reason, vm->status,
			    vm->dump[0] ? "\n" : "", vm->dump);
	else if (opts.nimages > 1 && !opts.quiet)
		console_msg(&vm->con, vm->name, "exited with status %d", vm->status);
	__atomic_add_fetch(&guests_done, 1, __ATOMIC_ACQ_REL);
	notify_main();
}

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

/* 0, -1 for a VMM failure, -2 for an image that cannot boot (usage error). */
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

static int setup_guest(struct vm *vm, struct kvm *kvm, const struct image *img)
{
	struct cpu_boot boot;
	char err[512];
	int rc;

	vm->profile = boot_is_kernel(img, opts.mode) ? PROFILE_PC : PROFILE_BARE;
	vm->ncpus = opts.cpus;
	if (vm->ncpus > 1 && vm->profile != PROFILE_PC) {
		fprintf(stderr,
			"mini-kvm: %s: --cpus %u needs a kernel (ELF or multiboot): a flat real-mode guest has no LAPIC to start the others\n",
			vm->path, vm->ncpus);
		return -2;
	}
	if (vm_create(vm, kvm, opts.mem_size) < 0)
		return -1;
	rc = hypercall_register(vm);
	if (rc < 0) {
		fprintf(stderr, "mini-kvm: %s: cannot register hypercall ports: %s\n", vm->name,
			strerror(-rc));
		return -1;
	}
	if (vm->profile == PROFILE_PC && pc_devices_register(vm) < 0)
		return -1;
	boot_args.ncpus = vm->ncpus;
	boot_args.virtio_blk = bus_find(&vm->mmio, VIRTIO_BLK_MMIO_ADDR) != NULL;
	if (boot_load(img, &vm->mem, &boot_args, &boot, err, sizeof(err)) < 0) {
		fprintf(stderr, "mini-kvm: %s\n", err);
		return -2;
	}
	/* Only the bootstrap processor starts here; the others wait for
	 * INIT/SIPI from the guest through the in-kernel LAPIC. */
	rc = x86_boot_cpu(vm->cpus[0].fd, &vm->mem, &boot);
	if (rc < 0) {
		fprintf(stderr, "mini-kvm: %s: vCPU set-up failed: %s\n", vm->name, strerror(-rc));
		return -1;
	}
	return 0;
}

static void stop_all(struct vm *vms, int n, int status, const char *why)
{
	for (int i = 0; i < n; i++)
		vm_stop(&vms[i], status, why);
}

/*
 * A partial line (a prompt, an echoed key) that has waited a whole poll
 * period is flushed: vCPU 0 is asked to do it (it owns the buffer) and
 * kicked out of KVM_RUN.  Costs one exit per idle prompt, nothing per byte.
 */
static bool flush_idle_output(struct vm *vms, int n)
{
	bool pending = false;

	for (int i = 0; i < n; i++) {
		struct vm *vm = &vms[i];

		/* Prefixed lines (several guests) must never tear: not for them. */
		if (vm->ended || vm->con.prefixed ||
		    !__atomic_load_n(&vm->con.pending, __ATOMIC_RELAXED)) {
			vm->pending_polls = 0;
			continue;
		}
		pending = true;
		if (++vm->pending_polls < 2)
			continue;
		vm->pending_polls = 0;
		__atomic_store_n(&vm->flush_request, 1, __ATOMIC_RELEASE);
		if (vm->cpus[0].started && !vm->cpus[0].done)
			pthread_kill(vm->cpus[0].thread, SIGUSR1);
	}
	return pending;
}

/* Waits for every guest; handles --timeout, signals and Ctrl-A x. */
static void supervise(struct vm *vms, int n, const sigset_t *waitset)
{
	struct timespec now, deadline;
	bool stopping = false, pending = false;
	char why[64];

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (opts.timeout > 0) {
		double whole = floor(opts.timeout);
		deadline.tv_sec += (time_t)whole;
		deadline.tv_nsec += (long)((opts.timeout - whole) * 1e9);
		if (deadline.tv_nsec >= 1000000000L) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000L;
		}
	}
	while (__atomic_load_n(&guests_done, __ATOMIC_ACQUIRE) < n) {
		/* Re-kick period once stopping; partial-line check otherwise. */
		struct timespec wait = {0, CONSOLE_IDLE_FLUSH_MS * 1000 * 1000};
		int sig;

		if (!stopping && opts.timeout > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			wait.tv_sec = deadline.tv_sec - now.tv_sec;
			wait.tv_nsec = deadline.tv_nsec - now.tv_nsec;
			if (wait.tv_nsec < 0) {
				wait.tv_sec--;
				wait.tv_nsec += 1000000000L;
			}
			if (wait.tv_sec < 0) {
				snprintf(why, sizeof(why), "timeout: still running after %g s",
					 opts.timeout);
				stop_all(vms, n, MKVM_EXIT_TIMEOUT, why);
				stopping = true;
				continue;
			}
		}
		/* Poll for partial lines: often while one waits, rarely when idle
		 * (a halted guest then costs 10 wake-ups a second). */
		long poll_ns = (pending ? 1 : 5) * CONSOLE_IDLE_FLUSH_MS * 1000000L;
		if (wait.tv_sec > 0 || wait.tv_nsec > poll_ns) {
			wait.tv_sec = 0;
			wait.tv_nsec = poll_ns;
		}
		sig = sigtimedwait(waitset, NULL, &wait);
		if (!stopping)
			pending = flush_idle_output(vms, n);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			snprintf(why, sizeof(why), "stopped by signal %d (%s)", sig,
				 strsignal(sig));
			stop_all(vms, n, MKVM_EXIT_SIGNAL_BASE + sig, why);
			stopping = true;
		} else if (__atomic_load_n(&quit_pressed, __ATOMIC_ACQUIRE) && !stopping) {
			stop_all(vms, n, MKVM_EXIT_USER_QUIT, "quit by user (Ctrl-A x)");
			stopping = true;
		} else if (stopping) {
			/* A kick can land just before KVM_RUN or read(): repeat it. */
			for (int i = 0; i < n; i++)
				vm_kick_all(&vms[i]);
			input_wake_all();
		}
	}
}

/* --stats: the counters of all of a guest's vCPUs, summed. */
static void print_stats(const struct vm *vm)
{
	struct vm_stats sum;

	memset(&sum, 0, sizeof(sum));
	for (unsigned c = 0; c < vm->ncpus; c++)
		stats_merge(&sum, &vm->cpus[c].stats, c == 0);
	stats_print(&sum, vm->name, stderr);
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
	sigset_t waitset;
	char err[512];
	int n, rc, status, started = 0;

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
	/* --disk: opened here, before the seccomp filter (no open() after it). */
	if (opts.disk) {
		if (!boot_is_kernel(&imgs[0], opts.mode)) {
			fprintf(stderr,
				"mini-kvm: --disk needs a kernel (ELF or multiboot) as the first guest: %s is a flat real-mode guest without the PC devices\n",
				opts.images[0]);
			return MKVM_EXIT_USAGE;
		}
		if (virtio_blk_open_disk(opts.disk, opts.disk_ro, err, sizeof(err)) < 0) {
			fprintf(stderr, "mini-kvm: %s\n", err);
			return MKVM_EXIT_USAGE;
		}
	}
	if (kvm_open(&kvm) < 0)
		return MKVM_EXIT_VMM_ERROR;

	/* Signals: the main thread takes them synchronously in supervise(). */
	main_thread = pthread_self();
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGINT);
	sigaddset(&waitset, SIGTERM);
	sigaddset(&waitset, SIGHUP);
	sigaddset(&waitset, SIGUSR2);
	{
		sigset_t block = waitset;
		sigaddset(&block, SIGUSR1); /* only vCPU threads take kicks */
		pthread_sigmask(SIG_BLOCK, &block, NULL);
	}
	signal(SIGPIPE, SIG_IGN);
	vcpu_signals_init();
	console_setup(opts.color);

	for (int i = 0; i < n; i++) {
		struct vm *vm = &vms[i];
		vm->index = i;
		vm->path = opts.images[i];
		vm->name = guest_name(opts.images, i);
		vm->reads_stdin = i == 0;
		vm->stdin_to_keyboard = vm->reads_stdin && opts.keyboard;
		if (!vm->name)
			return MKVM_EXIT_VMM_ERROR;
		rc = setup_guest(vm, &kvm, &imgs[i]);
		if (rc < 0)
			return rc == -2 ? MKVM_EXIT_USAGE : MKVM_EXIT_VMM_ERROR;
		console_init(&vm->con, i, vm->name, n > 1, &vm->forced);
		if (vm->ncpus > 1)
			console_set_shared(&vm->con);
		image_free(&imgs[i]);
	}
	if (!opts.no_seccomp) {
		if (seccomp_install() < 0)
			return MKVM_EXIT_VMM_ERROR;
	}
	if (input_start(on_quit_key, vms[0].profile == PROFILE_PC) < 0) {
		fprintf(stderr, "mini-kvm: cannot start the input thread\n");
		return MKVM_EXIT_VMM_ERROR;
	}
	/* Test hooks (tests/e2e/hostile.bats, terminal.bats): a forbidden system
	 * call proves the filter is active; a crash of mini-kvm itself must still
	 * restore the terminal. */
	if (getenv("MKVM_TEST_FORBIDDEN_SYSCALL") && !opts.no_seccomp)
		(void)!getppid();
	if (getenv("MKVM_TEST_CRASH"))
		raise(SIGSEGV);
	for (; started < n; started++) {
		int rc = vcpu_start(&vms[started], guest_ended);
		if (rc < 0) {
			fprintf(stderr, "mini-kvm: cannot start vCPU thread %d: %s\n", started,
				strerror(-rc));
			started++; /* its threads, if any, count themselves out */
			stop_all(vms, started, MKVM_EXIT_VMM_ERROR, "VMM failure");
			break;
		}
	}
	supervise(vms, started, &waitset);
	for (int i = 0; i < started; i++)
		for (unsigned c = 0; c < vms[i].ncpus; c++)
			if (vms[i].cpus[c].started)
				pthread_join(vms[i].cpus[c].thread, NULL);
	input_restore_terminal();

	if (opts.stats)
		for (int i = 0; i < started; i++)
			print_stats(&vms[i]);
	status = started < n ? MKVM_EXIT_VMM_ERROR : exit_status(vms, n);
	for (int i = 0; i < n; i++)
		vm_destroy(&vms[i]);
	return status;
}
