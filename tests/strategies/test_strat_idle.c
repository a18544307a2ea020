/*
 * test_strat_idle.c - idle-pair hysteresis (cfg.max_idle_pairs) on the
 * module model, for each production strategy: a last put keeps its pair
 * while at most N are idle, a get reuses it with no SEAMCALL and no
 * page, the (N+1)-th idle pair makes the clock hand give one back,
 * dpamt_shrink() gives them back down to the exact minimum (dynamic bytes
 * = the pairs of referenced ranges, allocator back where it started),
 * dpamt_shrink_range() one range, and the manager's own shrinker gives
 * idle pairs back when the pair allocator runs dry; a shrink whose
 * REMOVEs stay BUSY keeps them, leaking nothing; the shrinker pair
 * (dpamt_shrink_count/scan) on the allocator's low watermark gives back
 * what the pressure asks, down to the exact minimum.  Plus a threaded
 * churn on few ranges with N > 0, alone and against a shrinker thread
 * (run under TSan), checked at the end.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "strat_util.h"

#define MEM (4 * GiB)
#define BASE_R (256 * MiB2)
#define N_IDLE 4

static uint64_t rpa(unsigned r)
{
	return BASE_R + (uint64_t)r * 7 * MiB2;
}

static struct dpamt_stats stats(struct model_host *h)
{
	struct dpamt_stats s;

	dpamt_stats(h->dp, &s);
	return s;
}

static void host_idle(struct model_host *h, void **state, unsigned n)
{
	struct dpamt_config cfg = ht_cfg(MEM, st_of(state));

	cfg.max_idle_pairs = n;
	ht_host(h, MEM, &cfg, NULL, NULL);
}

static void get_put(struct model_host *h, struct dpamt_cache *c, unsigned r)
{
	assert_int_equal(dpamt_cache_topup(h->dp, c, 2), 0);
	assert_int_equal(dpamt_get(h->dp, rpa(r), c), 0);
	assert_int_equal(dpamt_put(h->dp, rpa(r), c), 0);
}

static void test_keep_reuse_cap_shrink(void **state)
{
	struct dpamt_check_opts o = { .max_idle = N_IDLE };
	struct dpamt_cache c = { 0 };
	struct model_host h;
	uint64_t used, adds, rems;

	host_idle(&h, state, N_IDLE);
	used = phys_used_bytes(h.alloc);
	for (unsigned r = 0; r < N_IDLE; r++)
		get_put(&h, &c, r);
	/* N last puts: every pair kept, none removed. */
	assert_int_equal(st_adds_ok(&h), N_IDLE);
	assert_int_equal(st_removes_ok(&h), 0);
	assert_int_equal(dpamt_idle_ranges(h.dp), N_IDLE);
	assert_int_equal(stats(&h).idle_kept, N_IDLE);
	assert_true(dpamt_range_idle(h.dp, rpa(0)));
	assert_int_equal(ht_check(&h, &o), 0);
	/* Reuse: no SEAMCALL, no page taken from the cache. */
	adds = ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD);
	rems = ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE);
	for (unsigned k = 0; k < 3; k++)
		for (unsigned r = 0; r < N_IDLE; r++) {
			unsigned n = c.n;

			assert_int_equal(dpamt_get(h.dp, rpa(r) + 4096, &c), 0);
			assert_int_equal(c.n, n);
			assert_false(dpamt_range_idle(h.dp, rpa(r)));
			assert_int_equal(dpamt_refcount(h.dp, rpa(r)), 1);
			assert_int_equal(dpamt_put(h.dp, rpa(r) + 4096, &c), 0);
		}
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD), adds);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), rems);
	/* One more idle pair than the cap: the clock gives one back. */
	get_put(&h, &c, N_IDLE);
	assert_int_equal(st_removes_ok(&h), 1);
	assert_int_equal(dpamt_idle_ranges(h.dp), N_IDLE);
	assert_int_equal(ht_check(&h, &o), 0);
	/* One range on demand, then everything. */
	assert_true(dpamt_range_installed(h.dp, rpa(N_IDLE)) ||
		    dpamt_range_installed(h.dp, rpa(0)));
	for (unsigned r = 0; r <= N_IDLE; r++)
		if (dpamt_range_idle(h.dp, rpa(r))) {
			assert_true(dpamt_shrink_range(h.dp, rpa(r)));
			assert_false(dpamt_range_installed(h.dp, rpa(r)));
			break;
		}
	assert_int_equal(dpamt_idle_ranges(h.dp), N_IDLE - 1);
	/* A held range survives shrink(0); idle ones go, exactly. */
	assert_int_equal(dpamt_cache_topup(h.dp, &c, 2), 0);
	assert_int_equal(dpamt_get(h.dp, rpa(7), &c), 0);
	assert_int_equal(dpamt_shrink(h.dp, 0), 0);
	assert_int_equal(dpamt_idle_ranges(h.dp), 0);
	assert_int_equal(stats(&h).pairs_now, 1);
	assert_int_equal(stats(&h).dynamic_bytes_now,
			 dpamt_pages_per_get(h.dp) * 4096ull);
	assert_int_equal(tdxmod_pairs_installed(h.mod), 1);
	assert_int_equal(dpamt_put(h.dp, rpa(7), &c), 0); /* kept idle */
	assert_int_equal(dpamt_shrink(h.dp, 0), 0);
	assert_int_equal(stats(&h).dynamic_bytes_now, 0);
	dpamt_cache_drain(h.dp, &c);
	o.all_gone = true;
	o.max_idle = 0;
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(phys_used_bytes(h.alloc), used);
	model_host_destroy(&h);
}

