/*
 * engine_vt.c - the virtual clock of sim_run (--clock virtual): every vCPU
 * is a task of the virtual-time scheduler (src/vt/vt.h) on simulated
 * pCPUs, all run by this one OS thread.  The real host manager, module
 * model and VMM run unchanged; what changes is the world they reach:
 *
 * - the manager's ops and the VMM's SEAMCALL entry are wrapped: each call
 *   is a yield point and costs what the cost model says (SEAMCALL entry +
 *   exit, page zeroing);
 * - the manager's locks and the VMM's mmu_lock are virtual spinlocks with
 *   FIFO hand-off; waiting is spin time on the waiter's pCPU;
 * - the module spends a leaf's latency through its hold hook: the clock
 *   advances while the leaf holds its entry locks, so other CPUs get BUSY;
 * - relax, sched_yield and nanosleep advance the clock instead of the
 *   wall clock, and pCPU tokens are the scheduler's pCPUs.
 *
 * Same scenario and seed, same report: nothing here reads the wall clock.
 * Concurrency: one OS thread (the engine's); tasks switch only at the
 * yield points above.
 */
#include "sim/engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/dp_atomic.h"
#include "vt/vt.h"
#include "vt/vt_lines.h"

#define SAMPLE_VNS 10000000ull  /* timeline sample every 10 ms virtual */
#define PCT_STEPS 200000u       /* PCT change points among the first N */

struct engine_vt {
	struct engine *e;
	struct vt *vt;
	struct sim_cost cost;
	struct dpamt_ops orig, ops;
	struct vt_lock_stats pamt, mmu;
	struct vmm_env env;
	bool explore;             /* random / pct: every atomic yields */
	struct vt_lines lines;    /* last writer per cache line */
#ifdef DPAMT_ATOMIC_HOOK
	struct dp_atomic_hook hook;
#endif
};

/* ---- the host core's atomics (src/host/dp_atomic.h) ----------------------- */
#ifdef DPAMT_ATOMIC_HOOK
/* A yield point when exploring; the RMW's cost, plus a cache-line
 * transfer if another CPU wrote the word last.  Statistics counters are
 * per-CPU in a kernel (and striped by stack address here, which would
 * make their words differ from run to run): they cost the RMW only, a
 * read of one nothing. */
static void ev_atomic(void *arg, const void *word, enum dp_atomic_kind kind)
{
	struct engine_vt *ev = arg;
	uint64_t ns = kind == DP_AT_READ || kind == DP_AT_STAT_READ
			      ? 0 : ev->cost.atomic_ns;

	if (ev->explore)
		vt_sync(ev->vt);
	if ((kind == DP_AT_READ || kind == DP_AT_WRITE) &&
	    vt_lines_access(&ev->lines, word, vt_agent(ev->vt),
			    kind == DP_AT_WRITE))
		ns += ev->cost.transfer_ns;
	vt_advance(ev->vt, ns);
}
#endif

static void hook_on(struct engine_vt *ev, bool on)
{
#ifdef DPAMT_ATOMIC_HOOK
	dp_atomic_hook_set(on ? &ev->hook : NULL);
#else
	(void)ev;
	(void)on;
#endif
}

/* ---- the manager's ops ---------------------------------------------------- */
static void ev_seamcall(void *ctx, struct dpamt_tdx_regs *regs)
{
	struct engine_vt *ev = ctx;

	vt_delay(ev->vt, ev->cost.seamcall_entry_ns);
	ev->orig.seamcall(ev->orig.ctx, regs);
}

static int ev_page_alloc(void *ctx, uint64_t *pa)
{
	struct engine_vt *ev = ctx;
	int rc;

	vt_sync(ev->vt);
	rc = ev->orig.page_alloc(ev->orig.ctx, pa);
	if (rc == 0)
		vt_advance(ev->vt, ev->cost.page_zero_ns);
	return rc;
}

static void ev_page_free(void *ctx, uint64_t pa)
{
	struct engine_vt *ev = ctx;

	vt_sync(ev->vt);
	ev->orig.page_free(ev->orig.ctx, pa);
}

static int ev_pair_alloc(void *ctx, uint64_t *pa)
{
	struct engine_vt *ev = ctx;
	int rc;

	vt_sync(ev->vt);
	rc = ev->orig.pair_alloc(ev->orig.ctx, pa);
	if (rc == 0)
		vt_advance(ev->vt, ev->cost.page_zero_ns);
	return rc;
}

