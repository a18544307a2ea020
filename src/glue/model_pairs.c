/*
 * model_pairs.c - the pair_alloc/pair_free ops of model_ops (see
 * model_ops_pairs in model_ops.h): pages from the pair pool or from
 * page_alloc, and a count of live pair pages per 2 MiB range, so a run can
 * report how many ranges pair pages kept from being 2M TD pages.
 */
#include "glue/model_ops.h"

#include <stdlib.h>

#define MP_2M (2ull << 20)

/* Pair page pa left or joined the pool of live pair pages. */
static void mp_count(struct model_ops *mo, uint64_t pa, bool up)
{
	uint64_t r = pa / MP_2M, now, peak;

	if (!mo->pair_live || r >= mo->pair_ranges)
		return;
	if (!up) {
		if (atomic_fetch_sub_explicit(&mo->pair_live[r], 1,
					      memory_order_relaxed) == 1)
			atomic_fetch_sub_explicit(&mo->ranges_blocked, 1,
						  memory_order_relaxed);
		return;
	}
	if (atomic_fetch_add_explicit(&mo->pair_live[r], 1,
				      memory_order_relaxed) != 0)
		return;
	now = atomic_fetch_add_explicit(&mo->ranges_blocked, 1,
					memory_order_relaxed) + 1;
	peak = atomic_load_explicit(&mo->ranges_blocked_peak,
				    memory_order_relaxed);
	while (now > peak &&
	       !atomic_compare_exchange_weak_explicit(
		       &mo->ranges_blocked_peak, &peak, now,
		       memory_order_relaxed, memory_order_relaxed))
		;
}

static int mp_pair_alloc(void *ctx, uint64_t *pa)
{
	struct model_ops *mo = ctx;
	int err = -1;

	if (mo->pair_pool)
		err = pair_pool_alloc(mo->pair_pool, pa);
	if (err && mo->pair_pool)
		atomic_fetch_add_explicit(&mo->pair_fallbacks, 1,
					  memory_order_relaxed);
	if (err)
		err = mo->ops.page_alloc(ctx, pa);
	if (!err)
		mp_count(mo, *pa, true);
	return err;
}

static void mp_pair_free(void *ctx, uint64_t pa)
{
	struct model_ops *mo = ctx;

	mp_count(mo, pa, false);
	if (!mo->pair_pool || !pair_pool_free(mo->pair_pool, pa))
		mo->ops.page_free(ctx, pa);
}

int model_ops_pairs(struct model_ops *mo, uint64_t mem_bytes, bool pool,
		    unsigned hint)
{
	uint64_t n = (mem_bytes + MP_2M - 1) / MP_2M;

	mo->pair_live = calloc(n ? n : 1, sizeof(*mo->pair_live));
	if (!mo->pair_live)
		return -1;
	mo->pair_pool = pool ? pair_pool_create(mo->alloc, mem_bytes, hint) :
			       NULL;
	if (pool && !mo->pair_pool) {
		free(mo->pair_live);
		mo->pair_live = NULL;
		return -1;
	}
	mo->pair_ranges = n;
	mo->ops.pair_alloc = mp_pair_alloc;
	mo->ops.pair_free = mp_pair_free;
	return 0;
}

void model_ops_pairs_fini(struct model_ops *mo)
{
	pair_pool_destroy(mo->pair_pool);
	free(mo->pair_live);
	mo->pair_pool = NULL;
	mo->pair_live = NULL;
}
