/*
 * test_host_misuse.c - the public API's documented checks, tried as a
 * careless caller would, on every built strategy (and static mode)
 * against the exact fake module: a DEMOTE/PROMOTE commit given an
 * address inside the 2 MiB page instead of its base (was rounded down
 * and accepted), a cache that was never zero-initialised (was trusted:
 * topup said "full", get took pages from past the array), and the
 * argument checks dpamt.h promises (NULLs at create and sizing, put
 * without get, oversized cache fills), a refcount at its bound (static
 * mode wrapped to 0), and static mode's DEMOTE/PROMOTE bookkeeping
 * (was added/subtracted blindly).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpamt/dpamt.h"
#include "host/fake_module.h"
#include "host/strategy.h" /* white-box: a word at its bound */

#define GiB (1ULL << 30)
#define MiB2 (2ULL << 20)

/* A manager over a 4 GiB fake module with strategy s (mode md). */
static struct dpamt *up(struct fake *f, enum dpamt_strategy s,
			enum dpamt_mode md)
{
	struct dpamt_config c;
	struct dpamt *dp = NULL;

	fake_init(f, 4 * GiB);
	memset(&c, 0, sizeof(c));
	c.mode = md;
	c.strategy = s;
	c.n_tdmrs = 1;
	c.tdmrs[0].size = 4 * GiB;
	c.busy_retries = 3;
	assert_int_equal(dpamt_create(&c, &f->ops, &dp), 0);
	return dp;
}

static void down(struct fake *f, struct dpamt *dp)
{
	dpamt_destroy(dp);
	assert_int_equal(f->pages_out, 0);
	assert_int_equal(f->mem_out_bytes, 0);
	fake_fini(f);
}

/* Commit with pa inside the 2 MiB page: refused, nothing moved; the
 * base itself then works as before. */
static void unaligned_commit(enum dpamt_strategy s, enum dpamt_mode md)
{
	static struct fake f;
	struct dpamt *dp = up(&f, s, md);
	struct dpamt_cache c = { 0 };
	const uint64_t base = 5 * MiB2;
	uint64_t pair[2];

	assert_int_equal(dpamt_cache_topup(dp, &c, 2), 0);
	assert_int_equal(dpamt_demote_prepare(dp, &c, pair), 0);
	assert_int_equal(dpamt_demote_commit(dp, base + 4096, pair),
			 DPAMT_EINVAL);
	assert_int_equal(dpamt_demote_commit(dp, base + MiB2 / 2, pair),
			 DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(dp, base), 0);
	assert_int_equal(dpamt_demote_commit(dp, base, pair), 0);
	assert_int_equal(dpamt_refcount(dp, base), 512);
	assert_int_equal(dpamt_promote_commit(dp, base + 4096, pair),
			 DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(dp, base), 512);
	assert_int_equal(dpamt_promote_commit(dp, base, pair), 0);
	assert_int_equal(dpamt_refcount(dp, base), 0);
	dpamt_cache_drain(dp, &c);
	down(&f, dp);
}

static void test_commit_needs_2m_base(void **state)
{
	(void)state;
	for (unsigned s = 0; s < DPAMT_STRATEGY_COUNT; s++)
		if (dpamt_strategy_available(s))
			unaligned_commit(s, DPAMT_MODE_AUTO);
	unaligned_commit(DPAMT_STRATEGY_GLOBAL_LOCK, DPAMT_MODE_STATIC);
}

/* A stack cache without "= { 0 }": n is garbage.  Refused where a page
 * would be taken from it; drain leaves it empty without freeing any of
 * its (never allocated) entries. */
static void garbage_cache(enum dpamt_strategy s)
{
	static struct fake f;
	struct dpamt *dp = up(&f, s, DPAMT_MODE_AUTO);
	struct dpamt_cache c;
	uint64_t pair[2];

	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(dpamt_cache_topup(dp, &c, 2), DPAMT_EINVAL);
	assert_int_equal(dpamt_get(dp, 3 * MiB2, &c), DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(dp, 3 * MiB2), 0);
	assert_int_equal(f.adds, 0);
	assert_int_equal(dpamt_demote_prepare(dp, &c, pair), DPAMT_EINVAL);
	c.local_fast_gets = c.local_fast_puts = 0;
	c.local_slow_gets = c.local_slow_puts = 0;
	dpamt_cache_drain(dp, &c);
	assert_int_equal(c.n, 0);
	/* the same cache zeroed is a cache */
	assert_int_equal(dpamt_cache_topup(dp, &c, 2), 0);
	assert_int_equal(dpamt_get(dp, 3 * MiB2, &c), 0);
	assert_int_equal(dpamt_put(dp, 3 * MiB2, &c), 0);
	dpamt_cache_drain(dp, &c);
	down(&f, dp);
}

