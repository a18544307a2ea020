/*
 * test_host_core.c - unit tests of the freestanding host core against the
 * exact fake module (fake_module.c): transitions, static fallback, the
 * cache and pages per pair, HPA_RANGE_NOT_FREE, BUSY retry and deferral,
 * allocation failures at create, demote/promote, sparse refcounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpamt/dpamt.h"
#include "host/fake_module.h"
#include "strategies/broken/broken.h"

#define GiB (1ULL << 30)
#define MiB2 (2ULL << 20)

struct fx {
	struct fake f;
	struct dpamt *dp;
	struct dpamt_config cfg;
};

static void cfg_one(struct dpamt_config *c, uint64_t size)
{
	memset(c, 0, sizeof(*c));
	c->strategy = DPAMT_STRATEGY_GLOBAL_LOCK;
	c->n_tdmrs = 1;
	c->tdmrs[0].size = size;
	c->busy_retries = 3;
}

static struct fx *fx_new(bool supported, unsigned ppp, enum dpamt_mode md)
{
	struct fx *x = test_calloc(1, sizeof(*x));

	fake_init(&x->f, 4 * GiB);
	x->f.dpamt_supported = supported;
	x->f.pages_per_pair = ppp;
	x->f.entry_size_4k = ppp * 8;
	cfg_one(&x->cfg, 4 * GiB);
	x->cfg.mode = md;
	assert_int_equal(dpamt_create(&x->cfg, &x->f.ops, &x->dp), 0);
	return x;
}

static void fx_free(struct fx *x)
{
	dpamt_destroy(x->dp);
	assert_int_equal(x->f.mem_out_bytes, 0);
	assert_int_equal(x->f.contig_out_bytes, 0);
	fake_fini(&x->f);
	test_free(x);
}

static void test_one_add_one_remove(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };
	struct dpamt_stats s;
	uint64_t pa = 3 * MiB2 + 5 * 4096, pb = 3 * MiB2 + 9 * 4096;

	(void)state;
	assert_true(dpamt_is_dynamic(x->dp));
	assert_int_equal(dpamt_pages_per_get(x->dp), 2);
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 4), 0);
	assert_int_equal(dpamt_get(x->dp, pa, &c), 0);
	assert_int_equal(x->f.add_ok, 1);
	assert_int_equal(c.n, 2);
	assert_int_equal(dpamt_get(x->dp, pb, &c), 0);
	assert_int_equal(dpamt_get(x->dp, pa, &c), 0);
	assert_int_equal(x->f.adds, 1);
	assert_int_equal(dpamt_refcount(x->dp, pa), 3);
	assert_true(dpamt_range_installed(x->dp, pb));
	assert_int_equal(dpamt_put(x->dp, pa, &c), 0);
	assert_int_equal(dpamt_put(x->dp, pb, &c), 0);
	assert_int_equal(x->f.removes, 0);
	assert_int_equal(dpamt_put(x->dp, pa, &c), 0);
	assert_int_equal(x->f.removes, 1);
	assert_int_equal(x->f.remove_ok, 1);
	assert_int_equal(c.n, 4); /* pair pages came back to the cache */
	assert_int_equal(dpamt_put(x->dp, pa, &c), DPAMT_EINVAL);
	dpamt_cache_drain(x->dp, &c);
	dpamt_stats(x->dp, &s);
	assert_int_equal(s.gets, 3);
	assert_int_equal(s.fast_gets, 2);
	assert_int_equal(s.puts, 4);
	assert_int_equal(s.fast_puts, 2);
	assert_int_equal(s.pamt_add_ok, 1);
	assert_int_equal(s.pamt_remove_ok, 1);
	assert_int_equal(s.pairs_now, 0);
	assert_int_equal(s.pairs_peak, 1);
	assert_int_equal(s.dynamic_bytes_peak, 2 * 4096);
	assert_int_equal(x->f.pages_out, 0);
	fx_free(x);
}

