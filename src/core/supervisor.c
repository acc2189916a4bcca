/* SPDX-License-Identifier: MIT */
#include "supervisor.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "console.h"
#include "input.h"
#include "mkvm/abi.h"
#include "vcpu.h"

static const int taken[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR2, SIGALRM};

static struct vm *vms;
static int nvms;
static double timeout;
static pthread_t main_thread, thread;
static sigset_t waitset;		   /* the signals of taken[] */
static bool lazy;			   /* main thread: the supervisor waits to be started */
static int running;			   /* atomic: the supervisor thread exists */
static int guests_done;			   /* atomic: guests that have ended */
static int quit_pressed;		   /* atomic: Ctrl-A x */
static volatile sig_atomic_t early_signal; /* SIGINT/TERM/HUP before the thread */

/* While lazy, on the main thread: remember the signal, leave KVM_RUN. */
static void early_handler(int sig)
{
	if (sig != SIGALRM && sig != SIGUSR2 && !early_signal)
		early_signal = sig;
	vcpu_kick_self();
}

void supervisor_init(void)
{
	sigset_t block;

	main_thread = pthread_self();
	sigemptyset(&waitset);
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		sigaddset(&waitset, taken[i]);
	block = waitset;
	sigaddset(&block, SIGUSR1); /* kicks: only while a vCPU runs */
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	signal(SIGPIPE, SIG_IGN);
	vcpu_signals_init();
}

void supervisor_prepare(struct vm *all, int n, double secs)
{
	vms = all;
	nvms = n;
	timeout = secs;
	lazy = n == 1 && all[0].ncpus == 1 && secs <= 0;
	if (lazy) {
		struct sigaction sa;
		struct itimerval first = {.it_value = {0, SUPERVISOR_LAZY_MS * 1000}};

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = early_handler; /* no SA_RESTART: blocking calls see EINTR */
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
			sigaction(taken[i], &sa, NULL);
		setitimer(ITIMER_REAL, &first, NULL); /* SIGALRM: "the run lasts" */
	}
}

static void notify(void)
{
	if (__atomic_load_n(&running, __ATOMIC_ACQUIRE))
		pthread_kill(thread, SIGUSR2);
	else if (!pthread_equal(pthread_self(), main_thread))
		pthread_kill(main_thread, SIGUSR2); /* lazy: the main thread starts it */
	/* A notice lost while the thread starts costs at most one poll period:
	 * the supervisor looks at guests_done and quit_pressed on every wake. */
}

void supervisor_guest_ended(void)
{
	__atomic_add_fetch(&guests_done, 1, __ATOMIC_ACQ_REL);
	notify();
}

void supervisor_quit(void)
{
	__atomic_store_n(&quit_pressed, 1, __ATOMIC_RELEASE);
	notify();
}

static void stop_all(enum end_cause cause, int status, const char *why)
{
	for (int i = 0; i < nvms; i++)
		vm_stop(&vms[i], cause, status, why);
	input_wake_all(); /* a guest waiting in HC_GETCHAR sees its end */
}

/*
 * A partial line (a prompt, an echoed key) that has waited a whole poll
 * period with no byte added (console_idle_due()) is flushed: vCPU 0 is
 * asked to do it (it owns the buffer) with a request and a kick.  Costs one
 * exit per idle prompt, nothing per byte.
 */
static bool flush_idle_output(void)
{
	bool pending = false;

	for (int i = 0; i < nvms; i++) {
		struct vm *vm = &vms[i];

		/* Prefixed lines (several guests) must never tear: not for them. */
		if (vm_over(vm) || vm->con.prefixed ||
		    !__atomic_load_n(&vm->con.pending, __ATOMIC_RELAXED))
			continue;
		pending = true;
		if (console_idle_due(&vm->con))
			vcpu_request(&vm->cpus[0], VCPU_REQ_FLUSH_CONSOLE);
	}
	return pending;
}

static struct timespec deadline_after(double secs)
{
	struct timespec t;
	time_t whole = (time_t)secs; /* at most 1e7: cli.c */

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += whole;
	t.tv_nsec += (long)((secs - (double)whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Until every guest has ended: --timeout, signals, Ctrl-A x, prompts. */
static void *supervise(void *arg)
{
	struct timespec deadline = deadline_after(timeout);
	bool stopping = false, pending = false;
	int sig = early_signal; /* taken by the main thread before we existed */
	char why[64];

	(void)arg;
	while (__atomic_load_n(&guests_done, __ATOMIC_ACQUIRE) < nvms) {
		/* Re-kick period once stopping; partial-line check otherwise. */
		struct timespec now, wait = {0, CONSOLE_IDLE_FLUSH_MS * 1000 * 1000};

		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			snprintf(why, sizeof(why), "stopped by signal %d (%s)", sig,
				 strsignal(sig));
			stop_all(END_SIGNAL, MKVM_EXIT_SIGNAL_BASE + sig, why);
			stopping = true;
		} else if (__atomic_load_n(&quit_pressed, __ATOMIC_ACQUIRE) && !stopping) {
			stop_all(END_USER_QUIT, MKVM_EXIT_USER_QUIT, "quit by user (Ctrl-A x)");
			stopping = true;
		} else if (stopping) {
			/* A kick can land just before KVM_RUN or read(): repeat it. */
			for (int i = 0; i < nvms; i++)
				vm_kick_all(&vms[i]);
			input_wake_all();
		}
		sig = 0;
		if (!stopping && timeout > 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			wait.tv_sec = deadline.tv_sec - now.tv_sec;
			wait.tv_nsec = deadline.tv_nsec - now.tv_nsec;
			if (wait.tv_nsec < 0) {
				wait.tv_sec--;
				wait.tv_nsec += 1000000000L;
			}
			if (wait.tv_sec < 0) {
				snprintf(why, sizeof(why), "timeout: still running after %g s",
					 timeout);
				stop_all(END_TIMEOUT, MKVM_EXIT_TIMEOUT, why);
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
		sig = sigtimedwait(&waitset, NULL, &wait);
		if (!stopping)
			pending = flush_idle_output();
	}
	return NULL;
}

/* The thread takes no signal asynchronously: it waits for them. */
static int start_thread(void)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&thread, NULL, supervise, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	__atomic_store_n(&running, 1, __ATOMIC_RELEASE);
	return 0;
}

int supervisor_begin(int started, sigset_t *unblock)
{
	nvms = started;
	sigemptyset(unblock);
	sigaddset(unblock, SIGUSR1);
	if (!lazy)
		return start_thread();
	for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
		sigaddset(unblock, taken[i]);
	return 0;
}

void supervisor_wanted(void)
{
	int err;

	if (!pthread_equal(pthread_self(), main_thread) || !lazy)
		return;
	lazy = false;
	pthread_sigmask(SIG_BLOCK, &waitset, NULL); /* from now on, the thread's */
	err = start_thread();
	if (err < 0) {
		fprintf(stderr, "mini-kvm: cannot start the supervisor thread: %s\n",
			strerror(-err));
		stop_all(END_VMM_ERROR, MKVM_EXIT_VMM_ERROR, "VMM failure");
	}
}

void supervisor_end(void)
{
	pthread_sigmask(SIG_BLOCK, &waitset, NULL);
	lazy = false;
	if (__atomic_load_n(&running, __ATOMIC_ACQUIRE))
		pthread_join(thread, NULL);
}

void supervisor_stop_all(int status, const char *why)
{
	stop_all(END_VMM_ERROR, status, why);
}