static void ev_pair_free(void *ctx, uint64_t pa)
{
	struct engine_vt *ev = ctx;

	vt_sync(ev->vt);
	ev->orig.pair_free(ev->orig.ctx, pa);
}

static int ev_contig_alloc(void *ctx, uint64_t bytes, uint64_t *pa)
{
	struct engine_vt *ev = ctx;

	return ev->orig.contig_alloc(ev->orig.ctx, bytes, pa);
}

static void ev_contig_free(void *ctx, uint64_t pa, uint64_t bytes)
{
	struct engine_vt *ev = ctx;

	ev->orig.contig_free(ev->orig.ctx, pa, bytes);
}

static void *ev_mem_alloc(void *ctx, size_t bytes)
{
	struct engine_vt *ev = ctx;

	return ev->orig.mem_alloc(ev->orig.ctx, bytes);
}

static void ev_mem_free(void *ctx, void *p, size_t bytes)
{
	struct engine_vt *ev = ctx;

	ev->orig.mem_free(ev->orig.ctx, p, bytes);
}

static void ev_phys_write(void *ctx, uint64_t pa, const void *src, size_t n)
{
	struct engine_vt *ev = ctx;

	ev->orig.phys_write(ev->orig.ctx, pa, src, n);
}

static uint64_t ev_now_ns(void *ctx)
{
	struct engine_vt *ev = ctx;

	vt_sync(ev->vt);
	return vt_now(ev->vt);
}

static void *ev_lock_new_stats(struct vt_lock_stats *stats)
{
	struct vt_lock *l = malloc(sizeof(*l));

	if (l)
		vt_lock_init(l, stats);
	return l;
}

static void *ev_lock_new(void *ctx)
{
	return ev_lock_new_stats(&((struct engine_vt *)ctx)->pamt);
}

static void ev_lock_del(void *ctx, void *lock)
{
	(void)ctx;
	free(lock);
}

static bool ev_lock_try(void *ctx, void *lock)
{
	return vt_lock_try(((struct engine_vt *)ctx)->vt, lock);
}

static void ev_lock_acquire(void *ctx, void *lock)
{
	vt_lock_acquire(((struct engine_vt *)ctx)->vt, lock);
}

static void ev_lock_release(void *ctx, void *lock)
{
	vt_lock_release(((struct engine_vt *)ctx)->vt, lock);
}

static void ev_yield(void *ctx, enum dpamt_yield_point where, uint64_t pa)
{
	struct engine_vt *ev = ctx;

	vt_sync(ev->vt);
	if (ev->orig.yield)
		ev->orig.yield(ev->orig.ctx, where, pa);
}

/* As model_ops: a few pauses first, then what sched_yield would cost. */
static void ev_relax(void *ctx, unsigned attempt)
{
	struct engine_vt *ev = ctx;

	vt_relax(ev->vt, attempt < 4 ? 8u << attempt : 128u);
}

static void wrap_ops(struct engine_vt *ev, const struct dpamt_ops *orig)
{
	struct dpamt_ops *o = &ev->ops;

	ev->orig = *orig;
	memset(o, 0, sizeof(*o));
	o->ctx = ev;
	o->seamcall = ev_seamcall;
	o->page_alloc = ev_page_alloc;
	o->page_free = ev_page_free;
	if (orig->pair_alloc) {
		o->pair_alloc = ev_pair_alloc;
		o->pair_free = ev_pair_free;
	}
	o->contig_alloc = ev_contig_alloc;
	o->contig_free = ev_contig_free;
	o->mem_alloc = ev_mem_alloc;
	o->mem_free = ev_mem_free;
	o->phys_write = ev_phys_write;
	o->now_ns = ev_now_ns;
	o->lock_new = ev_lock_new;
	o->lock_del = ev_lock_del;
	o->lock_try = ev_lock_try;
	o->lock_acquire = ev_lock_acquire;
	o->lock_release = ev_lock_release;
	o->yield = ev_yield;
	o->relax = ev_relax;
}

/* ---- the module and the VMM ----------------------------------------------- */
static void ev_hold(void *arg, uint64_t ns)
{
	vt_delay(((struct engine_vt *)arg)->vt, ns);
}

static void ev_vmm_seamcall(void *ctx, struct dpamt_tdx_regs *regs)
{
	struct engine_vt *ev = ctx;

	vt_delay(ev->vt, ev->cost.seamcall_entry_ns);
	tdxmod_seamcall(ev->e->mh.mod, regs);
}

