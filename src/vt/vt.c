/*
 * vt.c - the virtual-time scheduler (see vt.h): tasks as coroutines, the
 * ready queue, pCPUs, spinlocks with FIFO hand-off, and the fifo / random
 * / pct policies.
 */
#include "vt/vt.h"
#include "util/prng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vt/coro.h"
#include "vt/vt_queue.h"

#define PCT_INITIAL (1ull << 62)   /* initial priorities lie above this */
#define PCT_CHANGED (1ull << 40)   /* change point i sets PCT_CHANGED+i */
#define PCT_SPIN (1ull << 39)      /* spinners drop below, one by one */
#define RANDOM_PREEMPT 16u         /* random: 1 yield point in 16 ... */
#define RANDOM_JITTER_NS 1000u     /* ... loses up to 1 us */
#define VT_MAX_CHANGES 64u

struct vt_task {
	struct coro co;
	struct vt *vt;
	void (*fn)(void *arg);
	void *arg;
	uint64_t now;             /* this task's clock */
	uint64_t prio;            /* pct */
	int cpu;                  /* pCPU held, -1 if none */
	unsigned id;
	bool done, daemon;
	struct vt_task *next_wait; /* in a lock's or the pCPU wait list */
	const struct vt_lock *waiting_on; /* NULL: a pCPU, or not blocked */
	uint64_t wait_start;
	struct vt_task *next_all;
};

struct vt_cpu {
	uint64_t held_ns, spin_ns, since;
	const struct vt_task *last; /* who ran on it last */
};

struct vt {
	struct vt_config cfg;
	struct vt_task main;      /* the caller of vt_run (never queued) */
	struct vt_task *cur;
	struct vt_queue q;
	uint64_t seq, steps, switches, rng;
	unsigned live, n_tasks;
	struct vt_cpu *cpus;
	unsigned *free_cpus, n_free;
	struct vt_task *cpu_wait_head, *cpu_wait_tail;
	struct vt_task *all;      /* every task ever spawned */
	uint64_t change[VT_MAX_CHANGES];
	unsigned n_change;
	uint64_t pct_spin;
};

uint64_t vt_random(struct vt *vt)
{
	return prng_next(&vt->rng);
}

static void pct_init(struct vt *vt)
{
	unsigned d = vt->cfg.pct_depth ? vt->cfg.pct_depth : 1;
	uint64_t steps = vt->cfg.pct_steps ? vt->cfg.pct_steps : 1;

	vt->n_change = d - 1 < VT_MAX_CHANGES ? d - 1 : VT_MAX_CHANGES;
	for (unsigned i = 0; i < vt->n_change; i++)
		vt->change[i] = 1 + prng_next(&vt->rng) % steps;
	vt->pct_spin = PCT_SPIN;
}

struct vt *vt_create(const struct vt_config *cfg)
{
	struct vt *vt = calloc(1, sizeof(*vt));
	unsigned n = cfg->cpus;

	if (!vt || n == 0 || n > VT_MAX_CPUS) {
		free(vt);
		return NULL;
	}
	vt->cfg = *cfg;
	vt->rng = cfg->seed;
	vt->cpus = calloc(n, sizeof(*vt->cpus));
	vt->free_cpus = calloc(n, sizeof(*vt->free_cpus));
	if (!vt->cpus || !vt->free_cpus) {
		vt_destroy(vt);
		return NULL;
	}
	/* A stack of free pCPUs: the lowest-numbered is taken first. */
	for (unsigned i = 0; i < n; i++)
		vt->free_cpus[i] = n - 1 - i;
	vt->n_free = n;
	vt_queue_init(&vt->q);
	coro_init_main(&vt->main.co);
	vt->main.vt = vt;
	vt->main.cpu = -1;
	vt->cur = &vt->main;
	if (cfg->policy == VT_PCT)
		pct_init(vt);
	return vt;
}

void vt_destroy(struct vt *vt)
{
	if (!vt)
		return;
	while (vt->all) {
		struct vt_task *t = vt->all;

		vt->all = t->next_all;
		coro_destroy(&t->co);
		free(t);
	}
	vt_queue_fini(&vt->q);
	free(vt->cpus);
	free(vt->free_cpus);
	free(vt);
}

