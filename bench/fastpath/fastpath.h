/*
 * fastpath.h - the get/put benchmark behind `dpamt bench`.
 *
 * Fast path: dpamt_get + dpamt_put on a range whose pair is installed and
 * which holds one extra reference (refcount 1 <-> 2, never a SEAMCALL),
 * against a bare atomic fetch_add + fetch_sub pair and a CAS-loop pair on
 * one word; 1 thread, N threads on distinct ranges/words, N threads on one
 * range/word.  Slow path: get + put cycling a range 0 -> 1 -> 0 (one
 * PAMT.ADD and one PAMT.REMOVE per cycle) with 1 thread, N threads on
 * distinct ranges, N threads on neighbouring 2 MiB ranges, and N on
 * neighbouring ranges holding each other's pair pages, with the
 * manager's BUSY retries and lock contentions.  Every variant of every
 * scenario runs once per repetition, interleaved, and the figure is the
 * median over repetitions.  The module model charges no latency.
 * Hosted code (pthreads, clock_gettime).  Not thread-safe itself.
 */
#ifndef DPAMT_BENCH_FASTPATH_H
#define DPAMT_BENCH_FASTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "dpamt/dpamt.h"

#define FP_MAX_THREADS 16
/* Managers benched: each strategy, plus its CAS fast-path variant. */
#define FP_MAX_ENV (2 * DPAMT_STRATEGY_COUNT)
/* Churn: ranges per thread, each bounced 0->1->0 in turn, and the idle
 * cap of the hysteresis row (covers them all: FP_MAX_THREADS x 64). */
#define FP_CHURN_RANGES 64
#define FP_CHURN_IDLE 1024

/* Fast-path scenarios: one thread; N threads, own range each; N threads,
 * one shared range. */
enum fp_fast_scen { FP_T1, FP_TN_DISTINCT, FP_TN_SHARED, FP_FAST_COUNT };
/* Slow-path scenarios: one thread; N threads on ranges 1 GiB apart; N
 * threads on adjacent 2 MiB ranges (pair pages from the allocator, far
 * away); N threads on adjacent ranges whose pair pages lie in each
 * other's range (thread i's pair in range i+1 mod N): PAMT.ADD's shared
 * lock on the pair pages' range meets the neighbour's exclusive ADD or
 * REMOVE there, the BUSY case raised in review. */
enum fp_slow_scen {
	FP_S1, FP_SN_DISTINCT, FP_SN_NEIGHBOUR, FP_SN_CROSSED, FP_SLOW_COUNT
};

struct fp_config {
	bool strategies[DPAMT_STRATEGY_COUNT]; /* which to bench */
	/* Also bench global-lock/hashed/lockless with cfg.fast_path_cas
	 * (the CAS-loop fast path on the same word), fast path only. */
	bool cas_rows;
	/* Churn rows: each strategy with max_idle_pairs 0 and
	 * FP_CHURN_IDLE, cycles = slow_iters (0: none). */
	bool churn_rows;
	unsigned threads;     /* N for the multi-thread scenarios; 1: none */
	uint64_t iters;       /* fast-path get+put pairs per thread per rep */
	uint64_t slow_iters;  /* slow-path cycles per thread per rep */
	unsigned reps;        /* repetitions (median taken), >= 1 */
	/* Simulator memory rows: `sim` runs with one TD of rss_gib and
	 * 2 x rss_gib GiB mapped at 4K, 8x and 16x at 2M (0: skipped), by
	 * the dpamt binary sim_exe (NULL: skipped). */
	unsigned rss_gib;
	const char *sim_exe;
};

/* Defaults: global-lock (+ its CAS row), 2 threads, 50000 iters, 500
 * cycles, 31 reps. */
void fp_config_default(struct fp_config *cfg);

struct fp_slow {
	double ns_per_cycle;  /* median over reps, per thread */
	/* The same less the rep's install/remove lock wait per cycle
	 * (lock_wait_ns / cycles of that rep), median over reps: what the
	 * cycle costs besides waiting for the strategy's own lock. */
	double ns_per_cycle_nowait;
	uint64_t cycles;      /* completed cycles, all reps and threads */
	uint64_t errors;      /* get/put calls that failed */
	/* dpamt_stats deltas over all reps of this scenario */
	uint64_t add_calls, remove_calls, busy_retries;
	uint64_t lock_acquisitions, lock_contentions, lock_wait_ns;
};

struct fp_strategy_result {
	enum dpamt_strategy strategy;
	bool cas;                           /* the CAS fast-path variant */
	double fast_ns[FP_FAST_COUNT];      /* median ns per get+put pair */
	uint64_t fast_ops;                  /* get+put pairs timed */
	uint64_t fast_hits;                 /* gets+puts on the fast path */
	uint64_t fast_lock_acquisitions;    /* should be 0 */
	uint64_t fast_seamcalls;            /* ADD + REMOVE: should be 0 */
	uint64_t fast_errors;
	struct fp_slow slow[FP_SLOW_COUNT];
};

/* One churn row: [0] eager (max_idle_pairs 0), [1] FP_CHURN_IDLE. */
struct fp_churn {
	enum dpamt_strategy strategy;
	double ns_per_cycle[2];        /* median, per thread */
	uint64_t cycles[2], errors[2]; /* all reps and threads */
	uint64_t add_calls[2], remove_calls[2];
};