/* ops->cpu for test_peak_across_stripes: the stripe the next counter
 * update goes to, set by the test (the fake is struct fx's first member,
 * and ctx points at it). */
struct fx_cpu {
	struct fx x;
	unsigned cpu;
};

static unsigned fx_cpu_of(void *ctx)
{
	return ((struct fx_cpu *)ctx)->cpu;
}

/*
 * The pair count and its peak when installs and removes land on
 * different statistics stripes (ops->cpu chosen per call): every stripe
 * keeps only its own +1/-1 and share of the peak (src/host/stats.c), yet
 * with calls one at a time pairs_now and pairs_peak must be exact: here
 * pairs move between 16 ranges, each call on a stripe of a fixed
 * pseudo-random sequence, against a reference count.
 */
static void test_peak_across_stripes(void **state)
{
	struct fx_cpu *y = test_calloc(1, sizeof(*y));
	struct fx *x = &y->x;
	struct dpamt_cache c = { 0 };
	struct dpamt_stats s;
	uint64_t r = 0x9E3779B97F4A7C15ULL, now = 0, peak = 0;
	bool held[16] = { false };

	(void)state;
	fake_init(&x->f, 4 * GiB);
	x->f.ops.cpu = fx_cpu_of;
	cfg_one(&x->cfg, 4 * GiB);
	assert_int_equal(dpamt_create(&x->cfg, &x->f.ops, &x->dp), 0);
	for (unsigned step = 0; step < 2000; step++) {
		unsigned k;

		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		k = (unsigned)(r >> 8) % 16;
		y->cpu = (unsigned)(r >> 32) % 13; /* wraps over 8 stripes */
		/* bias towards installs early, removes late: the peak
		 * moves up, then is left behind */
		if (!held[k] && ((r >> 40) % 4 != 0 || step < 1000)) {
			assert_int_equal(dpamt_cache_topup(x->dp, &c, 2), 0);
			assert_int_equal(dpamt_get(x->dp, k * MiB2, &c), 0);
			held[k] = true;
			peak = ++now > peak ? now : peak;
		} else if (held[k]) {
			assert_int_equal(dpamt_put(x->dp, k * MiB2, &c), 0);
			held[k] = false;
			now--;
		}
		dpamt_stats(x->dp, &s);
		assert_int_equal(s.pairs_now, now);
		assert_int_equal(s.pairs_peak, peak);
		assert_int_equal(s.dynamic_bytes_peak, peak * 2 * 4096);
	}
	assert_true(peak > 8); /* the sequence reached past one stripe */
	for (unsigned k = 0; k < 16; k++)
		if (held[k])
			assert_int_equal(dpamt_put(x->dp, k * MiB2, &c), 0);
	dpamt_cache_drain(x->dp, &c);
	dpamt_stats(x->dp, &s);
	assert_int_equal(s.pairs_now, 0);
	assert_int_equal(s.pairs_peak, peak);
	dpamt_destroy(x->dp);
	fake_fini(&x->f);
	test_free(y);
}

static void test_static_fallback(void **state)
{
	static const struct {
		bool sup;
		enum dpamt_mode mode;
	} cases[] = { { false, DPAMT_MODE_AUTO }, { true, DPAMT_MODE_STATIC } };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct fx *x = fx_new(cases[i].sup, 2, cases[i].mode);
		struct dpamt_stats s;

		assert_false(dpamt_is_dynamic(x->dp));
		assert_false(x->f.dynamic);
		assert_int_equal(dpamt_pages_per_get(x->dp), 0);
		assert_int_equal(dpamt_get(x->dp, 4096, NULL), 0);
		assert_int_equal(dpamt_get(x->dp, 8192, NULL), 0);
		assert_int_equal(dpamt_put(x->dp, 4096, NULL), 0);
		assert_int_equal(dpamt_put(x->dp, 8192, NULL), 0);
		assert_int_equal(x->f.adds + x->f.removes, 0);
		assert_int_equal(x->f.pages_out, 0);
		dpamt_stats(x->dp, &s);
		assert_int_equal(s.static_bytes, s.classic_bytes);
		assert_int_equal(s.gets, 2);
		fx_free(x);
	}
}

