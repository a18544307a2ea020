/*
 * strat_lockless.c - the `lockless` strategy (docs/design.md §9): no lock
 * at all.  The range's 32-bit refcount word holds the count and two flags:
 *   P (bit 31)  the range's pair is present in the module;
 *   T (bit 30)  a transition is in flight, owned by whoever set T;
 *   count       bits 29..0, references held.
 * Every change is a CAS, except that the owner of T publishes the end of
 * its transition with a release store: while T is set nobody else may
 * change the word (every other CAS expects T clear).
 *
 *   fast get   P, !T, count > 0   -> count + 1
 *   fast put   P, !T, count > 1   -> count - 1
 *   0 -> 1     "0"    -> "T"      PAMT.ADD, publish "P, 1"
 *                                 (ADD failed: publish "0", pages back)
 *   revive     "P, 0" -> "P, T"   idle pair reused, publish "P, 1"
 *   1 -> 0     "P, 1" -> "P, T"   PAMT.REMOVE, publish "0"
 *                                 (BUSY past the budget: publish "P, 0",
 *                                 recorded idle, retried later)
 *   retry      "P, 0" -> "P, T"   PAMT.REMOVE, publish "0" or "P, 0"
 * Whoever sees T waits (ops->relax backoff, WAIT_TRANSITION yield point)
 * and starts over.  The idle bitmap is changed only by T's owner, so it
 * is exact at quiescence.  Verified as model/lockless.pml.
 *
 * Statistics: no lock is ever taken, so lock_acquisitions,
 * lock_contentions and lock_wait_ns stay 0; waiting on T is not counted
 * there (it is not a lock: two ranges never wait on each other).
 */
#include "host/strategy.h"

#define LL_P (1u << 31)
#define LL_T (1u << 30)
#define LL_COUNT (LL_T - 1)

static uint32_t ll_count(uint32_t word)
{
	return word & LL_COUNT;
}

/* T was seen: wait until its owner publishes; returns the new word. */
static uint32_t ll_wait(struct dpamt *m, dp_atomic32_t *w, uint64_t pa)
{
	unsigned attempt = 0;
	uint32_t v;

	dp_yield(m, DPAMT_YP_WAIT_TRANSITION, pa);
	while ((v = dp_load_acquire32(w)) & LL_T)
		dp_relax(m, attempt++);
	return v;
}

/* We own T on "T" (no pair): PAMT.ADD and publish. */
static int ll_install(struct dpamt *m, uint64_t idx, uint64_t pa,
		      struct dpamt_cache *c)
{
	dp_atomic32_t *w = &m->refs[idx];
	int err = DPAMT_OK;

	dp_yield(m, DPAMT_YP_GET_LOCKED, pa);
	switch (dp_pair_add(m, idx, c, &err)) {
	case DP_ADD_DONE:
		dp_yield(m, DPAMT_YP_GET_AFTER_ADD, pa);
		dp_store_release32(w, LL_P | 1);
		return DPAMT_OK;
	case DP_ADD_NOT_FREE: /* a pair is there already: use it */
		dp_store_release32(w, LL_P | 1);
		return DPAMT_OK;
	case DP_ADD_FAILED:
	default:
		dp_store_release32(w, 0); /* nothing changed; pages back in c */
		return err ? err : DPAMT_EIO;
	}
}

/* Slow get: the word is "0" or "P, 0" or has T set. */
static int ll_get_slow(struct dpamt *m, uint64_t idx, uint64_t pa,
		       struct dpamt_cache *c, uint32_t v, bool *fast)
{
	dp_atomic32_t *w = &m->refs[idx];
	struct dpamt_cache tmp, *use = 0;
	int err = DPAMT_OK;

	for (;;) {
		if (v & LL_T) {
			v = ll_wait(m, w, pa);
		} else if ((v & LL_P) && ll_count(v) > 0) {
			if (ll_count(v) == LL_COUNT) {
				err = DPAMT_EINVAL; /* count would overflow */
				break;
			}
			if (dp_cas_acq_rel32(w, &v, v + 1)) {
				*fast = true; /* someone else installed it */
				break;
			}
		} else if (v == LL_P) {
			if (dp_cas_acq_rel32(w, &v, LL_P | LL_T)) {
				dp_idle_clear(m, idx); /* reuse the idle pair */
				dp_store_release32(w, LL_P | 1);
				break;
			}
		} else if (v == 0) {
			if (!use) { /* pages first, before owning T */
				use = dp_tmp_cache_begin(m, c, &tmp, &err);
				if (err)
					return err;
				v = dp_load_acquire32(w);
				continue;
			}
			if (dp_cas_acq_rel32(w, &v, LL_T)) {
				err = ll_install(m, idx, pa, use);
				break;
			}
		} else {
			err = DPAMT_EIO; /* count without P: corrupt word */
			break;
		}
	}
	if (use)
		dp_tmp_cache_end(m, c, &tmp);
	return err;
}