/* N = 0 (the default): every last put removes, as upstream. */
static void test_eager_default(void **state)
{
	struct dpamt_cache c = { 0 };
	struct model_host h;

	host_idle(&h, state, 0);
	for (unsigned r = 0; r < 6; r++)
		get_put(&h, &c, r % 2);
	assert_int_equal(st_adds_ok(&h), 6);
	assert_int_equal(st_removes_ok(&h), 6);
	assert_int_equal(stats(&h).idle_kept, 0);
	assert_int_equal(dpamt_idle_ranges(h.dp), 0);
	dpamt_cache_drain(h.dp, &c);
	model_host_destroy(&h);
}

/* The pair allocator runs dry while idle pairs hold pages: the manager
 * gives some back and the get succeeds. */
static void test_enomem_reclaims_idle(void **state)
{
	struct dpamt_check_opts o = { .max_idle = 64 };
	struct dpamt_cache c = { 0 };
	struct model_host h;
	uint64_t got = 0, pa;

	host_idle(&h, state, 64);
	for (unsigned r = 0; r < 16; r++)
		get_put(&h, &c, r);
	dpamt_cache_drain(h.dp, &c);
	assert_int_equal(dpamt_idle_ranges(h.dp), 16);
	/* Take every free page (the allocator's own test API). */
	while (phys_alloc_page(h.alloc, 0, &pa) == 0)
		got++;
	assert_true(got > 0);
	assert_int_equal(dpamt_get(h.dp, rpa(20), NULL), 0);
	assert_true(stats(&h).idle_reclaims >= 1);
	assert_true(dpamt_idle_ranges(h.dp) < 16);
	assert_int_equal(dpamt_put(h.dp, rpa(20), NULL), 0);
	assert_int_equal(ht_check(&h, &o), 0);
	model_host_destroy(&h);
}

/* Take pages from the allocator (the VMM's way of running it low) until
 * the low-watermark shrinker has run as often as runs; returns how many
 * pages were taken (put back by the caller with phys_free_page). */
static unsigned drain_until_shrinker(struct model_host *h, uint64_t *pa,
				     unsigned max, uint64_t runs)
{
	unsigned n = 0;

	while (atomic_load(&h->mo.shrinker_runs) < runs && n < max)
		assert_int_equal(phys_alloc_page(h->alloc, 0, &pa[n++]), 0);
	return n;
}

/*
 * The shrinker pair on the allocator's low watermark (model_ops_shrinker,
 * dpamt_shrink_count/scan): allocations that leave fewer than low free
 * pages make it give back just the idle pairs that bring free memory to
 * the high mark (whole pairs), then, under deeper pressure, all of them:
 * dynamic bytes fall to the minimum exactly (the one referenced range).
 */
