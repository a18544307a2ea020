/*
 * stats.c - statistics: snapshots of the per-cache-line atomic counters,
 * pair/byte gauges with their peaks, and folding a cache's local
 * fast-path counters (which cost the fast path no atomic RMW).
 */
#include "host/dp_internal.h"

static uint64_t dp_pair_bytes(const struct dpamt *m)
{
	return (uint64_t)m->md.pages_per_pair * DPAMT_TDX_PAGE_SIZE;
}

/* Called after a successful PAMT.ADD or a DEMOTE that brought a pair. */
void dp_stat_pair_installed(struct dpamt *m)
{
	uint64_t now = dp_fetch_add_relaxed64(&m->pairs.now, 1) + 1;

	if (now > dp_load_relaxed64(&m->pairs.peak)) {
		dp_max_relaxed64(&m->pairs.peak, now);
		dp_max_relaxed64(&m->pairs.bytes_peak, now * dp_pair_bytes(m));
	}
}

/* Called after a successful PAMT.REMOVE or a PROMOTE that took a pair. */
void dp_stat_pair_removed(struct dpamt *m)
{
	dp_fetch_sub_relaxed64(&m->pairs.now, 1);
}

/* Sum of a counter's stripes (relaxed). */
static uint64_t dp_stat_sum(const struct dpamt *m, enum dp_stat_id id)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < DP_STAT_STRIPES; i++)
		v += dp_load_relaxed64(&m->st[i].v[id]);
	return v;
}

/* Concurrency: any time; relaxed reads, exact at quiescence. */
void dpamt_stats(const struct dpamt *m, struct dpamt_stats *out)
{
#define DP_STAT_COPY(n) out->n = dp_stat_sum(m, DP_ST_##n);
	DPAMT_STATS(DP_STAT_COPY)
#undef DP_STAT_COPY
	out->pairs_now = dp_load_relaxed64(&m->pairs.now);
	out->pairs_peak = dp_load_relaxed64(&m->pairs.peak);
	out->dynamic_bytes_now = out->pairs_now * dp_pair_bytes(m);
	out->dynamic_bytes_peak = dp_load_relaxed64(&m->pairs.bytes_peak);
}

/* Concurrency: the cache's owner only; any other call may run. */
void dpamt_cache_flush_stats(struct dpamt *m, struct dpamt_cache *c)
{
	dp_stat_add(m, DP_ST_gets, c->local_fast_gets + c->local_slow_gets);
	dp_stat_add(m, DP_ST_puts, c->local_fast_puts + c->local_slow_puts);
	dp_stat_add(m, DP_ST_fast_gets, c->local_fast_gets);
	dp_stat_add(m, DP_ST_fast_puts, c->local_fast_puts);
	c->local_fast_gets = 0;
	c->local_fast_puts = 0;
	c->local_slow_gets = 0;
	c->local_slow_puts = 0;
}

/* Count one get/put: in the cache when there is one (one plain
 * increment), else atomically. */
void dp_cache_count(struct dpamt *m, struct dpamt_cache *c, bool put,
		    bool fast)
{
	if (c) {
		if (put)
			*(fast ? &c->local_fast_puts : &c->local_slow_puts) += 1;
		else
			*(fast ? &c->local_fast_gets : &c->local_slow_gets) += 1;
		return;
	}
	dp_stat_inc(m, put ? DP_ST_puts : DP_ST_gets);
	if (fast)
		dp_stat_inc(m, put ? DP_ST_fast_puts : DP_ST_fast_gets);
}
