/*
 * engine_report.c - timeline events and the report: per-guest figures
 * (folded when each guest is destroyed), per-leaf SEAMCALL counts from
 * the model, the manager's statistics and the VMM's own retry counts.
 */
#include "sim/engine.h"

#include <stdio.h>
#include <string.h>

static uint64_t busy_total(struct engine *e)
{
	uint64_t n = 0;

	for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++) {
		struct tdxmod_leaf_stats ls;

		tdxmod_leaf_stats(e->mh.mod, l, &ls);
		n += ls.busy;
	}
	return n;
}

void engine_event(struct engine *e, const char *what, int guest)
{
	struct sim_event ev;
	struct dpamt_stats s;

	if (!e->cb->event || !e->have_host)
		return;
	dpamt_stats(e->mh.dp, &s);
	memset(&ev, 0, sizeof(ev));
	ev.t_ns = engine_clock_ns(e);
	ev.what = what;
	ev.guest = guest;
	ev.pairs = s.pairs_now;
	ev.dynamic_bytes = s.dynamic_bytes_now;
	ev.busy = busy_total(e);
	ev.contentions = s.lock_contentions;
	e->cb->event(e->cb->arg, &ev);
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

void engine_guest_report(struct engine *e, unsigned i)
{
	struct sim_guest_report *g = &e->rep->guests[i];
	struct vmm_td *td = &e->tds[i];
	uint64_t p4k = 0, p2m = 0, sept = 0;

	g->spec = e->sc->guests[i];
	for (unsigned k = 0; k < td->spec.vcpus; k++) {
		struct vmm_vcpu *v = &td->vcpu[k];

		p4k += v->pages_4k_peak;
		p2m += v->pages_2m_peak;
		sept += v->sept_peak;
		g->demotes += v->demotes;
		g->promotes += v->promotes;
		g->conversions += v->conversions;
	}
	g->pages_4k = max64(g->pages_4k, p4k);
	g->pages_2m = max64(g->pages_2m, p2m);
	g->sept_pages = max64(g->sept_pages, sept);
	g->control_pages = max64(g->control_pages, td->control_pages);
	g->pairs_peak = max64(g->pairs_peak,
			      atomic_load_explicit(&td->pairs_peak,
						   memory_order_relaxed));
}

/* Errors of the install/remove protocol are never benign: a second
 * REMOVE (NO_PAMT_PAGE_PAIR) or a REMOVE of a range still in use leaves
 * every refcount consistent, so only these counters can show it. */
static void protocol_errors(struct engine *e)
{
	const struct sim_report *r = e->rep;
	uint64_t mod = r->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE].errors;
	char msg[160];

	if (!mod && !r->pamt.remove_errors && !r->pamt.put_failures)
		return;
	snprintf(msg, sizeof(msg), "install/remove protocol errors: module "
		 "refused %llu PAMT.REMOVE, manager saw %llu REMOVE errors and "
		 "%llu failed puts", (unsigned long long)mod,
		 (unsigned long long)r->pamt.remove_errors,
		 (unsigned long long)r->pamt.put_failures);
	engine_error(e, msg);
}

/* Ranges blocked by pair pages, and the pair pool's blocks. */
static void pair_figures(struct engine *e)
{
	struct model_ops *mo = &e->mh.mo;
	struct sim_report *r = e->rep;

	r->ranges_blocked_by_pairs_peak = atomic_load_explicit(
		&mo->ranges_blocked_peak, memory_order_relaxed);
	r->pair_pool_fallbacks = atomic_load_explicit(&mo->pair_fallbacks,
						      memory_order_relaxed);
	r->shrinker_runs = atomic_load_explicit(&mo->shrinker_runs,
						memory_order_relaxed);
	r->shrinker_pairs = atomic_load_explicit(&mo->shrinker_pairs,
						 memory_order_relaxed);
	if (mo->pair_pool) {
		struct pair_pool_stats ps;

		pair_pool_stats(mo->pair_pool, &ps);
		r->pair_pool_blocks_peak = ps.blocks_peak;
	}
}

void engine_final_report(struct engine *e)
{
	struct sim_report *r = e->rep;

	for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++) {
		struct tdxmod_leaf_stats ls;

		tdxmod_leaf_stats(e->mh.mod, l, &ls);
		r->leaves[l].calls = ls.calls;
		r->leaves[l].busy = ls.busy;
		r->leaves[l].errors = ls.errors;
	}
	dpamt_stats(e->mh.dp, &r->pamt);
	r->busy_retries_vmm = atomic_load_explicit(&e->vh.busy_retries,
						   memory_order_relaxed);
	r->fault_retries_vmm = atomic_load_explicit(&e->vh.fault_retries,
						    memory_order_relaxed);
	r->fault_busy_failures = atomic_load_explicit(
		&e->vh.fault_busy_failures, memory_order_relaxed);
	r->td_create_busy_failures = atomic_load_explicit(
		&e->vh.td_create_busy_failures, memory_order_relaxed);
	r->fault_p50_ns = vmm_lat_quantile(&e->vh, 0.50,
						&r->faults_timed);
	r->fault_p99_ns = vmm_lat_quantile(&e->vh, 0.99,
						&r->faults_timed);
	r->fault_p999_ns = vmm_lat_quantile(&e->vh, 0.999,
						 &r->faults_timed);
	r->fault_mean_ns = r->faults_timed ?
		atomic_load_explicit(&e->vh.fault_lat_sum_ns,
				     memory_order_relaxed) / r->faults_timed : 0;
	pair_figures(e);
	protocol_errors(e);
	r->sched = e->sc->sched;
	r->pct_depth = e->sc->pct_depth;
	r->cost = e->sc->cost;
	memcpy(r->seamcall_ns, e->sc->seamcall_ns, sizeof(r->seamcall_ns));
	if (e->vt)
		engine_vt_report(e);
	if (tdxmod_is_fatal(e->mh.mod)) {
		char msg[160];

		snprintf(msg, sizeof(msg), "module fatal: %s",
			 tdxmod_fatal_reason(e->mh.mod));
		engine_error(e, msg);
	}
}
