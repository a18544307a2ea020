/*
 * strategy.h - the interface every install/remove synchronisation strategy
 * implements, and the registry of the ones built into this library.
 *
 * A strategy owns the meaning of the refcount words and decides when to
 * issue PAMT.ADD / PAMT.REMOVE.  The core calls it only in dynamic mode,
 * after it has mapped pa to a range index.  To add one: write
 * strat_<name>.c defining a const struct dp_strategy, declare it below and
 * add its one line to the table in strategy.c.
 */
#ifndef DPAMT_HOST_STRATEGY_H
#define DPAMT_HOST_STRATEGY_H

#include "host/dp_internal.h"
#include "host/rczone.h"

/* What reclaiming one idle range did (struct dp_strategy.reclaim). */
enum dp_reclaim {
	DP_RECLAIM_GONE,  /* pair removed, idle bit clear */
	DP_RECLAIM_STALE, /* not idle any more (in use or gone): bit clear */
	DP_RECLAIM_KEPT,  /* REMOVE failed (BUSY...): still idle, bit set */
};

struct dp_strategy {
	const char *name;
	/* Optional set-up/tear-down of m->strat_priv (NULL: none). */
	int (*init)(struct dpamt *m);
	void (*fini)(struct dpamt *m);
	/*
	 * get/put of one page in range idx (dynamic mode only).  Both set
	 * *fast when no install/remove section was entered.  Zoned
	 * strategies (below): the core already did the fast path's RMW on
	 * refs[idx] and it did not decide; old is what it returned.
	 * Others: old is 0 and meaningless, get/put do everything.
	 */
	int (*get)(struct dpamt *m, uint64_t idx, uint64_t pa,
		   struct dpamt_cache *c, uint32_t old, bool *fast);
	int (*put)(struct dpamt *m, uint64_t idx, uint64_t pa,
		   struct dpamt_cache *c, uint32_t old, bool *fast);
	/* Retry deferred removals; returns how many are still pending.
	 * NULL for zoned strategies: the core shrinks with reclaim below. */
	unsigned (*retry_deferred)(struct dpamt *m);
	/* Zoned: take idle range idx's pair back if it is still idle
	 * (shrink.c drives it).  Takes whatever idx's protocol needs. */
	enum dp_reclaim (*reclaim)(struct dpamt *m, uint64_t idx);
	/* Reference count held in a refcount word. */
	uint32_t (*count)(uint32_t word);
	/* DEMOTE put a pair in with n references / PROMOTE took it out. */
	int (*adopt)(struct dpamt *m, uint64_t idx, uint32_t n);
	int (*release)(struct dpamt *m, uint64_t idx, uint32_t n);
	/*
	 * True if refs[] holds the zoned word of rczone.h: the core then
	 * runs the one-atomic (or CAS, cfg.fast_path_cas) fast path inline
	 * and calls get/put only when its RMW did not decide.
	 */
	bool zoned;
	/*
	 * Lock-based strategies (strat_locked.c): the lock that serialises
	 * installs and removes of range idx.  NULL for the others.
	 */
	struct dp_lock *(*lock_for)(struct dpamt *m, uint64_t idx);
	/*
	 * Strategies that keep their own refcount table (the linux-*
	 * references: one word per 2 MiB of the whole physical address
	 * space): the word of range idx.  NULL: &m->refs[idx].
	 */
	dp_atomic32_t *(*ref_word)(struct dpamt *m, uint64_t idx);
};

extern const struct dp_strategy dp_strat_global_lock;
extern const struct dp_strategy dp_strat_hashed;
extern const struct dp_strategy dp_strat_lockless;
extern const struct dp_strategy dp_strat_ref_linux_v6;
extern const struct dp_strategy dp_strat_ref_linux_v3;

/*
 * Strategies linked in from outside the library: the seam through which
 * test binaries add the test-only broken variants without them being in
 * libdpamt or its public enum.  The library's definition is weak and
 * answers an empty set; tests/strategies/broken/ links in the strong one
 * (an object library, so the linker always takes it).  Extra strategy i
 * has id DPAMT_STRATEGY_COUNT + i.  Read-only: no state is registered
 * at run time.
 */
struct dp_strategy_set {
	const struct dp_strategy *const *v;
	unsigned n;
};
const struct dp_strategy_set *dp_extra_strategies(void);

/* The strategy of id s (public or extra), NULL if none. */
const struct dp_strategy *dp_strategy_lookup(enum dpamt_strategy s);

/* The refcount word of range idx, wherever the strategy keeps it.
 * Concurrency: pure (the tables are fixed between create and destroy). */
static inline dp_atomic32_t *dp_ref_word(struct dpamt *m, uint64_t idx)
{
	return m->strat->ref_word ? m->strat->ref_word(m, idx) : &m->refs[idx];
}

/* Plain-count fast-path steps (the linux-* references, broken-*). */

