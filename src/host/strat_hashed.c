/*
 * strat_hashed.c - the `hashed` strategy: the global-lock protocol with
 * the one lock replaced by an array of locks ("stripes"), the stripe of a
 * range chosen by a hash of its index, so installs and removes of
 * different ranges rarely wait for each other.
 *
 * Per range the protocol is exactly global-lock's, and is the same code:
 * strat_locked.c on the zoned word, with hs_lock_of() as the lock
 * selector (verified as model/global_lock.pml: for one range only its
 * own stripe matters).  Reclaiming idle pairs takes each idle range's
 * own stripe in turn.
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

/* Concurrency: pure (strat_priv is fixed between init and fini). */
static struct dp_lock *hs_lock_of(struct dpamt *m, uint64_t idx)
{
	struct hs_priv *p = m->strat_priv;

	/* Fibonacci hashing: neighbouring ranges land far apart. */
	return &p->s[prng_bucket(idx, p->n)].l;
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

const struct dp_strategy dp_strat_hashed = {
	.name = "hashed",
	.init = hs_init,
	.fini = hs_fini,
	.get = dp_locked_get,
	.put = dp_locked_put,
	.reclaim = dp_locked_reclaim,
	.count = dp_rc_count,
	.adopt = dp_zone_adopt,
	.release = dp_zone_release,
	.zoned = true,
	.lock_for = hs_lock_of,
};