static void test_dynamic_unsupported(void **state)
{
	struct fake f;
	struct dpamt_config c;
	struct dpamt *dp = NULL;

	(void)state;
	fake_init(&f, 4 * GiB);
	f.dpamt_supported = false;
	cfg_one(&c, 4 * GiB);
	c.mode = DPAMT_MODE_DYNAMIC;
	assert_int_equal(dpamt_create(&c, &f.ops, &dp), DPAMT_EINVAL);
	assert_int_equal(f.mem_out_bytes, 0);
	assert_int_equal(f.contig_out_bytes, 0);
	fake_fini(&f);
}

static void test_pages_per_pair_one(void **state)
{
	struct fx *x = fx_new(true, 1, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };

	(void)state;
	assert_int_equal(dpamt_pages_per_get(x->dp), 1);
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 1), 0);
	assert_int_equal(dpamt_get(x->dp, 0, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(x->f.pair_pages[0][1], 0); /* R8 unused */
	assert_int_equal(dpamt_get(x->dp, MiB2, &c), DPAMT_ENOMEM);
	assert_int_equal(x->f.adds, 1);
	assert_int_equal(dpamt_put(x->dp, 0, &c), 0);
	assert_int_equal(c.n, 1);
	dpamt_cache_drain(x->dp, &c);
	assert_int_equal(x->f.pages_out, 0);
	fx_free(x);
}

static void test_add_not_free(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };
	struct dpamt_stats s;

	(void)state;
	x->f.pair[7] = true; /* someone left a pair there */
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 2), 0);
	assert_int_equal(dpamt_get(x->dp, 7 * MiB2, &c), 0);
	assert_int_equal(c.n, 2); /* unused pages returned */
	assert_int_equal(dpamt_refcount(x->dp, 7 * MiB2), 1);
	dpamt_stats(x->dp, &s);
	assert_int_equal(s.add_not_free, 1);
	assert_int_equal(s.pamt_add_ok, 0);
	dpamt_cache_drain(x->dp, &c);
	fx_free(x);
}

static void test_busy_add_fails_clean(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };
	struct dpamt_stats s;

	(void)state;
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 2), 0);
	x->f.add_busy_next = 4; /* budget 3 retries: 4 calls, all BUSY */
	assert_int_equal(dpamt_get(x->dp, MiB2, &c), DPAMT_EBUSY);
	assert_int_equal(c.n, 2);
	assert_int_equal(dpamt_refcount(x->dp, MiB2), 0);
	assert_false(dpamt_range_installed(x->dp, MiB2));
	dpamt_stats(x->dp, &s);
	assert_int_equal(s.busy_retries, 3);
	assert_int_equal(s.pamt_add_calls, 4);
	assert_int_equal(s.get_failures, 1);
	x->f.add_busy_next = 2; /* within budget now */
	assert_int_equal(dpamt_get(x->dp, MiB2, &c), 0);
	assert_int_equal(x->f.add_ok, 1);
	assert_int_equal(dpamt_put(x->dp, MiB2, &c), 0);
	dpamt_cache_drain(x->dp, &c);
	assert_int_equal(x->f.pages_out, 0);
	fx_free(x);
}

