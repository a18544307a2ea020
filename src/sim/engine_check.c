/*
 * engine_check.c - the invariant checks at quiescent points: the host
 * manager's checker (refcounts vs the module's PAMT vs the allocator,
 * docs/design.md §7, including the model's own tdxmod_check), plus the
 * VMM's view: every page a live guest holds is in use in the allocator
 * and, sampled, owned by the module the way the VMM thinks; the pages the
 * VMM marks mapped at 4K are exactly those the module's S-EPT maps.
 */
#include "sim/engine.h"

#include "glue/dpamt_check.h"

#include <stdio.h>
#include <string.h>

/* Every 512th private page is also checked against the module's PAMT. */
#define OWNER_SAMPLE 512u

/* The 4K module pages all live TDs hold in a 2 MiB range; *guests: how
 * many TDs hold some (NULL: not wanted).  The VMM keeps both per range
 * (a live TD is one whose range_refs exist): O(1), not O(guests). */
static uint32_t held_by(struct engine *e, uint64_t pa_2m, unsigned *guests)
{
	uint64_t r = pa_2m / VMM_2M;

	if (guests)
		*guests = r < e->vh.n_ranges ?
			atomic_load_explicit(&e->vh.range_holders[r],
					     memory_order_relaxed) : 0;
	return r < e->vh.n_ranges ?
		atomic_load_explicit(&e->vh.range_held[r],
				     memory_order_relaxed) : 0;
}

static uint32_t held(void *arg, uint64_t pa_2m)
{
	return held_by(arg, pa_2m, NULL);
}

static unsigned violation(struct engine *e, const char *fmt,
			  unsigned long long a, unsigned long long b)
{
	char msg[160];

	snprintf(msg, sizeof(msg), fmt, a, b);
	engine_error(e, msg);
	return 1;
}

/* The 4K pages of chunk c: the VMM's mapped bits agree with what the
 * module's S-EPT maps (for a TD), each page is in use in the allocator
 * and, sampled, the TD's in PAMT. */
static unsigned check_chunk_4k(struct engine *e, struct vmm_td *td,
			       uint64_t c)
{
	struct phys_alloc *pa = e->mh.alloc;
	uint64_t f[VMM_PAGES_PER_2M];
	unsigned bad = 0;

	/* Nothing mapped at 4K on either side (a chunk mapped at 2M or not
	 * at all): the loop below would find them agreeing on every page. */
	if (vmm_chunk_pas(td, c, f) == 0 && !vmm_chunk_any_mapped(td, c))
		return 0;
	for (unsigned i = 0; i < VMM_PAGES_PER_2M && bad < 4; i++) {
		uint64_t p = c * VMM_PAGES_PER_2M + i, a = f[i];
		struct tdxmod_page_info pi;

		if ((a != 0) != vmm_page_mapped(td, p))
			bad += violation(e, "invariant: gpa page %llu: the "
					 "VMM and the S-EPT disagree (S-EPT "
					 "maps 0x%llx)", p, a);
		if (!a)
			continue;
		if (phys_is_free(pa, a))
			bad += violation(e, "invariant: guest page 0x%llx "
					 "(gpa page %llu) is free in the "
					 "allocator", a, p);
		if (td->spec.legacy || p % OWNER_SAMPLE)
			continue;
		if (tdxmod_page_info(e->mh.mod, a, &pi) == 0 &&
		    (pi.type != DPAMT_TDX_PT_REG ||
		     pi.owner != td->tdr / VMM_PAGE))
			bad += violation(e, "invariant: private page 0x%llx "
					 "has PAMT type %llu, not the TD's",
					 a, pi.type);
	}
	return bad;
}

