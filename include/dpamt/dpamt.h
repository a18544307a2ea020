/*
 * dpamt.h - the host-side Dynamic PAMT manager: public API.
 *
 * What a hypervisor links to manage Dynamic PAMT: it sizes and hands the
 * static PAMT areas to the module, keeps one refcount per 2 MiB range
 * covered by a TDMR, installs a range's pair (TDH.PHYMEM.PAMT.ADD) on the
 * 0->1 transition and takes it back (TDH.PHYMEM.PAMT.REMOVE) on 1->0.
 *
 * The manager reaches the world only through struct dpamt_ops; its core
 * (src/host/) is freestanding C and never blocks except through ops.
 * No global state: every call takes the handle.
 *
 * Return values: 0 (DPAMT_OK) or a negative enum dpamt_err.
 */
#ifndef DPAMT_DPAMT_H
#define DPAMT_DPAMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpamt/tdx_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dpamt;

enum dpamt_err {
	DPAMT_OK = 0,
	DPAMT_ENOMEM = -1,  /* allocator or cache had no page */
	DPAMT_EBUSY = -2,   /* module stayed BUSY past the retry budget */
	DPAMT_EINVAL = -3,  /* bad argument (address outside every TDMR...) */
	DPAMT_EIO = -4,     /* module returned an unexpected error */
	DPAMT_EFATAL = -5,  /* module is in its fatal state */
};
const char *dpamt_strerror(int err);
/* The version of the library linked ("0.1.0"); compare with
 * DPAMT_VERSION_STRING of dpamt/version.h, the headers compiled against. */
const char *dpamt_version(void);

/* Places where the yield hook is called (tests widen race windows here). */
#define DPAMT_YIELD_POINTS(X)                                                \
	X(GET_FAST_MISS)      /* get: fast path failed, slow path next */    \
	X(GET_LOCKED)         /* get: install section entered, before ADD */ \
	X(GET_AFTER_ADD)      /* get: ADD done, before publishing */         \
	X(PUT_FAST_MISS)      /* put: fast path failed, slow path next */    \
	X(PUT_LOCKED)         /* put: remove section entered, before REMOVE*/\
	X(PUT_AFTER_REMOVE)   /* put: REMOVE done, before publishing */      \
	X(BUSY_RETRY)         /* about to retry a SEAMCALL after BUSY */     \
	X(WAIT_TRANSITION)    /* lockless: range in transition, waiting */

enum dpamt_yield_point {
#define DPAMT_YP_ENUM(n) DPAMT_YP_##n,
	DPAMT_YIELD_POINTS(DPAMT_YP_ENUM)
#undef DPAMT_YP_ENUM
	DPAMT_YP_COUNT
};

/*
 * Everything outside the manager.  Required: seamcall, page_alloc,
 * page_free, contig_alloc, contig_free, mem_alloc, mem_free, phys_write.
 * Optional (NULL allowed): pair_alloc/pair_free (both or neither),
 * now_ns, lock_*, yield, relax.
 * Every callback gets ctx first.
 */
struct dpamt_ops {
	void *ctx;
	/* Execute one SEAMCALL on the current logical CPU. */
	void (*seamcall)(void *ctx, struct tdx_regs *regs);
	/* One 4 KiB page of host memory, by physical address. 0 or -1. */
	int (*page_alloc)(void *ctx, uint64_t *pa);
	void (*page_free)(void *ctx, uint64_t pa);
	/* Pages for PAMT pairs only (the cache, PAMT.ADD/REMOVE, DEMOTE and
	 * PROMOTE pairs): e.g. a pool of whole 2 MiB blocks kept apart from
	 * TD memory.  Same contract as page_alloc/page_free; every page the
	 * manager got from pair_alloc goes back through pair_free.  NULL
	 * (both): page_alloc/page_free. */
	int (*pair_alloc)(void *ctx, uint64_t *pa);
	void (*pair_free)(void *ctx, uint64_t pa);
	/* Physically contiguous, 4 KiB aligned (static PAMT areas). */
	int (*contig_alloc)(void *ctx, uint64_t bytes, uint64_t *pa);
	void (*contig_free)(void *ctx, uint64_t pa, uint64_t bytes);
	/* Zeroed memory for the manager's own tables (refcounts...). */
	void *(*mem_alloc)(void *ctx, size_t bytes);
	void (*mem_free)(void *ctx, void *p, size_t bytes);
	/* Store to physical memory the host owns (TDMR_INFO array). */
	void (*phys_write)(void *ctx, uint64_t pa, const void *src, size_t n);
	/* Monotonic clock; NULL: lock wait times read as 0. */
	uint64_t (*now_ns)(void *ctx);
	/* A sleeping or spinning lock; NULL: the core's own spin lock. */
	void *(*lock_new)(void *ctx);
	void (*lock_del)(void *ctx, void *lock);
	bool (*lock_try)(void *ctx, void *lock);
	void (*lock_acquire)(void *ctx, void *lock);
	void (*lock_release)(void *ctx, void *lock);
	/* Test hook at the yield points; NULL: nothing. */
	void (*yield)(void *ctx, enum dpamt_yield_point where, uint64_t pa);
	/* Back off before retry number 'attempt' (cpu_relax, sched_yield). */
	void (*relax)(void *ctx, unsigned attempt);
};