/* The key of t if it became ready now. */
static void task_key(struct vt *vt, const struct vt_task *t, uint64_t *k1,
		     uint64_t *k2)
{
	switch (vt->cfg.policy) {
	case VT_RANDOM:
		*k1 = t->now;
		*k2 = prng_next(&vt->rng);
		break;
	case VT_PCT:
		*k1 = ~t->prio;
		*k2 = vt->seq++;
		break;
	default:
		*k1 = t->now;
		*k2 = vt->seq++;
		break;
	}
}

static void make_ready(struct vt *vt, struct vt_task *t)
{
	uint64_t k1, k2;

	task_key(vt, t, &k1, &k2);
	if (vt_queue_push(&vt->q, k1, k2, t)) {
		fprintf(stderr, "dpamt: virtual time: out of memory for the "
			"event queue\n");
		abort();
	}
}

/* Leave the current task (queued already, blocked or done) for the
 * earliest ready one, or for the main context if none is ready. */
static void run_next(struct vt *vt, bool exiting)
{
	struct vt_task *from = vt->cur, *to = &vt->main;
	struct vt_ev e;

	if (vt_queue_pop(&vt->q, &e))
		to = e.item;
	if (to == from)
		return;
	vt->cur = to;
	vt->switches++;
	if (exiting)
		coro_exit_to(&from->co, &to->co);
	coro_switch(&from->co, &to->co);
}

static void task_entry(void *arg)
{
	struct vt_task *t = arg;
	struct vt *vt = t->vt;

	t->fn(t->arg);
	if (t->cpu >= 0)
		vt_cpu_leave(vt);
	t->done = true;
	vt->live--;
	if (!t->daemon && t->now > vt->main.now)
		vt->main.now = t->now;
	run_next(vt, true);
}

struct vt_task *vt_spawn(struct vt *vt, void (*fn)(void *arg), void *arg)
{
	struct vt_task *t;

	/* Reuse a finished task's stack (runs come in phases). */
	for (t = vt->all; t; t = t->next_all)
		if (t->done)
			break;
	if (t) {
		coro_reset(&t->co, task_entry, t);
	} else {
		t = calloc(1, sizeof(*t));
		if (!t)
			return NULL;
		if (coro_create(&t->co, task_entry, t, vt->cfg.stack_size)) {
			free(t);
			return NULL;
		}
		t->next_all = vt->all;
		vt->all = t;
	}
	t->vt = vt;
	t->fn = fn;
	t->arg = arg;
	t->now = vt->main.now;
	t->cpu = -1;
	t->done = false;
	t->daemon = false;
	t->next_wait = NULL;
	t->id = vt->n_tasks++;
	t->prio = PCT_INITIAL + prng_next(&vt->rng) % PCT_INITIAL;
	vt->live++;
	make_ready(vt, t);
	return t;
}

bool vt_alone(const struct vt *vt)
{
	return vt->q.n == 0;
}

void vt_set_daemon(struct vt_task *t)
{
	t->daemon = true;
	t->prio = 0; /* pct: runs only when no other task is ready */
}

int vt_run(struct vt *vt)
{
	while (vt->live) {
		struct vt_ev e;

		if (!vt_queue_pop(&vt->q, &e))
			break; /* everyone left is blocked */
		vt->cur = e.item;
		vt->switches++;
		coro_switch(&vt->main.co, &vt->cur->co);
		vt->cur = &vt->main;
	}
	if (!vt->live)
		return 0;
	/* Abandon the blocked tasks: their stacks go at vt_destroy. */
	for (struct vt_task *t = vt->all; t; t = t->next_all)
		if (!t->done && t->now > vt->main.now)
			vt->main.now = t->now;
	return -1;
}

struct vt_task *vt_current(struct vt *vt)
{
	return vt->cur == &vt->main ? NULL : vt->cur;
}

uint64_t vt_now(const struct vt *vt)
{
	return vt->cur->now;
}

void vt_advance(struct vt *vt, uint64_t ns)
{
	vt->cur->now += ns;
}

static void pct_step(struct vt *vt, struct vt_task *t)
{
	vt->steps++;
	for (unsigned i = 0; i < vt->n_change; i++)
		if (vt->change[i] == vt->steps)
			t->prio = PCT_CHANGED + i;
}

