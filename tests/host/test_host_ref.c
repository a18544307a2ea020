/*
 * test_host_ref.c - the linux-v6 and linux-v3 reference strategies (the
 * posted series' protocol, strat_ref_*.c):
 *  - basic get/put on the exact fake module: one ADD per 0->1, one REMOVE
 *    per 1->0, the dense refcount table (one word per 2 MiB from address
 *    0 to the highest TDMR end), v3 taking pair pages even on its fast
 *    path and freeing them to the allocator;
 *  - fault injection: v6 turns a BUSY ADD into DPAMT_EIO (no retry) and a
 *    BUSY REMOVE into a pinned pair (count back to 1); v3 turns a BUSY ADD
 *    into a "successful" get with no pair and a BUSY REMOVE into a count
 *    incremented back;
 *  - the double-REMOVE interleaving forced with the yield hooks on the
 *    module model: v3's put decrements outside the lock, a get meets
 *    HPA_RANGE_NOT_FREE and increments, and both puts REMOVE (the second
 *    gets NO_PAMT_PAGE_PAIR and leaves a count on a range with no pair,
 *    which the consistency check reports); v6 survives the same schedule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host/fake_module.h"
#include "host/ht_sched.h"

#define MEM (4 * GiB)

struct fx {
	struct fake f;
	struct dpamt *dp;
};

/* Fake module over [0, 4 GiB), one TDMR [2 GiB, 4 GiB). */
static struct fx *fx_new(enum dpamt_strategy s)
{
	struct fx *x = test_calloc(1, sizeof(*x));
	struct dpamt_config c;

	fake_init(&x->f, MEM);
	x->f.dpamt_supported = true;
	x->f.pages_per_pair = 2;
	x->f.entry_size_4k = 16;
	memset(&c, 0, sizeof(c));
	c.strategy = s;
	c.n_tdmrs = 1;
	c.tdmrs[0].base = 2 * GiB;
	c.tdmrs[0].size = 2 * GiB;
	c.busy_retries = 3; /* the references must ignore it */
	assert_int_equal(dpamt_create(&c, &x->f.ops, &x->dp), 0);
	assert_true(dpamt_is_dynamic(x->dp));
	return x;
}

static void fx_free(struct fx *x)
{
	dpamt_destroy(x->dp);
	assert_int_equal(x->f.mem_out_bytes, 0);
	fake_fini(&x->f);
	test_free(x);
}

static struct dpamt_stats stats(struct fx *x)
{
	struct dpamt_stats s;

	dpamt_stats(x->dp, &s);
	return s;
}

static const enum dpamt_strategy st_v6 = DPAMT_STRATEGY_LINUX_V6;
static const enum dpamt_strategy st_v3 = DPAMT_STRATEGY_LINUX_V3;

static enum dpamt_strategy st_of(void **state)
{
	return *(const enum dpamt_strategy *)*state;
}