enum dpamt_mode {
	DPAMT_MODE_AUTO = 0, /* dynamic when the module supports it */
	DPAMT_MODE_DYNAMIC,  /* dynamic; fail if unsupported */
	DPAMT_MODE_STATIC,   /* classic PAMT even if DPAMT is supported */
};

/*
 * Install/remove synchronisation, chosen at creation.  Only strategies
 * fit for production are listed.  The test-only broken variants
 * (broken-v3-put, broken-hint) live outside the library, in
 * tests/strategies/broken/: test binaries link them in, and then the
 * name functions below also know them, with ids >= DPAMT_STRATEGY_COUNT.
 * The linux-* references reproduce the posted kernel series' own
 * protocol (one refcount per 2 MiB of the whole physical address space,
 * no BUSY retry; linux-v3 is unsound) so that measurements can put the
 * posted design next to ours: selectable, never meant for production.
 */
#define DPAMT_STRATEGIES(X)                                                  \
	X(GLOBAL_LOCK, "global-lock")  /* the v3 series' design + refinements */ \
	X(HASHED, "hashed")            /* lock array indexed by range */     \
	X(LOCKLESS, "lockless")        /* per-range state word, no lock */   \
	X(LINUX_V6, "linux-v6")        /* reference: posted series v6 */     \
	X(LINUX_V3, "linux-v3")        /* reference: posted series v3 */

enum dpamt_strategy {
#define DPAMT_STRAT_ENUM(sym, name) DPAMT_STRATEGY_##sym,
	DPAMT_STRATEGIES(DPAMT_STRAT_ENUM)
#undef DPAMT_STRAT_ENUM
	DPAMT_STRATEGY_COUNT
};
const char *dpamt_strategy_name(enum dpamt_strategy s);
int dpamt_strategy_from_name(const char *name); /* -1 if unknown */
/* True if the strategy is implemented in this build. */
bool dpamt_strategy_available(enum dpamt_strategy s);

#define DPAMT_MAX_TDMRS 64

struct dpamt_range {
	uint64_t base; /* 1 GiB aligned */
	uint64_t size; /* multiple of 1 GiB */
};

struct dpamt_config {
	enum dpamt_mode mode;
	enum dpamt_strategy strategy;
	unsigned n_tdmrs;                 /* sorted, non-overlapping */
	struct dpamt_range tdmrs[DPAMT_MAX_TDMRS];
	unsigned global_hkid;             /* SYS.CONFIG R8[15:0], default 0 */
	unsigned busy_retries;            /* per SEAMCALL, 0: default 64 */
	unsigned hash_locks;              /* hashed strategy, 0: default 64 */
	/* Pairs kept installed at refcount 0 for reuse (idle-pair
	 * hysteresis), 0: none, every 1->0 removes (as upstream). */
	unsigned max_idle_pairs;
	/* Fast path as a CAS loop instead of one atomic RMW (to compare). */
	bool fast_path_cas;
};

/* Module metadata the manager reads with TDH.SYS.RD. */
struct dpamt_metadata {
	bool dpamt_supported;
	unsigned entry_size_4k, entry_size_2m, entry_size_1g;
	unsigned bitmap_entry_bits;
	unsigned pages_per_pair;   /* pages one PAMT.ADD takes */
	unsigned num_tdcs_pages;   /* TDCS pages per TD */
	unsigned num_tdcx_pages;   /* TDCX pages per vCPU */
};
/* The public defaults (16/16/16, 1 bit, 2 pages, supported). */
void dpamt_metadata_default(struct dpamt_metadata *md);

