/*
 * strat_lockless.c - the `lockless` strategy: no lock at all.  The
 * range's word is the zoned word of rczone.h (docs/refcount.md); a
 * transition is owned by whoever set the OWNED bit by CAS, and nobody
 * else changes the zone while it is set (gets only add strays).
 *
 *   fast get   fetch_add(1) on LIVE + n (n >= 0, idle revived)  (getput.c)
 *   fast put   fetch_sub(1) leaving LIVE + n, n >= 1            (getput.c)
 *   0 -> 1     ABSENT + k -> OWNED + k (CAS), PAMT.ADD, then
 *              fetch_add(LIVE - OWNED): every stray a reference
 *              (ADD failed: fetch_sub(OWNED + 1), our stray withdrawn,
 *              the waiters try again)
 *   1 -> 0     LIVE + 0 -> OWNED (CAS; lost: a get revived it),
 *              PAMT.REMOVE, then ABSENT + k, or LIVE + k if it stayed
 *              (idle bit when k == 0, retried later)
 *   reclaim    idle bit cleared, LIVE + 0 -> OWNED (CAS), as 1 -> 0
 * Whoever sees OWNED waits (ops->relax backoff, WAIT_TRANSITION yield
 * point) and looks again.  Verified as model/lockless.pml.
 *
 * Statistics: no lock is ever taken, so lock_acquisitions,
 * lock_contentions and lock_wait_ns stay 0; waiting on OWNED is not
 * counted there (it is not a lock: two ranges never wait on each other).
 */
#include "host/strategy.h"

/* OWNED was seen: wait until its owner publishes. */
static void ll_wait(struct dpamt *m, dp_atomic32_t *w, uint64_t pa)
{
	unsigned attempt = 0;
	uint32_t v;

	dp_yield(m, DPAMT_YP_WAIT_TRANSITION, pa);
	while ((v = dp_load_acquire32(w)) < DP_RC_LIVE && (v & DP_RC_OWNED))
		dp_relax(m, attempt++);
}

/* We own the word at OWNED + k, our stray among k: PAMT.ADD, publish. */
static int ll_install(struct dpamt *m, uint64_t idx, uint64_t pa,
		      struct dpamt_cache *c)
{
	int err = dp_get_add(m, idx, pa, c);

	if (err)
		dp_fetch_sub_acq_rel32(&m->refs[idx], DP_RC_OWNED + 1);
	else
		dp_fetch_add_acq_rel32(&m->refs[idx], DP_RC_LIVE - DP_RC_OWNED);
	return err;
}

/* Our stray sits in the word: until it is a reference (someone else
 * installed), install ourselves, or withdraw it if we have no pages. */
static int ll_settle(struct dpamt *m, uint64_t idx, uint64_t pa,
		     struct dpamt_cache *use, int cerr)
{
	dp_atomic32_t *w = &m->refs[idx];

	for (;;) {
		uint32_t v = dp_load_acquire32(w);

		if (v >= DP_RC_LIVE)
			return DPAMT_OK; /* converted: our stray counts */
		if (v & DP_RC_OWNED)
			ll_wait(m, w, pa);
		else if (cerr && dp_cas_acq_rel32(w, &v, v - 1))
			return cerr;
		else if (!cerr && dp_cas_acq_rel32(w, &v, v | DP_RC_OWNED))
			return ll_install(m, idx, pa, use);
	}
}

/* old: what the fast path's fetch_add returned (not a LIVE word). */
static int ll_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t old, bool *fast)
{
	struct dpamt_cache tmp, *use;
	int err, cerr;

	if (old >= DP_RC_LIVE) { /* saturated: take our increment back */
		dp_fetch_sub_acq_rel32(&m->refs[idx], 1);
		return DPAMT_EINVAL;
	}
	dp_yield(m, DPAMT_YP_GET_FAST_MISS, pa);
	use = dp_tmp_cache_begin(m, c, &tmp, &cerr);
	err = ll_settle(m, idx, pa, use, cerr);
	if (!cerr)
		dp_tmp_cache_end(m, c, &tmp);
	return err;
}

/* old: what the fast path's fetch_sub returned (not >= LIVE + 2). */
static int ll_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t old, bool *fast)
{
	uint32_t v = DP_RC_LIVE;

	if (old != DP_RC_LIVE + 1)
		return dp_zone_put_odd(m, idx, old);
	dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
	if (dp_load_acquire32(&m->refs[idx]) != DP_RC_LIVE) {
		*fast = true; /* revived (or owned) meanwhile */
		return DPAMT_OK;
	}
	if (dp_idle_keep(m, idx)) {
		*fast = true; /* installed at 0: the next get reuses it */
		dp_idle_trim(m);
		return DPAMT_OK;
	}
	if (!dp_cas_acq_rel32(&m->refs[idx], &v, DP_RC_OWNED)) {
		*fast = true;
		return DPAMT_OK;
	}
	return dp_zone_put_remove(m, idx, pa, c);
}

const struct dp_strategy dp_strat_lockless = {
	.name = "lockless",
	.get = ll_get,
	.put = ll_put,
	.reclaim = dp_zone_reclaim,
	.count = dp_rc_count,
	.adopt = dp_zone_adopt,
	.release = dp_zone_release,
	.zoned = true,
};
