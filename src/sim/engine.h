/*
 * engine.h - internals of the simulation engine (sim_run): the run's
 * state, the vCPU thread pool with its sampler, the invariant checks and
 * the report.  Everything here is driven by one engine thread; only the
 * jobs run on worker threads.
 */
#ifndef DPAMT_SIM_ENGINE_H
#define DPAMT_SIM_ENGINE_H

#include <pthread.h>
#include <stdatomic.h>

#include "glue/model_ops.h"
#include "sim/sim.h"
#include "vmm/vmm.h"

/* Allocator arena for the manager's own pages (pairs, control pages). */
#define ENGINE_MANAGER_HINT 0u

struct engine {
	const struct sim_scenario *sc;
	const struct sim_callbacks *cb;
	struct sim_report *rep;
	struct model_host mh;
	bool have_host, have_vmm;
	struct vmm_host vh;
	struct vmm_td *tds;       /* sc->n_guests */
	bool *live;               /* TD i exists now */
	bool *booted_ev;          /* td_booted emitted this cycle */
	uint64_t baseline_used;   /* allocator bytes in use with no guest */
	/* Allocator hint of the manager's own pages: ENGINE_MANAGER_HINT,
	 * or with --host-frag a home of its own past the vCPUs' (their
	 * hints are 0..vCPUs-1). */
	unsigned manager_hint;
	uint64_t t0;
	pthread_mutex_t err_lock;
	uint64_t errors_total;
	struct engine_vt *vt;     /* virtual clock; NULL: wall clock */
};

uint64_t engine_now_ns(void);
/* Online CPUs of this machine (at least 1). */
unsigned engine_online_cpus(void);
/* Append an error line to the report; any thread (err_lock). */
void engine_error(void *arg, const char *msg);
/* Emit a timeline event; engine thread only. */
void engine_event(struct engine *e, const char *what, int guest);

/* Run fn on every vCPU in vcpus[0..n) on worker threads (sc->threads cap;
 * 0 = one per job), sampling the timeline and progress while they run. */
enum engine_job { ENGINE_BOOT, ENGINE_RECLAIM };
void engine_run_jobs(struct engine *e, struct vmm_vcpu **vcpus, unsigned n,
		     enum engine_job job);
/* Before a job runs on v: a boot zeroes its fault count and sets the
 * work it will do, which engine_progress reads.  Engine thread, before
 * v's job starts. */
void engine_job_start(struct vmm_vcpu *v, enum engine_job job);
/* Report boot progress (faults done / to do over vcpus[0..n)) to the
 * progress callback; nothing for other jobs.  Engine thread or task. */
void engine_progress(struct engine *e, struct vmm_vcpu **v, unsigned n,
		     enum engine_job job);
/* The wall-clock version (engine_jobs.c): real threads. */
void engine_wall_run_jobs(struct engine *e, struct vmm_vcpu **vcpus,
			  unsigned n, enum engine_job job);

/* The virtual clock (engine_vt.c).  init: the scheduler for rep->pcpus
 * pCPUs (0, or -1 on ENOMEM); model: the module's hold hook; ops: the
 * manager's ops wrapped (yield points, costs, virtual locks); vmm: the
 * VMM's SEAMCALL entry and environment; run_jobs: engine_run_jobs as
 * tasks; now: the current virtual time; report: makespan, per-pCPU
 * times, lock wait quantiles.  Engine thread only. */
struct engine_vt;
int engine_vt_init(struct engine *e);
void engine_vt_fini(struct engine *e);
void engine_vt_model(struct engine *e, struct tdxmod_config *mc);
const struct dpamt_ops *engine_vt_ops(struct engine *e,
				      const struct dpamt_ops *orig);
void engine_vt_vmm(struct engine *e);
void engine_vt_run_jobs(struct engine *e, struct vmm_vcpu **vcpus,
			unsigned n, enum engine_job job);
uint64_t engine_vt_now(const struct engine *e);
void engine_vt_report(struct engine *e);
/* Time since the start of the run: virtual, or wall when e->vt is NULL. */
uint64_t engine_clock_ns(const struct engine *e);

/* One invariant check at a quiescent point (counted in the report). */
void engine_check(struct engine *e, bool all_gone);
/* Pages of the allocator in use beyond the baseline. */
uint64_t engine_leaked_pages(struct engine *e);

/* Fold a destroyed TD's figures into the report's guest entry. */
void engine_guest_report(struct engine *e, unsigned i);
/* Leaf stats, manager stats, VMM counters, wall time. */
void engine_final_report(struct engine *e);

#endif /* DPAMT_SIM_ENGINE_H */