static unsigned check_private(struct engine *e, struct vmm_td *td)
{
	struct phys_alloc *pa = e->mh.alloc;
	unsigned bad = 0;

	for (uint64_t c = 0; c < td->n_chunks && bad < 4; c++)
		bad += check_chunk_4k(e, td, c);
	for (uint64_t c = 0; c < td->n_chunks && bad < 4; c++) {
		if (td->chunk_pfn[c] &&
		    phys_is_free(pa, vmm_pfn_pa(td->chunk_pfn[c])))
			bad += violation(e, "invariant: 2M block 0x%llx of "
					 "chunk %llu is free in the allocator",
					 vmm_pfn_pa(td->chunk_pfn[c]), c);
		if (td->sept1 && td->sept1[c] &&
		    phys_is_free(pa, vmm_pfn_pa(td->sept1[c])))
			bad += violation(e, "invariant: S-EPT page 0x%llx of "
					 "chunk %llu is free in the allocator",
					 vmm_pfn_pa(td->sept1[c]), c);
	}
	if (!td->spec.legacy && td->tdr && phys_is_free(pa, td->tdr))
		bad += violation(e, "invariant: TDR 0x%llx of td %llu is "
				 "free in the allocator", td->tdr,
				 (unsigned long long)td->index);
	return bad;
}

/* Pages of guest memory a TD or VM holds: 4K frames of 4K chunks, whole
 * blocks of 2M and split chunks. */
static uint64_t memory_pages(const struct vmm_td *td)
{
	uint64_t n = 0;

	for (uint64_t c = 0; c < td->n_chunks; c++) {
		uint64_t f[VMM_PAGES_PER_2M];

		if (td->chunk_state[c] == VMM_CH_2M ||
		    td->chunk_state[c] == VMM_CH_SPLIT) {
			n += VMM_PAGES_PER_2M;
			continue;
		}
		if (td->chunk_mapped[c] || td->spec.legacy)
			n += vmm_chunk_pas(td, c, f);
	}
	return n;
}

/* Every other page a TD holds: S-EPT, control pages, and what its vCPUs
 * keep (stash, target, magazine, pages on the way back, DPAMT cache). */
static uint64_t other_pages(const struct vmm_td *td, unsigned tdcs,
			    unsigned tdcx)
{
	uint64_t n = !!td->tdr;

	for (uint64_t c = 0; td->sept1 && c < td->n_chunks; c++)
		n += td->sept1[c] != 0;
	for (uint64_t i = 0; td->sept2 && i < td->n_sept2; i++)
		n += atomic_load_explicit(&td->sept2[i],
					  memory_order_relaxed) != 0;
	for (uint64_t i = 0; td->sept3 && i < td->n_sept3; i++)
		n += atomic_load_explicit(&td->sept3[i],
					  memory_order_relaxed) != 0;
	for (unsigned i = 0; td->tdcs && i < tdcs; i++)
		n += td->tdcs[i] != 0;
	for (unsigned k = 0; k < td->spec.vcpus; k++) {
		const struct vmm_vcpu *v = &td->vcpu[k];

		n += !!v->tdvpr + v->n_stash + !!v->target + v->cache.n +
		     (v->mag_n - v->mag_pos) + v->n_fbuf;
		for (unsigned i = 0; v->tdcx && i < tdcx; i++)
			n += v->tdcx[i] != 0;
	}
	return n;
}

/* Invariant 3 by counting: pages in use in the allocator beyond the
 * baseline = pages the guests hold (counted by check_guests) + pair pages
 * the manager installed. */
static unsigned check_accounting(struct engine *e, uint64_t guests)
{
	const struct dpamt_metadata *md = dpamt_metadata(e->mh.dp);
	uint64_t held, used = engine_leaked_pages(e);
	struct dpamt_stats s;

	dpamt_stats(e->mh.dp, &s);
	held = guests + s.pairs_now * (dpamt_is_dynamic(e->mh.dp) ?
				       md->pages_per_pair : 0);
	if (e->mh.mo.pair_pool) { /* pool pages not out as pairs */
		struct pair_pool_stats ps;

		pair_pool_stats(e->mh.mo.pair_pool, &ps);
		held += ps.pages_idle;
	}
	if (held == used)
		return 0;
	return violation(e, "invariant: the allocator has %llu pages in "
			 "use but guests and pairs account for %llu", used,
			 held);
}

/* Both directions of invariant 2 from the VMM's side: for every host
 * range, the 4K module pages the guests hold there = the host refcount
 * (dpamt_check walks only the ranges the manager knows).  Also counts the
 * ranges two or more guests hold pages in (ranges_shared_peak). */
