/*
 * dp_internal.h - the manager's private state and the helpers the core's
 * files share.  Freestanding; never included outside src/host/.
 */
#ifndef DPAMT_HOST_DP_INTERNAL_H
#define DPAMT_HOST_DP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdx_abi.h"
#include "host/dp_atomic.h"
#include "util/bitmap.h"
#include "util/prng.h"

struct dp_strategy;

/* Keep a rarely taken path out of its caller (the fast path stays a
 * leaf function).  GCC and Clang; the reserved spelling, because the
 * kernel defines a `noinline` macro (kbuild/). */
#define DP_NOINLINE __attribute__((__noinline__))

/* The fast path getput.c runs before calling the strategy. */
enum dp_fast {
	DP_FAST_NONE, /* strategy does everything (static mode, broken-*) */
	DP_FAST_ONE,  /* zoned word, one atomic RMW */
	DP_FAST_CAS,  /* zoned word, CAS loop (cfg.fast_path_cas) */
};

/* ---- Statistics: one atomic per cache line ---------------------------- */
enum dp_stat_id {
#define DP_STAT_ID(n) DP_ST_##n,
	DPAMT_STATS(DP_STAT_ID)
#undef DP_STAT_ID
	DP_ST_COUNT
};

#define DP_CACHE_LINE 64

/*
 * Counters are striped: DP_STAT_STRIPES copies of every counter, each
 * copy in a block of whole 128-byte units (line + adjacent-line
 * prefetch) written by the threads that hash to it, summed on read.  Two
 * CPUs installing pairs on distinct ranges then share no written line
 * for bookkeeping.  The installed-pair gauge is striped too: each stripe
 * counts its +1 per install and -1 per remove (wrapping; the sum is the
 * count) and holds its share ("room") of the peak; only an install that
 * takes its stripe past its room reads the others (stats.c).
 */
#define DP_STAT_STRIPES 8u
#define DP_STAT_BLOCK 128u

struct dp_stat_stripe {
	dp_atomic64_t v[DP_ST_COUNT];
	dp_atomic64_t pairs;      /* installs - removes on this stripe */
	dp_atomic64_t pairs_room; /* signed: this stripe's share of peak */
	char pad[DP_STAT_BLOCK -
		 ((DP_ST_COUNT + 2) * sizeof(dp_atomic64_t)) % DP_STAT_BLOCK];
};

/* Written only when the pair count passes its peak or an install
 * outgrows its stripe's room; lock guards the rooms' rebalancing. */
struct dp_pair_gauge {
	dp_atomic64_t peak, bytes_peak, lock;
	char pad[DP_STAT_BLOCK - 3 * sizeof(dp_atomic64_t)];
};

/* ---- Locks ------------------------------------------------------------- */
struct dp_lock {
	void *ext;          /* ops->lock_new result, or NULL: spin below */
	dp_atomic32_t spin; /* core spin lock word: 0 free, 1 held */
};

/* ---- One TDMR as the manager tracks it -------------------------------- */
struct dp_tdmr {
	uint64_t base, size;
	uint64_t first_range;        /* index of its first 2 MiB range */
	uint64_t pa_1g, sz_1g;       /* static areas (contig_alloc) */
	uint64_t pa_2m, sz_2m;
	uint64_t pa_4k, sz_4k;       /* 4K array or bitmap */
};

struct dpamt {
	/* Stats first: the struct is placed on a cache-line boundary. */
	struct dp_stat_stripe st[DP_STAT_STRIPES];
	struct dp_pair_gauge pairs;

	struct dpamt_ops ops;
	struct dpamt_config cfg;
	struct dpamt_metadata md;
	bool dynamic;
	unsigned busy_budget;
	const struct dp_strategy *strat;
	bool zoned;                   /* dynamic && strat->zoned */
	enum dp_fast fast;            /* getput.c's inline fast path */
	void *strat_priv;             /* strategy-owned state, may be NULL */

