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

/* Installed pairs now, signed: the sum of the stripes' +1/-1 (wrapping).
 * Under concurrency a racy sum, off by at most the calls in flight;
 * exact at quiescence and whenever calls do not overlap. */
static int64_t dp_pairs_sum(const struct dpamt *m)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < DP_STAT_STRIPES; i++)
		v += dp_stat_load64(&m->st[i].pairs);
	return (int64_t)v;
}

static int64_t dp_room(const struct dpamt *m, unsigned i)
{
	return (int64_t)dp_stat_load64(&m->st[i].pairs_room);
}

/*
 * An install took stripe own past its room: under the gauge's lock, raise
 * the peak to the sum if it passed it, then hand out the rooms again so
 * they add up to the peak exactly: each stripe gets its count plus, as
 * far as the spare (peak - sum) goes, the slack it had before (the
 * others first: a stripe cycling below its old room keeps it), and the
 * rest goes to own.  While every stripe stays within its room the sum
 * stays within the peak, so no install that raises the peak can miss
 * this path.
 */
static void dp_pair_peak_slow(struct dpamt *m, unsigned own)
{
	int64_t sum, spare;
	unsigned attempt = 0;

	while (!dp_stat_trylock64(&m->pairs.lock))
		dp_relax(m, attempt++);
	sum = dp_pairs_sum(m);
	if (sum > (int64_t)dp_stat_load64(&m->pairs.peak)) {
		dp_max_relaxed64(&m->pairs.peak, (uint64_t)sum);
		dp_max_relaxed64(&m->pairs.bytes_peak,
				 (uint64_t)sum * dp_pair_bytes(m));
	}
	spare = (int64_t)dp_stat_load64(&m->pairs.peak) - sum;
	for (unsigned k = 1; k <= DP_STAT_STRIPES; k++) {
		unsigned i = (own + k) % DP_STAT_STRIPES;
		int64_t c = (int64_t)dp_stat_load64(&m->st[i].pairs);
		int64_t give = dp_room(m, i) - c;

		give = give < 0 ? 0 : give > spare ? spare : give;
		if (i == own)
			give = spare; /* last: whatever is left */
		spare -= give;
		dp_stat_store64(&m->st[i].pairs_room, (uint64_t)(c + give));
	}
	dp_stat_unlock64(&m->pairs.lock);
}

/*
 * Called after a successful PAMT.ADD or a DEMOTE that brought a pair.
 * The count goes on the caller's stripe.  Peak: exact when installs and
 * removes do not overlap (one thread, the simulator's virtual time);
 * under concurrency an install racing a rebalance may pass the peak
 * unseen by at most the calls in flight, until the next rebalance.
 * CPUs cycling pairs within their rooms write no shared line: one
 * global counter here made two CPUs on distinct ranges bounce a line
 * twice per 0->1->0 cycle (docs/bench.md).
 */
void dp_stat_pair_installed(struct dpamt *m)
{
	unsigned own = dp_stat_stripe(m);
	struct dp_stat_stripe *s = &m->st[own];

	dp_stat_add_relaxed64(&s->pairs, 1);
	if ((int64_t)dp_stat_load64(&s->pairs) >
	    (int64_t)dp_stat_load_own64(&s->pairs_room))
		dp_pair_peak_slow(m, own);
}

/* Called after a successful PAMT.REMOVE or a PROMOTE that took a pair. */
void dp_stat_pair_removed(struct dpamt *m)
{
	dp_stat_add_relaxed64(&m->st[dp_stat_stripe(m)].pairs, (uint64_t)-1);
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
	int64_t now;

#define DP_STAT_COPY(n) out->n = dp_stat_sum(m, DP_ST_##n);
	DPAMT_STATS(DP_STAT_COPY)
#undef DP_STAT_COPY
	now = dp_pairs_sum(m);
	out->pairs_now = now < 0 ? 0 : (uint64_t)now;
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
