/*
 * page.c - control-structure pages (TDR, TDCS, TDVPR, TDCX): allocate a
 * page and take its PAMT reference, drop it and free the page, and the
 * teardown helper that reclaims a page from the module first.
 */
#include "host/dp_internal.h"

/* Concurrency: like dpamt_get; c is the caller's own (or NULL). */
int dpamt_alloc_page(struct dpamt *m, struct dpamt_cache *c, uint64_t *pa)
{
	uint64_t p;
	int err;

	if (m->ops.page_alloc(m->ops.ctx, &p) != 0) {
		dp_stat_inc(m, DP_ST_enomem);
		return DPAMT_ENOMEM;
	}
	err = dpamt_get(m, p, c);
	if (err) {
		m->ops.page_free(m->ops.ctx, p);
		return err;
	}
	*pa = p;
	return DPAMT_OK;
}

/* Concurrency: like dpamt_put.  The module must no longer use pa. */
void dpamt_free_page(struct dpamt *m, uint64_t pa, struct dpamt_cache *c)
{
	/* A failed put (REMOVE error) keeps the pair on record as idle; the
	 * page itself is the host's again either way. */
	(void)dpamt_put(m, pa, c);
	m->ops.page_free(m->ops.ctx, pa);
}

/* Concurrency: like dpamt_put. */
int dpamt_reclaim_page(struct dpamt *m, uint64_t pa, struct dpamt_cache *c)
{
	struct dpamt_tdx_regs r = { 0 };
	uint64_t st;

	r.rax = DPAMT_TDH_PHYMEM_PAGE_RECLAIM;
	r.rcx = pa;
	st = dp_seamcall_retry(m, &r, pa);
	if (!dpamt_tdx_is_success(st)) {
		/* BUSY past the budget: the page is not kept, the caller
		 * tries again (its retries are counted as such) */
		if (!dpamt_tdx_is_busy(st))
			dp_stat_inc(m, DP_ST_reclaim_failures);
		return dp_status_to_err(st);
	}
	/* The page is the host's now, whatever the put says: a failed put
	 * (REMOVE refused, an unbalanced count) is counted, not returned, so
	 * the caller frees the page instead of leaking it. */
	if (dpamt_put(m, pa, c))
		dp_stat_inc(m, DP_ST_put_failures);
	return DPAMT_OK;
}