	unsigned n_tdmrs;
	struct dp_tdmr tdmrs[DPAMT_MAX_TDMRS];
	uint64_t info_pa, info_bytes; /* TDMR_INFO array */
	bool module_configured;       /* SYS.CONFIG accepted our areas */

	/* Refcounts: one word per covered 2 MiB range; idle bitmap. */
	uint64_t n_ranges;
	dp_atomic32_t *refs;
	size_t refs_bytes;
	dp_atomic64_t *idle;          /* range has a pair and refcount 0;
				       * bits as util/bitmap.h */
	size_t idle_bytes;
	dp_atomic64_t n_idle;         /* bits set in idle[] */
	dp_atomic64_t clock_hand;     /* shrink.c: next idle[] word */

	struct dp_lock lock;          /* the install/remove lock */

	void *raw;                    /* what mem_alloc returned */
	size_t raw_bytes;
};

/* 4K pages per 2 MiB range (a refcount after DEMOTE). */
#define DP_PAGES_PER_2M ((uint32_t)(DPAMT_TDX_2M_SIZE / DPAMT_TDX_PAGE_SIZE))

/* ---- stats.c ----------------------------------------------------------- */
/* The calling CPU's stripe: ops.cpu when the host gives it, else a hash
 * of the caller's stack address (threads have distinct stacks; that
 * needs no CPU number, so it stays freestanding, but two threads may
 * hash alike).  A thread that lands on two stripes (a migration, or
 * different call depths) is fine: every copy is an atomic and reads sum
 * them all.  Concurrency: any thread, any time. */
static inline unsigned dp_stat_stripe(const struct dpamt *m)
{
	char here;
	uint64_t a = (uint64_t)(uintptr_t)&here >> 14;

	if (m->ops.cpu)
		return m->ops.cpu(m->ops.ctx) % DP_STAT_STRIPES;
	return prng_bucket(a, DP_STAT_STRIPES);
}

/* Concurrency: any thread, any time. */
static inline void dp_stat_add(struct dpamt *m, enum dp_stat_id id,
			       uint64_t v)
{
	dp_stat_add_relaxed64(&m->st[dp_stat_stripe(m)].v[id], v);
}

static inline void dp_stat_inc(struct dpamt *m, enum dp_stat_id id)
{
	dp_stat_add(m, id, 1);
}

void dp_stat_pair_installed(struct dpamt *m);
void dp_stat_pair_removed(struct dpamt *m);

/* ---- refcount.c -------------------------------------------------------- */
/* Range index of pa, or -1 if pa lies in no TDMR: binary search over the
 * sorted TDMRs, O(log #TDMRs).  Inline: every get/put starts here. */
static inline int64_t dp_range_index(const struct dpamt *m, uint64_t pa)
{
	unsigned lo = 0, hi = m->n_tdmrs;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		const struct dp_tdmr *t = &m->tdmrs[mid];

		if (pa < t->base)
			hi = mid;
		else if (pa - t->base >= t->size)
			lo = mid + 1;
		else
			return (int64_t)(t->first_range +
					 (pa - t->base) / DPAMT_TDX_2M_SIZE);
	}
	return -1;
}
uint64_t dp_range_pa(const struct dpamt *m, uint64_t idx);
int dp_refs_alloc(struct dpamt *m);
void dp_refs_free(struct dpamt *m);
bool dp_idle_test(const struct dpamt *m, uint64_t idx);
void dp_idle_set(struct dpamt *m, uint64_t idx);
void dp_idle_clear(struct dpamt *m, uint64_t idx);

/* ---- areas.c ----------------------------------------------------------- */
void dp_areas_init(struct dpamt *m);
int dp_areas_alloc(struct dpamt *m);
void dp_areas_free(struct dpamt *m);
int dp_module_config(struct dpamt *m);