void vt_sync(struct vt *vt)
{
	struct vt_task *t = vt->cur;
	const struct vt_ev *top;
	uint64_t k1, k2;

	if (t == &vt->main)
		return;
	if (vt->cfg.policy == VT_PCT)
		pct_step(vt, t);
	else if (vt->cfg.policy == VT_RANDOM &&
		 prng_next(&vt->rng) % RANDOM_PREEMPT == 0)
		t->now += prng_next(&vt->rng) % RANDOM_JITTER_NS;
	top = vt_queue_peek(&vt->q);
	if (!top)
		return;
	task_key(vt, t, &k1, &k2);
	if (vt_key_less(k1, k2, top->k1, top->k2))
		return; /* still the earliest: go on */
	if (vt_queue_push(&vt->q, k1, k2, t)) {
		fprintf(stderr, "dpamt: virtual time: out of memory for the "
			"event queue\n");
		abort();
	}
	run_next(vt, false);
}

void vt_delay(struct vt *vt, uint64_t ns)
{
	vt->cur->now += ns;
	vt_sync(vt);
}

void vt_relax(struct vt *vt, unsigned pauses)
{
	struct vt_task *t = vt->cur;
	uint64_t ns = (uint64_t)pauses * vt->cfg.relax_ns;

	t->now += ns;
	if (t->cpu >= 0)
		vt->cpus[t->cpu].spin_ns += ns;
	if (vt->cfg.policy == VT_PCT && t != &vt->main)
		t->prio = vt->pct_spin--; /* a spinner lets the others run */
	vt_sync(vt);
}

/* Block the current task (it is in a wait list) until someone readies
 * it.  A blocked main context can never be woken: that is a bug. */
static void block(struct vt *vt)
{
	if (vt->cur == &vt->main) {
		fprintf(stderr, "dpamt: virtual time: the main context would "
			"block (a lock or pCPU held after its task ended)\n");
		abort();
	}
	run_next(vt, false);
}

static void cpu_give(struct vt *vt, struct vt_task *t, unsigned cpu)
{
	struct vt_cpu *c = &vt->cpus[cpu];

	t->cpu = (int)cpu;
	c->since = t->now;
	if (c->last && c->last != t)
		t->now += vt->cfg.switch_ns; /* counted as busy */
	c->last = t;
}

void vt_cpu_enter(struct vt *vt)
{
	struct vt_task *t = vt->cur;

	vt_sync(vt);
	if (t->cpu >= 0)
		return;
	if (vt->n_free) {
		cpu_give(vt, t, vt->free_cpus[--vt->n_free]);
		return;
	}
	t->next_wait = NULL;
	if (vt->cpu_wait_tail)
		vt->cpu_wait_tail->next_wait = t;
	else
		vt->cpu_wait_head = t;
	vt->cpu_wait_tail = t;
	block(vt); /* cpu_leave hands us one */
}

void vt_cpu_leave(struct vt *vt)
{
	struct vt_task *t = vt->cur, *w = vt->cpu_wait_head;
	unsigned cpu;

	if (t->cpu < 0)
		return;
	cpu = (unsigned)t->cpu;
	vt->cpus[cpu].held_ns += t->now - vt->cpus[cpu].since;
	t->cpu = -1;
	if (!w) {
		vt->free_cpus[vt->n_free++] = cpu;
		return;
	}
	vt->cpu_wait_head = w->next_wait;
	if (!vt->cpu_wait_head)
		vt->cpu_wait_tail = NULL;
	if (w->now < t->now)
		w->now = t->now;
	cpu_give(vt, w, cpu);
	make_ready(vt, w);
}

int vt_cpu_of_current(const struct vt *vt)
{
	return vt->cur->cpu;
}

/* Who writes a lock word: its pCPU, else a per-task identity. */
static int writer_id(const struct vt *vt, const struct vt_task *t)
{
	if (t->cpu >= 0)
		return t->cpu;
	return t == &vt->main ? (int)VT_MAX_CPUS :
	       (int)(VT_MAX_CPUS + 1 + t->id % 1000000u);
}

int vt_agent(const struct vt *vt)
{
	return writer_id(vt, vt->cur);
}

void vt_lock_init(struct vt_lock *l, struct vt_lock_stats *stats)
{
	memset(l, 0, sizeof(*l));
	l->last_cpu = -1;
	l->stats = stats;
}

static void lock_take(struct vt *vt, struct vt_lock *l, struct vt_task *t)
{
	int me = writer_id(vt, t);

	l->owner = t;
	t->now += vt->cfg.atomic_ns +
		  (l->last_cpu != me && l->last_cpu != -1 ?
		   vt->cfg.transfer_ns : 0);
	l->last_cpu = me;
	l->taken_at = t->now;
	if (l->stats)
		l->stats->acquisitions++;
}

