/*
 * strat_hashed.c - the `hashed` strategy: the global-lock protocol with
 * the one lock replaced by an array of locks ("stripes"), the stripe of a
 * range chosen by a hash of its index, so installs and removes of
 * different ranges rarely wait for each other.
 *
 * Per range the protocol is exactly global-lock's (verified as
 * model/global_lock.pml: for one range only its own stripe matters):
 * get: lock-free inc_not_zero; else take the range's stripe, re-check,
 * reuse an idle pair or PAMT.ADD (HPA_RANGE_NOT_FREE = already there),
 * publish refcount 1 only once the pair is in.  put: lock-free
 * dec_not_one; else take the stripe and drop the last reference under it
 * (dec_and_lock), then PAMT.REMOVE; a REMOVE still BUSY past the budget
 * leaves the pair idle at refcount 0 for dpamt_retry_deferred().
 *
 * Statistics: lock_acquisitions / lock_contentions / lock_wait_ns count
 * the stripe locks (the only locks this strategy takes); the manager's
 * global lock is never taken.  cfg->hash_locks stripes, default 64.
 */
#include "host/strategy.h"

#define HS_DEFAULT_STRIPES 64u
#define HS_MAX_STRIPES 65536u

/* One stripe per cache line: neighbours in the array do not false-share. */
struct hs_stripe {
	struct dp_lock l;
	char pad[DP_CACHE_LINE - sizeof(struct dp_lock) % DP_CACHE_LINE];
};

struct hs_priv {
	unsigned n;
	unsigned n_init;           /* stripes whose lock is initialised */
	size_t bytes;
	struct hs_stripe s[];
};

static struct dp_lock *hs_lock_of(struct dpamt *m, uint64_t idx)
{
	struct hs_priv *p = m->strat_priv;
	/* Fibonacci hashing: neighbouring ranges land far apart. */
	uint64_t h = (idx * 0x9E3779B97F4A7C15ULL) >> 32;

	return &p->s[h % p->n].l;
}

static void hs_fini(struct dpamt *m)
{
	struct hs_priv *p = m->strat_priv;

	if (!p)
		return;
	for (unsigned i = 0; i < p->n_init; i++)
		dp_lock_fini(m, &p->s[i].l);
	m->ops.mem_free(m->ops.ctx, p, p->bytes);
	m->strat_priv = 0;
}

static int hs_init(struct dpamt *m)
{
	unsigned n = m->cfg.hash_locks ? m->cfg.hash_locks
				       : HS_DEFAULT_STRIPES;
	size_t bytes;
	struct hs_priv *p;
	int err;

	if (n > HS_MAX_STRIPES)
		return DPAMT_EINVAL;
	bytes = sizeof(*p) + (size_t)n * sizeof(struct hs_stripe);
	p = m->ops.mem_alloc(m->ops.ctx, bytes);
	if (!p)
		return DPAMT_ENOMEM;
	p->n = n;
	p->n_init = 0;
	p->bytes = bytes;
	m->strat_priv = p;
	for (unsigned i = 0; i < n; i++) {
		err = dp_lock_init(m, &p->s[i].l);
		if (err) {
			hs_fini(m);
			return err;
		}
		p->n_init++;
	}
	return DPAMT_OK;
}

/* Stripe held, refs[idx] == 0: make the range usable with one reference. */
static int hs_install_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			     struct dpamt_cache *c)
{
	int err = DPAMT_OK;

	if (dp_idle_test(m, idx)) {
		dp_idle_clear(m, idx); /* the pair is still there: reuse it */
		dp_store_release32(&m->refs[idx], 1);
		return DPAMT_OK;
	}
	dp_yield(m, DPAMT_YP_GET_LOCKED, pa);
	switch (dp_pair_add(m, idx, c, &err)) {
	case DP_ADD_DONE:
		dp_yield(m, DPAMT_YP_GET_AFTER_ADD, pa);
		dp_store_release32(&m->refs[idx], 1);
		return DPAMT_OK;
	case DP_ADD_NOT_FREE: /* a pair is there already: use it */
		dp_store_release32(&m->refs[idx], 1);
		return DPAMT_OK;
	case DP_ADD_FAILED:
	default:
		return err ? err : DPAMT_EIO;
	}
}

static int hs_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast)
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
	l = hs_lock_of(m, idx);
	dp_lock_acquire(m, l);
	if (dp_inc_not_zero(&m->refs[idx]))
		err = DPAMT_OK; /* installed while we waited */
	else
		err = hs_install_locked(m, idx, pa, use);
	dp_lock_release(m, l);
	dp_tmp_cache_end(m, c, &tmp);
	return err;
}

