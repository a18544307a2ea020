/*
 * getput.c - dpamt_get / dpamt_put / dpamt_retry_deferred: map the page
 * to its range, run the zoned strategies' fast path inline (one atomic
 * RMW, rczone.h; the CAS loop with cfg.fast_path_cas), count the call
 * (in the caller's cache when there is one: one plain increment, no
 * extra atomic), and hand everything else to the strategy, out of line
 * so the fast path stays a leaf.  Static mode only counts references: no
 * SEAMCALL, no pairs.
 */
#include "host/strategy.h"

/* Static mode: refs[idx] is the count alone.  A get that would pass
 * DP_RC_MAXREF references (the zoned strategies' bound) is taken back
 * and refused, as dpamt.h promises, instead of wrapping to 0. */
static int dp_static_get(struct dpamt *m, uint64_t idx)
{
	if (dp_fetch_add_acq_rel32(&m->refs[idx], 1) < DP_RC_MAXREF)
		return DPAMT_OK;
	dp_fetch_sub_acq_rel32(&m->refs[idx], 1);
	return DPAMT_EINVAL;
}

static int dp_static_put(struct dpamt *m, uint64_t idx)
{
	uint32_t v = dp_load_relaxed32(&m->refs[idx]);

	while (v != 0)
		if (dp_cas_acq_rel32(&m->refs[idx], &v, v - 1))
			return DPAMT_OK;
	return DPAMT_EINVAL; /* unbalanced put */
}

/* A fast-path call that decided: count it, in the cache if any. */
static inline int dp_fast_done(struct dpamt *m, struct dpamt_cache *c,
			       bool put)
{
	if (c && put)
		c->local_fast_puts++;
	else if (c)
		c->local_fast_gets++;
	else
		dp_cache_count(m, c, put, true);
	return DPAMT_OK;
}

/* Everything the fast path did not decide.  idx < 0: no TDMR has pa;
 * zoned: old is what the fast path's RMW returned. */
static DP_NOINLINE int dp_get_slow(struct dpamt *m, int64_t idx, uint64_t pa,
				   struct dpamt_cache *cache, uint32_t old)
{
	bool fast = false;
	int err;

	if (idx < 0) {
		dp_cache_count(m, cache, false, false);
		dp_stat_inc(m, DP_ST_get_failures);
		return DPAMT_EINVAL;
	}
	if (m->dynamic)
		err = m->strat->get(m, (uint64_t)idx, pa, cache, old, &fast);
	else
		err = dp_static_get(m, (uint64_t)idx), fast = true;
	dp_cache_count(m, cache, false, fast && !err);
	if (err)
		dp_stat_inc(m, DP_ST_get_failures);
	return err;
}

static DP_NOINLINE int dp_put_slow(struct dpamt *m, int64_t idx, uint64_t pa,
				   struct dpamt_cache *cache, uint32_t old)
{
	bool fast = false;
	int err;

	if (idx < 0) {
		dp_cache_count(m, cache, true, false);
		return DPAMT_EINVAL;
	}
	if (m->dynamic)
		err = m->strat->put(m, (uint64_t)idx, pa, cache, old, &fast);
	else
		err = dp_static_put(m, (uint64_t)idx), fast = true;
	dp_cache_count(m, cache, true, fast && !err);
	return err;
}

/*
 * One get or put: map pa to its range, run the fast path's RMW, and hand
 * whatever it did not decide to the slow path.  unhooked: the caller saw
 * no atomic hook on this thread and the one-atomic mode, so the RMW skips
 * the hook's test (dp_atomic.h); otherwise any fast-path mode, each
 * atomic reporting to the hook.  Always inlined with a constant
 * unhooked, so each caller compiles to one straight path.
 */
static inline __attribute__((__always_inline__)) int
dp_getput(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache, bool put,
	  bool unhooked)
{
	int64_t idx = dp_range_index(m, pa);
	uint32_t old = 0;

	if (idx >= 0 && m->fast != DP_FAST_NONE) {
		dp_atomic32_t *w = &m->refs[idx];

		if (unhooked)
			old = put ? dp_rc_put_rmw_unhooked(w)
				  : dp_rc_get_rmw_unhooked(w);
		else if (m->fast == DP_FAST_ONE)
			old = put ? dp_rc_put_rmw(w) : dp_rc_get_rmw(w);
		else
			old = put ? dp_rc_put_cas(w) : dp_rc_get_cas(w);
		if (put ? dp_rc_put_done(old) : dp_rc_get_done(old))
			return dp_fast_done(m, cache, put);
	}
	return put ? dp_put_slow(m, idx, pa, cache, old)
		   : dp_get_slow(m, idx, pa, cache, old);
}

/* The general path: a hooked thread (the simulator) or the CAS mode. */
static DP_NOINLINE int dp_get_any(struct dpamt *m, uint64_t pa,
				  struct dpamt_cache *cache)
{
	return dp_getput(m, pa, cache, false, false);
}

static DP_NOINLINE int dp_put_any(struct dpamt *m, uint64_t pa,
				  struct dpamt_cache *cache)
{
	return dp_getput(m, pa, cache, true, false);
}

/*
 * Concurrency: see dpamt.h (any get/put at once; cache is the caller's).
 * A thread with no atomic hook in the one-atomic mode (every production
 * caller) tests the hook once per call, not once per atomic, and stays a
 * leaf that tail-calls the rest; anything else takes dp_get_any /
 * dp_put_any.  Same result either way.
 */
int dpamt_get(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache)
{
	if (dp_atomic_hooked() || m->fast != DP_FAST_ONE)
		return dp_get_any(m, pa, cache);
	return dp_getput(m, pa, cache, false, true);
}

int dpamt_put(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache)
{
	if (dp_atomic_hooked() || m->fast != DP_FAST_ONE)
		return dp_put_any(m, pa, cache);
	return dp_getput(m, pa, cache, true, true);
}

/* Concurrency: any time, like put. */
unsigned dpamt_retry_deferred(struct dpamt *m)
{
	if (!m->dynamic)
		return 0;
	if (m->strat->reclaim)
		return dp_shrink_to(m, m->cfg.max_idle_pairs);
	return m->strat->retry_deferred(m);
}
