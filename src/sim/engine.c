/*
 * engine.c - sim_run: build the module model, the allocator and the host
 * manager, then run the scenario's cycles: create every guest, boot them
 * all at once on vCPU threads, check, shut them down one by one with a
 * check after each, and at the end check that nothing is left anywhere.
 */
#include "sim/engine.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t engine_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned engine_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

void engine_error(void *arg, const char *msg)
{
	struct engine *e = arg;
	struct sim_report *r = e->rep;

	pthread_mutex_lock(&e->err_lock);
	e->errors_total++;
	if (r->n_errors < SIM_MAX_ERRORS) {
		snprintf(r->errors[r->n_errors++], sizeof(r->errors[0]), "%s",
			 msg);
	} else {
		snprintf(r->errors[SIM_MAX_ERRORS - 1], sizeof(r->errors[0]),
			 "... and %llu more errors",
			 (unsigned long long)(e->errors_total - SIM_MAX_ERRORS +
					      1));
	}
	pthread_mutex_unlock(&e->err_lock);
}

static void model_tweak(struct tdxmod_config *mc, void *arg)
{
	const struct sim_scenario *sc = arg;

	for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++)
		mc->leaf_latency_ns[l] = sc->seamcall_ns[l];
	mc->busy_inject_prob = sc->busy_inject;
	mc->busy_inject_lock_prob = sc->busy_inject_lock;
	mc->busy_inject_seed = sc->seed;
	mc->hkid_min = 1; /* no MKTME KeyIDs: every private one is TDX's */
	mc->hkid_max = sc->hkids;
}

/*
 * The manager's own page allocations (pair pages, control pages) come
 * from one fixed arena rather than one chosen by thread identity, so a
 * run with one worker thread is the same run every time.
 */
/* The VMM reads the module's S-EPT (vmm_host.sept_4k). */
static unsigned engine_sept_4k(void *mod, uint64_t tdr, uint64_t gpa,
			       unsigned n, uint64_t *pa)
{
	return tdxmod_sept_4k(mod, tdr, gpa, n, pa);
}

static int engine_page_alloc(void *ctx, uint64_t *pa)
{
	struct model_ops *mo = ctx;
	const struct engine *e = (const struct engine *)
		((char *)mo - offsetof(struct engine, mh.mo));

	if (phys_alloc_page(mo->alloc, e->manager_hint, pa) == 0)
		return 0;
	atomic_fetch_add_explicit(&mo->page_alloc_failures, 1,
				  memory_order_relaxed);
	return -1;
}

/* --host-frag: the top host_frag_bytes of host memory become the
 * fragmented region (phys_alloc_fragment), before anything is
 * allocated, its host-owned pages drawn from the scenario's seed; each
 * vCPU (hints 0..V-1) and the manager (hint V) get a home in it. */
static int host_fragment(struct engine *e)
{
	struct sim_report *r = e->rep;
	unsigned vcpus = 0;

	e->manager_hint = ENGINE_MANAGER_HINT;
	r->host_frag_pct = e->sc->host_frag_pct;
	r->host_frag_bytes = sim_host_frag_bytes(e->sc);
	if (!r->host_frag_bytes)
		return 0;
	for (unsigned i = 0; i < e->sc->n_guests; i++)
		vcpus += e->sc->guests[i].vcpus;
	e->manager_hint = vcpus;
	if (phys_alloc_fragment(e->mh.alloc,
				r->host_mem - r->host_frag_bytes,
				r->host_frag_bytes, r->host_frag_pct,
				e->sc->seed, vcpus + 1))
		return -1;
	r->host_owned_pages = phys_host_bytes(e->mh.alloc) / 4096;
	return 0;
}

/* Pages the watermark's percentages are of: host memory less what the
 * host's other users own (--host-frag). */
static uint64_t managed_pages(const struct engine *e)
{
	return e->rep->host_mem / 4096 - e->rep->host_owned_pages;
}

/* model_host_create's steps, with the manager's page source swapped. */
static int model_up(struct engine *e, struct dpamt_config *cfg,
		    struct tdxmod_config *mc)
{
	struct model_host *mh = &e->mh;
	struct phys_range pr = { 0, e->rep->host_mem };
	char msg[160];
	int err;

