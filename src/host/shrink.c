/*
 * shrink.c - idle pairs of the zoned strategies: whether a 1->0 put
 * keeps its pair installed at refcount 0 (cfg.max_idle_pairs, default 0:
 * never, as upstream), and the reclaim pass that gives idle pairs back:
 * dpamt_shrink() on demand (teardown, memory pressure), the shrinker
 * pair dpamt_shrink_count()/dpamt_shrink_scan() a host's memory-pressure
 * callback calls (a Linux struct shrinker's count/scan), the trim after a
 * keep pushed the count over the cap, the page cache's own shrinker when
 * pair_alloc fails (cache.c), and dpamt_retry_deferred() for REMOVEs that
 * stayed BUSY (which shrinks back to the cap).
 *
 * The idle bitmap is a superset hint: a fast-path get revives an idle
 * pair (LIVE + 0 -> LIVE + 1) without touching its bit, so a set bit
 * means "was idle when set"; the word itself says whether it still is.
 * At quiescence every range at LIVE + 0 has its bit set.  The reclaim
 * pass sweeps the bitmap like a clock hand (m->clock_hand, one bitmap
 * word per step, wrapping): each set bit under the hand is reclaimed if
 * still idle and cleared if stale, until the count is at the target.
 */
#include "host/strategy.h"

/* Concurrency: any thread; the caller may hold idx's range lock. */
bool dp_idle_keep(struct dpamt *m, uint64_t idx)
{
	if (m->cfg.max_idle_pairs == 0)
		return false;
	dp_idle_set(m, idx);
	dp_stat_inc(m, DP_ST_idle_kept);
	return true;
}

/* What one reclaim pass did. */
struct dp_shrunk {
	unsigned failed;  /* REMOVE refused (BUSY...): pair kept idle */
	uint64_t removed; /* pairs given back */
};

/* Reclaim from bitmap word wi until n_idle <= target. */
static void dp_shrink_word(struct dpamt *m, uint64_t wi, uint64_t target,
			   struct dp_shrunk *r)
{
	uint64_t bits = dp_load_acquire64(&m->idle[wi]);

	while (bits && dp_load_relaxed64(&m->n_idle) > target) {
		uint64_t idx = wi * 64 + dp_ctz64(bits);
		enum dp_reclaim how;

		bits &= bits - 1;
		how = m->strat->reclaim(m, idx);
		if (how == DP_RECLAIM_KEPT)
			r->failed++;
		else if (how == DP_RECLAIM_GONE)
			r->removed++;
	}
}

/* The clock hand's sweep down to target.  Concurrency: any thread, any
 * time, concurrently with get/put; no install/remove lock held. */
static struct dp_shrunk dp_shrink_pass(struct dpamt *m, uint64_t target)
{
	uint64_t nw = BM_WORDS(m->n_ranges), start;
	struct dp_shrunk r = { 0, 0 };

	if (nw == 0 || dp_load_relaxed64(&m->n_idle) <= target)
		return r;
	start = dp_fetch_add_relaxed64(&m->clock_hand, 1) % nw;
	for (uint64_t k = 0; k < nw; k++) {
		if (dp_load_relaxed64(&m->n_idle) <= target)
			break;
		dp_shrink_word(m, (start + k) % nw, target, &r);
		dp_store_relaxed64(&m->clock_hand, start + k + 1);
	}
	return r;
}

/* Concurrency: as dp_shrink_pass.  Returns the REMOVEs refused. */
unsigned dp_shrink_to(struct dpamt *m, uint64_t target)
{
	return dp_shrink_pass(m, target).failed;
}

/* Concurrency: any thread holding no range lock. */
void dp_idle_trim(struct dpamt *m)
{
	if (dp_load_relaxed64(&m->n_idle) > m->cfg.max_idle_pairs)
		dp_shrink_to(m, m->cfg.max_idle_pairs);
}

/* Concurrency: any thread, any time (see dpamt.h). */
bool dpamt_shrink_range(struct dpamt *m, uint64_t pa)
{
	int64_t idx = dp_range_index(m, pa);

	if (idx < 0 || !m->dynamic)
		return false;
	if (m->strat->reclaim)
		m->strat->reclaim(m, (uint64_t)idx);
	else
		m->strat->retry_deferred(m);
	return !dpamt_range_installed(m, pa);
}

/* Concurrency: any thread, any time (see dpamt.h). */
uint64_t dpamt_shrink(struct dpamt *m, uint64_t target)
{
	if (!m->dynamic)
		return 0;
	if (m->strat->reclaim)
		dp_shrink_to(m, target);
	else if (target == 0)
		m->strat->retry_deferred(m);
	return dpamt_idle_ranges(m);
}

/* Concurrency: any thread, any context (see dpamt.h). */
uint64_t dpamt_shrink_count(const struct dpamt *m)
{
	if (!m->dynamic || !m->strat->reclaim)
		return 0;
	return dp_load_relaxed64(&m->n_idle);
}

/* Concurrency: any thread holding no install/remove lock (see dpamt.h). */
uint64_t dpamt_shrink_scan(struct dpamt *m, uint64_t nr_to_scan)
{
	uint64_t idle = dpamt_shrink_count(m);

	if (idle == 0 || nr_to_scan == 0)
		return 0;
	return dp_shrink_pass(m, idle > nr_to_scan ? idle - nr_to_scan : 0)
		.removed;
}