static void test_uninitialised_cache(void **state)
{
	(void)state;
	for (unsigned s = 0; s < DPAMT_STRATEGY_COUNT; s++)
		if (dpamt_strategy_available(s))
			garbage_cache(s);
}

/* The checks dpamt.h documents, each returning what it says. */
static void test_documented_checks(void **state)
{
	static struct fake f;
	struct dpamt *dp = up(&f, DPAMT_STRATEGY_LOCKLESS, DPAMT_MODE_AUTO);
	struct dpamt_cache c = { 0 };
	struct dpamt_metadata md;
	struct dpamt_sizing sz;
	struct dpamt_range r[DPAMT_MAX_TDMRS + 1];
	struct dpamt_config cfg;
	struct dpamt_ops ops = f.ops;
	struct dpamt *other = NULL;

	(void)state;
	dpamt_metadata_default(&md);
	for (unsigned i = 0; i <= DPAMT_MAX_TDMRS; i++)
		r[i] = (struct dpamt_range){ (uint64_t)i * GiB, GiB };
	assert_int_equal(dpamt_size(&md, r, DPAMT_MAX_TDMRS, &sz), 0);
	assert_int_equal(dpamt_size(&md, r, DPAMT_MAX_TDMRS + 1, &sz),
			 DPAMT_EINVAL);
	assert_int_equal(dpamt_size(&md, r, 0, &sz), DPAMT_EINVAL);
	md.pages_per_pair = 0;
	assert_int_equal(dpamt_size(&md, r, 1, &sz), DPAMT_EINVAL);
	dpamt_metadata_default(&md);
	assert_int_equal(dpamt_size(NULL, r, 1, &sz), DPAMT_EINVAL);
	assert_int_equal(dpamt_size(&md, NULL, 1, &sz), DPAMT_EINVAL);
	assert_int_equal(dpamt_size(&md, r, 1, NULL), DPAMT_EINVAL);
	r[1].base = 0;
	assert_int_equal(dpamt_size(&md, r, 2, &sz), DPAMT_EINVAL);
	r[1].base = 0xffffffffc0000000ULL;
	r[1].size = 2 * GiB; /* wraps past 2^64 */
	assert_int_equal(dpamt_size(&md, r, 2, &sz), DPAMT_EINVAL);

	memset(&cfg, 0, sizeof(cfg));
	cfg.n_tdmrs = 1;
	cfg.tdmrs[0].size = 4 * GiB;
	assert_int_equal(dpamt_create(NULL, &ops, &other), DPAMT_EINVAL);
	assert_int_equal(dpamt_create(&cfg, NULL, &other), DPAMT_EINVAL);
	assert_int_equal(dpamt_create(&cfg, &ops, NULL), DPAMT_EINVAL);
	ops.seamcall = NULL;
	assert_int_equal(dpamt_create(&cfg, &ops, &other), DPAMT_EINVAL);
	ops = f.ops;
	ops.pair_free = ops.page_free; /* without pair_alloc */
	assert_int_equal(dpamt_create(&cfg, &ops, &other), DPAMT_EINVAL);
	cfg.n_tdmrs = DPAMT_MAX_TDMRS + 1;
	assert_int_equal(dpamt_create(&cfg, &f.ops, &other), DPAMT_EINVAL);
	assert_null(other);

	assert_int_equal(dpamt_cache_topup(dp, &c, DPAMT_CACHE_MAX + 1),
			 DPAMT_EINVAL);
	assert_int_equal(c.n, 0);
	assert_int_equal(dpamt_put(dp, 7 * MiB2, &c), DPAMT_EINVAL);
	assert_int_equal(dpamt_get(dp, 4 * GiB, &c), DPAMT_EINVAL);
	assert_int_equal(dpamt_get(dp, UINT64_MAX, &c), DPAMT_EINVAL);
	assert_int_equal(dpamt_get(dp, 7 * MiB2, &c), DPAMT_ENOMEM);
	assert_int_equal(dpamt_cache_topup(dp, &c, 2), 0);
	assert_int_equal(dpamt_get(dp, 7 * MiB2, &c), 0);
	assert_int_equal(dpamt_put(dp, 7 * MiB2, &c), 0);
	assert_int_equal(dpamt_put(dp, 7 * MiB2, &c), DPAMT_EINVAL);
	assert_null(dpamt_strategy_name((enum dpamt_strategy)1000));
	assert_int_equal(dpamt_strategy_from_name(NULL), -1);
	assert_non_null(dpamt_strerror(12345));
	dpamt_cache_drain(dp, &c);
	down(&f, dp);
}

