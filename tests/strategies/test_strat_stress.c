/*
 * test_strat_stress.c - N threads doing random get/put through `hashed`
 * and `lockless` on the module model, over a few ranges (every transition
 * collides) and over many, with and without injected BUSY.  At a
 * quiescent point with references still held, and again once everything
 * is put and the deferred removals are retried:
 *   successful ADDs - successful REMOVEs (module) = pairs installed
 *     = ranges with refcount > 0 + idle ranges,
 *   the manager's ADD/REMOVE counts equal the module's,
 *   no ADD met HPA_RANGE_NOT_FREE, no REMOVE failed (no double ADD, no
 *     double REMOVE, no REMOVE of a pair in use),
 *   every refcount equals what the threads hold, dpamt_check passes,
 * and at the end no page leaked.  With a small BUSY budget, gets may fail
 * (EBUSY: nothing changed) and puts defer their REMOVE (idle pairs).
 * The yield hook gives the CPU away at a random quarter of the yield
 * points, to widen the race windows.  Randomised: prints seed=N;
 * DPAMT_SEED=N replays the operation sequence of each thread.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/ht_stress.h"
#include "strat_util.h"

#define MEM (4 * GiB)
#define THREADS 4
#ifdef DPAMT_TSAN
#define OPS 5000
#else
#define OPS 40000
#endif

struct stress {
	struct ht_stress b;
	unsigned n_ranges;
	_Atomic uint64_t ebusy;
};

struct worker {
	struct stress *s;
	unsigned id;
	uint8_t *mine; /* references held per used range: 0 or 1 */
};

static _Thread_local uint64_t yield_rng;

static void random_yield(void *arg, enum dpamt_yield_point where,
			 uint64_t pa)
{
	(void)arg;
	(void)where;
	(void)pa;
	if (prng_next(&yield_rng) % 4 == 0)
		sched_yield();
}

static uint64_t range_pa(const struct stress *s, unsigned r)
{
	uint64_t stride = (MEM / MiB2 - 128) / s->n_ranges;

	return (128 + (uint64_t)r * stride) * MiB2;
}

/* The page this thread uses in range r (distinct per thread): k = 0. */
static uint64_t page_pa(const struct worker *w, unsigned r, unsigned k)
{
	return range_pa(w->s, r) + (w->id + k) * 4096ULL;
}

static void held_add(struct stress *s, uint64_t pa, int d)
{
	atomic_fetch_add_explicit(&s->b.held.refs[pa / MiB2], (uint32_t)d,
				  memory_order_relaxed);
}

static void do_put(struct worker *w, struct dpamt_cache *c, unsigned r)
{
	uint64_t pa = page_pa(w, r, --w->mine[r]);

	if (dpamt_put(w->s->b.h.dp, pa, c))
		atomic_fetch_add_explicit(&w->s->b.failures, 1,
					  memory_order_relaxed);
	held_add(w->s, pa, -1);
}

static void do_get(struct worker *w, struct dpamt_cache *c, unsigned r)
{
	uint64_t pa = page_pa(w, r, w->mine[r]);
	struct dpamt *dp = w->s->b.h.dp;
	int err;

	if (dpamt_cache_topup(dp, c, dpamt_pages_per_get(dp)))
		return;
	err = dpamt_get(dp, pa, c);
	if (err == DPAMT_EBUSY) {
		/* nothing changed */
		atomic_fetch_add_explicit(&w->s->ebusy, 1,
					  memory_order_relaxed);
		return;
	}
	if (err) {
		atomic_fetch_add_explicit(&w->s->b.failures, 1,
					  memory_order_relaxed);
		return;
	}
	w->mine[r]++;
	held_add(w->s, pa, 1);
}

/*
 * Toggle this thread's reference on a random range; three times in four
 * a new reference is dropped again at once (a pulse), so a preempted
 * thread seldom pins a range and ranges keep crossing 0 under contention.
 */
static void one_op(struct worker *w, struct dpamt_cache *c, uint64_t *rng)
{
	unsigned r = (unsigned)(prng_next(rng) % w->s->n_ranges);

	if (w->mine[r]) {
		do_put(w, c, r);
	} else {
		do_get(w, c, r);
		if (w->mine[r] && prng_next(rng) % 4 != 0)
			do_put(w, c, r);
	}
	if (prng_next(rng) % 512 == 0)
		dpamt_retry_deferred(w->s->b.h.dp); /* concurrently with all */
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dpamt_cache c = { 0 };
	uint64_t rng = w->s->b.seed * 1000003 + w->id;

	yield_rng = rng ^ 0x5DEECE66DULL;

	pthread_barrier_wait(&w->s->b.start);
	for (unsigned i = 0; i < OPS; i++)
		one_op(w, &c, &rng);
	dpamt_cache_flush_stats(w->s->b.h.dp, &c);
	pthread_barrier_wait(&w->s->b.half); /* the main thread checks here */
	pthread_barrier_wait(&w->s->b.go_on);
	for (unsigned r = 0; r < w->s->n_ranges; r++)
		while (w->mine[r])
			do_put(w, &c, r);
	dpamt_cache_drain(w->s->b.h.dp, &c);
	return NULL;
}

