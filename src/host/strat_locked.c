/*
 * strat_locked.c - the lock-based protocol on the zoned word (rczone.h,
 * docs/refcount.md), shared by global-lock and hashed.  The strategy
 * says which lock serialises the transitions of range idx
 * (strat->lock_for); everything else is common.
 *
 * Fast path (getput.c, no lock): get = fetch_add(1), done if the word
 * was LIVE (an idle pair at LIVE + 0 is revived right there); put =
 * fetch_sub(1), done if a reference stays.
 * get slow: the RMW left a stray in ABSENT/OWNED.  Take the lock: LIVE
 * now means someone installed and converted our stray (done); else
 * PAMT.ADD and convert every stray with one fetch_add (ABSENT + k ->
 * LIVE + k), or withdraw our stray on failure.
 * put slow (1 -> 0, the word at LIVE): take the lock; keep the pair
 * idle (shrink.c decides), or win the CAS LIVE -> OWNED (lost: a get
 * revived it, nothing to do), PAMT.REMOVE, publish ABSENT (strays kept)
 * or, still BUSY, LIVE again with the strays as references (idle bit
 * if none).  Installs and removes of a range happen only under its
 * lock, and a remove only from OWNED, which no fast path accepts:
 * never a double ADD, a double REMOVE nor a REMOVE under a reference.
 */
#include "host/strategy.h"

static struct dp_lock *dp_lock_of(struct dpamt *m, uint64_t idx)
{
	return m->strat->lock_for(m, idx);
}

/* Concurrency: pure; the one lock of global-lock. */
struct dp_lock *dp_lock_global(struct dpamt *m, uint64_t idx)
{
	return &m->lock;
}

/* Range lock held, word ABSENT + k with our stray: install, convert. */
static int dp_install_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     struct dpamt_cache *c)
{
	int err = dp_get_add(m, idx, pa, c);

	if (err)
		dp_fetch_sub_acq_rel32(&m->refs[idx], 1); /* our stray */
	else
		dp_fetch_add_acq_rel32(&m->refs[idx], DP_RC_LIVE);
	return err;
}

/* Concurrency: any thread; takes strat->lock_for(idx).  old: what the
 * fast path's fetch_add returned (not a LIVE word). */
int dp_locked_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t old, bool *fast)
{
	struct dpamt_cache tmp, *use;
	struct dp_lock *l;
	int err, cerr;

	if (old >= DP_RC_LIVE) { /* saturated: take our increment back */
		dp_fetch_sub_acq_rel32(&m->refs[idx], 1);
		return DPAMT_EINVAL;
	}
	dp_yield(m, DPAMT_YP_GET_FAST_MISS, pa);
	use = dp_tmp_cache_begin(m, c, &tmp, &cerr);
	l = dp_lock_of(m, idx);
	dp_lock_acquire(m, l);
	if (dp_load_acquire32(&m->refs[idx]) >= DP_RC_LIVE)
		err = DPAMT_OK; /* installed while we waited: our stray counts */
	else if (cerr)
		err = cerr, dp_fetch_sub_acq_rel32(&m->refs[idx], 1);
	else
		err = dp_install_locked(m, idx, pa, use);
	dp_lock_release(m, l);
	if (!cerr)
		dp_tmp_cache_end(m, c, &tmp);
	return err;
}

/* Concurrency: any thread; takes strat->lock_for(idx).  old: what the
 * fast path's fetch_sub returned (not >= LIVE + 2). */
int dp_locked_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t old, bool *fast)
{
	uint32_t v = DP_RC_LIVE;
	struct dp_lock *l;
	bool kept = false;
	int err = DPAMT_OK;

	if (old != DP_RC_LIVE + 1)
		return dp_zone_put_odd(m, idx, old);
	dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
	l = dp_lock_of(m, idx);
	dp_lock_acquire(m, l);
	if (dp_load_acquire32(&m->refs[idx]) != DP_RC_LIVE)
		*fast = true; /* revived meanwhile: nothing to decide */
	else if (dp_idle_keep(m, idx))
		*fast = kept = true; /* installed at 0: the next get reuses it */
	else if (dp_cas_acq_rel32(&m->refs[idx], &v, DP_RC_OWNED))
		err = dp_zone_put_remove(m, idx, pa, c);
	dp_lock_release(m, l);
	if (kept)
		dp_idle_trim(m); /* outside the lock: it takes range locks */
	return err;
}

/* Concurrency: any thread, any time; takes strat->lock_for(idx). */
enum dp_reclaim dp_locked_reclaim(struct dpamt *m, uint64_t idx)
{
	struct dp_lock *l = dp_lock_of(m, idx);
	enum dp_reclaim ret;

	dp_lock_acquire(m, l);
	ret = dp_zone_reclaim(m, idx);
	dp_lock_release(m, l);
	return ret;
}