/* Stripe held: drop one reference; *last if it was the last one. */
static int hs_dec_locked(struct dpamt *m, uint64_t idx, bool *last)
{
	uint32_t v = dp_load_acquire32(&m->refs[idx]);

	do {
		if (v == 0)
			return DPAMT_EINVAL; /* unbalanced put */
	} while (!dp_cas_acq_rel32(&m->refs[idx], &v, v - 1));
	*last = v == 1;
	return DPAMT_OK;
}

/* Stripe held, refcount just went 1 -> 0: take the pair back. */
static int hs_remove_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			    struct dpamt_cache *c)
{
	dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
	switch (dp_pair_remove(m, idx, c)) {
	case DP_REMOVE_DONE:
		dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
		return DPAMT_OK;
	case DP_REMOVE_BUSY:
		dp_stat_inc(m, DP_ST_remove_deferred);
		dp_idle_set(m, idx); /* kept, idle, retried later */
		return DPAMT_OK;
	case DP_REMOVE_NO_PAIR:
		return DPAMT_EIO; /* the module had none: nothing to keep */
	case DP_REMOVE_NOT_EMPTY:
		dp_stat_inc(m, DP_ST_remove_errors);
		/* fallthrough */
	case DP_REMOVE_FAILED:
	default:
		dp_idle_set(m, idx); /* still installed: keep it on record */
		return DPAMT_EIO;
	}
}

static int hs_put(struct dpamt *m, uint64_t idx, uint64_t pa,
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
	l = hs_lock_of(m, idx);
	dp_lock_acquire(m, l);
	err = hs_dec_locked(m, idx, &last);
	if (!err && last)
		err = hs_remove_locked(m, idx, pa, c);
	dp_lock_release(m, l);
	return err;
}

/* One idle range: REMOVE it under its stripe; true if still pending. */
static bool hs_retry_one(struct dpamt *m, uint64_t idx)
{
	struct dp_lock *l = hs_lock_of(m, idx);
	bool pending = false;

	dp_lock_acquire(m, l);
	if (!dp_idle_test(m, idx)) {
		/* revived or removed since the scan */
	} else if (dp_load_acquire32(&m->refs[idx]) != 0) {
		dp_idle_clear(m, idx); /* back in use */
	} else {
		enum dp_remove_result r = dp_pair_remove(m, idx, 0);

		if (r == DP_REMOVE_DONE || r == DP_REMOVE_NO_PAIR)
			dp_idle_clear(m, idx);
		else
			pending = true;
	}
	dp_lock_release(m, l);
	return pending;
}

static unsigned hs_retry_deferred(struct dpamt *m)
{
	unsigned pending = 0;

	if (dp_load_relaxed64(&m->n_idle) == 0)
		return 0;
	for (uint64_t w = 0; w < (m->n_ranges + 63) / 64; w++) {
		uint64_t bits = dp_load_acquire64(&m->idle[w]);

		while (bits) {
			uint64_t idx = w * 64 + (uint64_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			pending += hs_retry_one(m, idx);
		}
	}
	return pending;
}

/* DEMOTE installed a pair for idx with n pages in TD use. */
static int hs_adopt(struct dpamt *m, uint64_t idx, uint32_t n)
{
	struct dp_lock *l = hs_lock_of(m, idx);
	int ret = DPAMT_OK;

	dp_lock_acquire(m, l);
	if (dp_load_relaxed32(&m->refs[idx]) != 0 || dp_idle_test(m, idx))
		ret = DPAMT_EINVAL; /* the range was 4K-tracked already */
	else
		dp_store_release32(&m->refs[idx], n);
	dp_lock_release(m, l);
	if (ret == DPAMT_OK)
		dp_stat_pair_installed(m);
	return ret;
}

/* PROMOTE took idx's pair; its n references go with it. */
static int hs_release(struct dpamt *m, uint64_t idx, uint32_t n)
{
	struct dp_lock *l = hs_lock_of(m, idx);
	uint32_t v = n;
	int ret = DPAMT_OK;

	dp_lock_acquire(m, l);
	if (!dp_cas_acq_rel32(&m->refs[idx], &v, 0))
		ret = DPAMT_EINVAL;
	dp_lock_release(m, l);
	if (ret == DPAMT_OK)
		dp_stat_pair_removed(m);
	return ret;
}

const struct dp_strategy dp_strat_hashed = {
	.name = "hashed",
	.init = hs_init,
	.fini = hs_fini,
	.get = hs_get,
	.put = hs_put,
	.retry_deferred = hs_retry_deferred,
	.count = dp_count_plain,
	.adopt = hs_adopt,
	.release = hs_release,
	.plain_fast = true, /* the word is a plain count, as global-lock's */
};
