/*
 * huge.c - the pair that travels with DEMOTE (host supplies it in
 * R12/R13) and PROMOTE (module returns it), and the refcount of the range
 * moving between 0 and the 512 4K pages the TD now holds in it.
 */
#include "host/strategy.h"

/* Concurrency: c is the caller's; may call pair_alloc when c is NULL. */
int dpamt_demote_prepare(struct dpamt *m, struct dpamt_cache *c,
			 uint64_t pair[2])
{
	struct dpamt_cache tmp, *use;
	int err;

	pair[0] = pair[1] = 0;
	if (!m->dynamic)
		return DPAMT_OK;
	use = dp_tmp_cache_begin(m, c, &tmp, &err);
	if (err)
		return err;
	err = dp_cache_take_pair(m, use, pair);
	dp_tmp_cache_end(m, c, &tmp);
	return err;
}

int dpamt_demote_check_pair(uint64_t pa_2m, uint64_t sept,
			    const uint64_t pair[2])
{
	uint64_t base = pa_2m & ~(DPAMT_TDX_2M_SIZE - 1);

	for (unsigned i = 0; i < 2; i++)
		if (pair[i] && ((pair[i] & ~(DPAMT_TDX_2M_SIZE - 1)) == base ||
				pair[i] == sept))
			return DPAMT_EINVAL;
	return DPAMT_OK;
}

void dpamt_demote_abort(struct dpamt *m, struct dpamt_cache *c,
			const uint64_t pair[2])
{
	if (m->dynamic)
		dp_cache_give_pair(m, c, pair);
}

/* The range index of a 2 MiB page's base, or -1: an address inside the
 * page (not its base) is refused rather than rounded, as DEMOTE and
 * PROMOTE refuse it. */
static int64_t base_2m_index(const struct dpamt *m, uint64_t pa_2m)
{
	if (pa_2m & (DPAMT_TDX_2M_SIZE - 1))
		return -1;
	return dp_range_index(m, pa_2m);
}

/* Static mode's DEMOTE/PROMOTE bookkeeping, exact as the strategies'
 * adopt/release: the count moves from `from` to `to` or nothing changes
 * (a range already 4K-tracked, or a PROMOTE without all 512 pages). */
static int static_swap(struct dpamt *m, uint64_t idx, uint32_t from,
		       uint32_t to)
{
	return dp_cas_acq_rel32(&m->refs[idx], &from, to) ? DPAMT_OK
							   : DPAMT_EINVAL;
}

/* The range is one TD page: no get/put on it may run concurrently. */
int dpamt_demote_commit(struct dpamt *m, uint64_t pa_2m,
			const uint64_t pair[2])
{
	int64_t idx = base_2m_index(m, pa_2m);

	(void)pair; /* now the module's */
	if (idx < 0)
		return DPAMT_EINVAL;
	if (!m->dynamic)
		return static_swap(m, (uint64_t)idx, 0, DP_PAGES_PER_2M);
	return m->strat->adopt(m, (uint64_t)idx, DP_PAGES_PER_2M);
}

int dpamt_promote_commit(struct dpamt *m, uint64_t pa_2m,
			 const uint64_t pair[2])
{
	int64_t idx = base_2m_index(m, pa_2m);
	int err;

	if (idx < 0)
		return DPAMT_EINVAL;
	if (!m->dynamic) {
		err = static_swap(m, (uint64_t)idx, DP_PAGES_PER_2M, 0);
		if (err)
			dp_stat_inc(m, DP_ST_put_failures);
		return err;
	}
	err = m->strat->release(m, (uint64_t)idx, DP_PAGES_PER_2M);
	/* PROMOTE handed the pair back: it is the host's whatever our count
	 * says, so it goes back to the allocator even on a mismatch. */
	dp_cache_give_pair(m, 0, pair);
	if (err)
		dp_stat_inc(m, DP_ST_put_failures);
	return err;
}