static void test_busy_remove_deferred(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_stats s;

	(void)state;
	assert_int_equal(dpamt_get(x->dp, 9 * MiB2, NULL), 0);
	assert_int_equal(x->f.pages_out, 2);
	x->f.remove_busy_next = 4;
	assert_int_equal(dpamt_put(x->dp, 9 * MiB2, NULL), 0);
	assert_true(dpamt_range_idle(x->dp, 9 * MiB2));
	assert_true(dpamt_range_installed(x->dp, 9 * MiB2));
	assert_int_equal(dpamt_idle_ranges(x->dp), 1);
	assert_int_equal(x->f.pages_out, 2); /* module still owns them */
	/* A get reuses the idle pair: no ADD. */
	assert_int_equal(dpamt_get(x->dp, 9 * MiB2, NULL), 0);
	assert_int_equal(x->f.adds, 1);
	assert_false(dpamt_range_idle(x->dp, 9 * MiB2));
	x->f.remove_busy_next = 4;
	assert_int_equal(dpamt_put(x->dp, 9 * MiB2, NULL), 0);
	x->f.remove_busy_next = 4;
	assert_int_equal(dpamt_retry_deferred(x->dp), 1);
	assert_int_equal(dpamt_retry_deferred(x->dp), 0);
	assert_false(dpamt_range_installed(x->dp, 9 * MiB2));
	assert_int_equal(x->f.pages_out, 0);
	assert_int_equal(x->f.remove_ok, 1);
	dpamt_stats(x->dp, &s);
	assert_int_equal(s.remove_deferred, 2);
	assert_int_equal(s.pairs_now, 0);
	fx_free(x);
}

static void test_create_alloc_fail_every_k(void **state)
{
	(void)state;
	for (uint64_t k = 1;; k++) {
		struct fake f;
		struct dpamt_config c;
		struct dpamt *dp = NULL;
		int err;

		fake_init(&f, 4 * GiB);
		f.fail_nth = k;
		cfg_one(&c, 4 * GiB);
		err = dpamt_create(&c, &f.ops, &dp);
		if (err == 0) {
			assert_true(f.alloc_calls < k); /* no failure hit */
			dpamt_destroy(dp);
		} else {
			assert_int_equal(err, DPAMT_ENOMEM);
		}
		assert_int_equal(f.mem_out_bytes, 0);
		assert_int_equal(f.contig_out_bytes, 0);
		fake_fini(&f);
		if (err == 0)
			break;
		assert_true(k < 100);
	}
}

static void test_demote_promote(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };
	uint64_t pair[2];

	(void)state;
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 4), 0);
	assert_int_equal(dpamt_demote_prepare(x->dp, &c, pair), 0);
	assert_int_equal(c.n, 2);
	dpamt_demote_abort(x->dp, &c, pair);
	assert_int_equal(c.n, 4);
	assert_int_equal(dpamt_demote_prepare(x->dp, &c, pair), 0);
	assert_int_equal(dpamt_demote_commit(x->dp, 5 * MiB2, pair), 0);
	assert_int_equal(dpamt_refcount(x->dp, 5 * MiB2), 512);
	assert_true(dpamt_range_installed(x->dp, 5 * MiB2));
	assert_int_equal(dpamt_demote_commit(x->dp, 5 * MiB2, pair),
			 DPAMT_EINVAL);
	assert_int_equal(dpamt_promote_commit(x->dp, 5 * MiB2, pair), 0);
	assert_int_equal(dpamt_refcount(x->dp, 5 * MiB2), 0);
	dpamt_cache_drain(x->dp, &c);
	assert_int_equal(x->f.pages_out, 0);
	fx_free(x);
}

/* PROMOTE gave the pair back: it goes to the allocator even when the
 * host's count disagrees (the count error is reported, not the pages). */
static void test_promote_mismatch_frees_pair(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };
	struct dpamt_stats st;
	uint64_t pair[2];

	(void)state;
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 2), 0);
	assert_int_equal(dpamt_demote_prepare(x->dp, &c, pair), 0);
	assert_int_equal(dpamt_demote_commit(x->dp, 7 * MiB2, pair), 0);
	assert_int_equal(dpamt_put(x->dp, 7 * MiB2, &c), 0); /* 511 now */
	assert_int_equal(dpamt_promote_commit(x->dp, 7 * MiB2, pair),
			 DPAMT_EINVAL);
	dpamt_stats(x->dp, &st);
	assert_int_equal(st.put_failures, 1);
	assert_int_equal(x->f.pages_out, 0); /* the pair is back */
	fx_free(x);
}

