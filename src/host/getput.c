/*
 * getput.c - dpamt_get / dpamt_put / dpamt_retry_deferred: map the page
 * to its range, count the call (in the caller's cache when there is one:
 * no extra atomic RMW on the fast path), and hand dynamic mode to the
 * strategy.  Static mode only counts references: no SEAMCALL, no pairs.
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

/* Concurrency: see dpamt.h (any get/put at once; cache is the caller's). */
int dpamt_get(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache)
{
	int64_t idx = dp_range_index(m, pa);
	bool fast = false;
	int err;

	if (idx < 0) {
		dp_cache_count(m, cache, false, false);
		dp_stat_inc(m, DP_ST_get_failures);
		return DPAMT_EINVAL;
	}
	if (m->dynamic)
		err = m->strat->get(m, (uint64_t)idx, pa, cache, &fast);
	else
		err = dp_static_get(m, (uint64_t)idx), fast = true;
	dp_cache_count(m, cache, false, fast && !err);
	if (err)
		dp_stat_inc(m, DP_ST_get_failures);
	return err;
}

int dpamt_put(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache)
{
	int64_t idx = dp_range_index(m, pa);
	bool fast = false;
	int err;

	if (idx < 0) {
		dp_cache_count(m, cache, true, false);
		return DPAMT_EINVAL;
	}
	if (m->dynamic)
		err = m->strat->put(m, (uint64_t)idx, pa, cache, &fast);
	else
		err = dp_static_put(m, (uint64_t)idx), fast = true;
	dp_cache_count(m, cache, true, fast && !err);
	return err;
}

/* Concurrency: any time, like put. */
unsigned dpamt_retry_deferred(struct dpamt *m)
{
	if (!m->dynamic)
		return 0;
	return m->strat->retry_deferred(m);
}
