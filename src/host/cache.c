/*
 * cache.c - the per-thread page cache: topped up where sleeping is
 * allowed, consumed by get inside non-sleeping sections.  A get takes
 * pages_per_pair pages (module metadata), never a fixed number.  Every
 * page here is a pair page: it comes from pair_alloc and goes back through
 * pair_free (page_alloc/page_free when the hypervisor gave no pair ops).
 */
#include "host/strategy.h"

/* Idle pairs given back per allocation failure (2 pages each). */
#define DP_RECLAIM_BATCH 8

/* Concurrency: pure read of creation-time state. */
unsigned dpamt_pages_per_get(const struct dpamt *m)
{
	return m->dynamic ? m->md.pages_per_pair : 0;
}

/*
 * The allocator ran dry: the manager's own shrinker.  Give back some idle
 * pairs (their pages go to pair_free) so the next pair_alloc can succeed;
 * false if there were none.  Concurrency: any thread holding no range
 * lock (topup is never called under one).
 */
static bool dp_cache_reclaim(struct dpamt *m)
{
	uint64_t idle = dp_load_relaxed64(&m->n_idle);

	if (!m->zoned || idle == 0)
		return false;
	dp_stat_inc(m, DP_ST_idle_reclaims);
	dp_shrink_to(m, idle > DP_RECLAIM_BATCH ? idle - DP_RECLAIM_BATCH : 0);
	return true;
}

/* Concurrency: the cache's owner only; may call pair_alloc (may sleep). */
int dpamt_cache_topup(struct dpamt *m, struct dpamt_cache *c, unsigned n)
{
	/* c->n past the array: a cache that was never zero-initialised */
	if (n > DPAMT_CACHE_MAX || c->n > DPAMT_CACHE_MAX)
		return DPAMT_EINVAL;
	while (c->n < n) {
		uint64_t pa;

		if (m->ops.pair_alloc(m->ops.ctx, &pa) != 0 &&
		    (!dp_cache_reclaim(m) ||
		     m->ops.pair_alloc(m->ops.ctx, &pa) != 0)) {
			dp_stat_inc(m, DP_ST_enomem);
			return DPAMT_ENOMEM;
		}
		c->pa[c->n++] = pa;
	}
	return DPAMT_OK;
}

/* Concurrency: the cache's owner only; calls pair_free. */
void dpamt_cache_drain(struct dpamt *m, struct dpamt_cache *c)
{
	if (c->n > DPAMT_CACHE_MAX)
		c->n = 0; /* never zero-initialised: pa[] holds no page */
	while (c->n > 0)
		m->ops.pair_free(m->ops.ctx, c->pa[--c->n]);
	dpamt_cache_flush_stats(m, c);
}

int dp_cache_take_pair(struct dpamt *m, struct dpamt_cache *c,
		       uint64_t *pages)
{
	unsigned k = m->md.pages_per_pair;

	if (c->n > DPAMT_CACHE_MAX)
		return DPAMT_EINVAL; /* never zero-initialised: no page is */
	if (c->n < k) {
		dp_stat_inc(m, DP_ST_enomem);
		return DPAMT_ENOMEM;
	}
	for (unsigned i = 0; i < k; i++)
		pages[i] = c->pa[--c->n];
	return DPAMT_OK;
}

void dp_cache_give_pair(struct dpamt *m, struct dpamt_cache *c,
			const uint64_t *pages)
{
	for (unsigned i = 0; i < m->md.pages_per_pair; i++) {
		if (c && c->n < DPAMT_CACHE_MAX)
			c->pa[c->n++] = pages[i];
		else
			m->ops.pair_free(m->ops.ctx, pages[i]);
	}
}