static void env_cpu_enter(void *ctx)
{
	vt_cpu_enter(((struct engine_vt *)ctx)->vt);
}

static void env_cpu_leave(void *ctx)
{
	vt_cpu_leave(((struct engine_vt *)ctx)->vt);
}

static void env_sleep(void *ctx, uint64_t ns)
{
	vt_delay(((struct engine_vt *)ctx)->vt, ns);
}

/* sched_yield with nobody else on the CPU: a short spin. */
static void env_yield(void *ctx)
{
	vt_relax(((struct engine_vt *)ctx)->vt, 8);
}

static void env_pause(void *ctx)
{
	vt_relax(((struct engine_vt *)ctx)->vt, 1);
}

static void *env_lock_new(void *ctx)
{
	return ev_lock_new_stats(&((struct engine_vt *)ctx)->mmu);
}

static void env_cost(void *ctx, enum vmm_cost what)
{
	struct engine_vt *ev = ctx;
	uint64_t ns = what == VMM_COST_FAULT ? ev->cost.fault_ns :
		      what == VMM_COST_ZERO_4K ? ev->cost.page_zero_ns :
		      VMM_PAGES_PER_2M * ev->cost.page_zero_ns;

	vt_advance(ev->vt, ns);
}

/* The running task's own clock: exact without a yield point (vt_advance
 * moves it), so timing a fault does not change the schedule. */
static uint64_t env_now(void *ctx)
{
	return vt_now(((struct engine_vt *)ctx)->vt);
}

static void env_init(struct engine_vt *ev)
{
	struct vmm_env *v = &ev->env;

	v->ctx = ev;
	v->cpu_enter = env_cpu_enter;
	v->cpu_leave = env_cpu_leave;
	v->sleep_ns = env_sleep;
	v->yield = env_yield;
	v->pause = env_pause;
	v->lock_new = env_lock_new;
	v->lock_del = ev_lock_del;
	v->lock = ev_lock_acquire;
	v->unlock = ev_lock_release;
	v->cost = env_cost;
	v->now_ns = env_now;
}

/* ---- set-up ----------------------------------------------------------------- */
int engine_vt_init(struct engine *e)
{
	const struct sim_scenario *sc = e->sc;
	struct engine_vt *ev = calloc(1, sizeof(*ev));
	struct vt_config cfg;

	if (!ev)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.cpus = e->rep->pcpus;
	cfg.policy = sc->sched == SIM_SCHED_RANDOM ? VT_RANDOM :
		     sc->sched == SIM_SCHED_PCT ? VT_PCT : VT_FIFO;
	cfg.pct_depth = sc->pct_depth;
	cfg.pct_steps = PCT_STEPS;
	cfg.seed = sc->seed;
	cfg.atomic_ns = sc->cost.atomic_ns;
	cfg.transfer_ns = sc->cost.transfer_ns;
	cfg.relax_ns = sc->cost.relax_ns;
	cfg.switch_ns = sc->cost.cpu_switch_ns;
	ev->vt = vt_create(&cfg);
	if (!ev->vt) {
		free(ev);
		return -1;
	}
	ev->e = e;
	ev->cost = sc->cost;
	ev->explore = sc->sched != SIM_SCHED_FIFO;
	vt_lines_init(&ev->lines);
#ifdef DPAMT_ATOMIC_HOOK
	ev->hook.fn = ev_atomic;
	ev->hook.arg = ev;
#endif
	env_init(ev);
	e->vt = ev;
	return 0;
}

void engine_vt_fini(struct engine *e)
{
	if (!e->vt)
		return;
	vt_destroy(e->vt->vt);
	vt_lines_fini(&e->vt->lines);
	free(e->vt);
	e->vt = NULL;
}

void engine_vt_model(struct engine *e, struct tdxmod_config *mc)
{
	mc->hold = ev_hold;
	mc->hold_arg = e->vt;
}

const struct dpamt_ops *engine_vt_ops(struct engine *e,
				      const struct dpamt_ops *orig)
{
	wrap_ops(e->vt, orig);
	return &e->vt->ops;
}

void engine_vt_vmm(struct engine *e)
{
	e->vh.seamcall = ev_vmm_seamcall;
	e->vh.seamcall_ctx = e->vt;
	e->vh.env = &e->vt->env;
}

