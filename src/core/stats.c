/* SPDX-License-Identifier: MIT */
#include "stats.h"

#include <inttypes.h>
#include <linux/kvm.h>

static struct timespec origin;

void stats_set_origin(void)
{
	clock_gettime(CLOCK_MONOTONIC, &origin);
}

uint64_t stats_origin_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - origin.tv_sec) * 1000000000ull +
	       (uint64_t)(now.tv_nsec - origin.tv_nsec);
}

void stats_port(struct vm_stats *s, uint16_t port)
{
	/* Small open-addressing table: a guest touching every port costs
	 * STATS_PORT_SLOTS entries, not 64 K counters. */
	uint32_t key = (uint32_t)port + 1;
	unsigned i, h = (port * 2654435761u) % STATS_PORT_SLOTS;

	for (i = 0; i < STATS_PORT_SLOTS; i++) {
		struct port_count *p = &s->ports[(h + i) % STATS_PORT_SLOTS];
		if (p->port == key) {
			p->count++;
			return;
		}
		if (p->port == 0) {
			p->port = key;
			p->count = 1;
			return;
		}
	}
	s->ports_other++;
}

void stats_merge(struct vm_stats *dst, const struct vm_stats *src, int first)
{
	for (unsigned i = 0; i <= STATS_EXIT_REASONS; i++)
		dst->exits[i] += src->exits[i];
	for (unsigned i = 0; i < HC_PORT_COUNT; i++)
		dst->hypercalls[i] += src->hypercalls[i];
	dst->io_unhandled += src->io_unhandled;
	dst->ports_other += src->ports_other;
	for (unsigned i = 0; i < STATS_PORT_SLOTS; i++) {
		const struct port_count *p = &src->ports[i];
		for (uint64_t k = 0; p->port && k < p->count; k++)
			stats_port(dst, (uint16_t)(p->port - 1));
	}
	for (unsigned i = 0; i < src->npost && dst->npost < STATS_POST_MAX; i++)
		dst->post[dst->npost++] = src->post[i];
	dst->post_dropped += src->post_dropped;
	if (first) {
		dst->start = src->start;
		dst->end = src->end;
	} else if (src->end.tv_sec > dst->end.tv_sec ||
		   (src->end.tv_sec == dst->end.tv_sec && src->end.tv_nsec > dst->end.tv_nsec)) {
		dst->end = src->end;
	}
}

uint64_t stats_port_count(const struct vm_stats *s, uint16_t port)
{
	for (unsigned i = 0; i < STATS_PORT_SLOTS; i++)
		if (s->ports[i].port == (uint32_t)port + 1)
			return s->ports[i].count;
	return 0;
}

uint64_t stats_total_exits(const struct vm_stats *s)
{
	uint64_t t = 0;
	for (unsigned i = 0; i <= STATS_EXIT_REASONS; i++)
		t += s->exits[i];
	return t;
}

static const char *exit_name(unsigned r)
{
	switch (r) {
	case KVM_EXIT_IO: return "io";
	case KVM_EXIT_MMIO: return "mmio";
	case KVM_EXIT_HLT: return "hlt";
	case KVM_EXIT_SHUTDOWN: return "shutdown";
	case KVM_EXIT_INTR: return "intr";
	case KVM_EXIT_FAIL_ENTRY: return "fail_entry";
	case KVM_EXIT_INTERNAL_ERROR: return "internal_error";
	case KVM_EXIT_UNKNOWN: return "unknown";
	default: return NULL;
	}
}

static const char *const hc_names[HC_COUNT] = {
	[HC_EXIT] = "exit",
	[HC_PUTCHAR] = "putchar",
	[HC_GETCHAR] = "getchar",
	[HC_WRITE] = "write",
};

void stats_print(const struct vm_stats *s, const char *name, FILE *out)
{
	double secs = (double)(s->end.tv_sec - s->start.tv_sec) +
		      (double)(s->end.tv_nsec - s->start.tv_nsec) / 1e9;

	fprintf(out, "stats %s: run time %.6f s, %" PRIu64 " exits\n", name, secs,
		stats_total_exits(s));
	for (unsigned r = 0; r <= STATS_EXIT_REASONS; r++) {
		const char *n = exit_name(r);
		if (!s->exits[r])
			continue;
		if (r == STATS_EXIT_REASONS)
			fprintf(out, "  exit other: %" PRIu64 "\n", s->exits[r]);
		else if (n)
			fprintf(out, "  exit %s: %" PRIu64 "\n", n, s->exits[r]);
		else
			fprintf(out, "  exit %u: %" PRIu64 "\n", r, s->exits[r]);
	}
	for (unsigned p = 0; p <= 0xffff; p++) { /* ascending port order */
		uint64_t c = stats_port_count(s, (uint16_t)p);
		if (c)
			fprintf(out, "  io port 0x%04x: %" PRIu64 "\n", p, c);
	}
	if (s->ports_other)
		fprintf(out, "  io other ports: %" PRIu64 "\n", s->ports_other);
	if (s->io_unhandled)
		fprintf(out, "  io unhandled: %" PRIu64 "\n", s->io_unhandled);
	for (unsigned i = 0; i < s->npost; i++)
		fprintf(out, "  post 0x%02x at %.3f ms from start\n", s->post[i].code,
			(double)s->post[i].ns / 1e6);
	if (s->post_dropped)
		fprintf(out, "  post markers not kept: %" PRIu64 "\n", s->post_dropped);
	for (unsigned h = 0; h < HC_PORT_COUNT; h++) {
		if (!s->hypercalls[h])
			continue;
		fprintf(out, "  hypercall %u (%s): %" PRIu64 "\n", h,
			h < HC_COUNT ? hc_names[h] : "unknown", s->hypercalls[h]);
	}
}