/* ---- Sizing (pure arithmetic; used by `dpamt info`) -------------------- */
struct dpamt_tdmr_sizing {
	uint64_t base, size;
	uint64_t pamt_1g_bytes, pamt_2m_bytes, pamt_4k_bytes; /* classic */
	uint64_t bitmap_bytes;
	uint64_t refcount_bytes;
	uint64_t ranges_2m;
};
struct dpamt_sizing {
	uint64_t classic_bytes;        /* 1G + 2M + 4K arrays, all TDMRs */
	uint64_t dynamic_static_bytes; /* 1G + 2M arrays + bitmap */
	uint64_t bitmap_bytes;
	uint64_t refcount_bytes;       /* host refcounts, covered ranges only */
	uint64_t pair_bytes_per_2m;    /* pages_per_pair * 4096 */
	uint64_t dynamic_max_bytes;    /* static + every range 4K-backed */
	unsigned n_tdmrs;
	struct dpamt_tdmr_sizing tdmrs[DPAMT_MAX_TDMRS];
};
/* DPAMT_EINVAL if a TDMR is unaligned, empty, unsorted or overlapping. */
int dpamt_size(const struct dpamt_metadata *md,
	       const struct dpamt_range *tdmrs, unsigned n,
	       struct dpamt_sizing *out);

/* ---- Life cycle ----------------------------------------------------------
 * dpamt_create: reads metadata, picks the mode, allocates and hands the
 * static areas to the module (TDH.SYS.CONFIG), initialises every TDMR and
 * allocates refcounts for covered ranges.  Single-threaded.  Errors:
 * DPAMT_EINVAL (bad config or ops, strategy not built, DYNAMIC forced on
 * a module without it), DPAMT_ENOMEM (nothing kept), DPAMT_EIO (module
 * refused; if SYS.CONFIG had accepted the areas they stay allocated, as
 * the module now owns them).  A cfg.global_hkid of 0 is passed as is.
 * dpamt_destroy: frees the manager's tables and static areas; the caller
 * guarantees no page is in module use any more.  Single-threaded.
 * The getters below read creation-time state: any time.
 */
int dpamt_create(const struct dpamt_config *cfg, const struct dpamt_ops *ops,
		 struct dpamt **out);
void dpamt_destroy(struct dpamt *m);

bool dpamt_is_dynamic(const struct dpamt *m);
const struct dpamt_metadata *dpamt_metadata(const struct dpamt *m);
enum dpamt_strategy dpamt_get_strategy(const struct dpamt *m);

/* ---- Page cache ----------------------------------------------------------
 * A per-thread (per-vCPU) context: pre-allocated pages for pairs, and the
 * thread's fast-path counters.  One owner at a time; never shared between
 * threads concurrently.  Zero-initialise before first use.
 */
#define DPAMT_CACHE_MAX 64
struct dpamt_cache {
	unsigned n;
	uint64_t pa[DPAMT_CACHE_MAX];
	/* calls counted here until flushed: fast path / everything else */
	uint64_t local_fast_gets, local_fast_puts;
	uint64_t local_slow_gets, local_slow_puts;
};
/* Pages one get may consume: pages_per_pair in dynamic mode, else 0. */
unsigned dpamt_pages_per_get(const struct dpamt *m);
/* Fill cache to at least n pages (may sleep: calls pair_alloc).
 * DPAMT_EINVAL if n > DPAMT_CACHE_MAX; DPAMT_ENOMEM keeps what it got.
 * These three: the cache's owner only, concurrently with anything else. */
int dpamt_cache_topup(struct dpamt *m, struct dpamt_cache *c, unsigned n);
/* Give every cached page back (pair_free) and fold its counters. */
void dpamt_cache_drain(struct dpamt *m, struct dpamt_cache *c);
/* Fold the cache's local counters into the manager's stats. */
void dpamt_cache_flush_stats(struct dpamt *m, struct dpamt_cache *c);

