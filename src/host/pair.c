/*
 * pair.c - PAMT.ADD and PAMT.REMOVE of one range's pair, with BUSY retry,
 * statistics and page bookkeeping.  Strategies decide *when* to call
 * these; these decide nothing but how to read the module's answer.
 * Pair pages travel in RDX (and R8 when pages_per_pair is 2).
 */
#include "host/dp_internal.h"

static uint64_t dp_range_operand(const struct dpamt *m, uint64_t idx)
{
	return dp_range_pa(m, idx) | DPAMT_TDX_PS_2M;
}

/*
 * PAMT.ADD of idx's pair with the given pages, retrying BUSY up to budget
 * times; counts a success.  The pages stay the caller's unless it
 * succeeded.  Returns the module's last status.
 */
uint64_t dp_pair_add_pages(struct dpamt *m, uint64_t idx,
			   const uint64_t *pages, unsigned budget)
{
	struct dpamt_tdx_regs r = { 0 };
	uint64_t st;

	r.rax = DPAMT_TDH_PHYMEM_PAMT_ADD;
	r.rcx = dp_range_operand(m, idx);
	r.rdx = pages[0];
	r.r8 = m->md.pages_per_pair > 1 ? pages[1] : 0;
	st = dp_seamcall_budget(m, &r, dp_range_pa(m, idx), budget);
	if (dpamt_tdx_is_success(st)) {
		dp_stat_inc(m, DP_ST_pamt_add_ok);
		dp_stat_pair_installed(m);
	} else if (dpamt_tdx_status_class(st) == DPAMT_TDX_HPA_RANGE_NOT_FREE) {
		dp_stat_inc(m, DP_ST_add_not_free);
	}
	return st;
}

/*
 * Install idx's pair with pages from c.  On anything but DP_ADD_DONE the
 * pages are back in c and *err says why (0 for DP_ADD_NOT_FREE).
 */
enum dp_add_result dp_pair_add(struct dpamt *m, uint64_t idx,
			       struct dpamt_cache *c, int *err)
{
	uint64_t pages[DP_MAX_PAIR_PAGES] = { 0, 0 };
	uint64_t st;

	*err = dp_cache_take_pair(m, c, pages);
	if (*err)
		return DP_ADD_FAILED;
	st = dp_pair_add_pages(m, idx, pages, m->busy_budget);
	if (dpamt_tdx_is_success(st))
		return DP_ADD_DONE;
	dp_cache_give_pair(m, c, pages);
	if (dpamt_tdx_status_class(st) == DPAMT_TDX_HPA_RANGE_NOT_FREE)
		return DP_ADD_NOT_FREE;
	*err = dp_status_to_err(st);
	return DP_ADD_FAILED;
}

/* Remove idx's pair, retrying BUSY up to budget times; its pages go to c
 * (when it has room) or pair_free.  *status: the module's last answer. */
enum dp_remove_result dp_pair_remove_budget(struct dpamt *m, uint64_t idx,
					    struct dpamt_cache *c,
					    unsigned budget, uint64_t *status)
{
	uint64_t pages[DP_MAX_PAIR_PAGES];
	struct dpamt_tdx_regs r = { 0 };
	uint64_t st;

	r.rax = DPAMT_TDH_PHYMEM_PAMT_REMOVE;
	r.rcx = dp_range_operand(m, idx);
	st = dp_seamcall_budget(m, &r, dp_range_pa(m, idx), budget);
	*status = st;
	if (dpamt_tdx_is_success(st)) {
		pages[0] = r.rdx;
		pages[1] = r.r8;
		dp_stat_inc(m, DP_ST_pamt_remove_ok);
		dp_stat_pair_removed(m);
		dp_cache_give_pair(m, c, pages);
		return DP_REMOVE_DONE;
	}
	if (dpamt_tdx_is_busy(st))
		return DP_REMOVE_BUSY;
	if (dpamt_tdx_status_class(st) == DPAMT_TDX_PAMT_PAGE_NOT_EMPTY)
		return DP_REMOVE_NOT_EMPTY; /* caller decides if it is bad */
	dp_stat_inc(m, DP_ST_remove_errors);
	if (dpamt_tdx_status_class(st) == DPAMT_TDX_NO_PAMT_PAGE_PAIR)
		return DP_REMOVE_NO_PAIR;
	return DP_REMOVE_FAILED;
}

/* Remove idx's pair with the manager's BUSY budget. */
enum dp_remove_result dp_pair_remove(struct dpamt *m, uint64_t idx,
				     struct dpamt_cache *c)
{
	uint64_t st;

	return dp_pair_remove_budget(m, idx, c, m->busy_budget, &st);
}
