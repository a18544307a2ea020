/*
 * strat_broken_hint.c - TEST ONLY.  Trusts the module instead of host
 * refcounts, like Linux's v1 posting: get always issues PAMT.ADD and takes
 * HPA_RANGE_NOT_FREE as "installed, fine"; put always tries PAMT.REMOVE
 * and lets the module refuse it (PAMT_PAGE_NOT_EMPTY: pages still in use,
 * i.e. no removal hint).  The window between a get's ADD and the caller's
 * AUG is invisible to the module, so a put of a neighbouring page can
 * remove the pair under it: the AUG then fails MISSING_PAMT_PAGE_PAIR
 * (the v3 cover letter's CPU0/CPU1 race).  The refcount words are kept for
 * introspection only; no decision reads them.
 */
#include "host/strategy.h"
#include "strategies/broken/broken.h"

static int hint_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		    struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	struct dpamt_cache tmp, *use;
	int err;

	use = dp_tmp_cache_begin(m, c, &tmp, &err);
	if (err)
		return err;
	/* BROKEN: no lock, no look at the refcount: always ADD. */
	err = dp_get_add(m, idx, pa, use);
	if (!err)
		dp_fetch_add_acq_rel32(&m->refs[idx], 1);
	dp_tmp_cache_end(m, c, &tmp);
	return err;
}

static int hint_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		    struct dpamt_cache *c, uint32_t rmw, bool *fast)
{
	uint32_t prev = dp_fetch_sub_acq_rel32(&m->refs[idx], 1);

	if (prev == 0) {
		dp_fetch_add_acq_rel32(&m->refs[idx], 1);
		return DPAMT_EINVAL;
	}
	dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
	switch (dp_pair_remove(m, idx, c)) {
	case DP_REMOVE_DONE:
		dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
		return DPAMT_OK;
	case DP_REMOVE_NOT_EMPTY: /* "no hint": still in use */
	case DP_REMOVE_NO_PAIR:   /* someone else removed it */
		return DPAMT_OK;
	case DP_REMOVE_BUSY:
		dp_stat_inc(m, DP_ST_remove_deferred);
		return DPAMT_OK;
	default:
		return DPAMT_EIO;
	}
}

static unsigned hint_retry(struct dpamt *m)
{
	return 0;
}

const struct dp_strategy dp_strat_broken_hint = {
	.name = "broken-hint",
	.get = hint_get,
	.put = hint_put,
	.retry_deferred = hint_retry,
	.count = dp_count_plain,
	.adopt = dp_plain_adopt,
	.release = dp_plain_release,
};
