/*
 * strat_global_lock.c - the seed's design with the later refinements.
 *
 * get: lock-free inc_not_zero; else take the global lock, re-check, reuse
 * an idle pair or PAMT.ADD (HPA_RANGE_NOT_FREE = already installed), and
 * publish refcount 1 only after the pair is in.
 * put: lock-free dec_not_one; else take the lock and drop the last
 * reference *under* it (dec_and_lock), then PAMT.REMOVE.  Because 1->0
 * and 0->1 both happen only under the lock, and a fast-path get cannot
 * revive a 0, there is never a double ADD nor a double REMOVE.
 * A REMOVE still BUSY after the retry budget leaves the range installed
 * at refcount 0 and marks it idle for dpamt_retry_deferred().
 */
#include "host/strategy.h"

/* Lock held, refs[idx] == 0: make the range usable with one reference. */
static int gl_install_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     struct dpamt_cache *c)
{
	int err = DPAMT_OK;

	if (dp_idle_test(m, idx)) {
		dp_idle_clear(m, idx); /* pair still there: reuse it */
		dp_store_release32(&m->refs[idx], 1);
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_GET_LOCKED, pa);
	switch (dp_pair_add(m, idx, c, &err)) {
	case DP_ADD_DONE:
		dp_yield(m, DPAMT_YP_GET_AFTER_ADD, pa);
		/* fallthrough */
	case DP_ADD_NOT_FREE:
		dp_store_release32(&m->refs[idx], 1);
		return DPAMT_OK;
	case DP_ADD_FAILED:
	default:
		return err ? err : DPAMT_EIO;
	}
}

static int gl_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast)
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
		err = gl_install_locked(m, idx, pa, use);
	dp_lock_release(m, &m->lock);
	dp_tmp_cache_end(m, c, &tmp);
	return err;
}

/* Lock held: drop one reference; true if it was the last (now 0). */
static int gl_dec_locked(struct dpamt *m, uint64_t idx, bool *last)
{
	uint32_t v = dp_load_acquire32(&m->refs[idx]);

	for (;;) {
		if (v == 0)
			return DPAMT_EINVAL; /* unbalanced put */
		if (dp_cas_acq_rel32(&m->refs[idx], &v, v - 1))
			break;
	}
	*last = v == 1;
	return DPAMT_OK;
}

/* Lock held, refcount just went 1 -> 0: take the pair back. */
static int gl_remove_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			    struct dpamt_cache *c)
{
	dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
	switch (dp_pair_remove(m, idx, c)) {
	case DP_REMOVE_DONE:
		dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
		return DPAMT_OK;
	case DP_REMOVE_BUSY:
		dp_stat_inc(m, DP_ST_remove_deferred);
		dp_idle_set(m, idx);
		return DPAMT_OK; /* our reference is gone; pair kept idle */
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

static int gl_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast)
{
	uint32_t seen = 0;
	bool last = false;
	int err;

	if (dp_dec_not_one(&m->refs[idx], &seen)) {
		*fast = true;
		return DPAMT_OK;
	}
	if (seen == 0)
		return DPAMT_EINVAL; /* unbalanced put */
	dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
	dp_lock_acquire(m, &m->lock);
	err = gl_dec_locked(m, idx, &last);
	if (!err && last)
		err = gl_remove_locked(m, idx, pa, c);
	dp_lock_release(m, &m->lock);
	return err;
}

const struct dp_strategy dp_strat_global_lock = {
	.name = "global-lock",
	.get = gl_get,
	.put = gl_put,
	.retry_deferred = dp_retry_deferred_locked,
	.count = dp_count_plain,
	.adopt = dp_adopt_plain,
	.release = dp_release_plain,
	.plain_fast = true,
};