static void check_counts(struct stress *s, bool all_gone)
{
	struct dpamt_check_opts o = { .held = ht_held_cb,
				      .held_arg = &s->b.held,
				      .max_idle = s->n_ranges,
				      .all_gone = all_gone };
	struct model_host *h = &s->b.h;
	uint64_t with_refs = 0, idle = 0, pairs;
	struct dpamt_stats st;

	dpamt_stats(h->dp, &st);
	for (unsigned r = 0; r < s->n_ranges; r++) {
		with_refs += dpamt_refcount(h->dp, range_pa(s, r)) > 0;
		idle += dpamt_range_idle(h->dp, range_pa(s, r));
	}
	pairs = tdxmod_pairs_installed(h->mod);
	printf("  adds=%llu removes=%llu pairs=%llu with_refs=%llu idle=%llu"
	       " busy_retries=%llu deferred=%llu lock_acq=%llu"
	       " contentions=%llu fast_gets=%llu/%llu\n",
	       (unsigned long long)st.pamt_add_ok,
	       (unsigned long long)st.pamt_remove_ok,
	       (unsigned long long)pairs, (unsigned long long)with_refs,
	       (unsigned long long)idle,
	       (unsigned long long)st.busy_retries,
	       (unsigned long long)st.remove_deferred,
	       (unsigned long long)st.lock_acquisitions,
	       (unsigned long long)st.lock_contentions,
	       (unsigned long long)st.fast_gets, (unsigned long long)st.gets);
	assert_int_equal(st_adds_ok(h) - st_removes_ok(h), pairs);
	assert_int_equal(pairs, with_refs + idle);
	assert_int_equal(st.pamt_add_ok, st_adds_ok(h));
	assert_int_equal(st.pamt_remove_ok, st_removes_ok(h));
	assert_int_equal(st.add_not_free, 0);
	assert_int_equal(st.remove_errors, 0);
	assert_int_equal(ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_ADD), 0);
	assert_int_equal(ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
	assert_int_equal(ht_check(h, &o), 0);
}

struct run_opts {
	unsigned n_ranges;
	double busy;
	unsigned budget;
};

static void run(void **state, const char *name, const struct run_opts *ro)
{
	enum dpamt_strategy strat = st_of(state);
	struct stress *s = calloc(1, sizeof(*s));
	struct dpamt_config c = ht_cfg(MEM, strat);
	struct ht_tweak tw = { 0 };
	struct worker w[THREADS];
	pthread_t t[THREADS];
	unsigned rounds = 0;

	assert_non_null(s);
	s->n_ranges = ro->n_ranges;
	c.busy_retries = ro->budget;
	tw.busy_prob = ro->busy;
	ht_stress_setup(&s->b, name, 7, MEM, &c, tw, THREADS);
	s->b.h.mo.yield_hook = random_yield;
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .s = s, .id = i };
		w[i].mine = calloc(s->n_ranges, 1);
		assert_int_equal(pthread_create(&t[i], NULL, worker_main,
						&w[i]), 0);
	}
	pthread_barrier_wait(&s->b.half);
	check_counts(s, false);
	pthread_barrier_wait(&s->b.go_on);
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		free(w[i].mine);
	}
	assert_int_equal(atomic_load_explicit(&s->b.failures,
					      memory_order_relaxed), 0);
	/* Deferred removals: BUSY is random, so retrying gets through. */
	while (dpamt_retry_deferred(s->b.h.dp))
		assert_true(++rounds < 10000);
	printf("  gets failed EBUSY=%llu, retry rounds=%u\n",
	       (unsigned long long)atomic_load_explicit(&s->ebusy,
							memory_order_relaxed),
	       rounds);
	check_counts(s, true);
	assert_int_equal(tdxmod_pairs_installed(s->b.h.mod), 0);
	assert_int_equal(phys_used_bytes(s->b.h.alloc), s->b.used);
	assert_int_equal(phys_bad_frees(s->b.h.alloc), 0);
	ht_stress_teardown(&s->b, ro->busy > 0);
	free(s);
}

static void test_few_ranges(void **state)
{
	struct run_opts ro = { .n_ranges = 2 };

	run(state, "strat_stress_few_ranges", &ro);
}

static void test_many_ranges(void **state)
{
	struct run_opts ro = { .n_ranges = 1024 };

	run(state, "strat_stress_many_ranges", &ro);
}

/* BUSY half the time, a budget that always absorbs it. */
static void test_busy_absorbed(void **state)
{
	struct run_opts ro = { .n_ranges = 6, .busy = 0.5, .budget = 1000 };

	run(state, "strat_stress_busy_absorbed", &ro);
}

/* BUSY often, a budget of 1 retry: gets fail cleanly, REMOVEs defer. */
static void test_busy_exhausted(void **state)
{
	struct run_opts ro = { .n_ranges = 6, .busy = 0.6, .budget = 1 };

	run(state, "strat_stress_busy_exhausted", &ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ST_PER_STRAT(test_few_ranges),
		ST_PER_STRAT(test_many_ranges),
		ST_PER_STRAT(test_busy_absorbed),
		ST_PER_STRAT(test_busy_exhausted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
