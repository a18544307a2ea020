/*
 * memmap_tdmr.c - the TDMRs Linux's TDX host code builds over a host's
 * RAM ranges (memmap.h; algorithm and citation in docs/info.md):
 * memory below 1 MiB dropped, 1 GiB-aligned TDMRs covering each RAM
 * range not already covered, a reserved area per hole inside a TDMR,
 * and the module's limits as errors.
 *
 * Reentrant: no state besides the caller's structures; any thread.
 */
#include "memmap.h"
#include "util/errmsg.h"

#include <string.h>

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)

/* The part of RAM range r Linux hands to TDX (none below 1 MiB). */
static int tdx_part(const struct memmap_range *r, uint64_t *s, uint64_t *e)
{
	*s = r->start < MIB ? MIB : r->start;
	*e = r->end;
	return *s < *e;
}

/* TDMRs: one per range, starting where the previous one ended. */
static int fill_tdmrs(const struct memmap *m, unsigned max_tdmrs,
		      struct memmap_plan *p, char *msg, size_t len)
{
	for (unsigned i = 0; i < m->n; i++) {
		uint64_t s, e, base, end;

		if (!tdx_part(&m->r[i], &s, &e))
			continue;
		base = s / GIB * GIB;
		end = (e + GIB - 1) / GIB * GIB;
		if (p->n) {
			struct memmap_tdmr *t = &p->t[p->n - 1];

			if (end <= t->base + t->size)
				continue; /* already covered */
			if (base < t->base + t->size)
				base = t->base + t->size;
		}
		if (p->n == max_tdmrs)
			return errmsg(msg, len, "RAM range 0x%llx-0x%llx needs "
				    "TDMR %u, the module allows %u (Linux "
				    "fails TDX init here)",
				    (unsigned long long)m->r[i].start,
				    (unsigned long long)m->r[i].end - 1,
				    p->n + 1, max_tdmrs);
		p->t[p->n].base = base;
		p->t[p->n].size = end - base;
		p->n++;
	}
	if (!p->n)
		return errmsg(msg, len, "no RAM above 1 MiB to cover");
	return 0;
}

static int add_rsvd(struct memmap_tdmr *t, unsigned idx, uint64_t s,
		    uint64_t e, unsigned max_rsvd, char *msg, size_t len)
{
	if (t->n_rsvd == max_rsvd)
		return errmsg(msg, len, "TDMR %u (0x%llx, %llu GiB) has more "
			    "than %u holes needing reserved areas, the "
			    "module's limit (Linux fails TDX init here)", idx,
			    (unsigned long long)t->base,
			    (unsigned long long)(t->size / GIB), max_rsvd);
	t->rsvd[t->n_rsvd].start = s;
	t->rsvd[t->n_rsvd].end = e;
	t->n_rsvd++;
	return 0;
}

/* Reserved areas for the holes between RAM ranges inside TDMR idx. */
static int fill_holes(const struct memmap *m, struct memmap_tdmr *t,
		      unsigned idx, unsigned max_rsvd, char *msg, size_t len)
{
	uint64_t end = t->base + t->size, at = t->base;

	for (unsigned i = 0; i < m->n; i++) {
		uint64_t s, e;

		if (!tdx_part(&m->r[i], &s, &e) || e <= at)
			continue;
		if (s >= end)
			break;
		if (s > at && add_rsvd(t, idx, at, s, max_rsvd, msg, len))
			return -1;
		t->ram_bytes += (e < end ? e : end) - (s > at ? s : at);
		at = e < end ? e : end;
	}
	if (at < end && add_rsvd(t, idx, at, end, max_rsvd, msg, len))
		return -1;
	return 0;
}

int memmap_build_tdmrs(const struct memmap *m, unsigned max_tdmrs,
		       unsigned max_rsvd, struct memmap_plan *p, char *msg,
		       size_t len)
{
	memset(p, 0, sizeof(*p));
	if (max_tdmrs > MEMMAP_MAX_TDMRS)
		max_tdmrs = MEMMAP_MAX_TDMRS;
	if (max_rsvd > MEMMAP_MAX_RSVD)
		max_rsvd = MEMMAP_MAX_RSVD;
	if (fill_tdmrs(m, max_tdmrs, p, msg, len))
		return -1;
	for (unsigned i = 0; i < p->n; i++)
		if (fill_holes(m, &p->t[i], i, max_rsvd, msg, len))
			return -1;
	return 0;
}
