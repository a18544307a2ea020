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
/**
 * dpamt_strerror() - Describe an error code.
 * @err: DPAMT_OK or a negative enum dpamt_err.
 *
 * Context: Any context, any thread; does not sleep, takes no lock,
 * calls no op.
 * Return: a static string, never NULL (a generic text for unknown
 * values).
 */
const char *dpamt_strerror(int err);
/* The version of the library linked ("0.1.0"); compare with
 * DPAMT_VERSION_STRING of dpamt/version.h, the headers compiled against. */
/**
 * dpamt_version() - Version of the library linked.
 *
 * Context: Any context, any thread; does not sleep, takes no lock,
 * calls no op.
 * Return: a static string such as "0.1.0"; compare with
 * DPAMT_VERSION_STRING.
 */
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

/**
 * struct dpamt_ops - everything outside the manager.
 *
 * Required: seamcall, page_alloc, page_free, contig_alloc, contig_free,
 * mem_alloc, mem_free, phys_write.  Optional (NULL allowed): pair_alloc
 * and pair_free (both or neither), now_ns, lock_* (if lock_new is set, all five),
 * yield, relax, cpu.  Every callback gets @ctx first.  dpamt_create() copies
 * the struct; the callbacks must stay valid until dpamt_destroy().
 *
 * "The install/remove lock" below is the strategy's lock for a range:
 * the one lock of global-lock and linux-*, one of cfg.hash_locks for
 * hashed; lockless has none (the range's OWNED state plays its part).
 * Any callback may be called from several threads at once unless it
 * says otherwise; callbacks called under that lock must not sleep if
 * the lock is a spinning one (lock_* NULL or a spinlock).
 */
