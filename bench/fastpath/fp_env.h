/*
 * fp_env.h - one benchmark host: a module model (no latency), the
 * physical allocator, model-backed ops and a manager with one strategy,
 * with the benchmark's target ranges reserved so pair pages never land in
 * them.  Internal to bench/fastpath.
 */
#ifndef DPAMT_BENCH_FP_ENV_H
#define DPAMT_BENCH_FP_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "dpamt/dpamt.h"
#include "fastpath.h"

struct fp_env_priv;

/* A thread's cache on its own cache lines (no false sharing between the
 * threads' fast-path counters). */
struct fp_cache_slot {
	_Alignas(128) struct dpamt_cache c;
};

struct fp_env {
	enum dpamt_strategy strategy;
	bool cas;                /* cfg.fast_path_cas */
	unsigned max_idle;       /* cfg.max_idle_pairs */
	struct dpamt *m;
	unsigned pages_per_get;
	struct fp_cache_slot cache[FP_MAX_THREADS];  /* one per thread slot */
	uint64_t fast_pa[FP_MAX_THREADS];  /* installed, 1 extra reference */
	uint64_t far_pa[FP_MAX_THREADS];   /* idle ranges 1 GiB apart */
	uint64_t near_pa[FP_MAX_THREADS];  /* idle adjacent 2 MiB ranges */
	uint64_t cross_pa[FP_MAX_THREADS]; /* adjacent, hold each other's
					      pair pages (crossed) */
	uint64_t own_pa[FP_MAX_THREADS];   /* far_pa[i]'s pair pages (t1,
					      distinct): in its own GiB */
	struct fp_env_priv *priv;
};

/* 0, or -1 with a message in err (and nothing left allocated). */
int fp_env_create(struct fp_env *e, enum dpamt_strategy s, bool cas,
		  unsigned max_idle, unsigned threads,
		  char *err, size_t errlen);
/*
 * Place the pair pages of a slow-path scenario: empty caches 0..n-1
 * (allocator pages go back) and put in cache i the pages_per_get pages
 * after the first page of a reserved 2 MiB block: range
 * cross_pa[(i + 1) % n] when crossed, else own_pa[i] (t1, distinct: the
 * thread's own GiB, so distinct threads share no PAMT entry line).  Put
 * returns a removed pair to the cache, so the same pages cycle.  finish
 * takes those pages out of the caches again (they are reserved memory,
 * never the allocator's).
 */
void fp_env_pairs_prepare(struct fp_env *e, unsigned n, bool crossed);
void fp_env_pairs_finish(struct fp_env *e, unsigned n);

/* Churn ranges: thread i's k-th (k < FP_CHURN_RANGES), clear of every
 * target, in the GiB after thread i's far target. */
uint64_t fp_env_churn_pa(const struct fp_env *e, unsigned i, unsigned k);

/* Drops the extra references, retries deferred removals, frees all. */
void fp_env_destroy(struct fp_env *e);

#endif /* DPAMT_BENCH_FP_ENV_H */
