/*
 * rczone.c - the slow-path steps every zoned strategy shares (rczone.h,
 * docs/refcount.md): REMOVE from the OWNED zone and publish the outcome,
 * reclaim one idle range, undo a misused put, DEMOTE/PROMOTE
 * bookkeeping.  Whoever calls them owns the range's transition by the
 * strategy's rule (global-lock/hashed: the range's lock; lockless: the
 * OWNED bit it set by CAS).
 */
#include "host/strategy.h"

/*
 * We own idx's word at OWNED + k (k strays: gets waiting): PAMT.REMOVE.
 * Removed: publish ABSENT + k (the strays' gets will ADD again).  Still
 * installed (BUSY past the budget, or a refusal): publish LIVE + k (the
 * strays become references); with none, the pair is idle, and its bit is
 * set after it is published (the order shrink.c relies on).
 * Returns 0 (removed), DPAMT_EBUSY (kept: BUSY) or DPAMT_EIO.
 */
int dp_zone_remove_owned(struct dpamt *m, uint64_t idx, uint64_t pa,
			 struct dpamt_cache *c)
{
	dp_atomic32_t *w = &m->refs[idx];
	enum dp_remove_result r;

	dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
	r = dp_pair_remove(m, idx, c);
	if (r == DP_REMOVE_DONE || r == DP_REMOVE_NO_PAIR) {
		dp_idle_clear(m, idx);
		if (r == DP_REMOVE_DONE)
			dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
		dp_fetch_sub_acq_rel32(w, DP_RC_OWNED);
		return r == DP_REMOVE_DONE ? DPAMT_OK : DPAMT_EIO;
	}
	if (dp_fetch_add_acq_rel32(w, DP_RC_LIVE - DP_RC_OWNED) == DP_RC_OWNED)
		dp_idle_set(m, idx);
	if (r == DP_REMOVE_BUSY)
		return DPAMT_EBUSY;
	if (r == DP_REMOVE_NOT_EMPTY)
		dp_stat_inc(m, DP_ST_remove_errors);
	return DPAMT_EIO;
}

/* The put's REMOVE: a BUSY one is deferred (counted), not an error. */
int dp_zone_put_remove(struct dpamt *m, uint64_t idx, uint64_t pa,
		       struct dpamt_cache *c)
{
	int err = dp_zone_remove_owned(m, idx, pa, c);

	if (err != DPAMT_EBUSY)
		return err;
	dp_stat_inc(m, DP_ST_remove_deferred);
	return DPAMT_OK;
}

/*
 * idx's bit was seen set: clear it first, then take the pair back if
 * the word is still LIVE + 0.  Any later return to LIVE + 0 sets the bit
 * again after that store, so no idle range is left without its bit.
 * Concurrency: as dp_zone_remove_owned (locked strategies: idx's lock).
 */
enum dp_reclaim dp_zone_reclaim(struct dpamt *m, uint64_t idx)
{
	uint64_t bit = bm_mask(idx);
	uint32_t v = DP_RC_LIVE;

	if (!(dp_fetch_and_acq_rel64(&m->idle[bm_word(idx)], ~bit) & bit))
		return DP_RECLAIM_STALE; /* someone else took it */
	dp_fetch_sub_relaxed64(&m->n_idle, 1);
	if (!dp_cas_acq_rel32(&m->refs[idx], &v, DP_RC_OWNED))
		return DP_RECLAIM_STALE; /* in use again, or gone */
	dp_zone_remove_owned(m, idx, dp_range_pa(m, idx), 0);
	return dp_idle_test(m, idx) ? DP_RECLAIM_KEPT : DP_RECLAIM_GONE;
}

/* A put whose RMW returned neither "a reference stays" nor "the last
 * one": a put without a get (undone) or on a saturated word (stands). */
int dp_zone_put_odd(struct dpamt *m, uint64_t idx, uint32_t old)
{
	if (old >= DP_RC_SAT)
		return DPAMT_OK; /* a huge count went down by one */
	dp_fetch_add_acq_rel32(&m->refs[idx], 1);
	return DPAMT_EINVAL;
}

/* DEMOTE installed a pair for idx with n pages in TD use.
 * Concurrency: any thread; one CAS from "no pair, nobody waiting". */
int dp_zone_adopt(struct dpamt *m, uint64_t idx, uint32_t n)
{
	uint32_t v = 0;

	if (n == 0 || n > DP_RC_MAXREF ||
	    !dp_cas_acq_rel32(&m->refs[idx], &v, DP_RC_LIVE + n))
		return DPAMT_EINVAL; /* the range was 4K-tracked already */
	dp_stat_pair_installed(m);
	return DPAMT_OK;
}

/* PROMOTE took idx's pair; its n references go with it.
 * Concurrency: any thread; one CAS from exactly n references. */
int dp_zone_release(struct dpamt *m, uint64_t idx, uint32_t n)
{
	uint32_t v = DP_RC_LIVE + n;

	if (n == 0 || n > DP_RC_MAXREF ||
	    !dp_cas_acq_rel32(&m->refs[idx], &v, 0))
		return DPAMT_EINVAL;
	dp_idle_clear(m, idx); /* a stale hint must not outlive the pair */
	dp_stat_pair_removed(m);
	return DPAMT_OK;
}