/* Once RECLAIM succeeded the page is the host's: a failing put (here an
 * unbalanced one) is counted, and reclaim still says "yours". */
static void test_reclaim_put_failure_not_a_leak(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_stats st;

	(void)state;
	assert_int_equal(dpamt_reclaim_page(x->dp, 9 * MiB2, NULL), 0);
	dpamt_stats(x->dp, &st);
	assert_int_equal(st.put_failures, 1);
	assert_int_equal(st.reclaim_failures, 0);
	fx_free(x);
}

/* dpamt_for_each_range callback: count the ranges, keep the last. */
struct seen {
	unsigned n;
	uint64_t pa;
	uint32_t refs;
	bool installed;
};

static void seen_range(void *arg, uint64_t pa_2m, uint32_t refs,
		       bool installed)
{
	struct seen *sn = arg;

	sn->n++;
	sn->pa = pa_2m;
	sn->refs = refs;
	sn->installed = installed;
}

static void test_sparse_refcounts(void **state)
{
	struct fake f;
	struct dpamt_config c;
	struct dpamt *dp = NULL;
	struct dpamt_stats s;
	uint64_t hi = 4096 * GiB;

	(void)state;
	fake_init(&f, 8 * GiB);
	cfg_one(&c, 64 * GiB);
	c.n_tdmrs = 2;
	c.tdmrs[1].base = hi;
	c.tdmrs[1].size = 64 * GiB;
	assert_int_equal(dpamt_create(&c, &f.ops, &dp), 0);
	dpamt_stats(dp, &s);
	/* 128 GiB of ranges: 65536 words + 1024 idle-bitmap words. */
	assert_int_equal(s.refcount_bytes, 65536 * 4);
	assert_int_equal(s.idle_bitmap_bytes, 1024 * 8);
	assert_int_equal(dpamt_get(dp, hi + GiB, NULL), 0);
	assert_int_equal(dpamt_refcount(dp, hi + GiB + 4096), 1);
	assert_int_equal(dpamt_refcount(dp, GiB), 0);
	/* the one referenced range, and only it, is visited */
	struct seen sn = { 0 };
	dpamt_for_each_range(dp, seen_range, &sn);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.pa, hi + GiB);
	assert_int_equal(sn.refs, 1);
	assert_int_equal(sn.installed, dpamt_is_dynamic(dp));
	assert_int_equal(dpamt_get_strategy(dp), c.strategy);
	assert_int_equal(dpamt_get(dp, 100 * GiB, NULL), DPAMT_EINVAL);
	assert_int_equal(dpamt_put(dp, hi + GiB, NULL), 0);
	dpamt_destroy(dp);
	assert_int_equal(f.mem_out_bytes, 0);
	fake_fini(&f);
}