uint64_t engine_vt_now(const struct engine *e)
{
	return vt_now(e->vt->vt);
}

/* ---- running the vCPUs ---------------------------------------------------- */
struct vjobs {
	struct engine *e;
	struct vmm_vcpu **v;
	unsigned n, done;
	enum engine_job job;
	unsigned *td_left;
};

struct vjob {
	struct vjobs *p;
	struct vmm_vcpu *v;
};

static void progress(struct vjobs *p)
{
	engine_progress(p->e, p->v, p->n, p->job);
}

static void job_task(void *arg)
{
	struct vjob *j = arg;
	struct vjobs *p = j->p;
	struct engine *e = p->e;
	unsigned g = (unsigned)j->v->td->index;

	if (p->job == ENGINE_BOOT)
		vmm_vcpu_boot(j->v);
	else
		vmm_vcpu_reclaim(j->v);
	p->done++;
	if (--p->td_left[g] == 0 && p->job == ENGINE_BOOT && e->live[g] &&
	    !e->booted_ev[g]) {
		e->booted_ev[g] = true;
		engine_event(e, "td_booted", (int)g);
	}
}

static void sampler_task(void *arg)
{
	struct vjobs *p = arg;
	struct vt *vt = p->e->vt->vt;

	while (p->done < p->n && !vt_alone(vt)) {
		vt_delay(vt, SAMPLE_VNS);
		if (p->done < p->n)
			engine_event(p->e, "sample", -1);
		progress(p);
	}
}

static int spawn_all(struct vjobs *p, struct vjob *jobs)
{
	struct vt *vt = p->e->vt->vt;
	struct vt_task *s;

	for (unsigned i = 0; i < p->n; i++) {
		struct vmm_vcpu *v = p->v[i];

		jobs[i] = (struct vjob){ p, v };
		p->td_left[v->td->index]++;
		engine_job_start(v, p->job);
		if (!vt_spawn(vt, job_task, &jobs[i]))
			return -1;
	}
	s = vt_spawn(vt, sampler_task, p);
	if (!s)
		return -1;
	vt_set_daemon(s);
	return 0;
}

void engine_vt_run_jobs(struct engine *e, struct vmm_vcpu **vcpus,
			unsigned n, enum engine_job job)
{
	struct vjobs p = { .e = e, .v = vcpus, .n = n, .job = job };
	struct vjob *jobs = calloc(n ? n : 1, sizeof(*jobs));

	p.td_left = calloc(e->sc->n_guests, sizeof(*p.td_left));
	if (!jobs || !p.td_left) {
		engine_error(e, "out of memory for the vCPU tasks");
	} else if (spawn_all(&p, jobs)) {
		engine_error(e, "out of memory for the vCPU tasks' stacks");
		vt_run(e->vt->vt); /* what was spawned still runs */
	} else {
		int rc;

		hook_on(e->vt, true);
		rc = vt_run(e->vt->vt);
		hook_on(e->vt, false);
		if (rc)
			engine_error(e, "virtual time: every remaining vCPU "
				     "waits for another (deadlock); the run is "
				     "incomplete");
	}
	progress(&p);
	free(jobs);
	free(p.td_left);
}

/* ---- the report ------------------------------------------------------------- */
void engine_vt_report(struct engine *e)
{
	struct sim_report *r = e->rep;
	struct engine_vt *ev = e->vt;

	r->makespan_ns = vt_now(ev->vt);
	for (unsigned c = 0; c < r->pcpus && c < SIM_MAX_PCPUS; c++) {
		uint64_t held, spin;

		vt_cpu_times(ev->vt, c, &held, &spin);
		r->cpu_busy_ns[c] = held - spin;
		r->cpu_spin_ns[c] = spin;
		r->cpu_idle_ns[c] = r->makespan_ns > held ?
			r->makespan_ns - held : 0;
		r->busy_ns += held - spin;
		r->spin_ns += spin;
		r->idle_ns += r->cpu_idle_ns[c];
	}
	r->lock_wait_p50_ns = vt_lock_wait_quantile(&ev->pamt, 0.50);
	r->lock_wait_p99_ns = vt_lock_wait_quantile(&ev->pamt, 0.99);
	r->lock_wait_max_ns = ev->pamt.wait_max_ns;
	r->lock_hold_ns = ev->pamt.hold_ns;
	r->vt_switches = vt_switches(ev->vt);
}
