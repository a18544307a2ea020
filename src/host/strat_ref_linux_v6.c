/*
 * strat_ref_linux_v6.c - REFERENCE ONLY: the install/remove protocol of
 * the latest posted Linux Dynamic PAMT series (v6, May 2026), rebuilt
 * from its published description so that sim, sweep and bench can show
 * the posted design next to ours.  Not a production strategy: it does
 * not retry BUSY, so a busy module fails a get or pins a pair for good.
 *
 * get: inc_not_zero fast path; else take two pair pages, take the global
 * lock; if the count became non-zero meanwhile, increment it; else one
 * PAMT.ADD: success sets the count to 1, ANY other answer (BUSY and
 * HPA_RANGE_NOT_FREE included) fails the get with DPAMT_EIO.  Unused
 * pages go back to the allocator.
 * put: dec_not_one fast path; else atomic_dec_and_lock: under the global
 * lock, the decrement that reaches 0 issues one PAMT.REMOVE; success frees
 * the two pages, any failure sets the count back to 1 (pairs_pinned++):
 * the pair stays installed with a reference nobody holds.
 * Refcounts: strat_ref_common.c (dense, whole physical address space).
 */
#include "host/strat_ref.h"

/* Lock held, count 0: install with one ADD; any other answer than
 * success (BUSY included) fails the get.  *used: the pages went in. */
static int v6_install_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     dp_atomic32_t *w, const uint64_t *pages,
			     bool *used)
{
	if (dpamt_tdx_is_success(dp_ref_add_locked(m, idx, pa, w, pages, used)))
		return DPAMT_OK;
	return DPAMT_EIO; /* warn once, no retry */
}

/* Concurrency: any thread; takes the manager's global lock on the slow
 * path; c is the caller's. */
static int v6_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	dp_atomic32_t *w = dp_ref_word_pa(m, pa);
	uint64_t pages[DP_MAX_PAIR_PAGES] = { 0, 0 };
	bool used = false;
	int err;

	if (dp_inc_not_zero(w)) {
		*fast = true;
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_GET_FAST_MISS, pa);
	err = dp_ref_pages_take(m, c, pages);
	if (err)
		return err;
	dp_lock_acquire(m, &m->lock);
	if (dp_load_acquire32(w) != 0)
		dp_fetch_add_acq_rel32(w, 1); /* installed while we waited */
	else
		err = v6_install_locked(m, idx, pa, w, pages, &used);
	dp_lock_release(m, &m->lock);
	if (!used)
		dp_ref_pages_free(m, pages);
	return err;
}

/* Global lock held, count just reached 0: one REMOVE, or pin the pair
 * (warn once, count back to 1 for good). */
static void v6_remove_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     dp_atomic32_t *w)
{
	if (!dp_ref_remove_locked(m, idx, pa))
		dp_store_release32(w, 1);
}

/* Concurrency: any thread; takes the manager's global lock when the
 * fast path sees the last reference (atomic_dec_and_lock). */
static int v6_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	dp_atomic32_t *w = dp_ref_word_pa(m, pa);
	uint32_t seen = 0, old;

	(void)c; /* freed pages go to the allocator */
	if (dp_dec_not_one(w, &seen)) {
		*fast = true;
		return DPAMT_OK;
	}
	if (seen == 0)
		return DPAMT_EINVAL; /* unbalanced put */
	dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
	dp_lock_acquire(m, &m->lock);
	old = dp_fetch_sub_acq_rel32(w, 1);
	if (old == 1)
		v6_remove_locked(m, idx, pa, w);
	else if (old == 0)
		dp_fetch_add_acq_rel32(w, 1); /* unbalanced: undo */
	dp_lock_release(m, &m->lock);
	return old == 0 ? DPAMT_EINVAL : DPAMT_OK;
}

const struct dp_strategy dp_strat_ref_linux_v6 = {
	.name = "linux-v6",
	.init = dp_ref_init,
	.fini = dp_ref_fini,
	.get = v6_get,
	.put = v6_put,
	.retry_deferred = dp_ref_retry_none,
	.count = dp_count_plain,
	.adopt = dp_plain_adopt,
	.release = dp_plain_release,
	.lock_for = dp_lock_global,
	.ref_word = dp_ref_word_of,
};