/* Peak RSS of `dpamt sim` with one TD of gib_lo and of gib_hi GiB, and
 * the slope: (kib_hi - kib_lo) / 1024 / (gib_hi - gib_lo). */
struct fp_rss_mode {
	unsigned gib_lo, gib_hi;
	uint64_t kib_lo, kib_hi;
	double mib_per_gib;
};

struct fp_rss {
	bool measured;
	struct fp_rss_mode at_4k, at_2m;
};

/* One strategy on a fragmented host (fp_frag.c): [0] eager, [1]
 * FP_CHURN_IDLE idle pairs; the sim report's figures. */
struct fp_frag_row {
	enum dpamt_strategy strategy;
	uint64_t add[2], remove[2], faults[2];
	uint64_t p50_ns[2], p99_ns[2], p999_ns[2];
};

struct fp_frag {
	bool measured;
	unsigned n;
	struct fp_frag_row row[DPAMT_STRATEGY_COUNT];
};

struct fp_result {
	double atomic_ns[FP_FAST_COUNT];    /* median ns per add+sub pair */
	double cas_ns[FP_FAST_COUNT];       /* median ns per CAS-loop pair */
	/* Median share of each multi-thread run during which all threads
	 * were running (1: fully concurrent; ~0: the scheduler serialised
	 * them, e.g. on a loaded machine).  1 for single-thread runs. */
	double fast_overlap[FP_FAST_COUNT];
	double slow_overlap[FP_SLOW_COUNT];
	unsigned n_strategies;              /* entries in strat[] */
	unsigned n_slow;                    /* strat[0..n_slow): slow path ran
					       (the CAS variants follow) */
	struct fp_strategy_result strat[FP_MAX_ENV];
	unsigned n_churn;
	struct fp_churn churn[DPAMT_STRATEGY_COUNT];
	struct fp_rss rss;                  /* after the timed runs */
	struct fp_frag frag;                /* after those */
	uint64_t wall_ns;
};

/* Run everything cfg asks for.  0, or -1 with a message in err. */
int fp_run(const struct fp_config *cfg, struct fp_result *res, char *err,
	   size_t errlen);

/* The row's name: "global-lock", or "global-lock/cas" for a CAS variant. */
const char *fp_row_name(const struct fp_strategy_result *r, char *buf,
			size_t len);
/* True if s has the zoned word, so cfg.fast_path_cas means something. */
bool fp_has_cas_variant(enum dpamt_strategy s);

/* Scenario names as used in the table and as JSON keys ("t1",
 * "t2_distinct"...; N is cfg->threads). */
const char *fp_fast_name(const struct fp_config *cfg, enum fp_fast_scen s,
			 char *buf, size_t len);
const char *fp_slow_name(const struct fp_config *cfg, enum fp_slow_scen s,
			 char *buf, size_t len);
/* True if the scenario ran (multi-thread ones need threads >= 2). */
bool fp_scen_ran(const struct fp_config *cfg, unsigned scen);

struct rusage;
/* fp_rss.c: run `dpamt sim` (argv[0] = exe) as a child and wait for it;
 * its resource use into *ru when ru != NULL.  0 when it exited 0, else -1
 * with a message in err naming it by what. */
int fp_sim_child(const char *exe, char *const argv[], const char *what,
		 struct rusage *ru, char *err, size_t errlen);
/* fp_rss.c: fill out (out->measured false when cfg skips it).  0, or -1
 * with a message in err (a sim child failed). */
int fp_sim_rss(const struct fp_config *cfg, struct fp_rss *out, char *err,
	       size_t errlen);
void fp_print_rss(FILE *f, const struct fp_config *cfg,
		  const struct fp_rss *rss);
/* Adds "sim_rss" to o when measured (keys in docs/bench.md). */
void fp_json_rss(json_object *o, const struct fp_rss *rss);
/* fp_frag.c: churn on a fragmented host by `sim`, for the production
 * strategies cfg names, when cfg runs the simulator rows (sim_exe and
 * rss_gib).  0, or -1 with a message in err (a sim child failed). */
int fp_sim_frag(const struct fp_config *cfg, struct fp_frag *out, char *err,
		size_t errlen);
void fp_print_frag(FILE *f, const struct fp_frag *frag);
/* Adds "sim_frag_churn" to o when measured (keys in docs/bench.md). */
void fp_json_frag(json_object *o, const struct fp_frag *frag);

/* Slow-path distinct-range scaling of strategy r: ns per cycle per
 * thread on tN_distinct over t1 (0 when either did not run); nowait:
 * both figures less their lock wait (ns_per_cycle_nowait). */
double fp_slow_scaling(const struct fp_config *cfg,
		       const struct fp_strategy_result *r, bool nowait);

void fp_print(FILE *f, const struct fp_config *cfg,
	      const struct fp_result *res);
/* New JSON object (caller puts it); keys in docs/bench.md. */
json_object *fp_json(const struct fp_config *cfg,
		     const struct fp_result *res);

#endif /* DPAMT_BENCH_FASTPATH_H */
