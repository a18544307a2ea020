/*
 * engine_jobs.c - the vCPU threads.  Jobs (one per vCPU: boot or reclaim)
 * are handed out in order from an atomic index to min(jobs, threads)
 * workers, so `--threads 1` runs them one after the other in a fixed
 * order.  Meanwhile the engine thread samples the timeline, emits
 * td_booted when a TD's last vCPU finished, and reports progress.
 */
#include "sim/engine.h"

#include <stdlib.h>
#include <time.h>

#define SAMPLE_NS 50000000ull   /* timeline sample every 50 ms */
#define POLL_NS 10000000ull     /* progress / completion poll */

struct pool {
	struct engine *e;
	struct vmm_vcpu **v;
	unsigned n;
	enum engine_job job;
	_Atomic unsigned next;
	_Atomic unsigned done;
	_Atomic unsigned *td_left; /* per guest: jobs not finished */
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		unsigned i = atomic_fetch_add_explicit(&p->next, 1,
						       memory_order_relaxed);
		struct vmm_vcpu *v;

		if (i >= p->n)
			break;
		v = p->v[i];
		if (p->job == ENGINE_BOOT)
			vmm_vcpu_boot(v);
		else
			vmm_vcpu_reclaim(v);
		atomic_fetch_sub_explicit(&p->td_left[v->td->index], 1,
					  memory_order_release);
		atomic_fetch_add_explicit(&p->done, 1, memory_order_release);
	}
	return NULL;
}

void engine_job_start(struct vmm_vcpu *v, enum engine_job job)
{
	if (job != ENGINE_BOOT)
		return;
	atomic_store_explicit(&v->faults, 0, memory_order_relaxed);
	atomic_store_explicit(&v->work_total, vmm_vcpu_work(v),
			      memory_order_relaxed);
}

void engine_progress(struct engine *e, struct vmm_vcpu **v, unsigned n,
		     enum engine_job job)
{
	const struct sim_callbacks *cb = e->cb;
	uint64_t done = 0, total = 0;

	if (!cb->progress || job != ENGINE_BOOT)
		return;
	for (unsigned i = 0; i < n; i++) {
		done += atomic_load_explicit(&v[i]->faults,
					     memory_order_relaxed);
		total += atomic_load_explicit(&v[i]->work_total,
					      memory_order_relaxed);
	}
	cb->progress(cb->arg, done, total);
}

static void progress(struct pool *p)
{
	engine_progress(p->e, p->v, p->n, p->job);
}

static void booted_events(struct pool *p)
{
	struct engine *e = p->e;

	if (p->job != ENGINE_BOOT)
		return;
	for (unsigned g = 0; g < e->sc->n_guests; g++) {
		if (e->booted_ev[g] || !e->live[g] ||
		    atomic_load_explicit(&p->td_left[g],
					 memory_order_acquire))
			continue;
		e->booted_ev[g] = true;
		engine_event(e, "td_booted", (int)g);
	}
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull),
			       (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

/* The engine thread while the workers run. */
static void watch(struct pool *p)
{
	uint64_t next_sample = engine_now_ns() + SAMPLE_NS;

	while (atomic_load_explicit(&p->done, memory_order_acquire) < p->n) {
		sleep_ns(POLL_NS);
		booted_events(p);
		progress(p);
		if (engine_now_ns() >= next_sample) {
			engine_event(p->e, "sample", -1);
			next_sample += SAMPLE_NS;
		}
	}
	booted_events(p);
	progress(p);
}

static void setup(struct pool *p, struct engine *e)
{
	for (unsigned g = 0; g < e->sc->n_guests; g++)
		atomic_init(&p->td_left[g], 0);
	for (unsigned i = 0; i < p->n; i++) {
		struct vmm_vcpu *v = p->v[i];

		atomic_fetch_add_explicit(&p->td_left[v->td->index], 1,
					  memory_order_relaxed);
		engine_job_start(v, p->job);
	}
}

void engine_wall_run_jobs(struct engine *e, struct vmm_vcpu **vcpus, unsigned n,
		     enum engine_job job)
{
	struct pool p = { .e = e, .v = vcpus, .n = n, .job = job };
	unsigned nt = n, started = 0;
	pthread_t *th;

	if (e->sc->threads && e->sc->threads < nt)
		nt = e->sc->threads;
	atomic_init(&p.next, 0);
	atomic_init(&p.done, 0);
	p.td_left = calloc(e->sc->n_guests, sizeof(*p.td_left));
	th = calloc(nt ? nt : 1, sizeof(*th));
	if (!p.td_left || !th) {
		engine_error(e, "out of memory for the vCPU threads");
		free(p.td_left);
		free(th);
		return;
	}
	setup(&p, e);
	for (unsigned i = 0; i < nt; i++) {
		if (pthread_create(&th[i], NULL, worker, &p) == 0)
			started++;
	}
	if (!started && n)
		worker(&p); /* no thread at all: run them here */
	if (started)
		watch(&p);
	else
		booted_events(&p);
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	free(th);
	free(p.td_left);
}