/* ---- Per-page references -------------------------------------------------
 * dpamt_get: the caller is about to hand the 4 KiB page at pa to the module
 * at 4K size; make sure its 2 MiB range has a pair.  Pages for the pair come
 * from cache (never allocates when cache != NULL: safe in a non-sleeping
 * section; DPAMT_ENOMEM if it holds fewer than dpamt_pages_per_get()), or
 * from pair_alloc when cache is NULL.  On failure nothing changed (pages
 * back in the cache).  A PAMT.ADD answered HPA_RANGE_NOT_FREE counts as
 * "already installed": the caller must not get a page of a range it maps
 * as one 2M TD page.  DPAMT_EBUSY: the module stayed BUSY past the budget.
 * dpamt_put: the module no longer uses the page; on the last reference the
 * pair is removed and its pages go into cache (while it has room) or back
 * to pair_free.  If REMOVE stays BUSY, the range stays installed at
 * refcount 0 ("idle", the module keeps the pages), put returns 0 and
 * dpamt_retry_deferred() retries it (a get reuses it without an ADD).  Any
 * other REMOVE failure: DPAMT_EIO, range kept idle.  A put without a get:
 * DPAMT_EINVAL, nothing changed.
 * With cfg.max_idle_pairs = N > 0, a put dropping the last reference
 * keeps the pair installed at refcount 0 ("idle") while at most N are,
 * and a get reuses it with no SEAMCALL and no page.
 * Concurrency: any number of get/put/retry_deferred/shrink on any pages at
 * once; cache is the calling thread's own (or NULL).  One atomic RMW and
 * no lock when the range is installed and stays so (docs/refcount.md);
 * the 0<->1 transitions take the strategy's lock and may spin/sleep in
 * ops.
 * Static mode: counters only, no SEAMCALL, cache untouched.
 */
int dpamt_get(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache);
int dpamt_put(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache);
/* Retry removals deferred by BUSY, and remove idle pairs beyond
 * cfg.max_idle_pairs; returns how many removals are still pending.
 * Concurrency: any time; takes the install/remove locks it needs. */
unsigned dpamt_retry_deferred(struct dpamt *m);
/* Give idle pairs back (PAMT.REMOVE) until at most target are left: on
 * teardown (target 0), on demand, under memory pressure.  Returns the
 * idle pairs left (more than target only if REMOVE stayed BUSY).
 * Concurrency: any time, concurrently with get/put. */
uint64_t dpamt_shrink(struct dpamt *m, uint64_t target);
/* The same for the one range holding pa, if it is idle (e.g. before the
 * host maps that 2 MiB block as one TD page); true if no pair is left. */
bool dpamt_shrink_range(struct dpamt *m, uint64_t pa);

/* Control structures: page_alloc + get / put + page_free.  Concurrency:
 * as get/put.  dpamt_free_page frees the page even if the put reported a
 * REMOVE error (the pair, not the page, is what stays behind). */
int dpamt_alloc_page(struct dpamt *m, struct dpamt_cache *c, uint64_t *pa);
void dpamt_free_page(struct dpamt *m, uint64_t pa, struct dpamt_cache *c);
/*
 * Teardown: TDH.PHYMEM.PAGE.RECLAIM (BUSY retried), then put.  An error
 * means RECLAIM failed: the page is still the module's and the caller must
 * not free it (stats.reclaim_failures).  Once RECLAIM succeeded the page is
 * the host's and 0 is returned even if the put fails (stats.put_failures;
 * a refused REMOVE leaves the pair idle for dpamt_retry_deferred()).
 */
int dpamt_reclaim_page(struct dpamt *m, uint64_t pa, struct dpamt_cache *c);

/* ---- Huge pages ----------------------------------------------------------
 * DEMOTE installs a pair for a range the TD mapped at 2M, PROMOTE returns
 * it.  The caller issues the SEAMCALL; the manager supplies/takes the pair
 * and moves the range's refcount (0 <-> pages per 2 MiB = 512).
 * Concurrency: no get/put on the same range may run (the range is one TD
 * page), other ranges may.  prepare takes pages_per_pair pages from c (or
 * page_alloc when c is NULL); abort gives them back to c (or page_free);
 * commit fails with DPAMT_EINVAL if the range already had references or
 * a pair; promote_commit fails with DPAMT_EINVAL unless the refcount is
 * exactly 512; it frees the returned pair pages either way (they are the
 * host's once PROMOTE succeeded; a mismatch counts in put_failures).
 * Static mode: no pair (prepare writes zeros), only the refcount moves.
 */
int dpamt_demote_prepare(struct dpamt *m, struct dpamt_cache *c,
			 uint64_t pair[2]);           /* fill R12/R13 */
void dpamt_demote_abort(struct dpamt *m, struct dpamt_cache *c,
			const uint64_t pair[2]);      /* DEMOTE failed */
int dpamt_demote_commit(struct dpamt *m, uint64_t pa_2m,
			const uint64_t pair[2]);      /* DEMOTE succeeded */
int dpamt_promote_commit(struct dpamt *m, uint64_t pa_2m,
			 const uint64_t pair[2]);     /* PROMOTE returned pair */
