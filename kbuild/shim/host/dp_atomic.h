/*
 * dp_atomic.h (kernel build) - the host core's atomics on the kernel's
 * atomic_t / atomic64_t API.
 *
 * kbuild/shim/ comes before src/ on the kernel build's include path, so
 * every `#include "host/dp_atomic.h"` in src/host/ lands here instead of
 * on the C11 <stdatomic.h> version in src/host/dp_atomic.h.  Same names,
 * same sizes, same or stronger ordering for each function:
 *   relaxed load/store    atomic_read / atomic_set
 *   acquire load          atomic_read_acquire
 *   release store         atomic_set_release
 *   acq_rel CAS / RMW     atomic_try_cmpxchg / atomic_fetch_* (fully
 *                         ordered); a failed CAS is unordered in the
 *                         kernel, so it adds smp_acquire__after_ctrl_dep()
 *                         for the acquire the C11 version gives.
 *   acquire xchg          atomic_xchg_acquire
 * The simulator hook (DPAMT_ATOMIC_HOOK) does not exist here: nothing in
 * this file reports to a per-thread hook, and defining the macro is an
 * error.  <stdatomic.h> has no shim, so C11 atomics anywhere else in the
 * core fail the kernel build.
 */
#ifndef DPAMT_HOST_DP_ATOMIC_H
#define DPAMT_HOST_DP_ATOMIC_H

#ifdef DPAMT_ATOMIC_HOOK
#error "DPAMT_ATOMIC_HOOK is a simulator feature; the kernel build has none"
#endif

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/types.h>

typedef atomic_t dp_atomic32_t;
typedef atomic64_t dp_atomic64_t;

/* The core sizes arrays of these words with sizeof; keep the C11 sizes. */
static_assert(sizeof(dp_atomic32_t) == sizeof(u32));
static_assert(sizeof(dp_atomic64_t) == sizeof(u64));

/* ---- 32-bit ------------------------------------------------------------ */
static inline u32 dp_load_relaxed32(const dp_atomic32_t *p)
{
	return (u32)atomic_read(p);
}

static inline u32 dp_load_acquire32(const dp_atomic32_t *p)
{
	return (u32)atomic_read_acquire(p);
}

static inline void dp_store_relaxed32(dp_atomic32_t *p, u32 v)
{
	atomic_set(p, (int)v);
}

static inline void dp_store_release32(dp_atomic32_t *p, u32 v)
{
	atomic_set_release(p, (int)v);
}

/* Strong CAS; on failure *expected is updated (acquire). */
static inline bool dp_cas_acq_rel32(dp_atomic32_t *p, u32 *expected,
				    u32 desired)
{
	if (atomic_try_cmpxchg(p, (int *)expected, (int)desired))
		return true;
	smp_acquire__after_ctrl_dep();
	return false;
}

static inline u32 dp_fetch_add_acq_rel32(dp_atomic32_t *p, u32 v)
{
	return (u32)atomic_fetch_add((int)v, p);
}

static inline u32 dp_fetch_sub_acq_rel32(dp_atomic32_t *p, u32 v)
{
	return (u32)atomic_fetch_sub((int)v, p);
}

/* No hook in a kernel: the unhooked fast-path RMWs are the same ones. */
static inline bool dp_atomic_hooked(void)
{
	return false;
}

static inline u32 dp_fetch_add_acq_rel32_unhooked(dp_atomic32_t *p, u32 v)
{
	return dp_fetch_add_acq_rel32(p, v);
}

static inline u32 dp_fetch_sub_acq_rel32_unhooked(dp_atomic32_t *p, u32 v)
{
	return dp_fetch_sub_acq_rel32(p, v);
}

static inline u32 dp_xchg_acquire32(dp_atomic32_t *p, u32 v)
{
	return (u32)atomic_xchg_acquire(p, (int)v);
}

/* ---- 64-bit ------------------------------------------------------------ */
static inline u64 dp_load_relaxed64(const dp_atomic64_t *p)
{
	return (u64)atomic64_read(p);
}

static inline void dp_store_relaxed64(dp_atomic64_t *p, u64 v)
{
	atomic64_set(p, (s64)v);
}

static inline u64 dp_fetch_add_relaxed64(dp_atomic64_t *p, u64 v)
{
	return (u64)atomic64_fetch_add_relaxed((s64)v, p);
}

static inline u64 dp_fetch_sub_relaxed64(dp_atomic64_t *p, u64 v)
{
	return (u64)atomic64_fetch_sub_relaxed((s64)v, p);
}

static inline u64 dp_fetch_or_acq_rel64(dp_atomic64_t *p, u64 v)
{
	return (u64)atomic64_fetch_or((s64)v, p);
}

static inline u64 dp_fetch_and_acq_rel64(dp_atomic64_t *p, u64 v)
{
	return (u64)atomic64_fetch_and((s64)v, p);
}

static inline u64 dp_load_acquire64(const dp_atomic64_t *p)
{
	return (u64)atomic64_read_acquire(p);
}

/* Statistics counter (a per-CPU counter would do as well here). */
static inline void dp_stat_add_relaxed64(dp_atomic64_t *p, u64 v)
{
	atomic64_add((s64)v, p);
}

/* Statistics bookkeeping (stats.c): counter read, limit store, the
 * rebalancing path's try-lock. */
static inline u64 dp_stat_load64(const dp_atomic64_t *p)
{
	return (u64)atomic64_read(p);
}

static inline u64 dp_stat_load_own64(const dp_atomic64_t *p)
{
	return (u64)atomic64_read(p);
}

static inline void dp_stat_store64(dp_atomic64_t *p, u64 v)
{
	atomic64_set(p, (s64)v);
}

static inline bool dp_stat_trylock64(dp_atomic64_t *p)
{
	return atomic64_read(p) == 0 && atomic64_xchg_acquire(p, 1) == 0;
}

static inline void dp_stat_unlock64(dp_atomic64_t *p)
{
	atomic64_set_release(p, 0);
}

/* Raise *p to at least v (statistics peaks), unsigned comparison. */
static inline void dp_max_relaxed64(dp_atomic64_t *p, u64 v)
{
	s64 cur = atomic64_read(p);

	while ((u64)cur < v && !atomic64_try_cmpxchg_relaxed(p, &cur, (s64)v))
		;
}

/* Compiler-only barrier for spin loops (no CPU fence). */
static inline void dp_compiler_barrier(void)
{
	barrier();
}

/* ---- Bit scan ------------------------------------------------------------
 * Index of the lowest set bit of x; x must not be 0. */
static inline unsigned int dp_ctz64(u64 x)
{
	return (unsigned int)__ffs64(x);
}

#endif /* DPAMT_HOST_DP_ATOMIC_H */
