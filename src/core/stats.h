/* SPDX-License-Identifier: MIT */
/* Per-guest counters for --stats: exits by reason, I/O by port, hypercalls. */
#ifndef MKVM_STATS_H
#define MKVM_STATS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mkvm/abi.h"

#define STATS_EXIT_REASONS 64 /* KVM_EXIT_* values below this are counted */
#define STATS_PORT_SLOTS   32 /* distinct ports tracked; the rest: "other" */

struct port_count {
	uint32_t port; /* 0 = free slot; stored as port + 1 */
	uint64_t count;
};

#define STATS_POST_MAX 64 /* port 0x80 markers kept */

struct post_mark {
	uint8_t code;
	uint64_t ns; /* since mini-kvm started (stats_origin_ns) */
};

struct vm_stats {
	uint64_t exits[STATS_EXIT_REASONS + 1]; /* last slot: other reasons */
	uint64_t hypercalls[HC_PORT_COUNT];
	uint64_t io_unhandled;
	struct port_count ports[STATS_PORT_SLOTS];
	uint64_t ports_other;
	struct post_mark post[STATS_POST_MAX];
	unsigned npost;
	uint64_t post_dropped;
	struct timespec start, end;
};

static inline void stats_exit(struct vm_stats *s, uint32_t reason)
{
	s->exits[reason < STATS_EXIT_REASONS ? reason : STATS_EXIT_REASONS]++;
}

void stats_port(struct vm_stats *s, uint16_t port);
/* Sets the time that POST markers count from: mini-kvm's start (main's
 * first step, so that a marker reads as "time from spawn"). */
void stats_set_origin(void);
/* Nanoseconds from that origin to now. */
uint64_t stats_origin_ns(void);
/* Adds @src to @dst (per-vCPU counters to a guest total); @first copies the
 * start time and POST markers. */
void stats_merge(struct vm_stats *dst, const struct vm_stats *src, int first);
uint64_t stats_port_count(const struct vm_stats *s, uint16_t port);
uint64_t stats_total_exits(const struct vm_stats *s);
void stats_print(const struct vm_stats *s, const char *name, FILE *out);

#endif