/* ---- basic get/put ---------------------------------------------------- */
static void test_basic(void **state)
{
	enum dpamt_strategy s = st_of(state);
	struct fx *x = fx_new(s);
	struct dpamt_cache c = { 0 };
	uint64_t pa = 2 * GiB + 3 * MiB2 + 0x5000, pb = pa + 0x4000;
	uint64_t out0;

	printf("strategy %s\n", dpamt_strategy_name(s));
	/* Dense: 4 GiB / 2 MiB words, though the TDMR covers half. */
	assert_int_equal(stats(x).refcount_bytes, 2048 * 4);
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 6), 0);
	assert_int_equal(dpamt_get(x->dp, pa, &c), 0);
	assert_int_equal(x->f.add_ok, 1);
	assert_int_equal(c.n, 4);
	out0 = x->f.pages_out;
	assert_int_equal(dpamt_get(x->dp, pb, &c), 0); /* fast path */
	assert_int_equal(x->f.adds, 1);
	/* v3 took a pair before its fast path and freed it to the
	 * allocator; v6 did not touch the cache. */
	assert_int_equal(c.n, s == DPAMT_STRATEGY_LINUX_V3 ? 2 : 4);
	assert_int_equal(x->f.pages_out,
			 out0 - (s == DPAMT_STRATEGY_LINUX_V3 ? 2 : 0));
	assert_int_equal(dpamt_refcount(x->dp, pa), 2);
	assert_true(dpamt_range_installed(x->dp, pb));
	assert_int_equal(dpamt_put(x->dp, pa, &c), 0);
	assert_int_equal(x->f.removes, 0);
	assert_int_equal(dpamt_put(x->dp, pb, &c), 0);
	assert_int_equal(x->f.remove_ok, 1);
	assert_int_equal(dpamt_refcount(x->dp, pa), 0);
	assert_false(dpamt_range_installed(x->dp, pa));
	assert_int_equal(dpamt_put(x->dp, pa, &c), DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(x->dp, pa), 0);
	assert_int_equal(dpamt_get(x->dp, 1 * GiB, &c), DPAMT_EINVAL);
	assert_int_equal(stats(x).pamt_add_ok, 1);
	assert_int_equal(stats(x).pamt_remove_ok, 1);
	assert_int_equal(stats(x).pairs_now, 0);
	dpamt_cache_drain(x->dp, &c);
	assert_int_equal(fake_pairs(&x->f), 0);
	fx_free(x);
}

/* No cache: the pair pages come from the allocator and go back to it. */
static void test_no_cache(void **state)
{
	struct fx *x = fx_new(st_of(state));
	uint64_t pa = 3 * GiB;

	assert_int_equal(dpamt_get(x->dp, pa, NULL), 0);
	assert_int_equal(dpamt_get(x->dp, pa + 0x1000, NULL), 0);
	assert_int_equal(x->f.pages_out, 2); /* only the installed pair */
	assert_int_equal(dpamt_put(x->dp, pa, NULL), 0);
	assert_int_equal(dpamt_put(x->dp, pa + 0x1000, NULL), 0);
	assert_int_equal(x->f.pages_out, 0);
	fx_free(x);
}

/* ---- fault injection -------------------------------------------------- */
static void test_v6_busy(void **state)
{
	struct fx *x = fx_new(DPAMT_STRATEGY_LINUX_V6);
	uint64_t pa = 3 * GiB + 0x2000;

	(void)state;
	x->f.add_busy_next = 1;
	assert_int_equal(dpamt_get(x->dp, pa, NULL), DPAMT_EIO);
	assert_int_equal(x->f.adds, 1);          /* no retry */
	assert_int_equal(stats(x).get_failures, 1);
	assert_int_equal(stats(x).busy_retries, 0);
	assert_int_equal(dpamt_refcount(x->dp, pa), 0);
	assert_int_equal(x->f.pages_out, 0);     /* pages freed */
	assert_int_equal(dpamt_get(x->dp, pa, NULL), 0);
	x->f.remove_busy_next = 1;
	assert_int_equal(dpamt_put(x->dp, pa, NULL), 0); /* caller not told */
	assert_int_equal(x->f.removes, 1);       /* no retry */
	assert_int_equal(stats(x).pairs_pinned, 1);
	assert_int_equal(stats(x).remove_deferred, 0);
	assert_int_equal(dpamt_refcount(x->dp, pa), 1); /* nobody holds it */
	assert_true(dpamt_range_installed(x->dp, pa));
	assert_int_equal(fake_pairs(&x->f), 1);
	assert_int_equal(dpamt_retry_deferred(x->dp), 0); /* for good */
	assert_int_equal(fake_pairs(&x->f), 1);
	fx_free(x);
}

