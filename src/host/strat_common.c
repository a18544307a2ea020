/*
 * strat_common.c - building blocks shared by the strategies whose
 * refcount word is a plain count: the idle (deferred-remove) retry pass,
 * DEMOTE/PROMOTE bookkeeping, and the temporary page cache used when get
 * is called without one.  (inc_not_zero / dec_not_one are inline in
 * strategy.h: the core's fast path uses them.)
 */
#include "host/strategy.h"

uint32_t dp_count_plain(uint32_t word)
{
	return word;
}

/* DEMOTE installed a pair for idx with n pages in TD use. */
int dp_adopt_plain(struct dpamt *m, uint64_t idx, uint32_t n)
{
	int ret = DPAMT_OK;

	dp_lock_acquire(m, &m->lock);
	if (dp_load_relaxed32(&m->refs[idx]) != 0 || dp_idle_test(m, idx))
		ret = DPAMT_EINVAL; /* range was 4K-tracked already */
	else
		dp_store_release32(&m->refs[idx], n);
	dp_lock_release(m, &m->lock);
	if (ret == DPAMT_OK)
		dp_stat_pair_installed(m);
	return ret;
}

/* PROMOTE took idx's pair; its n references go with it. */
int dp_release_plain(struct dpamt *m, uint64_t idx, uint32_t n)
{
	uint32_t v = n;
	int ret = DPAMT_OK;

	dp_lock_acquire(m, &m->lock);
	if (!dp_cas_acq_rel32(&m->refs[idx], &v, 0))
		ret = DPAMT_EINVAL;
	dp_lock_release(m, &m->lock);
	if (ret == DPAMT_OK)
		dp_stat_pair_removed(m);
	return ret;
}

/* Lock held.  REMOVE every idle range; returns how many stay idle. */
unsigned dp_retry_idle_locked(struct dpamt *m)
{
	unsigned pending = 0;

	for (uint64_t w = 0; w < (m->n_ranges + 63) / 64; w++) {
		uint64_t bits = dp_load_acquire64(&m->idle[w]);

		while (bits) {
			uint64_t idx = w * 64 + (uint64_t)__builtin_ctzll(bits);
			enum dp_remove_result r;

			bits &= bits - 1;
			if (dp_load_acquire32(&m->refs[idx]) != 0) {
				dp_idle_clear(m, idx); /* back in use */
				continue;
			}
			r = dp_pair_remove(m, idx, 0);
			if (r == DP_REMOVE_DONE || r == DP_REMOVE_NO_PAIR)
				dp_idle_clear(m, idx);
			else
				pending++;
		}
	}
	return pending;
}

unsigned dp_retry_deferred_locked(struct dpamt *m)
{
	unsigned pending;

	if (dp_load_relaxed64(&m->n_idle) == 0)
		return 0;
	dp_lock_acquire(m, &m->lock);
	pending = dp_retry_idle_locked(m);
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