/* Take a reference only if someone already holds one (pair installed). */
static inline bool dp_inc_not_zero(dp_atomic32_t *w)
{
	uint32_t v = dp_load_relaxed32(w);

	while (v != 0 && v != UINT32_MAX)
		if (dp_cas_acq_rel32(w, &v, v + 1))
			return true;
	return false;
}

/* Drop a reference only if it is not the last; *seen = the count that
 * stopped us (0 or 1). */
static inline bool dp_dec_not_one(dp_atomic32_t *w, uint32_t *seen)
{
	uint32_t v = dp_load_relaxed32(w);

	while (v > 1)
		if (dp_cas_acq_rel32(w, &v, v - 1))
			return true;
	*seen = v;
	return false;
}

/* ---- strat_common.c: shared by every strategy ----------------------- */
/* The ADD step of a get, with its yield points: PAMT.ADD idx's pair
 * (HPA_RANGE_NOT_FREE counts as done); the caller publishes the
 * reference.  0 or the error.  Sound strategies own idx's transition. */
int dp_get_add(struct dpamt *m, uint64_t idx, uint64_t pa,
	       struct dpamt_cache *c);
/* A cache for a get called with none: filled here, drained by end. */
struct dpamt_cache *dp_tmp_cache_begin(struct dpamt *m,
				       struct dpamt_cache *given,
				       struct dpamt_cache *tmp, int *err);
void dp_tmp_cache_end(struct dpamt *m, struct dpamt_cache *given,
		      struct dpamt_cache *tmp);

/* ---- shrink.c: idle pairs of zoned strategies ------------------------ */
/* A 1->0 put left idx at LIVE: keep it idle (true: its idle bit is
 * set) or remove it.  Takes no lock; the caller may hold idx's. */
bool dp_idle_keep(struct dpamt *m, uint64_t idx);
/* After a keep, with no range lock held: back under the cap. */
void dp_idle_trim(struct dpamt *m);
/* Reclaim idle ranges until at most target are idle; returns how many
 * reclaims failed (still idle, e.g. BUSY).  Any thread, any time. */
unsigned dp_shrink_to(struct dpamt *m, uint64_t target);

/*
 * The zoned lock-based protocol (strat_locked.c), shared by global-lock
 * and hashed: each takes m->strat->lock_for(m, idx) where the protocol
 * needs the range's lock.  Contracts as the vtable slots they fill.
 */
struct dp_lock *dp_lock_global(struct dpamt *m, uint64_t idx);
int dp_locked_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t old, bool *fast);
int dp_locked_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, uint32_t old, bool *fast);
enum dp_reclaim dp_locked_reclaim(struct dpamt *m, uint64_t idx);

/* ---- rczone.c: zoned steps (the caller owns idx's transition) -------- */
/* Word at OWNED + k: PAMT.REMOVE, publish ABSENT + k or LIVE + k.
 * 0, DPAMT_EBUSY (kept, BUSY) or DPAMT_EIO; put_remove: for a put, BUSY
 * counted as deferred and answered 0. */
int dp_zone_remove_owned(struct dpamt *m, uint64_t idx, uint64_t pa,
			 struct dpamt_cache *c);
int dp_zone_put_remove(struct dpamt *m, uint64_t idx, uint64_t pa,
		       struct dpamt_cache *c);
/* idx's idle bit seen set: clear it, remove the pair if still idle. */
enum dp_reclaim dp_zone_reclaim(struct dpamt *m, uint64_t idx);
/* The put's RMW returned old, neither "stays" nor "last": misuse. */
int dp_zone_put_odd(struct dpamt *m, uint64_t idx, uint32_t old);
/* DEMOTE/PROMOTE bookkeeping: one CAS decides, no lock needed. */
int dp_zone_adopt(struct dpamt *m, uint64_t idx, uint32_t n);
int dp_zone_release(struct dpamt *m, uint64_t idx, uint32_t n);

/*
 * The plain-count lock-based protocol (strat_plain.c) the test-only
 * broken strategies are built from: refs[idx] is the count itself and
 * every change of it is a CAS loop, as in the seed.
 */
uint32_t dp_count_plain(uint32_t word);
/* Lock held, refs[idx] == 0: make the range usable with one reference. */
typedef int (*dp_install_fn)(struct dpamt *m, uint64_t idx, uint64_t pa,
			     struct dpamt_cache *c);
int dp_plain_get_via(struct dpamt *m, uint64_t idx, uint64_t pa,
		     struct dpamt_cache *c, bool *fast, dp_install_fn install);
int dp_plain_adopt(struct dpamt *m, uint64_t idx, uint32_t n);
int dp_plain_release(struct dpamt *m, uint64_t idx, uint32_t n);
/* One pass over the idle ranges under the manager's global lock. */
unsigned dp_plain_retry_deferred(struct dpamt *m);

#endif /* DPAMT_HOST_STRATEGY_H */
