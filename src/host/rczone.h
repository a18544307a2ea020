/*
 * rczone.h - the zoned refcount word of the production strategies
 * (global-lock, hashed, lockless) and its one-atomic fast path.
 *
 * One 32-bit word per 2 MiB range.  A get is one fetch_add(1), a put one
 * fetch_sub(1); the value the RMW returned says whether that was all
 * (the range stays installed) or whether the strategy's slow path must
 * decide (0->1, 1->0, a transition in flight, misuse).  Zones, by the
 * top two bits of the word (docs/refcount.md has the full state table):
 *
 *   ABSENT  0x00000000..0x3fffffff  no pair; the low bits count gets in
 *                                   flight ("strays") waiting for one
 *   OWNED   0x40000000..0x7fffffff  ABSENT + a transition (ADD or
 *                                   REMOVE) owned by one thread; strays
 *                                   as above (set by lockless only)
 *   LIVE    0x80000000..0xbfffffff  pair installed, count = w - LIVE;
 *                                   w == LIVE: installed, 0 references
 *                                   (idle, or a 1->0 being decided)
 *   SAT     0xc0000000..0xffffffff  saturated / underflowed: misuse
 *
 * A get landing on LIVE + n (n >= 0) is done: it even revives an idle
 * pair, and the 1->0 path learns about it because it must win a CAS
 * LIVE -> ABSENT/OWNED before it may REMOVE.  The owner of an install
 * converts every stray into a reference with one fetch_add (ABSENT + k
 * -> LIVE + k), so waiters never undo anything they did not own.
 */
#ifndef DPAMT_HOST_RCZONE_H
#define DPAMT_HOST_RCZONE_H

#include "host/dp_atomic.h"

#define DP_RC_OWNED 0x40000000u
#define DP_RC_LIVE 0x80000000u
#define DP_RC_SAT 0xc0000000u
#define DP_RC_MAXREF (DP_RC_SAT - DP_RC_LIVE - 1u)

/* References held in word w (0 outside LIVE). */
static inline uint32_t dp_rc_count(uint32_t w)
{
	return w - DP_RC_LIVE <= DP_RC_MAXREF ? w - DP_RC_LIVE : 0;
}

/* A get whose RMW returned old is done: old in LIVE, not at the top. */
static inline bool dp_rc_get_done(uint32_t old)
{
	return old - DP_RC_LIVE < DP_RC_MAXREF;
}

/* A put whose RMW returned old is done: at least one reference stays. */
static inline bool dp_rc_put_done(uint32_t old)
{
	return old - (DP_RC_LIVE + 2u) < DP_RC_SAT - (DP_RC_LIVE + 2u);
}

/* The one-atomic fast path: the RMW, its result for the slow path. */
static inline uint32_t dp_rc_get_rmw(dp_atomic32_t *w)
{
	return dp_fetch_add_acq_rel32(w, 1);
}

static inline uint32_t dp_rc_put_rmw(dp_atomic32_t *w)
{
	return dp_fetch_sub_acq_rel32(w, 1);
}

/* The same two RMWs when the caller saw no atomic hook (dp_atomic.h). */
static inline uint32_t dp_rc_get_rmw_unhooked(dp_atomic32_t *w)
{
	return dp_fetch_add_acq_rel32_unhooked(w, 1);
}

static inline uint32_t dp_rc_put_rmw_unhooked(dp_atomic32_t *w)
{
	return dp_fetch_sub_acq_rel32_unhooked(w, 1);
}

/*
 * The CAS-loop fast path on the same word (cfg.fast_path_cas, kept for
 * comparison): increment only while the word is LIVE, decrement only
 * while a reference stays; otherwise the same RMW as above, so the slow
 * paths see exactly what they see behind the one-atomic path.
 */
static inline uint32_t dp_rc_get_cas(dp_atomic32_t *w)
{
	uint32_t v = dp_load_relaxed32(w);

	while (dp_rc_get_done(v))
		if (dp_cas_acq_rel32(w, &v, v + 1))
			return v;
	return dp_rc_get_rmw(w);
}

static inline uint32_t dp_rc_put_cas(dp_atomic32_t *w)
{
	uint32_t v = dp_load_relaxed32(w);

	while (dp_rc_put_done(v))
		if (dp_cas_acq_rel32(w, &v, v - 1))
			return v;
	return dp_rc_put_rmw(w);
}

#endif /* DPAMT_HOST_RCZONE_H */