/* ---- lock.c ------------------------------------------------------------ */
int dp_lock_init(struct dpamt *m, struct dp_lock *l);
void dp_lock_fini(struct dpamt *m, struct dp_lock *l);
void dp_lock_acquire(struct dpamt *m, struct dp_lock *l);
void dp_lock_release(struct dpamt *m, struct dp_lock *l);

/* ---- seamcall_retry.c -------------------------------------------------- */
/*
 * Issue one SEAMCALL, retrying BUSY up to the budget with ops->relax
 * backoff; counts the calls of PAMT leaves and every retry.  regs is the
 * input; on return it holds the last answer.  Returns the status.
 */
uint64_t dp_seamcall_retry(struct dpamt *m, struct dpamt_tdx_regs *regs,
			   uint64_t yield_pa);
/* The same with another BUSY budget (0: one call, no retry). */
uint64_t dp_seamcall_budget(struct dpamt *m, struct dpamt_tdx_regs *regs,
			    uint64_t yield_pa, unsigned budget);
uint64_t dp_seamcall_once(struct dpamt *m, struct dpamt_tdx_regs *regs);
void dp_relax(struct dpamt *m, unsigned attempt);
int dp_status_to_err(uint64_t status);

static inline void dp_yield(struct dpamt *m, enum dpamt_yield_point where,
			    uint64_t pa)
{
	if (m->ops.yield)
		m->ops.yield(m->ops.ctx, where, pa);
}

/* ---- cache.c ----------------------------------------------------------- */
/* Move pages_per_pair pages out of c into pages[]; DPAMT_ENOMEM if short. */
int dp_cache_take_pair(struct dpamt *m, struct dpamt_cache *c,
		       uint64_t *pages);
/* Give pair pages back: into c while it has room, else pair_free. */
void dp_cache_give_pair(struct dpamt *m, struct dpamt_cache *c,
			const uint64_t *pages);
void dp_cache_count(struct dpamt *m, struct dpamt_cache *c, bool put,
		    bool fast);

/* ---- pair.c: the two SEAMCALLs every strategy issues ------------------- */
#define DP_MAX_PAIR_PAGES 2 /* pages_per_pair is 1 or 2 */

enum dp_add_result {
	DP_ADD_DONE,      /* PAMT.ADD installed our pages */
	DP_ADD_NOT_FREE,  /* HPA_RANGE_NOT_FREE: a pair is already there */
	DP_ADD_FAILED,    /* error in *err; pages given back */
};
enum dp_add_result dp_pair_add(struct dpamt *m, uint64_t idx,
			       struct dpamt_cache *c, int *err);
/* PAMT.ADD with the caller's pages (pages_per_pair of them) and BUSY
 * budget; counts a success or HPA_RANGE_NOT_FREE.  Pages stay the
 * caller's unless the status is a success.  Returns the status. */
uint64_t dp_pair_add_pages(struct dpamt *m, uint64_t idx,
			   const uint64_t *pages, unsigned budget);

enum dp_remove_result {
	DP_REMOVE_DONE,     /* pair removed, pages freed/cached */
	DP_REMOVE_BUSY,     /* still BUSY after the budget: still installed */
	DP_REMOVE_NO_PAIR,  /* NO_PAMT_PAGE_PAIR: nothing was installed */
	DP_REMOVE_NOT_EMPTY,/* PAMT_PAGE_NOT_EMPTY: module still uses it */
	DP_REMOVE_FAILED,   /* other error: still installed */
};
enum dp_remove_result dp_pair_remove(struct dpamt *m, uint64_t idx,
				     struct dpamt_cache *c);
/* The same with another BUSY budget; *status = the last answer. */
enum dp_remove_result dp_pair_remove_budget(struct dpamt *m, uint64_t idx,
					    struct dpamt_cache *c,
					    unsigned budget, uint64_t *status);

#endif /* DPAMT_HOST_DP_INTERNAL_H */
