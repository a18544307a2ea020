/*
 * strat_ref_linux_v3.c - REFERENCE ONLY: the install/remove protocol of
 * the seed series (Linux v3, Sept 2025), rebuilt from its published
 * description so that sim, sweep and bench can show it next to ours and
 * exploration can show its races.  Not a production strategy: it is
 * unsound (below) and never retries BUSY.
 *
 * get: takes two pair pages before anything else, even when the fast
 * path then succeeds (unused ones go back to the allocator); fast path
 * inc_not_zero; else under the global lock: re-check (non-zero: take a
 * reference), else one PAMT.ADD: success sets the count to 1;
 * HPA_RANGE_NOT_FREE is read as "a put is still on its way" and takes a
 * reference on the pair already there; any other answer is logged
 * (gets_no_pair++) and the get reports success with no pair installed.
 * put: atomic_dec_and_test *outside* the lock; only the put that reached
 * 0 takes the lock, re-checks the count is still 0 and issues one
 * PAMT.REMOVE; success frees the pages, any error is logged and the count
 * incremented back (pairs_pinned++).  Between the decrement and the lock
 * a get and a second put can run, and both puts then REMOVE: the second
 * one gets NO_PAMT_PAGE_PAIR and leaves a count of 1 on a range with no
 * pair (docs/strategies.md).
 * Refcounts: strat_ref_common.c (dense, whole physical address space).
 */
#include "host/strat_ref.h"

/* Lock held, count 0: one ADD and the seed's reading of its answer. */
static void v3_install_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			      dp_atomic32_t *w, const uint64_t *pages,
			      bool *used)
{
	uint64_t st = dp_ref_add_locked(m, idx, pa, w, pages, used);

	if (dpamt_tdx_status_class(st) == DPAMT_TDX_HPA_RANGE_NOT_FREE)
		dp_fetch_add_acq_rel32(w, 1); /* "a put is pending" */
	else if (!dpamt_tdx_is_success(st))
		dp_stat_inc(m, DP_ST_gets_no_pair); /* logged; get "succeeds" */
}

/* Concurrency: any thread; takes the manager's global lock on the slow
 * path; c is the caller's. */
static int v3_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	dp_atomic32_t *w = dp_ref_word_pa(m, pa);
	uint64_t pages[DP_MAX_PAIR_PAGES] = { 0, 0 };
	bool used = false;
	int err = dp_ref_pages_take(m, c, pages);

	if (err)
		return err;
	if (dp_inc_not_zero(w)) {
		dp_ref_pages_free(m, pages);
		*fast = true;
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_GET_FAST_MISS, pa);
	dp_lock_acquire(m, &m->lock);
	if (dp_load_acquire32(w) != 0)
		dp_fetch_add_acq_rel32(w, 1);
	else
		v3_install_locked(m, idx, pa, w, pages, &used);
	dp_lock_release(m, &m->lock);
	if (!used)
		dp_ref_pages_free(m, pages);
	return DPAMT_OK;
}

/* Global lock held, count seen 0 again: one REMOVE, or (logged) the
 * count incremented back. */
static void v3_remove_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     dp_atomic32_t *w)
{
	if (!dp_ref_remove_locked(m, idx, pa))
		dp_fetch_add_acq_rel32(w, 1);
}

/* Concurrency: any thread; the decrement runs outside any lock (that is
 * the bug), the REMOVE under the manager's global lock. */
static int v3_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	dp_atomic32_t *w = dp_ref_word_pa(m, pa);
	uint32_t old = dp_fetch_sub_acq_rel32(w, 1);

	(void)c; /* freed pages go to the allocator */
	if (old == 0) {
		dp_fetch_add_acq_rel32(w, 1); /* unbalanced: undo */
		return DPAMT_EINVAL;
	}
	if (old > 1) {
		*fast = true;
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
	dp_lock_acquire(m, &m->lock);
	if (dp_load_acquire32(w) == 0)
		v3_remove_locked(m, idx, pa, w);
	dp_lock_release(m, &m->lock);
	return DPAMT_OK;
}

const struct dp_strategy dp_strat_ref_linux_v3 = {
	.name = "linux-v3",
	.init = dp_ref_init,
	.fini = dp_ref_fini,
	.get = v3_get,
	.put = v3_put,
	.retry_deferred = dp_ref_retry_none,
	.count = dp_count_plain,
	.adopt = dp_plain_adopt,
	.release = dp_plain_release,
	.lock_for = dp_lock_global,
	.ref_word = dp_ref_word_of,
};
