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

static int dp_static_get(struct dpamt *m, uint64_t idx)
{
	dp_fetch_add_acq_rel32(&m->refs[idx], 1);
	return DPAMT_OK;
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

/* Concurrency: see dpamt.h (any get/put at once; cache is the caller's).
 * The general entry: any fast-path mode, atomic hook or not. */
static DP_NOINLINE int dp_get_any(struct dpamt *m, uint64_t pa,
				  struct dpamt_cache *cache)
{
	int64_t idx = dp_range_index(m, pa);
	uint32_t old = 0;

	if (idx >= 0 && m->fast != DP_FAST_NONE) {
		dp_atomic32_t *w = &m->refs[idx];

		old = m->fast == DP_FAST_ONE ? dp_rc_get_rmw(w)
					     : dp_rc_get_cas(w);
		if (dp_rc_get_done(old))
			return dp_fast_done(m, cache, false);
	}
	return dp_get_slow(m, idx, pa, cache, old);
}

static DP_NOINLINE int dp_put_any(struct dpamt *m, uint64_t pa,
				  struct dpamt_cache *cache)
{
	int64_t idx = dp_range_index(m, pa);
	uint32_t old = 0;

	if (idx >= 0 && m->fast != DP_FAST_NONE) {
		dp_atomic32_t *w = &m->refs[idx];

		old = m->fast == DP_FAST_ONE ? dp_rc_put_rmw(w)
					     : dp_rc_put_cas(w);
		if (dp_rc_put_done(old))
			return dp_fast_done(m, cache, true);
	}
	return dp_put_slow(m, idx, pa, cache, old);
}

/*
 * The entries: the one-atomic mode with no atomic hook on this thread
 * (every production run) takes the RMW here, with one hook test per call
 * instead of one per atomic, and stays a leaf that tail-calls everything
 * else; any other mode or a hooked thread (the simulator) goes through
 * dp_get_any/dp_put_any, which do the same with a hook test at each
 * atomic.  Same result either way (dp_atomic.h).
 */
int dpamt_get(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache)
{
	int64_t idx;
	uint32_t old;

	if (dp_atomic_hooked() || m->fast != DP_FAST_ONE)
		return dp_get_any(m, pa, cache);
	idx = dp_range_index(m, pa);
	if (idx < 0)
		return dp_get_slow(m, idx, pa, cache, 0);
	old = dp_rc_get_rmw_unhooked(&m->refs[idx]);
	if (dp_rc_get_done(old))
		return dp_fast_done(m, cache, false);
	return dp_get_slow(m, idx, pa, cache, old);
}

int dpamt_put(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache)
{
	int64_t idx;
	uint32_t old;

	if (dp_atomic_hooked() || m->fast != DP_FAST_ONE)
		return dp_put_any(m, pa, cache);
	idx = dp_range_index(m, pa);
	if (idx < 0)
		return dp_put_slow(m, idx, pa, cache, 0);
	old = dp_rc_put_rmw_unhooked(&m->refs[idx]);
	if (dp_rc_put_done(old))
		return dp_fast_done(m, cache, true);
	return dp_put_slow(m, idx, pa, cache, old);
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
