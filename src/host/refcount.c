/*
 * refcount.c - the sparse refcount table: one 32-bit word per 2 MiB range
 * covered by a TDMR (nothing for holes between TDMRs), the idle bitmap
 * (ranges whose pair stays installed at refcount 0: kept for reuse or
 * after a BUSY REMOVE; a superset hint for zoned words, see shrink.c),
 * the range index -> physical address map (the other direction is inline
 * in dp_internal.h), and the introspection calls built on them.
 */
#include "host/strategy.h"
#include "host/rczone.h"

uint64_t dp_range_pa(const struct dpamt *m, uint64_t idx)
{
	unsigned lo = 0, hi = m->n_tdmrs;

	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;

		if (m->tdmrs[mid].first_range <= idx)
			lo = mid;
		else
			hi = mid;
	}
	return m->tdmrs[lo].base +
	       (idx - m->tdmrs[lo].first_range) * DPAMT_TDX_2M_SIZE;
}

int dp_refs_alloc(struct dpamt *m)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < m->n_tdmrs; i++) {
		m->tdmrs[i].first_range = n;
		n += m->tdmrs[i].size / DPAMT_TDX_2M_SIZE;
	}
	m->n_ranges = n;
	m->refs_bytes = (size_t)n * sizeof(dp_atomic32_t);
	m->idle_bytes = (size_t)BM_WORDS(n) * sizeof(dp_atomic64_t);
	m->refs = m->ops.mem_alloc(m->ops.ctx, m->refs_bytes);
	m->idle = m->ops.mem_alloc(m->ops.ctx, m->idle_bytes);
	if (!m->refs || !m->idle) {
		dp_refs_free(m);
		return DPAMT_ENOMEM;
	}
	dp_stat_add(m, DP_ST_refcount_bytes, m->refs_bytes);
	dp_stat_add(m, DP_ST_idle_bitmap_bytes, m->idle_bytes);
	return DPAMT_OK;
}

void dp_refs_free(struct dpamt *m)
{
	if (m->refs)
		m->ops.mem_free(m->ops.ctx, m->refs, m->refs_bytes);
	if (m->idle)
		m->ops.mem_free(m->ops.ctx, m->idle, m->idle_bytes);
	m->refs = 0;
	m->idle = 0;
}

bool dp_idle_test(const struct dpamt *m, uint64_t idx)
{
	return (dp_load_acquire64(&m->idle[bm_word(idx)]) & bm_mask(idx)) != 0;
}

void dp_idle_set(struct dpamt *m, uint64_t idx)
{
	uint64_t bit = bm_mask(idx);

	if (!(dp_fetch_or_acq_rel64(&m->idle[bm_word(idx)], bit) & bit))
		dp_fetch_add_relaxed64(&m->n_idle, 1);
}

void dp_idle_clear(struct dpamt *m, uint64_t idx)
{
	uint64_t bit = bm_mask(idx);

	if (dp_fetch_and_acq_rel64(&m->idle[bm_word(idx)], ~bit) & bit)
		dp_fetch_sub_relaxed64(&m->n_idle, 1);
}

/* idx's word: the strategy's own table in dynamic mode (linux-*). */
static uint32_t dp_word(const struct dpamt *m, uint64_t idx)
{
	/* dp_ref_word only reads m: the cast drops no real constness. */
	struct dpamt *mm = (struct dpamt *)m;

	return dp_load_acquire32(m->dynamic ? dp_ref_word(mm, idx)
					    : &m->refs[idx]);
}

static uint32_t dp_count_at(const struct dpamt *m, uint64_t idx)
{
	return m->dynamic ? m->strat->count(dp_word(m, idx))
			  : dp_word(m, idx);
}

/* Dynamic mode: idx holds a pair at refcount 0.  Zoned words say so
 * themselves (LIVE + 0); the others keep the exact idle bitmap. */
static bool dp_idle_at(const struct dpamt *m, uint64_t idx)
{
	if (m->zoned)
		return dp_word(m, idx) == DP_RC_LIVE;
	return dp_idle_test(m, idx);
}

static bool dp_installed_at(const struct dpamt *m, uint64_t idx)
{
	if (m->zoned)
		return dp_word(m, idx) >= DP_RC_LIVE &&
		       dp_word(m, idx) < DP_RC_SAT;
	return dp_count_at(m, idx) > 0 || dp_idle_test(m, idx);
}

/* Concurrency: racy snapshot while calls run; exact at quiescence. */
uint32_t dpamt_refcount(const struct dpamt *m, uint64_t pa)
{
	int64_t idx = dp_range_index(m, pa);

	return idx < 0 ? 0 : dp_count_at(m, (uint64_t)idx);
}

/* Dynamic mode: the range holds a pair (referenced or idle). */
bool dpamt_range_installed(const struct dpamt *m, uint64_t pa)
{
	int64_t idx = dp_range_index(m, pa);

	return idx >= 0 && m->dynamic && dp_installed_at(m, (uint64_t)idx);
}

bool dpamt_range_idle(const struct dpamt *m, uint64_t pa)
{
	int64_t idx = dp_range_index(m, pa);

	return idx >= 0 && m->dynamic && dp_idle_at(m, (uint64_t)idx);
}

void dpamt_for_each_range(const struct dpamt *m,
			  void (*fn)(void *arg, uint64_t pa_2m, uint32_t refs,
				     bool installed),
			  void *arg)
{
	for (uint64_t i = 0; i < m->n_ranges; i++) {
		uint32_t refs = dp_count_at(m, i);
		bool inst = m->dynamic && dp_installed_at(m, i);

		if (refs || inst)
			fn(arg, dp_range_pa(m, i), refs, inst);
	}
}

/* Concurrency: racy while calls run; exact at quiescence.  Every idle
 * range has its bit set (shrink.c), so the scan sees them all. */
uint64_t dpamt_idle_ranges(const struct dpamt *m)
{
	uint64_t n = 0;

	if (!m->dynamic || !m->zoned)
		return dp_load_relaxed64(&m->n_idle);
	for (uint64_t w = 0; w < BM_WORDS(m->n_ranges); w++) {
		uint64_t bits = dp_load_acquire64(&m->idle[w]);

		while (bits) {
			uint64_t idx = w * 64 + dp_ctz64(bits);

			bits &= bits - 1;
			n += dp_idle_at(m, idx);
		}
	}
	return n;
}

unsigned dpamt_tdmrs(const struct dpamt *m, struct dpamt_range *out,
		     unsigned max)
{
	unsigned n = m->n_tdmrs < max ? m->n_tdmrs : max;

	for (unsigned i = 0; i < n; i++) {
		out[i].base = m->tdmrs[i].base;
		out[i].size = m->tdmrs[i].size;
	}
	return m->n_tdmrs;
}