static void test_shrinker_low_watermark(void **state)
{
	struct dpamt_check_opts o = { .max_idle = 16 };
	struct dpamt_cache c = { 0 };
	struct model_host h;
	uint64_t pa[64], free_pages;
	unsigned n;

	host_idle(&h, state, 16);
	for (unsigned r = 0; r < 16; r++)
		get_put(&h, &c, r);
	assert_int_equal(dpamt_cache_topup(h.dp, &c, 2), 0);
	assert_int_equal(dpamt_get(h.dp, rpa(40), &c), 0); /* stays held */
	dpamt_cache_drain(h.dp, &c);
	assert_int_equal(dpamt_shrink_count(h.dp), 16);
	assert_int_equal(dpamt_shrink_scan(h.dp, 0), 0);
	/* Low mark 8 pages below what is free now, high 5 above it: the
	 * allocation that leaves low - 1 free wants 6 pages: 3 pairs. */
	free_pages = phys_free_bytes(h.alloc) / 4096;
	model_ops_shrinker(&h.mo, h.dp, free_pages - 8, free_pages - 8 + 5);
	n = drain_until_shrinker(&h, pa, 64, 1);
	assert_int_equal(n, 9);
	assert_int_equal(atomic_load(&h.mo.shrinker_pairs), 3);
	assert_int_equal(dpamt_shrink_count(h.dp), 13);
	assert_int_equal(dpamt_idle_ranges(h.dp), 13);
	assert_int_equal(ht_check(&h, &o), 0);
	/* Deep pressure: the high mark far above, every idle pair goes. */
	model_ops_shrinker(&h.mo, h.dp, free_pages + 1000, free_pages + 4000);
	assert_int_equal(phys_alloc_page(h.alloc, 0, &pa[n++]), 0);
	assert_int_equal(atomic_load(&h.mo.shrinker_runs), 2);
	assert_int_equal(atomic_load(&h.mo.shrinker_pairs), 16);
	assert_int_equal(dpamt_shrink_count(h.dp), 0);
	assert_int_equal(stats(&h).pairs_now, 1);
	assert_int_equal(stats(&h).dynamic_bytes_now,
			 (uint64_t)dpamt_pages_per_get(h.dp) * 4096);
	o.max_idle = 0;
	assert_int_equal(ht_check(&h, &o), 0);
	/* Nothing idle: the callback runs, scans nothing. */
	assert_int_equal(phys_alloc_page(h.alloc, 0, &pa[n++]), 0);
	assert_int_equal(atomic_load(&h.mo.shrinker_runs), 3);
	assert_int_equal(atomic_load(&h.mo.shrinker_pairs), 16);
	model_ops_shrinker(&h.mo, NULL, 0, 0);
	for (unsigned i = 0; i < n; i++)
		phys_free_page(h.alloc, pa[i]);
	assert_int_equal(dpamt_put(h.dp, rpa(40), NULL), 0);
	model_host_destroy(&h);
}

/* PAMT.REMOVE answers BUSY while armed. */
static bool remove_busy(void *arg, struct dpamt_tdx_regs *r)
{
	bool *armed = arg;

	if (r->rax != DPAMT_TDH_PHYMEM_PAMT_REMOVE || !*armed)
		return false;
	r->rax = DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX;
	return true;
}

/* Shrinking while REMOVE stays BUSY keeps the pairs idle, leaks nothing,
 * and a later shrink gives them back. */
static void test_shrink_busy(void **state)
{
	struct dpamt_check_opts o = { .max_idle = 2 };
	struct dpamt_cache c = { 0 };
	struct model_host h;
	bool armed = true;
	uint64_t used;

	host_idle(&h, state, 2);
	h.mo.seamcall_filter = remove_busy;
	h.mo.filter_arg = &armed;
	used = phys_used_bytes(h.alloc);
	get_put(&h, &c, 0);
	get_put(&h, &c, 1);
	dpamt_cache_drain(h.dp, &c);
	assert_int_equal(dpamt_shrink(h.dp, 0), 2); /* both stayed */
	assert_int_equal(dpamt_retry_deferred(h.dp), 0); /* at the cap */
	assert_true(dpamt_range_idle(h.dp, rpa(0)));
	assert_int_equal(tdxmod_pairs_installed(h.mod), 2);
	assert_int_equal(ht_check(&h, &o), 0);
	/* a get reuses a pair the shrink could not take */
	assert_int_equal(dpamt_get(h.dp, rpa(1), NULL), 0);
	assert_int_equal(st_adds_ok(&h), 2);
	assert_int_equal(dpamt_put(h.dp, rpa(1), NULL), 0);
	armed = false;
	assert_int_equal(dpamt_shrink(h.dp, 0), 0);
	o.all_gone = true;
	o.max_idle = 0;
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(phys_used_bytes(h.alloc), used);
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
	model_host_destroy(&h);
}

/* Threads churning get/put over few ranges with a small cap (TSan). */
struct churn {
	struct model_host *h;
	unsigned id;
};