	tdxmod_config_default(mc, e->rep->host_mem);
	model_tweak(mc, (void *)e->sc);
	if (e->vt)
		engine_vt_model(e, mc);
	mh->mod = tdxmod_create(mc, msg, sizeof(msg));
	mh->alloc = mh->mod ? phys_alloc_create(&pr, 1) : NULL;
	if (!mh->mod || !mh->alloc || host_fragment(e)) {
		engine_error(e, !mh->mod ? msg : mh->alloc ?
			     "cannot fragment the host's memory" :
			     "cannot create the allocator");
		model_host_destroy(mh);
		return -1;
	}
	model_ops_init(&mh->mo, mh->mod, mh->alloc, false);
	mh->mo.ops.page_alloc = engine_page_alloc;
	/* Pair pages: counted per range, from the pool if asked for. */
	if (model_ops_pairs(&mh->mo, e->rep->host_mem, e->sc->pair_pool,
			    ENGINE_MANAGER_HINT)) {
		engine_error(e, "out of memory for the pair-page tables");
		model_host_destroy(mh);
		return -1;
	}
	/* The module wants a private HKID for itself: the top one. */
	cfg->global_hkid = mc->hkid_max;
	err = dpamt_create(cfg, e->vt ? engine_vt_ops(e, &mh->mo.ops) :
			   &mh->mo.ops, &mh->dp);
	if (err) {
		snprintf(msg, sizeof(msg), "dpamt_create: %s",
			 dpamt_strerror(err));
		engine_error(e, msg);
		mh->dp = NULL;
		model_host_destroy(mh);
		return -1;
	}
	/* Idle pairs give way to memory pressure, as a kernel host's
	 * shrinker would: below low_watermark_pct of memory free, until
	 * twice that is free. */
	if (cfg->max_idle_pairs && e->sc->low_watermark_pct)
		model_ops_shrinker(&mh->mo, mh->dp,
				   managed_pages(e) *
					   e->sc->low_watermark_pct / 100,
				   managed_pages(e) *
					   (e->sc->low_watermark_pct > 50
						    ? 100
						    : 2 * e->sc->low_watermark_pct) /
					   100);
	e->have_host = true;
	return 0;
}

static int host_up(struct engine *e)
{
	const struct sim_scenario *sc = e->sc;
	struct dpamt_config cfg;
	struct tdxmod_config mc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mode = sc->mode;
	cfg.strategy = sc->strategy;
	cfg.max_idle_pairs = sc->idle_pairs;
	cfg.n_tdmrs = 1;
	cfg.tdmrs[0].base = 0;
	cfg.tdmrs[0].size = e->rep->host_mem;
	if (model_up(e, &cfg, &mc))
		return -1;
	if (vmm_host_init(&e->vh, e->mh.dp, e->mh.alloc, e->rep->host_mem,
			  tdxmod_seamcall_ops, e->mh.mod)) {
		engine_error(e, "cannot set up the VMM host");
		return -1;
	}
	e->have_vmm = true;
	e->vh.sept_4k = engine_sept_4k;
	e->vh.sept_ctx = e->mh.mod;
	e->vh.hkid_min = mc.hkid_min; /* the TDs' private HKIDs */
	e->vh.hkid_max = mc.hkid_max - 1;
	e->vh.error = engine_error;
	if (sc->busy_attempts)
		e->vh.busy_attempts = sc->busy_attempts;
	e->vh.error_arg = e;
	e->vh.shared_ranges = sc->shared_ranges;
	for (unsigned i = 0; i < sc->n_guests; i++)
		e->vh.shared_lanes += sc->guests[i].vcpus;
	if (e->vt)
		engine_vt_vmm(e);
	else
		vmm_pcpus_set(&e->vh.pcpus, e->rep->pcpus);
	/* Frame 0 means "none" in the VMM's arrays: keep page 0 out. */
	if (phys_is_free(e->mh.alloc, 0))
		phys_alloc_reserve(e->mh.alloc, 0, 4096);
	e->baseline_used = phys_used_bytes(e->mh.alloc);
	e->rep->mode = dpamt_is_dynamic(e->mh.dp) ? DPAMT_MODE_DYNAMIC :
						      DPAMT_MODE_STATIC;
	return 0;
}