static void test_strategy_table(void **state)
{
	struct fake f;
	struct dpamt_config c;
	struct dpamt *dp = NULL;

	(void)state;
	for (unsigned s = 0; s < DPAMT_TEST_STRATEGY_END; s++)
		assert_int_equal(dpamt_strategy_from_name(
					 dpamt_strategy_name(s)), (int)s);
	assert_int_equal(dpamt_strategy_from_name("nope"), -1);
	/* the test-only ones come through the seam, past the public enum */
	assert_int_equal(dpamt_strategy_from_name("broken-v3-put"),
			 (int)DPAMT_TEST_STRATEGY_BROKEN_V3_PUT);
	assert_int_equal(dpamt_strategy_from_name("broken-hint"),
			 (int)DPAMT_TEST_STRATEGY_BROKEN_HINT);
	assert_null(dpamt_strategy_name(DPAMT_TEST_STRATEGY_END));
	assert_true(dpamt_strategy_available(DPAMT_STRATEGY_GLOBAL_LOCK));
	fake_init(&f, 4 * GiB);
	cfg_one(&c, 4 * GiB);
	for (unsigned s = 0; s < DPAMT_TEST_STRATEGY_END; s++) {
		c.strategy = s;
		int err = dpamt_create(&c, &f.ops, &dp);

		assert_int_equal(err, dpamt_strategy_available(s)
				 ? 0 : DPAMT_EINVAL);
		if (!err)
			dpamt_destroy(dp);
	}
	c.strategy = DPAMT_TEST_STRATEGY_END;
	assert_int_equal(dpamt_create(&c, &f.ops, &dp), DPAMT_EINVAL);
	c.strategy = DPAMT_STRATEGY_GLOBAL_LOCK;
	c.tdmrs[0].base = GiB / 2; /* unaligned */
	assert_int_equal(dpamt_create(&c, &f.ops, &dp), DPAMT_EINVAL);
	fake_fini(&f);
}


#ifdef DPAMT_ATOMIC_HOOK
#include "host/dp_atomic.h"

struct hook_seen {
	unsigned writes, others;
};

static void hook_count(void *arg, const void *word, enum dp_atomic_kind k)
{
	struct hook_seen *h = arg;

	(void)word;
	if (k == DP_AT_WRITE)
		h->writes++;
	else
		h->others++;
}

/* The fast path tests the hook once per call (getput.c): a thread with a
 * hook (the simulator's) must still see the RMW of every fast-path get
 * and put, exactly one each, and a thread without one must take the
 * same decisions. */
static void test_fast_path_hook_entries(void **state)
{
	struct fx *x = fx_new(true, 2, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };
	struct hook_seen seen = { 0, 0 };
	const struct dp_atomic_hook hook = { hook_count, &seen };
	uint64_t pa = 7 * MiB2;

	(void)state;
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 2), 0);
	assert_int_equal(dpamt_get(x->dp, pa, &c), 0); /* installs */
	dp_atomic_hook_set(&hook);
	assert_int_equal(dpamt_get(x->dp, pa, &c), 0);
	assert_int_equal(seen.writes, 1);
	assert_int_equal(dpamt_put(x->dp, pa, &c), 0);
	assert_int_equal(seen.writes, 2);
	dp_atomic_hook_set(NULL);
	assert_int_equal(dpamt_get(x->dp, pa, &c), 0);
	assert_int_equal(dpamt_put(x->dp, pa, &c), 0);
	assert_int_equal(seen.writes, 2); /* unhooked: nothing reported */
	assert_int_equal(c.local_fast_gets, 2);
	assert_int_equal(c.local_fast_puts, 2);
	assert_int_equal(dpamt_refcount(x->dp, pa), 1);
	assert_int_equal(dpamt_put(x->dp, pa, &c), 0);
	assert_false(dpamt_range_installed(x->dp, pa));
	dpamt_cache_drain(x->dp, &c);
	fx_free(x);
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_add_one_remove),
		cmocka_unit_test(test_static_fallback),
		cmocka_unit_test(test_dynamic_unsupported),
		cmocka_unit_test(test_pages_per_pair_one),
		cmocka_unit_test(test_add_not_free),
		cmocka_unit_test(test_busy_add_fails_clean),
		cmocka_unit_test(test_busy_remove_deferred),
		cmocka_unit_test(test_create_alloc_fail_every_k),
		cmocka_unit_test(test_demote_promote),
		cmocka_unit_test(test_promote_mismatch_frees_pair),
		cmocka_unit_test(test_reclaim_put_failure_not_a_leak),
		cmocka_unit_test(test_sparse_refcounts),
		cmocka_unit_test(test_strategy_table),
		cmocka_unit_test(test_peak_across_stripes),
#ifdef DPAMT_ATOMIC_HOOK
		cmocka_unit_test(test_fast_path_hook_entries),
#endif
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
