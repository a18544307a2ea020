/*
 * strat_broken_v3_put.c - TEST ONLY.  The v3 series' put: the last
 * reference is dropped outside the lock and re-checked under it.  Between
 * the two, a get can see 0 under the lock, meet HPA_RANGE_NOT_FREE from
 * PAMT.ADD and set 1, and a second put can drop to 0 again: both puts then
 * find 0 under the lock and both call PAMT.REMOVE, the second one getting
 * NO_PAMT_PAGE_PAIR (docs/design.md §1).  Kept so the verification can
 * show it catches this.  get is the plain seed get (no idle reuse): the
 * lock-based get of strat_locked.c with the v3 series' install step.
 */
#include "host/strategy.h"
#include "strategies/broken/broken.h"

/* Lock held, no reference: the v3 series' install (no idle reuse). */
static int v3_install_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     struct dpamt_cache *c)
{
	int err = dp_get_add(m, idx, pa, c);

	if (!err)
		dp_fetch_add_acq_rel32(&m->refs[idx], 1);
	return err;
}

static int v3_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	return dp_plain_get_via(m, idx, pa, c, fast, v3_install_locked);
}

/* BROKEN: the last reference is dropped before the lock is taken. */
static int v3_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	uint32_t prev = dp_fetch_sub_acq_rel32(&m->refs[idx], 1);
	int err = DPAMT_OK;

	if (prev == 0) {
		dp_fetch_add_acq_rel32(&m->refs[idx], 1);
		return DPAMT_EINVAL;
	}
	if (prev > 1) {
		*fast = true;
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
	dp_lock_acquire(m, &m->lock);
	if (dp_load_acquire32(&m->refs[idx]) == 0) {
		dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
		switch (dp_pair_remove(m, idx, c)) {
		case DP_REMOVE_DONE:
			dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
			break;
		case DP_REMOVE_BUSY:
			dp_stat_inc(m, DP_ST_remove_deferred);
			dp_idle_set(m, idx);
			break;
		default:
			err = DPAMT_EIO; /* e.g. the double REMOVE */
			break;
		}
	}
	dp_lock_release(m, &m->lock);
	return err;
}

const struct dp_strategy dp_strat_broken_v3_put = {
	.name = "broken-v3-put",
	.get = v3_get,
	.put = v3_put,
	.retry_deferred = dp_plain_retry_deferred,
	.count = dp_count_plain,
	.adopt = dp_plain_adopt,
	.release = dp_plain_release,
};
