/* SPDX-License-Identifier: MIT */
/*
 * One guest's lifecycle: a single C11 atomic state with named values and
 * the reason for the end, replacing separate ended/stopping/forced flags.
 *
 *   LIFE_RUNNING --vm_end()--> LIFE_ENDING --> LIFE_ENDED --vm_stop()--> LIFE_FORCED
 *        \______________________________________________vm_stop()______/
 *
 * LIFE_ENDING is held only while the winner of the end writes the status
 * and the message; the vCPU loops stop at LIFE_ENDED.  LIFE_FORCED (a
 * timeout, a signal, Ctrl-A x, a VMM failure from outside) also tells
 * blocked console writes to give up.  Header only: console, input and the
 * device models test the state without linking the VM.
 */
#ifndef MKVM_LIFECYCLE_H
#define MKVM_LIFECYCLE_H

#include <stdatomic.h>
#include <stdbool.h>

enum life_state {
	LIFE_RUNNING = 0, /* the guest runs */
	LIFE_ENDING,	  /* the end is decided; its reason is being written */
	LIFE_ENDED,	  /* the end and its reason are known: vCPUs and input stop */
	LIFE_FORCED,	  /* stopped from outside: pending output may be dropped */
};

/* Why the guest ended (the message says more). */
enum end_cause {
	END_NONE = 0,	 /* still running */
	END_GUEST,	 /* the guest ended itself: exit hypercall, poweroff, HLT, reset */
	END_GUEST_FAULT, /* crash or ABI violation (status 126) */
	END_VMM_ERROR,	 /* mini-kvm failed (status 125) */
	END_TIMEOUT,	 /* --timeout (status 124) */
	END_SIGNAL,	 /* SIGINT/SIGTERM/SIGHUP (status 128 + N) */
	END_USER_QUIT,	 /* Ctrl-A x */
};

struct lifecycle {
	_Atomic int state;    /* enum life_state */
	enum end_cause cause; /* written by the winner before LIFE_ENDED */
};

static inline enum life_state life_state(const struct lifecycle *l)
{
	return (enum life_state)atomic_load_explicit(&((struct lifecycle *)l)->state,
						     memory_order_acquire);
}

/* The end is decided (vCPU loops, input and devices stop). */
static inline bool life_over(const struct lifecycle *l)
{
	return life_state(l) != LIFE_RUNNING;
}

/* Stopped from outside: blocked writes give up. */
static inline bool life_forced(const struct lifecycle *l)
{
	return life_state(l) == LIFE_FORCED;
}

#endif
