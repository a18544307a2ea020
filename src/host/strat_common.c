/*
 * strat_common.c - building blocks every strategy shares: the ADD step
 * of a get (with its yield points) and the temporary page cache used
 * when get is called without one.
 */
#include "host/strategy.h"

/* The ADD step of a get: ADD (or find) idx's pair; the caller publishes
 * the reference.  Concurrency: sound strategies own idx's transition. */
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

/* Concurrency: the caller's own tmp; given is the caller's cache. */
struct dpamt_cache *dp_tmp_cache_begin(struct dpamt *m,
				       struct dpamt_cache *given,
				       struct dpamt_cache *tmp, int *err)
{
	*err = DPAMT_OK;
	if (given)
		return given;
	tmp->n = 0;
	tmp->local_slow_gets = tmp->local_slow_puts = 0;
	tmp->local_fast_gets = tmp->local_fast_puts = 0;
	*err = dpamt_cache_topup(m, tmp, m->md.pages_per_pair);
	if (*err)
		dp_tmp_cache_end(m, given, tmp);
	return tmp;
}

void dp_tmp_cache_end(struct dpamt *m, struct dpamt_cache *given,
		      struct dpamt_cache *tmp)
{
	if (!given)
		dpamt_cache_drain(m, tmp);
}