/* Set pa's range word (white-box: 2^30 real gets would take seconds). */
static void set_word(struct dpamt *dp, uint64_t pa, uint32_t w)
{
	dp_store_release32(&dp->refs[dp_range_index(dp, pa)], w);
}

/* A range at DP_RC_MAXREF references: one more get is refused and
 * changes nothing; back at one reference the range drains cleanly.
 * zoned: the word's encoding (rczone.h) or the plain count (static). */
static void at_bound(enum dpamt_strategy s, enum dpamt_mode md, bool zoned)
{
	static struct fake f;
	struct dpamt *dp = up(&f, s, md);
	const uint64_t pa = 7 * MiB2 + 4096;
	const uint32_t base = zoned ? DP_RC_LIVE : 0;

	assert_int_equal(dpamt_get(dp, pa, NULL), 0);
	set_word(dp, pa, base + DP_RC_MAXREF);
	assert_int_equal(dpamt_refcount(dp, pa), DP_RC_MAXREF);
	assert_int_equal(dpamt_get(dp, pa, NULL), DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(dp, pa), DP_RC_MAXREF);
	set_word(dp, pa, base + DP_RC_MAXREF - 1);
	assert_int_equal(dpamt_get(dp, pa, NULL), 0); /* the last one fits */
	assert_int_equal(dpamt_refcount(dp, pa), DP_RC_MAXREF);
	set_word(dp, pa, base + 1);
	assert_int_equal(dpamt_put(dp, pa, NULL), 0);
	assert_int_equal(dpamt_refcount(dp, pa), 0);
	down(&f, dp);
}

static void test_refcount_bound(void **state)
{
	(void)state;
	at_bound(DPAMT_STRATEGY_GLOBAL_LOCK, DPAMT_MODE_STATIC, false);
	at_bound(DPAMT_STRATEGY_GLOBAL_LOCK, DPAMT_MODE_AUTO, true);
	at_bound(DPAMT_STRATEGY_HASHED, DPAMT_MODE_AUTO, true);
	at_bound(DPAMT_STRATEGY_LOCKLESS, DPAMT_MODE_AUTO, true);
}

/* Static mode: DEMOTE commit needs a range with no references, PROMOTE
 * exactly 512; otherwise nothing changes (it added and subtracted 512
 * whatever the count was). */
static void test_static_huge_exact(void **state)
{
	static struct fake f;
	struct dpamt *dp = up(&f, DPAMT_STRATEGY_GLOBAL_LOCK,
			      DPAMT_MODE_STATIC);
	const uint64_t base = 9 * MiB2, pair[2] = { 0, 0 };

	(void)state;
	assert_int_equal(dpamt_promote_commit(dp, base, pair), DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(dp, base), 0);
	assert_int_equal(dpamt_get(dp, base + 4096, NULL), 0);
	assert_int_equal(dpamt_demote_commit(dp, base, pair), DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(dp, base), 1);
	assert_int_equal(dpamt_put(dp, base + 4096, NULL), 0);
	assert_int_equal(dpamt_demote_commit(dp, base, pair), 0);
	assert_int_equal(dpamt_refcount(dp, base), 512);
	assert_int_equal(dpamt_put(dp, base + 4096, NULL), 0);
	assert_int_equal(dpamt_promote_commit(dp, base, pair), DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(dp, base), 511);
	assert_int_equal(dpamt_get(dp, base + 4096, NULL), 0);
	assert_int_equal(dpamt_promote_commit(dp, base, pair), 0);
	assert_int_equal(dpamt_refcount(dp, base), 0);
	down(&f, dp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_needs_2m_base),
		cmocka_unit_test(test_uninitialised_cache),
		cmocka_unit_test(test_documented_checks),
		cmocka_unit_test(test_refcount_bound),
		cmocka_unit_test(test_static_huge_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
