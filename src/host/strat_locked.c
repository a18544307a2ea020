/*
 * strat_locked.c - the lock-based install/remove protocol shared by
 * global-lock and hashed (and the parts of the test-only broken
 * strategies that are really the same).  The strategy says which lock
 * serialises range idx (strat->lock_for); everything else is common:
 *
 * get: lock-free inc_not_zero; else take the range's lock, re-check,
 * reuse an idle pair or PAMT.ADD (HPA_RANGE_NOT_FREE = already there),
 * publish refcount 1 only once the pair is in.
 * put: lock-free dec_not_one; else take the lock and drop the last
 * reference *under* it (dec_and_lock), then PAMT.REMOVE.  Because 1->0
 * and 0->1 both happen only under the range's lock, and a fast-path get
 * cannot revive a 0, there is never a double ADD nor a double REMOVE.
 * A REMOVE still BUSY after the retry budget leaves the range installed
 * at refcount 0 and marks it idle for dpamt_retry_deferred().
 */
#include "host/strategy.h"

static struct dp_lock *dp_lock_of(struct dpamt *m, uint64_t idx)
{
	return m->strat->lock_for(m, idx);
}

/* Concurrency: pure; the one lock of global-lock and the broken ones. */
struct dp_lock *dp_lock_global(struct dpamt *m, uint64_t idx)
{
	return &m->lock;
}

/* The ADD step of a get: ADD (or find) idx's pair; the caller publishes
 * the reference.  Concurrency: the sound strategies hold idx's lock. */
int dp_get_add(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c)
{
	int err = DPAMT_OK;

	dp_yield(m, DPAMT_YP_GET_LOCKED, pa);
	switch (dp_pair_add(m, idx, c, &err)) {
	case DP_ADD_DONE:
		dp_yield(m, DPAMT_YP_GET_AFTER_ADD, pa);
		return DPAMT_OK;
	case DP_ADD_NOT_FREE: /* a pair is there already: use it */
		return DPAMT_OK;
	case DP_ADD_FAILED:
	default:
		return err ? err : DPAMT_EIO;
	}
}

/* Range lock held, refs[idx] == 0: make it usable with one reference. */
static int dp_install_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     struct dpamt_cache *c)
{
	int err;

	if (dp_idle_test(m, idx)) {
		dp_idle_clear(m, idx); /* the pair is still there: reuse it */
		dp_store_release32(&m->refs[idx], 1);
		return DPAMT_OK;
	}
	err = dp_get_add(m, idx, pa, c);
	if (!err)
		dp_store_release32(&m->refs[idx], 1);
	return err;
}

/* Concurrency: any thread; takes strat->lock_for(idx) on the slow path,
 * where install() runs if the range still has no reference. */
int dp_locked_get_via(struct dpamt *m, uint64_t idx, uint64_t pa,
		      struct dpamt_cache *c, bool *fast, dp_install_fn install)
{
	struct dpamt_cache tmp, *use;
	struct dp_lock *l;
	int err;

	if (dp_inc_not_zero(&m->refs[idx])) {
		*fast = true;
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_GET_FAST_MISS, pa);
	use = dp_tmp_cache_begin(m, c, &tmp, &err);
	if (err)
		return err;
	l = dp_lock_of(m, idx);
	dp_lock_acquire(m, l);
	if (dp_inc_not_zero(&m->refs[idx]))
		err = DPAMT_OK; /* installed while we waited */
	else
		err = install(m, idx, pa, use);
	dp_lock_release(m, l);
	dp_tmp_cache_end(m, c, &tmp);
	return err;
}

/* Concurrency: any thread; takes strat->lock_for(idx) on the slow path. */
int dp_locked_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast)
{
	return dp_locked_get_via(m, idx, pa, c, fast, dp_install_locked);
}

/* Range lock held: drop one reference; *last if it was the last one. */
static int dp_dec_locked(struct dpamt *m, uint64_t idx, bool *last)
{
	uint32_t v = dp_load_acquire32(&m->refs[idx]);

	do {
		if (v == 0)
			return DPAMT_EINVAL; /* unbalanced put */
	} while (!dp_cas_acq_rel32(&m->refs[idx], &v, v - 1));
	*last = v == 1;
	return DPAMT_OK;
}

/* Range lock held, refcount just went 1 -> 0: take the pair back. */
static int dp_remove_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			    struct dpamt_cache *c)
{
	dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
	switch (dp_pair_remove(m, idx, c)) {
	case DP_REMOVE_DONE:
		dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
		return DPAMT_OK;
	case DP_REMOVE_BUSY:
		dp_stat_inc(m, DP_ST_remove_deferred);
		dp_idle_set(m, idx); /* our reference is gone; pair kept idle */
		return DPAMT_OK;
	case DP_REMOVE_NO_PAIR:
		return DPAMT_EIO; /* never happens unless the host lied */
	case DP_REMOVE_NOT_EMPTY:
		dp_stat_inc(m, DP_ST_remove_errors);
		/* fallthrough */
	case DP_REMOVE_FAILED:
	default:
		dp_idle_set(m, idx); /* still installed: keep it on record */
		return DPAMT_EIO;
	}
}

/* Concurrency: any thread; takes strat->lock_for(idx) on the slow path. */
int dp_locked_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast)
{
	uint32_t seen = 0;
	bool last = false;
	struct dp_lock *l;
	int err;

	if (dp_dec_not_one(&m->refs[idx], &seen)) {
		*fast = true;
		return DPAMT_OK;
	}
	if (seen == 0)
		return DPAMT_EINVAL; /* unbalanced put */
	dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
	l = dp_lock_of(m, idx);
	dp_lock_acquire(m, l);
	err = dp_dec_locked(m, idx, &last);
	if (!err && last)
		err = dp_remove_locked(m, idx, pa, c);
	dp_lock_release(m, l);
	return err;
}

/* DEMOTE installed a pair for idx with n pages in TD use.
 * Concurrency: any thread; takes strat->lock_for(idx). */
int dp_locked_adopt(struct dpamt *m, uint64_t idx, uint32_t n)
{
	struct dp_lock *l = dp_lock_of(m, idx);
	dp_atomic32_t *w = dp_ref_word(m, idx);
	int ret = DPAMT_OK;

	dp_lock_acquire(m, l);
	if (dp_load_relaxed32(w) != 0 || dp_idle_test(m, idx))
		ret = DPAMT_EINVAL; /* the range was 4K-tracked already */
	else
		dp_store_release32(w, n);
	dp_lock_release(m, l);
	if (ret == DPAMT_OK)
		dp_stat_pair_installed(m);
	return ret;
}

/* PROMOTE took idx's pair; its n references go with it.
 * Concurrency: any thread; takes strat->lock_for(idx). */
int dp_locked_release(struct dpamt *m, uint64_t idx, uint32_t n)
{
	struct dp_lock *l = dp_lock_of(m, idx);
	uint32_t v = n;
	int ret = DPAMT_OK;

	dp_lock_acquire(m, l);
	if (!dp_cas_acq_rel32(dp_ref_word(m, idx), &v, 0))
		ret = DPAMT_EINVAL;
	dp_lock_release(m, l);
	if (ret == DPAMT_OK)
		dp_stat_pair_removed(m);
	return ret;
}
