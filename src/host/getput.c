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

/* The inline fast path counts here, without a call. */
static inline bool dp_fast_counted(struct dpamt_cache *c, bool put)
{
	if (!c)
		return false;
	if (put) {
		c->local_puts++;
		c->local_fast_puts++;
	} else {
		c->local_gets++;
		c->local_fast_gets++;
	}
	return true;
}

/* Concurrency: see dpamt.h (any get/put at once; cache is the caller's). */
int dpamt_get(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache)
{
	int64_t idx = dp_range_index(m, pa);
	bool fast = false;
	int err;

	if (idx >= 0 && m->plain_fast && dp_inc_not_zero(&m->refs[idx])) {
		if (!dp_fast_counted(cache, false))
			dp_cache_count(m, cache, false, true);
		return DPAMT_OK;
	}

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
	uint32_t seen;
	int err;

	if (idx >= 0 && m->plain_fast && dp_dec_not_one(&m->refs[idx], &seen)) {
		if (!dp_fast_counted(cache, true))
			dp_cache_count(m, cache, true, true);
		return DPAMT_OK;
	}

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