/*
 * Before DEMOTE of the 2 MiB page at pa_2m with the new S-EPT page sept:
 * DPAMT_EINVAL when a pair page lies inside that 2 MiB page or equals
 * sept.  The module walks the pair pages while it holds the 2 MiB page's
 * and the S-EPT page's PAMT entries exclusively, so such a DEMOTE answers
 * OPERAND_BUSY every time and a host that retries BUSY loops forever
 * (pamt_demote() in the module's pamt_manager.c).  Pure check, any time.
 */
int dpamt_demote_check_pair(uint64_t pa_2m, uint64_t sept,
			    const uint64_t pair[2]);

/* ---- Introspection -------------------------------------------------------
 * Racy while calls run; exact at quiescence. */
uint32_t dpamt_refcount(const struct dpamt *m, uint64_t pa);
bool dpamt_range_installed(const struct dpamt *m, uint64_t pa);
/* The range holds a pair at refcount 0: kept for reuse (max_idle_pairs)
 * or because a REMOVE stayed BUSY (or failed); dpamt_retry_deferred() /
 * dpamt_shrink() take it back, a get reuses it. */
bool dpamt_range_idle(const struct dpamt *m, uint64_t pa);
/* Number of idle ranges (exact at quiescence; a scan of the idle set). */
uint64_t dpamt_idle_ranges(const struct dpamt *m);
/* Copy up to max TDMRs into out; returns how many the manager has. */
unsigned dpamt_tdmrs(const struct dpamt *m, struct dpamt_range *out,
		     unsigned max);
/* Call fn for every covered 2 MiB range with refcount > 0 or a pair. */
void dpamt_for_each_range(const struct dpamt *m,
			  void (*fn)(void *arg, uint64_t pa_2m, uint32_t refs,
				     bool installed),
			  void *arg);

/* ---- Statistics (defined once) ---------------------------------------- */
#define DPAMT_STATS(X)                                                       \
	X(gets)               /* dpamt_get calls */                          \
	X(puts)               /* dpamt_put calls */                          \
	X(fast_gets)          /* gets done without install section */        \
	X(fast_puts)          /* puts done without remove section */         \
	X(pamt_add_calls)     /* PAMT.ADD issued, retries included */       \
	X(pamt_remove_calls)  /* PAMT.REMOVE issued, retries included */    \
	X(pamt_add_ok)        /* 0->1 transitions done */                    \
	X(pamt_remove_ok)     /* 1->0 transitions done */                    \
	X(busy_retries)       /* SEAMCALLs retried after BUSY */             \
	X(add_not_free)       /* ADD said HPA_RANGE_NOT_FREE */              \
	X(get_failures)       /* gets that returned an error */             \
	X(remove_deferred)    /* REMOVEs left for later after BUSY */        \
	X(remove_errors)      /* REMOVEs that failed otherwise */           \
	X(idle_kept)          /* last puts that kept the pair idle (cap N) */\
	X(idle_reclaims)      /* allocator ran dry: idle pairs given back */ \
	X(pairs_pinned)       /* linux-*: failed REMOVE, count set back up */\
	X(gets_no_pair)       /* linux-v3: ADD error ignored, get said OK */ \
	X(put_failures)       /* reclaim/promote puts that failed */         \
	X(enomem)             /* allocation failures seen */                 \
	X(lock_acquisitions)  /* install/remove lock taken */               \
	X(lock_contentions)   /* ... and it was held by someone else */     \
	X(lock_wait_ns)       /* time spent waiting for it */               \
	X(pairs_now)          /* ranges with a pair installed now */         \
	X(pairs_peak)                                                        \
	X(reclaim_failures)   /* pages the module kept on teardown */        \
	X(static_bytes)       /* PAMT areas handed over at init */           \
	X(classic_bytes)      /* what classic PAMT would have cost */        \
	X(refcount_bytes)     /* host refcounts: 4 B per covered range */    \
	X(idle_bitmap_bytes)  /* host idle-pair bitmap: 1 bit per range */   \
	X(dynamic_bytes_now)  /* pairs_now * pages_per_pair * 4096 */        \
	X(dynamic_bytes_peak)

struct dpamt_stats {
#define DPAMT_STAT_FIELD(n) uint64_t n;
	DPAMT_STATS(DPAMT_STAT_FIELD)
#undef DPAMT_STAT_FIELD
};
/* Snapshot (relaxed reads; exact at quiescence and after cache flushes). */
void dpamt_stats(const struct dpamt *m, struct dpamt_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* DPAMT_DPAMT_H */