static void test_v3_busy(void **state)
{
	struct fx *x = fx_new(DPAMT_STRATEGY_LINUX_V3);
	uint64_t pa = 3 * GiB + 0x2000;

	(void)state;
	x->f.add_busy_next = 1;
	assert_int_equal(dpamt_get(x->dp, pa, NULL), 0); /* "success" */
	assert_int_equal(x->f.adds, 1);
	assert_int_equal(stats(x).gets_no_pair, 1);
	assert_int_equal(stats(x).get_failures, 0);
	assert_int_equal(dpamt_refcount(x->dp, pa), 0);
	assert_int_equal(fake_pairs(&x->f), 0);  /* the page has no pair */
	assert_int_equal(x->f.pages_out, 0);
	assert_int_equal(dpamt_get(x->dp, pa, NULL), 0);
	assert_int_equal(fake_pairs(&x->f), 1);
	x->f.remove_busy_next = 1;
	assert_int_equal(dpamt_put(x->dp, pa, NULL), 0);
	assert_int_equal(x->f.removes, 1);
	assert_int_equal(stats(x).pairs_pinned, 1);
	assert_int_equal(dpamt_refcount(x->dp, pa), 1);
	assert_int_equal(fake_pairs(&x->f), 1);
	fx_free(x);
}

/* ---- the put-outside-the-lock race, forced ---------------------------- */
#define R (1500 * MiB2)
#define PY (R + 0x3000)
#define PZ (R + 0x7000)

/* Put A drops the last reference and parks before the lock; a get and
 * put B run; then A goes on.  Returns A's result. */
static int double_remove(struct model_host *h, enum dpamt_strategy s)
{
	struct dpamt_config c = ht_cfg(MEM, s);
	struct ht_sched sc = { .n = 0 };
	struct ht_stop *a_stop;
	struct ht_op a;
	int ret;

	ht_host(h, MEM, &c, NULL, NULL);
	ht_sched_attach(h, &sc);
	assert_int_equal(dpamt_get(h->dp, PY, NULL), 0);
	a_stop = ht_add_stop(&sc, 1, DPAMT_YP_PUT_FAST_MISS);
	ht_op_start(&a, h, 1, true, PY);
	ht_wait_reached(a_stop);
	assert_int_equal(dpamt_get(h->dp, PZ, NULL), 0);
	assert_int_equal(dpamt_put(h->dp, PZ, NULL), 0);
	sem_post(&a_stop->go);
	ret = ht_op_join(&a);
	ht_sched_fini(&sc);
	h->mo.yield_hook = NULL;
	return ret;
}

static void test_v3_double_remove(void **state)
{
	struct dpamt_check_opts o = { .all_gone = true };
	struct model_host h;
	struct dpamt_stats st;

	(void)state;
	assert_int_equal(double_remove(&h, DPAMT_STRATEGY_LINUX_V3), 0);
	dpamt_stats(h.dp, &st);
	assert_int_equal(st.add_not_free, 1);   /* "a put is pending" */
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 2);
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 1);
	assert_int_equal(st.pairs_pinned, 1);   /* count back up... */
	assert_int_equal(dpamt_refcount(h.dp, PY), 1);
	assert_int_equal(st.pairs_now, 0);      /* ...on a range with none */
	assert_true(ht_check(&h, &o) > 0);      /* and the check says so */
	model_host_destroy(&h);
}

static void test_v6_double_remove(void **state)
{
	struct dpamt_check_opts o = { .all_gone = true };
	struct model_host h;
	struct dpamt_stats st;

	(void)state;
	assert_int_equal(double_remove(&h, DPAMT_STRATEGY_LINUX_V6), 0);
	dpamt_stats(h.dp, &st);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD), 1);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 1);
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
	assert_int_equal(st.pairs_pinned, 0);
	assert_int_equal(ht_check(&h, &o), 0);
	model_host_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_prestate(test_basic, (void *)&st_v6),
		cmocka_unit_test_prestate(test_basic, (void *)&st_v3),
		cmocka_unit_test_prestate(test_no_cache, (void *)&st_v6),
		cmocka_unit_test_prestate(test_no_cache, (void *)&st_v3),
		cmocka_unit_test(test_v6_busy),
		cmocka_unit_test(test_v3_busy),
		cmocka_unit_test(test_v3_double_remove),
		cmocka_unit_test(test_v6_double_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