static int ll_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast)
{
	dp_atomic32_t *w = &m->refs[idx];
	uint32_t v = dp_load_relaxed32(w);

	/* Fast path: pair present, no transition, someone holds it. */
	while ((v & (LL_P | LL_T)) == LL_P && ll_count(v) > 0 &&
	       ll_count(v) < LL_COUNT) {
		if (dp_cas_acq_rel32(w, &v, v + 1)) {
			*fast = true;
			return DPAMT_OK;
		}
	}
	dp_yield(m, DPAMT_YP_GET_FAST_MISS, pa);
	return ll_get_slow(m, idx, pa, c, v, fast);
}

/* We own T on "P, T" with our last reference gone: PAMT.REMOVE. */
static int ll_remove(struct dpamt *m, uint64_t idx, uint64_t pa,
		     struct dpamt_cache *c)
{
	dp_atomic32_t *w = &m->refs[idx];

	dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
	switch (dp_pair_remove(m, idx, c)) {
	case DP_REMOVE_DONE:
		dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
		dp_store_release32(w, 0);
		return DPAMT_OK;
	case DP_REMOVE_BUSY:
		dp_stat_inc(m, DP_ST_remove_deferred);
		dp_idle_set(m, idx); /* kept, idle, retried later */
		dp_store_release32(w, LL_P);
		return DPAMT_OK;
	case DP_REMOVE_NO_PAIR:
		dp_store_release32(w, 0); /* the module had none */
		return DPAMT_EIO;
	case DP_REMOVE_NOT_EMPTY:
		dp_stat_inc(m, DP_ST_remove_errors);
		/* fallthrough */
	case DP_REMOVE_FAILED:
	default:
		dp_idle_set(m, idx); /* still installed: keep it on record */
		dp_store_release32(w, LL_P);
		return DPAMT_EIO;
	}
}

static int ll_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast)
{
	dp_atomic32_t *w = &m->refs[idx];
	uint32_t v = dp_load_relaxed32(w);
	bool missed = false;

	for (;;) {
		if (v & LL_T) {
			/* Impossible while we hold a reference; misuse. */
			v = ll_wait(m, w, pa);
			continue;
		}
		if (!(v & LL_P) || ll_count(v) == 0)
			return DPAMT_EINVAL; /* unbalanced put */
		if (ll_count(v) > 1) {
			if (dp_cas_acq_rel32(w, &v, v - 1)) {
				*fast = !missed;
				return DPAMT_OK;
			}
			continue;
		}
		if (!missed) {
			missed = true;
			dp_yield(m, DPAMT_YP_PUT_FAST_MISS, pa);
		}
		if (dp_cas_acq_rel32(w, &v, LL_P | LL_T))
			return ll_remove(m, idx, pa, c);
	}
}

/* One idle range: REMOVE it if it is still idle; true if pending. */
static bool ll_retry_one(struct dpamt *m, uint64_t idx)
{
	dp_atomic32_t *w = &m->refs[idx];
	uint32_t v = LL_P;

	if (!dp_cas_acq_rel32(w, &v, LL_P | LL_T))
		return (v & LL_T) != 0; /* revived: done; in flight: pending */
	switch (dp_pair_remove(m, idx, 0)) {
	case DP_REMOVE_DONE:
	case DP_REMOVE_NO_PAIR:
		dp_idle_clear(m, idx);
		dp_store_release32(w, 0);
		return false;
	default:
		dp_store_release32(w, LL_P);
		return true;
	}
}

static unsigned ll_retry_deferred(struct dpamt *m)
{
	unsigned pending = 0;

	if (dp_load_relaxed64(&m->n_idle) == 0)
		return 0;
	for (uint64_t i = 0; i < (m->n_ranges + 63) / 64; i++) {
		uint64_t bits = dp_load_acquire64(&m->idle[i]);

		while (bits) {
			uint64_t idx = i * 64 + (uint64_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			pending += ll_retry_one(m, idx);
		}
	}
	return pending;
}

/* DEMOTE installed a pair for idx with n pages in TD use. */
static int ll_adopt(struct dpamt *m, uint64_t idx, uint32_t n)
{
	uint32_t v = 0;

	if (n == 0 || n > LL_COUNT ||
	    !dp_cas_acq_rel32(&m->refs[idx], &v, LL_P | n))
		return DPAMT_EINVAL; /* the range was 4K-tracked already */
	dp_stat_pair_installed(m);
	return DPAMT_OK;
}

/* PROMOTE took idx's pair; its n references go with it. */
static int ll_release(struct dpamt *m, uint64_t idx, uint32_t n)
{
	uint32_t v = LL_P | n;

	if (n == 0 || n > LL_COUNT ||
	    !dp_cas_acq_rel32(&m->refs[idx], &v, 0))
		return DPAMT_EINVAL;
	dp_stat_pair_removed(m);
	return DPAMT_OK;
}

const struct dp_strategy dp_strat_lockless = {
	.name = "lockless",
	.get = ll_get,
	.put = ll_put,
	.retry_deferred = ll_retry_deferred,
	.count = ll_count,
	.adopt = ll_adopt,
	.release = ll_release,
};