struct dpamt_ops {
	/** @ctx: passed first to every callback; never dereferenced. */
	void *ctx;
	/**
	 * @seamcall: execute one SEAMCALL (regs in and out) on the calling
	 * logical CPU.
	 * Context: any thread, concurrently on other CPUs.  Called by
	 * dpamt_create() (single-threaded, no lock), for PAMT.ADD and
	 * PAMT.REMOVE under the install/remove lock (lockless: with the
	 * range OWNED, no lock), for PAGE.RECLAIM with no lock.  Returns
	 * only once the module finished; the core publishes the result
	 * with acq_rel/release atomics after it returns.
	 */
	void (*seamcall)(void *ctx, struct dpamt_tdx_regs *regs);
	/**
	 * @page_alloc: one 4 KiB page of host memory into *pa.
	 * Context: may sleep; any thread, concurrently; never called under
	 * the install/remove lock (dpamt_alloc_page(), and the pair-page
	 * paths when pair_alloc is NULL).  Return: 0, or -1 if none.
	 */
	int (*page_alloc)(void *ctx, uint64_t *pa);
	/**
	 * @page_free: give back a page from page_alloc.
	 * Context: any thread, concurrently; with pair_free NULL it is the
	 * pair-page free and then may run under the install/remove lock
	 * (after PAMT.REMOVE or a refused ADD), so must not sleep then.
	 */
	void (*page_free)(void *ctx, uint64_t pa);
	/**
	 * @pair_alloc: a page for a PAMT pair (cache top-up, get or
	 * dpamt_demote_prepare() without a cache), e.g. from whole 2 MiB
	 * blocks kept apart from TD memory; NULL: page_alloc.
	 * Context: may sleep; any thread, concurrently; never under the
	 * install/remove lock.  Return: 0, or -1 if none (top-up then gives
	 * idle pairs back and tries once more).
	 */
	int (*pair_alloc)(void *ctx, uint64_t *pa);
	/**
	 * @pair_free: give back a page from pair_alloc; every one goes
	 * back this way (cache drain, a refused ADD, REMOVE or PROMOTE with
	 * the cache full or absent).  NULL: page_free.
	 * Context: any thread, concurrently; may be called under the
	 * install/remove lock (pages of a PAMT.REMOVE or a refused ADD), so
	 * must not sleep when that lock spins.
	 */
	void (*pair_free)(void *ctx, uint64_t pa);
	/**
	 * @contig_alloc: physically contiguous, 4 KiB aligned memory for
	 * the static PAMT areas.
	 * Context: only from dpamt_create(), single-threaded, no lock; may
	 * sleep.  Return: 0, or -1 if none.
	 */
	int (*contig_alloc)(void *ctx, uint64_t bytes, uint64_t *pa);
	/**
	 * @contig_free: give back contig_alloc memory.
	 * Context: only from dpamt_create() failure paths and
	 * dpamt_destroy(), single-threaded, no lock; may sleep.
	 */
	void (*contig_free)(void *ctx, uint64_t pa, uint64_t bytes);
	/**
	 * @mem_alloc: zeroed memory for the manager's own tables.
	 * Context: only from dpamt_create(), single-threaded, no lock; may
	 * sleep.  Return: the memory, or NULL.
	 */
	void *(*mem_alloc)(void *ctx, size_t bytes);
	/**
	 * @mem_free: give back mem_alloc memory.
	 * Context: dpamt_create() failure paths and dpamt_destroy(),
	 * single-threaded, no lock; may sleep.
	 */
	void (*mem_free)(void *ctx, void *p, size_t bytes);
	/**
	 * @phys_write: store n bytes at host physical address pa (the
	 * TDMR_INFO array).
	 * Context: only from dpamt_create(), single-threaded, no lock.
	 */
	void (*phys_write)(void *ctx, uint64_t pa, const void *src, size_t n);
	/**
	 * @now_ns: monotonic clock; NULL: lock wait times read as 0.
	 * Context: any thread, concurrently; read twice around a contended
	 * acquisition of the install/remove lock (the second time with it
	 * held); must not sleep.
	 */
	uint64_t (*now_ns)(void *ctx);
	/**
	 * @lock_new: a new sleeping or spinning lock; NULL (with the other
	 * lock_* NULL): the core's own test-and-test-and-set spin lock.
	 * Context: only from dpamt_create(), single-threaded; may sleep.
	 * Return: the lock, or NULL (create fails with DPAMT_ENOMEM).
	 */
	void *(*lock_new)(void *ctx);
	/**
	 * @lock_del: free a lock from lock_new.
	 * Context: only from dpamt_destroy() or a failing dpamt_create(),
	 * single-threaded, the lock not held.
	 */
	void (*lock_del)(void *ctx, void *lock);
	/**
	 * @lock_try: take the lock if free, never waiting.
	 * Context: any thread, concurrently; not recursive (the core never
	 * holds two install/remove locks).  Must give acquire ordering.
	 * Return: true if now held by the caller.
	 */
	bool (*lock_try)(void *ctx, void *lock);
	/**
	 * @lock_acquire: wait for the lock and take it (after a failed
	 * lock_try); may sleep if the lock is a sleeping one.
	 * Context: any thread, concurrently; not recursive.  Must give
	 * acquire ordering.
	 */
	void (*lock_acquire)(void *ctx, void *lock);
	/**
	 * @lock_release: drop a lock the caller holds.
	 * Context: the thread that took it.  Must give release ordering:
	 * the install/remove section's stores happen before the next
	 * holder's.
	 */
	void (*lock_release)(void *ctx, void *lock);
	/**
	 * @yield: test hook at the yield points; NULL: nothing.
	 * Context: any thread, concurrently.  GET_LOCKED, GET_AFTER_ADD,
	 * PUT_LOCKED and PUT_AFTER_REMOVE run inside the install/remove
	 * section (under its lock, or with the range OWNED for lockless);
	 * GET_FAST_MISS, PUT_FAST_MISS and WAIT_TRANSITION with no lock;
	 * BUSY_RETRY wherever the retried SEAMCALL is.  It may block only
	 * if those locks may be held while blocking.
	 */
	void (*yield)(void *ctx, enum dpamt_yield_point where, uint64_t pa);
	/**
	 * @relax: back off before retry number attempt (cpu_relax,
	 * sched_yield); NULL: the core spins a bounded number of pauses.
	 * Context: any thread, concurrently; between BUSY retries (under
	 * the install/remove lock for ADD/REMOVE), while waiting for the
	 * core's spin lock (not held) and while a lockless range is OWNED
	 * by another thread.
	 */
	void (*relax)(void *ctx, unsigned attempt);
	/**
	 * @cpu: the calling CPU's number (smp_processor_id(),
	 * sched_getcpu()), used only to choose which stripe of the
	 * statistics counters an update goes to, so that CPUs write
	 * distinct cache lines; NULL: a hash of the caller's stack address
	 * (two threads then share a stripe by chance).  Any value is
	 * correct: counters are summed on read, and a stale number (the
	 * thread migrated) costs only a shared line.
	 * Context: any thread, concurrently, wherever the core counts
	 * something (under the install/remove lock too); must not sleep.
	 */
	unsigned (*cpu)(void *ctx);
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
/**
 * dpamt_strategy_name() - Name of a strategy.
 * @s: a strategy id (test builds may add ids >= DPAMT_STRATEGY_COUNT).
 *
 * Context: Any context, any thread; does not sleep, takes no lock,
 * calls no op.
 * Return: a static string, or NULL for an unknown id.
 */
const char *dpamt_strategy_name(enum dpamt_strategy s);
/**
 * dpamt_strategy_from_name() - Strategy id from its name.
 * @name: e.g. "global-lock"; NUL-terminated.
 *
 * Context: Any context, any thread; does not sleep, takes no lock,
 * calls no op.
 * Return: the enum dpamt_strategy value, or -1 if unknown.
 */
int dpamt_strategy_from_name(const char *name); /* -1 if unknown */
/* True if the strategy is implemented in this build. */
/**
 * dpamt_strategy_available() - Whether a strategy is built in.
 * @s: a strategy id.
 *
 * Context: Any context, any thread; does not sleep, takes no lock,
 * calls no op.
 * Return: true if dpamt_create() accepts it in this build.
 */
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
/* The public defaults (16/16/16, 1 bit, 2 pages, supported): tdx_abi.h's
 * DPAMT_TDX_DEFAULT_*, the values the module model reports by default. */
/**
 * dpamt_metadata_default() - Fill the public default metadata.
 * @md: filled in full.
 *
 * Context: Any context, any thread; does not sleep, takes no lock,
 * calls no op.
 * Return: nothing.
 */
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
/* DPAMT_EINVAL on a bad argument, metadata or layout (below). */
/**
 * dpamt_size() - Size the PAMT areas and refcounts of a layout.
 * @md: module metadata (entry sizes, pages per pair).
 * @tdmrs: n TDMRs, sorted, 1 GiB aligned.
 * @n: number of TDMRs (at most DPAMT_MAX_TDMRS).
 * @out: filled on success.
 *
 * Context: Any context, any thread; pure arithmetic, calls no op.
 * Return: 0, or DPAMT_EINVAL if an argument is NULL, the metadata is
 * unusable (an entry size, bitmap width or pages per pair that is zero
 * or past its bound), a TDMR is unaligned,
 * empty, unsorted or overlapping, or n is 0 or too large.
 */
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
/**
 * dpamt_create() - Create a manager and hand the PAMT areas to the module.
 * @cfg: mode, strategy, TDMRs, budgets; copied.
 * @ops: the host's callbacks; copied (ops->ctx is kept).
 * @out: the new handle on success.
 *
 * Context: Single-threaded: nothing else may use the manager or issue
 * SEAMCALLs through ops->ctx meanwhile. May sleep: calls mem_alloc,
 * contig_alloc, phys_write, lock_new and seamcall (TDH.SYS.RD,
 * SYS.CONFIG, SYS.TDMR.INIT) with no lock held.
 * Return: 0; DPAMT_EINVAL (bad config or ops, strategy not built,
 * DYNAMIC on a module without it); DPAMT_ENOMEM (nothing kept);
 * DPAMT_EIO (module refused; areas SYS.CONFIG accepted stay allocated).
 */
int dpamt_create(const struct dpamt_config *cfg, const struct dpamt_ops *ops,
		 struct dpamt **out);
/**
 * dpamt_destroy() - Free the manager, its tables and static areas.
 * @m: the handle; invalid afterwards.
 *
 * Context: Single-threaded: no other call on m may run or follow; the
 * caller guarantees the module uses no page any more. Calls lock_del,
 * contig_free, mem_free; may sleep if they do.
 * Return: nothing.
 */
void dpamt_destroy(struct dpamt *m);

/**
 * dpamt_is_dynamic() - Whether the manager runs Dynamic PAMT.
 * @m: the handle.
 *
 * Context: Any context, any thread, concurrently with anything but
 * destroy; reads creation-time state, takes no lock.
 * Return: true in dynamic mode, false in static (classic) mode.
 */
bool dpamt_is_dynamic(const struct dpamt *m);
/**
 * dpamt_metadata() - The metadata read at creation.
 * @m: the handle.
 *
 * Context: Any context, any thread, concurrently with anything but
 * destroy; reads creation-time state, takes no lock.
 * Return: a pointer valid until dpamt_destroy().
 */
const struct dpamt_metadata *dpamt_metadata(const struct dpamt *m);
/**
 * dpamt_get_strategy() - The strategy chosen at creation.
 * @m: the handle.
 *
 * Context: Any context, any thread, concurrently with anything but
 * destroy; reads creation-time state, takes no lock.
 * Return: its id.
 */
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
/**
 * dpamt_pages_per_get() - Pages one get may take from its cache.
 * @m: the handle.
 *
 * Context: Any context, any thread, concurrently with anything but
 * destroy; reads creation-time state, takes no lock.
 * Return: pages_per_pair in dynamic mode, else 0.
 */
unsigned dpamt_pages_per_get(const struct dpamt *m);
/* Fill cache to at least n pages (may sleep: calls pair_alloc).
 * DPAMT_EINVAL if n > DPAMT_CACHE_MAX; DPAMT_ENOMEM keeps what it got.
 * These three: the cache's owner only, concurrently with anything else. */
/**
 * dpamt_cache_topup() - Fill a page cache for later non-sleeping gets.
 * @m: the handle.
 * @c: the caller's cache.
 * @n: pages wanted, at most DPAMT_CACHE_MAX.
 *
 * Context: May sleep: calls pair_alloc with no install/remove lock held
 * (never call it under one). When pair_alloc fails it gives idle pairs
 * back first (takes range locks, PAMT.REMOVE) and tries once more. The
 * cache's owner only; concurrently with any call on other caches.
 * Return: 0; DPAMT_EINVAL if n > DPAMT_CACHE_MAX, or c->n is (a cache
 * that was never zero-initialised: nothing is touched); DPAMT_ENOMEM
 * (pages already got stay in c).
 */
int dpamt_cache_topup(struct dpamt *m, struct dpamt_cache *c, unsigned n);
/* Give every cached page back (pair_free) and fold its counters. */
/**
 * dpamt_cache_drain() - Give every cached page back and fold the counters.
 * @m: the handle.
 * @c: the caller's cache; empty afterwards.
 *
 * Context: Calls pair_free with no lock held; may sleep if it does. The
 * cache's owner only; concurrently with anything on other caches.
 * Counters fold with relaxed atomics.
 * Return: nothing.
 */
void dpamt_cache_drain(struct dpamt *m, struct dpamt_cache *c);
/* Fold the cache's local counters into the manager's stats. */
/**
 * dpamt_cache_flush_stats() - Fold a cache's local counters into the stats.
 * @m: the handle.
 * @c: the caller's cache; its local_* counters are zeroed.
 *
 * Context: Does not sleep, takes no lock, calls no op. The cache's
 * owner only; relaxed atomic adds, so concurrent dpamt_stats() may see
 * part of it.
 * Return: nothing.
 */
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
/**
 * dpamt_get() - Take a reference on pa's 2 MiB range, installing its pair.
 * @m: the handle.
 * @pa: the 4 KiB page about to go to the module.
 * @cache: the caller's cache, or NULL.
 *
 * Context: Any thread, concurrently with any
 * get/put/retry_deferred/shrink on any pages; the cache is the caller's own or
 * NULL. The fast path (range installed, staying so) is one atomic RMW,
 * no lock, no op. A 0->1 or 1->0 transition takes the strategy's
 * install/remove lock (global-lock: one lock; hashed: one of
 * hash_locks; lockless: none, waiters spin with relax) and calls
 * seamcall, relax, yield (and lock_*) under it. With cache != NULL it
 * never allocates and never sleeps unless seamcall or lock_* do; with
 * NULL it calls pair_alloc/pair_free outside the lock. The reference is
 * published with release/acq_rel atomics after PAMT.ADD succeeded: a
 * get returning 0 happens after the ADD.
 * Return: 0; DPAMT_ENOMEM (cache too short or pair_alloc failed);
 * DPAMT_EBUSY (ADD stayed BUSY past the budget); DPAMT_EIO/DPAMT_EFATAL
 * (module error); DPAMT_EINVAL (pa outside every TDMR, refcount
 * saturated, a cache with n > DPAMT_CACHE_MAX when a pair is needed).
 * On error nothing changed.
 */
int dpamt_get(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache);
/**
 * dpamt_put() - Drop a reference on pa's range, removing its pair on the last.
 * @m: the handle.
 * @pa: a page the module no longer uses.
 * @cache: the caller's cache, or NULL; receives the pair's pages while
 *   it has room.
 *
 * Context: Any thread, concurrently with any
 * get/put/retry_deferred/shrink on any pages; the cache is the caller's own or
 * NULL. The fast path (range installed, staying so) is one atomic RMW,
 * no lock, no op. A 0->1 or 1->0 transition takes the strategy's
 * install/remove lock (global-lock: one lock; hashed: one of
 * hash_locks; lockless: none, waiters spin with relax) and calls
 * seamcall, relax, yield (and lock_*) under it. Pages that do not fit
 * in cache go to pair_free, under the install/remove lock for the
 * locked strategies. The last put's PAMT.REMOVE happens only after
 * every earlier put's decrement (acq_rel CAS to OWNED).
 * Return: 0 (also when REMOVE stayed BUSY: the range stays idle for
 * dpamt_retry_deferred()); DPAMT_EIO (REMOVE failed otherwise, range
 * kept idle); DPAMT_EINVAL (put without a get or pa outside every TDMR,
 * nothing changed).
 */
int dpamt_put(struct dpamt *m, uint64_t pa, struct dpamt_cache *cache);
/* Retry removals deferred by BUSY, and remove idle pairs beyond
 * cfg.max_idle_pairs; returns how many removals are still pending.
 * Concurrency: any time; takes the install/remove locks it needs. */
/**
 * dpamt_retry_deferred() - Retry deferred removals and trim idle pairs.
 * @m: the handle.
 *
 * Context: Any thread, any time but create/destroy, concurrently with
 * get/put/shrink. Takes each range's install/remove lock (lockless: its
 * OWNED state) and calls seamcall, relax, yield and pair_free under it.
 * Return: how many removals are still pending (stayed BUSY).
 */
unsigned dpamt_retry_deferred(struct dpamt *m);
/* Give idle pairs back (PAMT.REMOVE) until at most target are left: on
 * teardown (target 0), on demand, under memory pressure.  Returns the
 * idle pairs left (more than target only if REMOVE stayed BUSY).
 * Concurrency: any time, concurrently with get/put. */
/**
 * dpamt_shrink() - Give idle pairs back until at most target remain.
 * @m: the handle.
 * @target: idle pairs to keep (0 on teardown).
 *
 * Context: Any thread, concurrently with get/put/retry_deferred; takes
 * range locks and calls seamcall, relax, yield, pair_free under them.
 * Not from under an install/remove lock.
 * Return: the idle pairs left; more than target only if REMOVE stayed
 * BUSY.
 */
uint64_t dpamt_shrink(struct dpamt *m, uint64_t target);
/**
 * dpamt_shrink_count() - Idle pairs a memory-pressure callback could take.
 * @m: the handle.
 *
 * The count half of a shrinker pair: a host's callback for "the page
 * allocator runs low" (a Linux struct shrinker's count_objects, which
 * would return SHRINK_EMPTY for 0) asks this, then dpamt_shrink_scan().
 * Each idle pair holds pages_per_pair pages (dpamt_pages_per_get()).
 *
 * Context: Any thread, any context (atomic, under any lock, from an
 * allocator's slow path): one relaxed load; no lock, no op, never
 * sleeps.
 * Return: the idle pairs now (a racy count under concurrency, exact at
 * quiescence); 0 in static mode or for a strategy without per-range
 * reclaim (linux-*).
 */
uint64_t dpamt_shrink_count(const struct dpamt *m);
/**
 * dpamt_shrink_scan() - Give back up to nr_to_scan idle pairs.
 * @m: the handle.
 * @nr_to_scan: how many to try (a shrinker's sc->nr_to_scan).
 *
 * The scan half (scan_objects): one pass of the reclaim clock hand down
 * to dpamt_shrink_count() - nr_to_scan idle pairs, as dpamt_shrink();
 * pairs in use are never touched, a pair revived by a racing get is
 * skipped.  The pages of each pair given back go to pair_free (or
 * page_free).
 *
 * Context: Any thread that may issue SEAMCALLs, concurrently with
 * get/put/shrink/retry_deferred: takes range locks (lockless: OWNED)
 * and calls seamcall, relax, yield and pair_free under them, so it may
 * sleep exactly when those may.  Never from under an install/remove
 * lock, nor from a pair_free/page_free the manager is calling (which
 * can run under one): an allocator calls it from its allocation path.
 * Return: the pairs given back (0 when none was idle or every REMOVE
 * stayed BUSY: a Linux scan_objects would then return SHRINK_STOP).
 */
uint64_t dpamt_shrink_scan(struct dpamt *m, uint64_t nr_to_scan);
/* The same for the one range holding pa, if it is idle (e.g. before the
 * host maps that 2 MiB block as one TD page); true if no pair is left. */
/**
 * dpamt_shrink_range() - Give back the idle pair of pa's range.
 * @m: the handle.
 * @pa: any address in the range.
 *
 * Context: As dpamt_shrink(). Strategies without a per-range reclaim
 * retry every deferred range instead.
 * Return: true if the range has no pair any more; false if it keeps
 * one, is outside every TDMR, or the manager is static.
 */
bool dpamt_shrink_range(struct dpamt *m, uint64_t pa);

/* Control structures: page_alloc + get / put + page_free.  Concurrency:
 * as get/put.  dpamt_free_page frees the page even if the put reported a
 * REMOVE error (the pair, not the page, is what stays behind). */
/**
 * dpamt_alloc_page() - Allocate a control page and take its reference.
 * @m: the handle.
 * @c: the caller's cache, or NULL.
 * @pa: the page on success.
 *
 * Context: As dpamt_get(); calls page_alloc first (may sleep) with no
 * lock held, page_free on failure.
 * Return: 0, or dpamt_get()'s errors (DPAMT_ENOMEM also when page_alloc
 * fails); nothing kept on error.
 */
int dpamt_alloc_page(struct dpamt *m, struct dpamt_cache *c, uint64_t *pa);
/**
 * dpamt_free_page() - Drop a control page's reference and free it.
 * @m: the handle.
 * @pa: a page from dpamt_alloc_page() the module no longer uses.
 * @c: the caller's cache, or NULL.
 *
 * Context: As dpamt_put(); then page_free with no lock held. The page
 * is freed even if the put reported an error.
 * Return: nothing.
 */
void dpamt_free_page(struct dpamt *m, uint64_t pa, struct dpamt_cache *c);
/*
 * Teardown: TDH.PHYMEM.PAGE.RECLAIM (BUSY retried), then put.  An error
 * means RECLAIM failed: the page is still the module's and the caller must
 * not free it (stats.reclaim_failures, unless the error is DPAMT_EBUSY:
 * still BUSY after the retries, to be tried again, no page kept).  Once
 * RECLAIM succeeded the page is
 * the host's and 0 is returned even if the put fails (stats.put_failures;
 * a refused REMOVE leaves the pair idle for dpamt_retry_deferred()).
 */
/**
 * dpamt_reclaim_page() - TDH.PHYMEM.PAGE.RECLAIM a page, then put it.
 * @m: the handle.
 * @pa: a page the module owned.
 * @c: the caller's cache, or NULL.
 *
 * Context: As dpamt_put(); RECLAIM is issued with no lock held, BUSY
 * retried with relax and the BUSY_RETRY yield point.
 * Return: 0 once RECLAIM succeeded (a failed put counts in
 * put_failures); DPAMT_EBUSY/DPAMT_EIO/DPAMT_EFATAL if RECLAIM failed:
 * the page is still the module's, do not free it.
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
/**
 * dpamt_demote_prepare() - Supply the pair for a DEMOTE.
 * @m: the handle.
 * @c: the caller's cache, or NULL.
 * @pair: filled with R12/R13 (zeros in static mode).
 *
 * Context: Any thread; no get/put on the same range may run (it is one
 * TD page), other ranges may. Takes no lock; with c == NULL calls
 * pair_alloc (may sleep).
 * Return: 0, or DPAMT_ENOMEM (cache too short or pair_alloc failed).
 */
int dpamt_demote_prepare(struct dpamt *m, struct dpamt_cache *c,
			 uint64_t pair[2]);           /* fill R12/R13 */
/**
 * dpamt_demote_abort() - Take back a pair whose DEMOTE failed.
 * @m: the handle.
 * @c: the caller's cache, or NULL (pages go to pair_free).
 * @pair: from dpamt_demote_prepare().
 *
 * Context: Any thread; no get/put on the same range may run (it is one
 * TD page), other ranges may. Takes no lock; may call pair_free.
 * Return: nothing.
 */
void dpamt_demote_abort(struct dpamt *m, struct dpamt_cache *c,
			const uint64_t pair[2]);      /* DEMOTE failed */
/**
 * dpamt_demote_commit() - Record a done DEMOTE: pair installed, 512 references.
 * @m: the handle.
 * @pa_2m: the demoted 2 MiB page.
 * @pair: the pair DEMOTE consumed.
 *
 * Context: Any thread; no get/put on the same range may run (it is one
 * TD page), other ranges may. Does not sleep. One acq_rel CAS on the
 * range's word, no lock (linux-* references: under their global lock);
 * calls no op.
 * Return: 0; DPAMT_EINVAL if the range already had references or a
 * pair, or pa_2m is not 2 MiB aligned or is outside every TDMR.
 */
int dpamt_demote_commit(struct dpamt *m, uint64_t pa_2m,
			const uint64_t pair[2]);      /* DEMOTE succeeded */
/**
 * dpamt_promote_commit() - Record a done PROMOTE and free the returned pair.
 * @m: the handle.
 * @pa_2m: the promoted 2 MiB page.
 * @pair: the pages PROMOTE returned.
 *
 * Context: Any thread; no get/put on the same range may run (it is one
 * TD page), other ranges may. One acq_rel CAS on the range's word, no
 * lock (linux-* references: under their global lock); then pair_free
 * with no lock held.
 * Return: 0; DPAMT_EINVAL unless the refcount was exactly 512 (the pair
 * is freed anyway; put_failures++); DPAMT_EINVAL with nothing changed
 * and the pair not freed if pa_2m is not 2 MiB aligned or is outside
 * every TDMR.
 */
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
/**
 * dpamt_demote_check_pair() - Refuse a pair that would make DEMOTE BUSY forever.
 * @pa_2m: the 2 MiB page to demote.
 * @sept: the new S-EPT page.
 * @pair: the pair pages.
 *
 * Context: Any context, any thread; does not sleep, takes no lock,
 * calls no op.
 * Return: 0, or DPAMT_EINVAL if a pair page lies in the 2 MiB page or
 * equals sept.
 */
int dpamt_demote_check_pair(uint64_t pa_2m, uint64_t sept,
			    const uint64_t pair[2]);

/* ---- Introspection -------------------------------------------------------
 * Racy while calls run; exact at quiescence. */
/**
 * dpamt_refcount() - References held on pa's range.
 * @m: the handle.
 * @pa: any address.
 *
 * Context: Any thread, concurrently with anything but destroy; relaxed
 * or acquire loads, no lock, no op: a racy snapshot, exact at
 * quiescence.
 * Return: the count; 0 outside every TDMR.
 */
uint32_t dpamt_refcount(const struct dpamt *m, uint64_t pa);
/**
 * dpamt_range_installed() - Whether pa's range holds a pair.
 * @m: the handle.
 * @pa: any address.
 *
 * Context: Any thread, concurrently with anything but destroy; relaxed
 * or acquire loads, no lock, no op: a racy snapshot, exact at
 * quiescence.
 * Return: true if installed (with references or idle).
 */
bool dpamt_range_installed(const struct dpamt *m, uint64_t pa);
/* The range holds a pair at refcount 0: kept for reuse (max_idle_pairs)
 * or because a REMOVE stayed BUSY (or failed); dpamt_retry_deferred() /
 * dpamt_shrink() take it back, a get reuses it. */
/**
 * dpamt_range_idle() - Whether pa's range holds a pair at refcount 0.
 * @m: the handle.
 * @pa: any address.
 *
 * Context: Any thread, concurrently with anything but destroy; relaxed
 * or acquire loads, no lock, no op: a racy snapshot, exact at
 * quiescence.
 * Return: true if idle.
 */
bool dpamt_range_idle(const struct dpamt *m, uint64_t pa);
/* Number of idle ranges (exact at quiescence; a scan of the idle set). */
/**
 * dpamt_idle_ranges() - Number of idle ranges.
 * @m: the handle.
 *
 * Context: Any thread, concurrently with anything but destroy; relaxed
 * or acquire loads, no lock, no op: a racy snapshot, exact at
 * quiescence. Scans the idle set.
 * Return: the count.
 */
uint64_t dpamt_idle_ranges(const struct dpamt *m);
/* Copy up to max TDMRs into out; returns how many the manager has. */
/**
 * dpamt_tdmrs() - Copy the manager's TDMRs.
 * @m: the handle.
 * @out: room for max entries.
 * @max: entries out can take.
 *
 * Context: Any context, any thread, concurrently with anything but
 * destroy; reads creation-time state, takes no lock.
 * Return: how many TDMRs the manager has (may exceed max).
 */
unsigned dpamt_tdmrs(const struct dpamt *m, struct dpamt_range *out,
		     unsigned max);
/* Call fn for every covered 2 MiB range with refcount > 0 or a pair. */
/**
 * dpamt_for_each_range() - Visit every range with references or a pair.
 * @m: the handle.
 * @fn: called once per such range, from this thread.
 * @arg: passed to fn.
 *
 * Context: Any thread, concurrently with anything but destroy; relaxed
 * or acquire loads, no lock, no op: a racy snapshot, exact at
 * quiescence. fn must not call get/put on m if it wants a consistent
 * walk.
 * Return: nothing.
 */
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
/**
 * dpamt_stats() - Snapshot the statistics.
 * @m: the handle.
 * @out: filled in full.
 *
 * Context: Any thread, concurrently with anything but destroy; relaxed
 * or acquire loads, no lock, no op: a racy snapshot, exact at
 * quiescence. Cache-local counters appear after
 * dpamt_cache_flush_stats()/drain.
 * Return: nothing.
 */
void dpamt_stats(const struct dpamt *m, struct dpamt_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* DPAMT_DPAMT_H */
