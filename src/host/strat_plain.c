/*
 * strat_plain.c - the plain-count lock-based protocol the test-only
 * broken strategies are built from, and the DEMOTE/PROMOTE bookkeeping
 * the linux-* references share with them (the seed's word: the count is the
 * count itself, every change of it a CAS loop, installs and removes
 * under the manager's global lock).  The production strategies use the
 * zoned word instead (rczone.h, strat_locked.c, strat_lockless.c).
 *
 * get: inc_not_zero; else take the lock, re-check, reuse an idle pair or
 * run the strategy's install step.  The idle bitmap here is exact: it is
 * changed only under the global lock.
 */
#include "host/strategy.h"

uint32_t dp_count_plain(uint32_t word)
{
	return word;
}

/* Concurrency: any thread; takes the global lock on the slow path,
 * where install() runs if the range still has no reference. */
int dp_plain_get_via(struct dpamt *m, uint64_t idx, uint64_t pa,
		     struct dpamt_cache *c, bool *fast, dp_install_fn install)
{
	struct dpamt_cache tmp, *use;
	int err;

	if (dp_inc_not_zero(&m->refs[idx])) {
		*fast = true;
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_GET_FAST_MISS, pa);
	use = dp_tmp_cache_begin(m, c, &tmp, &err);
	if (err)
		return err;
	dp_lock_acquire(m, &m->lock);
	if (dp_inc_not_zero(&m->refs[idx]))
		err = DPAMT_OK; /* installed while we waited */
	else
		err = install(m, idx, pa, use);
	dp_lock_release(m, &m->lock);
	dp_tmp_cache_end(m, c, &tmp);
	return err;
}

/* DEMOTE installed a pair for idx with n pages in TD use.
 * Concurrency: any thread; takes the global lock. */
int dp_plain_adopt(struct dpamt *m, uint64_t idx, uint32_t n)
{
	dp_atomic32_t *w = dp_ref_word(m, idx);
	int ret = DPAMT_OK;

	dp_lock_acquire(m, &m->lock);
	if (dp_load_relaxed32(w) != 0 || dp_idle_test(m, idx))
		ret = DPAMT_EINVAL; /* the range was 4K-tracked already */
	else
		dp_store_release32(w, n);
	dp_lock_release(m, &m->lock);
	if (ret == DPAMT_OK)
		dp_stat_pair_installed(m);
	return ret;
}

/* PROMOTE took idx's pair; its n references go with it.
 * Concurrency: any thread; takes the global lock. */
int dp_plain_release(struct dpamt *m, uint64_t idx, uint32_t n)
{
	uint32_t v = n;
	int ret = DPAMT_OK;

	dp_lock_acquire(m, &m->lock);
	if (!dp_cas_acq_rel32(dp_ref_word(m, idx), &v, 0))
		ret = DPAMT_EINVAL;
	dp_lock_release(m, &m->lock);
	if (ret == DPAMT_OK)
		dp_stat_pair_removed(m);
	return ret;
}

/* Global lock held, idx seen idle: REMOVE its pair; true if still idle. */
static bool dp_plain_retry_one(struct dpamt *m, uint64_t idx)
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

/* Concurrency: any thread; one pass under the manager's global lock. */
unsigned dp_plain_retry_deferred(struct dpamt *m)
{
	unsigned pending = 0;

	if (dp_load_relaxed64(&m->n_idle) == 0)
		return 0;
	dp_lock_acquire(m, &m->lock);
	for (uint64_t w = 0; w < BM_WORDS(m->n_ranges); w++) {
		uint64_t bits = dp_load_acquire64(&m->idle[w]);

		while (bits) {
			uint64_t idx = w * 64 + dp_ctz64(bits);

			bits &= bits - 1;
			pending += dp_plain_retry_one(m, idx);
		}
	}
	dp_lock_release(m, &m->lock);
	return pending;
}