static int guests_alloc(struct engine *e, unsigned cycle)
{
	const struct sim_scenario *sc = e->sc;
	unsigned hint = 0;

	for (unsigned i = 0; i < sc->n_guests; i++) {
		const struct sim_guest_spec *g = &sc->guests[i];
		struct vmm_td_spec s = {
			.legacy = g->legacy, .size = g->size,
			.vcpus = g->vcpus, .huge_pct = g->huge_pct,
			.touch_pct = g->touch_pct,
			.convert_pct = g->convert_pct,
			.churn_pct = g->churn_pct,
			.seed = sc->seed ^ ((uint64_t)cycle << 32) ^ i,
		};

		if (vmm_td_alloc(&e->tds[i], &e->vh, (int)i, &s, hint)) {
			engine_error(e, "out of memory for the guests' "
				     "bookkeeping");
			return -1;
		}
		e->live[i] = true;
		hint += g->vcpus;
	}
	return 0;
}

static void boot_all(struct engine *e)
{
	const struct sim_scenario *sc = e->sc;
	struct vmm_vcpu **v;
	unsigned n = 0;
	uint64_t t;

	for (unsigned i = 0; i < sc->n_guests; i++)
		n += sc->guests[i].vcpus;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		engine_error(e, "out of memory for the vCPU list");
		return;
	}
	n = 0;
	t = engine_now_ns();
	if (sc->alloc_fail_nth)
		phys_alloc_fail_nth(e->mh.alloc, sc->alloc_fail_nth);
	for (unsigned i = 0; i < sc->n_guests; i++) {
		struct vmm_td *td = &e->tds[i];

		engine_event(e, "td_boot", (int)i);
		e->booted_ev[i] = false;
		if (vmm_td_create(td))
			continue; /* reported; its teardown still runs */
		for (unsigned k = 0; k < td->spec.vcpus; k++)
			v[n++] = &td->vcpu[k];
	}
	engine_run_jobs(e, v, n, ENGINE_BOOT);
	phys_alloc_fail_nth(e->mh.alloc, 0);
	free(v);
	e->rep->boot_ns += engine_now_ns() - t;
}

/*
 * A check after the destroy of guest i?  Each check walks the whole host
 * (PAMT, allocator, every live guest), so one after every destroy made a
 * cycle cost O(guests x host).  Up to ENGINE_DESTROY_CHECKS guests: after
 * each, as always; beyond: after every k-th (k = guests / that, rounded
 * up) and after the last, so a cycle runs at most ENGINE_DESTROY_CHECKS
 * + 2 checks.  The final all-gone check always runs.
 */
#define ENGINE_DESTROY_CHECKS 16u

static bool check_after_destroy(const struct engine *e, unsigned i)
{
	unsigned n = e->sc->n_guests;
	unsigned k = (n + ENGINE_DESTROY_CHECKS - 1) / ENGINE_DESTROY_CHECKS;

	return n <= ENGINE_DESTROY_CHECKS || (i + 1) % k == 0 || i + 1 == n;
}

static void shutdown_one(struct engine *e, unsigned i)
{
	struct vmm_td *td = &e->tds[i];
	struct vmm_vcpu **v = calloc(td->spec.vcpus, sizeof(*v));
	unsigned n = 0;
	uint64_t t = engine_now_ns();

	engine_event(e, "td_shutdown", (int)i);
	vmm_td_teardown_begin(td);
	for (unsigned k = 0; k < td->spec.vcpus && v; k++)
		v[n++] = &td->vcpu[k];
	if (v)
		engine_run_jobs(e, v, n, ENGINE_RECLAIM);
	free(v);
	vmm_td_destroy(td);
	engine_guest_report(e, i);
	vmm_td_free(td);
	e->live[i] = false;
	e->rep->shutdown_ns += engine_now_ns() - t;
	if (check_after_destroy(e, i))
		engine_check(e, false);
	engine_event(e, "td_destroyed", (int)i);
}

