/*
 * strat_ref_common.c - REFERENCE ONLY.  What the two references to the
 * posted Linux series (strat_ref_linux_v6.c, strat_ref_linux_v3.c) share
 * and the production strategies do not: the kernel's refcount layout,
 * one 32-bit word per 2 MiB of the whole physical address space (from 0
 * to the end of the highest TDMR, holes included: not sparse), and its
 * pair pages, taken from the caller's cache (or allocated) and freed
 * straight back to the allocator when unused.
 *
 * The kernel's WARN_ONCE has no counterpart in a freestanding library:
 * the statistics count every occurrence instead (get_failures,
 * pairs_pinned, gets_no_pair).  Nothing here ever defers a REMOVE, so
 * the idle bitmap stays empty and retry_deferred has nothing to do.
 */
#include "host/strat_ref.h"

struct ref_priv {
	size_t bytes;
	uint64_t n;          /* words: 2 MiB ranges in [0, highest end) */
	dp_atomic32_t w[];
};

/* Concurrency: single-threaded (create).  Static mode keeps the core's
 * sparse table: nothing to allocate. */
int dp_ref_init(struct dpamt *m)
{
	struct ref_priv *p;
	uint64_t end = 0, n;
	size_t bytes;

	if (!m->dynamic)
		return DPAMT_OK;
	for (unsigned i = 0; i < m->n_tdmrs; i++)
		if (m->tdmrs[i].base + m->tdmrs[i].size > end)
			end = m->tdmrs[i].base + m->tdmrs[i].size;
	n = end / DPAMT_TDX_2M_SIZE;
	bytes = sizeof(*p) + (size_t)n * sizeof(dp_atomic32_t);
	p = m->ops.mem_alloc(m->ops.ctx, bytes);
	if (!p)
		return DPAMT_ENOMEM;
	p->bytes = bytes;
	p->n = n;
	m->strat_priv = p;
	/* refcount_bytes reports the table in use: the dense one (it is
	 * never smaller than the core's sparse one, left unused). */
	dp_stat_add(m, DP_ST_refcount_bytes,
		    (uint64_t)n * sizeof(dp_atomic32_t) - m->refs_bytes);
	return DPAMT_OK;
}

void dp_ref_fini(struct dpamt *m)
{
	struct ref_priv *p = m->strat_priv;

	if (p)
		m->ops.mem_free(m->ops.ctx, p, p->bytes);
	m->strat_priv = 0;
}

/* Concurrency: pure (the table is fixed between init and fini). */
dp_atomic32_t *dp_ref_word_pa(struct dpamt *m, uint64_t pa)
{
	struct ref_priv *p = m->strat_priv;

	return &p->w[pa / DPAMT_TDX_2M_SIZE];
}

/* Concurrency: pure.  Static mode: the core's own word. */
dp_atomic32_t *dp_ref_word_of(struct dpamt *m, uint64_t idx)
{
	if (!m->strat_priv)
		return &m->refs[idx];
	return dp_ref_word_pa(m, dp_range_pa(m, idx));
}

/* Concurrency: the cache's owner; may call pair_alloc when c is NULL. */
int dp_ref_pages_take(struct dpamt *m, struct dpamt_cache *c,
		      uint64_t *pages)
{
	unsigned k = m->md.pages_per_pair;

	if (c)
		return dp_cache_take_pair(m, c, pages);
	for (unsigned i = 0; i < k; i++) {
		if (m->ops.pair_alloc(m->ops.ctx, &pages[i]) != 0) {
			while (i > 0)
				m->ops.pair_free(m->ops.ctx, pages[--i]);
			dp_stat_inc(m, DP_ST_enomem);
			return DPAMT_ENOMEM;
		}
	}
	return DPAMT_OK;
}

/* Unused pair pages go back to the allocator, not to any cache. */
void dp_ref_pages_free(struct dpamt *m, const uint64_t *pages)
{
	dp_cache_give_pair(m, 0, pages);
}

/* Global lock held, count 0: one PAMT.ADD (no BUSY retry) with the
 * yield points of every install; on success the count becomes 1 and
 * *used is set.  Returns the module's status. */
uint64_t dp_ref_add_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			   dp_atomic32_t *w, const uint64_t *pages,
			   bool *used)
{
	uint64_t st;

	dp_yield(m, DPAMT_YP_GET_LOCKED, pa);
	st = dp_pair_add_pages(m, idx, pages, 0);
	if (dpamt_tdx_is_success(st)) {
		dp_yield(m, DPAMT_YP_GET_AFTER_ADD, pa);
		dp_store_release32(w, 1);
		*used = true;
	}
	return st;
}

/* Global lock held, the count seen 0: one PAMT.REMOVE (no BUSY retry),
 * its pages to the allocator.  False if it failed: pairs_pinned++ and the
 * caller puts the count back up its way. */
bool dp_ref_remove_locked(struct dpamt *m, uint64_t idx, uint64_t pa)
{
	uint64_t st;

	dp_yield(m, DPAMT_YP_PUT_LOCKED, pa);
	if (dp_pair_remove_budget(m, idx, 0, 0, &st) == DP_REMOVE_DONE) {
		dp_yield(m, DPAMT_YP_PUT_AFTER_REMOVE, pa);
		return true;
	}
	dp_stat_inc(m, DP_ST_pairs_pinned); /* warned/logged */
	return false;
}

/* Concurrency: any time; the references never leave a pair idle. */
unsigned dp_ref_retry_none(struct dpamt *m)
{
	(void)m;
	return 0;
}