static unsigned check_refcounts(struct engine *e)
{
	uint64_t shared = 0;
	unsigned bad = 0;

	for (uint64_t r = 0; r < e->vh.n_ranges && bad < 4; r++) {
		unsigned guests;
		uint32_t n = held_by(e, r * VMM_2M, &guests);
		uint32_t refs = dpamt_refcount(e->mh.dp, r * VMM_2M);

		shared += guests > 1;
		if (n != refs)
			bad += violation(e, "invariant: range 0x%llx: guests "
					 "hold %llu 4K module pages, refcount "
					 "says otherwise",
					 r * VMM_2M, n);
	}
	if (shared > e->rep->ranges_shared_peak)
		e->rep->ranges_shared_peak = shared;
	return bad;
}

struct vmm_check {
	struct engine *e;
	unsigned bad;
	uint64_t held; /* pages the live guests hold */
};

/* The VMM's view of every live guest (read-only, so it runs on a helper
 * thread next to the manager's check). */
static void *check_guests(void *arg)
{
	struct vmm_check *vc = arg;
	struct engine *e = vc->e;

	for (unsigned i = 0; i < e->sc->n_guests; i++) {
		if (!e->live[i])
			continue;
		vc->bad += check_private(e, &e->tds[i]);
		vc->held += memory_pages(&e->tds[i]) +
			    other_pages(&e->tds[i], e->vh.tdcs_pages,
					e->vh.tdcx_pages);
	}
	vc->bad += check_refcounts(e);
	return NULL;
}

/* Give deferred removals a chance; what stays pending is allowed idle,
 * on top of the idle_pairs kept for reuse.  All guests gone: give every
 * idle pair back (dpamt_shrink to 0), so the check sees the minimum. */
static uint64_t settle(struct engine *e, bool all_gone)
{
	unsigned left = dpamt_retry_deferred(e->mh.dp);

	for (unsigned i = 0; i < 100 && left; i++)
		left = dpamt_retry_deferred(e->mh.dp);
	if (!all_gone)
		return left + e->sc->idle_pairs;
	for (unsigned i = 0; i < 100 && dpamt_shrink(e->mh.dp, 0); i++)
		;
	return dpamt_idle_ranges(e->mh.dp);
}

void engine_check(struct engine *e, bool all_gone)
{
	struct dpamt_check_opts o;
	struct vmm_check vc = { e, 0, 0 };
	char msg[1024];
	unsigned bad;
	uint64_t t = engine_now_ns();
	pthread_t th;
	bool helper;

	memset(&o, 0, sizeof(o));
	o.held = held;
	o.held_arg = e;
	o.max_idle = settle(e, all_gone);
	o.exact_page_count = true;
	o.all_gone = all_gone;
	msg[0] = '\0';
	helper = pthread_create(&th, NULL, check_guests, &vc) == 0;
	bad = dpamt_check(e->mh.dp, e->mh.mod, e->mh.alloc, &o, msg,
			  sizeof(msg));
	if (bad) {
		char *line = strtok(msg, "\n");

		for (unsigned i = 0; line && i < 4; i++) {
			engine_error(e, line);
			line = strtok(NULL, "\n");
		}
	}
	if (helper)
		pthread_join(th, NULL);
	else
		check_guests(&vc);
	bad += vc.bad + check_accounting(e, vc.held);
	if (all_gone && e->mh.mo.pair_pool) {
		struct pair_pool_stats ps;

		pair_pool_stats(e->mh.mo.pair_pool, &ps);
		if (ps.blocks_now)
			bad += violation(e, "invariant: the pair pool still "
					 "holds %llu blocks (%llu pages out) "
					 "with every guest gone",
					 ps.blocks_now, ps.pages_out);
	}
	if (all_gone && engine_leaked_pages(e))
		bad += violation(e, "invariant: %llu pages still in use after "
				 "every guest is gone (%llu bytes)",
				 engine_leaked_pages(e),
				 engine_leaked_pages(e) * VMM_PAGE);
	e->rep->invariant_checks++;
	e->rep->invariant_violations += bad;
	e->rep->check_ns += engine_now_ns() - t;
}

uint64_t engine_leaked_pages(struct engine *e)
{
	uint64_t used = phys_used_bytes(e->mh.alloc);

	return used > e->baseline_used ?
		       (used - e->baseline_used) / VMM_PAGE : 0;
}