static void *churn_main(void *arg)
{
	struct churn *w = arg;
	struct dpamt_cache c = { 0 };

	for (unsigned i = 0; i < 3000; i++) {
		uint64_t pa = rpa((i * 7 + w->id) % 6) + w->id * 4096;

		if (dpamt_cache_topup(w->h->dp, &c, 2) ||
		    dpamt_get(w->h->dp, pa, &c) || dpamt_put(w->h->dp, pa, &c))
			fail_msg("churn thread %u: call %u failed", w->id, i);
		if (i % 500 == 0)
			dpamt_shrink(w->h->dp, 1);
	}
	dpamt_cache_drain(w->h->dp, &c);
	return NULL;
}

/* n (at most 3) churn_main threads on h, started and joined. */
static void run_churners(struct model_host *h, unsigned n)
{
	struct churn w[3];
	pthread_t t[3];

	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct churn){ h, i };
		assert_int_equal(pthread_create(&t[i], NULL, churn_main, &w[i]),
				 0);
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* After a threaded run shrunk to nothing: the exact minimum (nothing
 * installed, no dynamic bytes), no PAMT leaf refused, then teardown. */
static void all_gone_and_destroy(struct model_host *h)
{
	struct dpamt_check_opts o = { .all_gone = true, .max_idle = 0 };

	assert_int_equal(ht_check(h, &o), 0);
	assert_int_equal(ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_ADD), 0);
	assert_int_equal(ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
	model_host_destroy(h);
}

static void test_threads_churn(void **state)
{
	struct dpamt_check_opts o = { .max_idle = 2 };
	struct model_host h;

	host_idle(&h, state, 2);
	run_churners(&h, 3);
	assert_int_equal(dpamt_retry_deferred(h.dp), 0);
	assert_true(dpamt_idle_ranges(h.dp) <= 2);
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(dpamt_shrink(h.dp, 0), 0);
	all_gone_and_destroy(&h);
}

/* A shrinker thread (count + scan, as a memory-pressure callback would)
 * racing threads that churn get/put over few ranges (TSan). */
struct shrinker_arg {
	struct model_host *h;
	_Atomic bool stop;
	_Atomic uint64_t scans;
	uint64_t pairs;
};

static void *shrinker_main(void *arg)
{
	struct shrinker_arg *s = arg;

	while (!atomic_load(&s->stop)) {
		uint64_t idle = dpamt_shrink_count(s->h->dp);

		s->pairs += dpamt_shrink_scan(s->h->dp, idle ? 1 + idle / 2
							     : 1);
		atomic_fetch_add(&s->scans, 1);
	}
	return NULL;
}

static void test_threads_shrinker(void **state)
{
	struct dpamt_check_opts o = { .max_idle = 4 };
	struct shrinker_arg sa = { .h = NULL };
	pthread_t st;
	struct model_host h;

	host_idle(&h, state, 4);
	sa.h = &h;
	atomic_init(&sa.stop, false);
	atomic_init(&sa.scans, 0);
	assert_int_equal(pthread_create(&st, NULL, shrinker_main, &sa), 0);
	while (atomic_load(&sa.scans) == 0) /* it runs before they start */
		sched_yield();
	run_churners(&h, 2);
	atomic_store(&sa.stop, true);
	pthread_join(st, NULL);
	printf("shrinker: %llu scans gave back %llu pairs\n",
	       (unsigned long long)atomic_load(&sa.scans),
	       (unsigned long long)sa.pairs);
	assert_true(atomic_load(&sa.scans) > 1);
	assert_int_equal(dpamt_retry_deferred(h.dp), 0);
	assert_int_equal(ht_check(&h, &o), 0);
	/* Quiescent: one scan of everything leaves the exact minimum. */
	dpamt_shrink_scan(h.dp, dpamt_shrink_count(h.dp));
	assert_int_equal(dpamt_shrink_count(h.dp), 0);
	assert_int_equal(stats(&h).dynamic_bytes_now, 0);
	all_gone_and_destroy(&h);
}

#define PER_ALL(f)                                                           \
	cmocka_unit_test_prestate(f, (void *)&st_global),                   \
	ST_PER_STRAT(f)

int main(void)
{
	const struct CMUnitTest tests[] = {
		PER_ALL(test_keep_reuse_cap_shrink),
		PER_ALL(test_eager_default),
		PER_ALL(test_enomem_reclaims_idle),
		PER_ALL(test_shrink_busy),
		PER_ALL(test_threads_churn),
		PER_ALL(test_shrinker_low_watermark),
		PER_ALL(test_threads_shrinker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
