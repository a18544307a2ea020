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

struct dp_strategy {
	const char *name;
	/* Optional set-up/tear-down of m->strat_priv (NULL: none). */
	int (*init)(struct dpamt *m);
	void (*fini)(struct dpamt *m);
	/* get/put of one page in range idx (dynamic mode only). */
	/* Both set *fast when no install/remove section was entered. */
	int (*get)(struct dpamt *m, uint64_t idx, uint64_t pa,
		   struct dpamt_cache *c, bool *fast);
	int (*put)(struct dpamt *m, uint64_t idx, uint64_t pa,
		   struct dpamt_cache *c, bool *fast);
	/* Retry deferred removals; returns how many are still pending. */
	unsigned (*retry_deferred)(struct dpamt *m);
	/* Reference count held in a refcount word. */
	uint32_t (*count)(uint32_t word);
	/* DEMOTE put a pair in with n references / PROMOTE took it out. */
	int (*adopt)(struct dpamt *m, uint64_t idx, uint32_t n);
	int (*release)(struct dpamt *m, uint64_t idx, uint32_t n);
	/*
	 * True if the word is a plain count and "take a reference when it
	 * is not 0 / drop one when it is not the last" is always a correct
	 * fast path: the core then runs it inline before calling get/put
	 * (which must still cope with being called after it failed).
	 */
	bool plain_fast;
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

/* Shared building blocks of count-word strategies (strat_common.c). */

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

uint32_t dp_count_plain(uint32_t word);
/* idx's lock held: retry REMOVE of idle idx; true if it stays idle. */
bool dp_retry_range_locked(struct dpamt *m, uint64_t idx);
/* Call one() on each idle range; returns how many answered true. */
unsigned dp_idle_scan(struct dpamt *m,
		      bool (*one)(struct dpamt *m, uint64_t idx));
/* retry_deferred: one idle scan under the manager's global lock. */
unsigned dp_retry_deferred_locked(struct dpamt *m);
/* A cache for a get called with none: filled here, drained by end. */
struct dpamt_cache *dp_tmp_cache_begin(struct dpamt *m,
				       struct dpamt_cache *given,
				       struct dpamt_cache *tmp, int *err);
void dp_tmp_cache_end(struct dpamt *m, struct dpamt_cache *given,
		      struct dpamt_cache *tmp);

/*
 * The lock-based protocol (strat_locked.c), shared by global-lock and
 * hashed: each takes m->strat->lock_for(m, idx) where the protocol needs
 * the range's lock.  Contracts as the vtable slots they fill.
 */
struct dp_lock *dp_lock_global(struct dpamt *m, uint64_t idx);
int dp_locked_get(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast);
int dp_locked_put(struct dpamt *m, uint64_t idx, uint64_t pa,
		  struct dpamt_cache *c, bool *fast);
int dp_locked_adopt(struct dpamt *m, uint64_t idx, uint32_t n);
int dp_locked_release(struct dpamt *m, uint64_t idx, uint32_t n);
/* The ADD step of a get, with its yield points: PAMT.ADD idx's pair
 * (HPA_RANGE_NOT_FREE counts as done); the caller publishes the
 * reference.  0 or the error.  Sound strategies hold idx's lock. */
int dp_get_add(struct dpamt *m, uint64_t idx, uint64_t pa,
	       struct dpamt_cache *c);
/* Lock held, refs[idx] == 0: make the range usable with one reference. */
typedef int (*dp_install_fn)(struct dpamt *m, uint64_t idx, uint64_t pa,
			     struct dpamt_cache *c);
/* dp_locked_get with another install step (the broken strategies). */
int dp_locked_get_via(struct dpamt *m, uint64_t idx, uint64_t pa,
		      struct dpamt_cache *c, bool *fast, dp_install_fn install);

#endif /* DPAMT_HOST_STRATEGY_H */