static void run_cycles(struct engine *e)
{
	const struct sim_scenario *sc = e->sc;

	for (unsigned c = 0; c < sc->cycles; c++) {
		engine_event(e, "cycle_start", -1);
		if (guests_alloc(e, c))
			break;
		boot_all(e);
		engine_event(e, "booted", -1);
		engine_check(e, false);
		for (unsigned i = 0; i < sc->n_guests; i++)
			shutdown_one(e, i);
		engine_check(e, true);
		engine_event(e, "cycle_end", -1);
	}
}

void engine_run_jobs(struct engine *e, struct vmm_vcpu **vcpus, unsigned n,
		     enum engine_job job)
{
	if (e->vt)
		engine_vt_run_jobs(e, vcpus, n, job);
	else
		engine_wall_run_jobs(e, vcpus, n, job);
}

static void engine_fini(struct engine *e)
{
	if (e->tds) {
		for (unsigned i = 0; i < e->sc->n_guests; i++) {
			if (e->live[i])
				vmm_td_free(&e->tds[i]);
		}
	}
	if (e->have_vmm)
		vmm_host_fini(&e->vh);
	if (e->have_host)
		model_host_destroy(&e->mh);
	free(e->tds);
	free(e->live);
	free(e->booted_ev);
	engine_vt_fini(e);
	pthread_mutex_destroy(&e->err_lock);
}

/* pCPUs when the scenario says 0: one per vCPU on the virtual clock (the
 * same on every machine), the online CPUs on the wall clock. */
static unsigned default_pcpus(const struct sim_scenario *sc)
{
	unsigned n = 0;

	if (sc->clock == SIM_CLOCK_WALL)
		return engine_online_cpus();
	for (unsigned i = 0; i < sc->n_guests; i++)
		n += sc->guests[i].vcpus;
	return n < 1 ? 1 : n > SIM_MAX_PCPUS ? SIM_MAX_PCPUS : n;
}

uint64_t engine_clock_ns(const struct engine *e)
{
	return e->vt ? engine_vt_now(e) : engine_now_ns() - e->t0;
}

int sim_run(const struct sim_scenario *sc, const struct sim_callbacks *cb,
	    struct sim_report *report)
{
	static const struct sim_callbacks none;
	struct engine e;

	memset(report, 0, sizeof(*report));
	report->seed = sc->seed;
	report->strategy = sc->strategy;
	report->mode = sc->mode;
	report->pair_pool = sc->pair_pool;
	report->shared_ranges = sc->shared_ranges;
	report->idle_pairs = sc->idle_pairs;
	report->hkids = sc->hkids;
	report->host_frag_pct = sc->host_frag_pct;
	if (sim_validate(sc, report->errors[0], sizeof(report->errors[0]))) {
		report->n_errors = 1;
		return 2;
	}
	memset(&e, 0, sizeof(e));
	e.sc = sc;
	e.cb = cb ? cb : &none;
	e.rep = report;
	e.t0 = engine_now_ns();
	pthread_mutex_init(&e.err_lock, NULL);
	report->host_mem = sc->host_mem ? sc->host_mem :
					  sim_host_mem_needed(sc);
	report->n_guests = sc->n_guests;
	report->pcpus = sc->pcpus ? sc->pcpus : default_pcpus(sc);
	report->clock = sc->clock;
	e.tds = calloc(sc->n_guests, sizeof(*e.tds));
	e.live = calloc(sc->n_guests, sizeof(*e.live));
	e.booted_ev = calloc(sc->n_guests, sizeof(*e.booted_ev));
	if (!e.tds || !e.live || !e.booted_ev ||
	    (sc->clock == SIM_CLOCK_VIRTUAL && engine_vt_init(&e)))
		engine_error(&e, "out of memory");
	else if (host_up(&e) == 0)
		run_cycles(&e);
	report->leaked_pages = e.have_host ? engine_leaked_pages(&e) : 0;
	if (e.have_host)
		engine_final_report(&e);
	engine_fini(&e);
	report->wall_ns = engine_now_ns() - e.t0;
	return report->invariant_violations || report->leaked_pages ||
	       e.errors_total ? 1 : 0;
}
