/*
 * strat_common.c - building blocks shared by the strategies whose
 * refcount word is a plain count: the idle (deferred-remove) retry pass
 * and the temporary page cache used when get is called without one.
 * DEMOTE/PROMOTE bookkeeping takes a range lock: strat_locked.c.
 * (inc_not_zero / dec_not_one are inline in strategy.h: the core's fast
 * path uses them.)
 */
#include "host/strategy.h"

uint32_t dp_count_plain(uint32_t word)
{
	return word;
}

/* idx's lock held, idx seen idle: REMOVE its pair; true if still idle. */
bool dp_retry_range_locked(struct dpamt *m, uint64_t idx)
{
	enum dp_remove_result r;

	if (!dp_idle_test(m, idx))
		return false; /* revived or removed since the scan */
	if (dp_load_acquire32(&m->refs[idx]) != 0) {
		dp_idle_clear(m, idx); /* back in use */
		return false;
	}
	r = dp_pair_remove(m, idx, 0);
	if (r == DP_REMOVE_DONE || r == DP_REMOVE_NO_PAIR) {
		dp_idle_clear(m, idx);
		return false;
	}
	return true;
}

/* Call one() on every range in the idle bitmap; count its true answers. */
unsigned dp_idle_scan(struct dpamt *m,
		      bool (*one)(struct dpamt *m, uint64_t idx))
{
	unsigned pending = 0;

	for (uint64_t w = 0; w < (m->n_ranges + 63) / 64; w++) {
		uint64_t bits = dp_load_acquire64(&m->idle[w]);

		while (bits) {
			uint64_t idx = w * 64 + (uint64_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			pending += one(m, idx);
		}
	}
	return pending;
}

/* Concurrency: any thread; one pass under the manager's global lock. */
unsigned dp_retry_deferred_locked(struct dpamt *m)
{
	unsigned pending;

	if (dp_load_relaxed64(&m->n_idle) == 0)
		return 0;
	dp_lock_acquire(m, &m->lock);
	pending = dp_idle_scan(m, dp_retry_range_locked);
	dp_lock_release(m, &m->lock);
	return pending;
}

struct dpamt_cache *dp_tmp_cache_begin(struct dpamt *m,
				       struct dpamt_cache *given,
				       struct dpamt_cache *tmp, int *err)
{
	*err = DPAMT_OK;
	if (given)
		return given;
	tmp->n = 0;
	tmp->local_gets = tmp->local_puts = 0;
	tmp->local_fast_gets = tmp->local_fast_puts = 0;
	*err = dpamt_cache_topup(m, tmp, m->md.pages_per_pair);
	if (*err)
		dp_tmp_cache_end(m, given, tmp);
	return tmp;
}

void dp_tmp_cache_end(struct dpamt *m, struct dpamt_cache *given,
		      struct dpamt_cache *tmp)
{
	if (!given)
		dpamt_cache_drain(m, tmp);
}