bool vt_lock_try(struct vt *vt, struct vt_lock *l)
{
	struct vt_task *t = vt->cur;

	vt_sync(vt);
	if (!l->owner) {
		lock_take(vt, l, t);
		return true;
	}
	t->now += vt->cfg.transfer_ns; /* read the holder's line */
	return false;
}

/* Waits below 16 ns: one bucket each; above, 16 buckets per power of
 * two (the top 4 bits after the leading one). */
static unsigned hist_bucket(uint64_t ns)
{
	unsigned e;

	if (ns < 16)
		return (unsigned)ns;
	e = 63u - (unsigned)__builtin_clzll(ns);
	return 16u + (e - 4u) * 16u + (unsigned)((ns >> (e - 4u)) & 15u);
}

static uint64_t hist_upper(unsigned b)
{
	unsigned e, m;

	if (b < 16)
		return b;
	e = (b - 16u) / 16u + 4u;
	m = (b - 16u) % 16u;
	if (e >= 63)
		return UINT64_MAX;
	return ((uint64_t)(16u + m + 1u) << (e - 4u)) - 1u;
}

void vt_lock_acquire(struct vt *vt, struct vt_lock *l)
{
	struct vt_task *t = vt->cur;

	vt_sync(vt);
	if (!l->owner) {
		lock_take(vt, l, t);
		return;
	}
	if (l->stats)
		l->stats->contentions++;
	t->wait_start = t->now;
	t->next_wait = NULL;
	t->waiting_on = l;
	if (l->wait_tail)
		l->wait_tail->next_wait = t;
	else
		l->wait_head = t;
	l->wait_tail = t;
	block(vt); /* vt_lock_release made us the owner */
}

static void note_wait(struct vt *vt, struct vt_lock *l, struct vt_task *w)
{
	uint64_t wait = w->now - w->wait_start;

	if (w->cpu >= 0)
		vt->cpus[w->cpu].spin_ns += wait;
	if (!l->stats)
		return;
	l->stats->wait_ns += wait;
	if (wait > l->stats->wait_max_ns)
		l->stats->wait_max_ns = wait;
	l->stats->hist[hist_bucket(wait)]++;
}

void vt_lock_release(struct vt *vt, struct vt_lock *l)
{
	struct vt_task *t = vt->cur, *w;

	vt_sync(vt); /* others may queue up meanwhile: read the list after */
	w = l->wait_head;
	t->now += vt->cfg.atomic_ns;
	if (l->stats)
		l->stats->hold_ns += t->now - l->taken_at;
	if (!w) {
		l->owner = NULL;
		l->last_cpu = writer_id(vt, t);
		return;
	}
	/* FIFO hand-off: the first waiter sees the line after a transfer. */
	l->wait_head = w->next_wait;
	if (!l->wait_head)
		l->wait_tail = NULL;
	if (w->now < t->now + vt->cfg.transfer_ns)
		w->now = t->now + vt->cfg.transfer_ns;
	note_wait(vt, l, w);
	w->waiting_on = NULL;
	l->owner = w;
	l->taken_at = w->now;
	l->last_cpu = writer_id(vt, w);
	if (l->stats)
		l->stats->acquisitions++;
	make_ready(vt, w);
}

uint64_t vt_lock_wait_quantile(const struct vt_lock_stats *s, double q)
{
	uint64_t n = 0, seen = 0, want;

	for (unsigned b = 0; b < VT_HIST_BUCKETS; b++)
		n += s->hist[b];
	if (!n)
		return 0;
	want = (uint64_t)(q * (double)n);
	if (want >= n)
		want = n - 1;
	for (unsigned b = 0; b < VT_HIST_BUCKETS; b++) {
		seen += s->hist[b];
		if (seen > want) {
			uint64_t hi = hist_upper(b);

			return hi < s->wait_max_ns ? hi : s->wait_max_ns;
		}
	}
	return s->wait_max_ns;
}

void vt_cpu_times(const struct vt *vt, unsigned cpu, uint64_t *held_ns,
		  uint64_t *spin_ns)
{
	const struct vt_cpu *c = &vt->cpus[cpu];

	*held_ns = c->held_ns;
	*spin_ns = c->spin_ns;
}

uint64_t vt_switches(const struct vt *vt)
{
	return vt->switches;
}
