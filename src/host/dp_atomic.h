/*
 * dp_atomic.h - the host core's only door to atomics.
 *
 * Every atomic operation the freestanding core performs is one of these
 * named functions, each with its memory ordering spelled out in its name.
 * A kernel port replaces this one header (e.g. with atomic_t/atomic64_t,
 * smp_load_acquire, cmpxchg, arch_spin primitives) and nothing else.
 */
#ifndef DPAMT_HOST_DP_ATOMIC_H
#define DPAMT_HOST_DP_ATOMIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef _Atomic uint32_t dp_atomic32_t;
typedef _Atomic uint64_t dp_atomic64_t;

/* ---- 32-bit ------------------------------------------------------------ */
static inline uint32_t dp_load_relaxed32(const dp_atomic32_t *p)
{
	return atomic_load_explicit((dp_atomic32_t *)p, memory_order_relaxed);
}

static inline uint32_t dp_load_acquire32(const dp_atomic32_t *p)
{
	return atomic_load_explicit((dp_atomic32_t *)p, memory_order_acquire);
}

static inline void dp_store_relaxed32(dp_atomic32_t *p, uint32_t v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline void dp_store_release32(dp_atomic32_t *p, uint32_t v)
{
	atomic_store_explicit(p, v, memory_order_release);
}

/* Strong CAS; on failure *expected is updated (acquire). */
static inline bool dp_cas_acq_rel32(dp_atomic32_t *p, uint32_t *expected,
				    uint32_t desired)
{
	return atomic_compare_exchange_strong_explicit(
		p, expected, desired, memory_order_acq_rel,
		memory_order_acquire);
}

static inline uint32_t dp_fetch_add_acq_rel32(dp_atomic32_t *p, uint32_t v)
{
	return atomic_fetch_add_explicit(p, v, memory_order_acq_rel);
}

static inline uint32_t dp_fetch_sub_acq_rel32(dp_atomic32_t *p, uint32_t v)
{
	return atomic_fetch_sub_explicit(p, v, memory_order_acq_rel);
}

static inline uint32_t dp_xchg_acquire32(dp_atomic32_t *p, uint32_t v)
{
	return atomic_exchange_explicit(p, v, memory_order_acquire);
}

/* ---- 64-bit ------------------------------------------------------------ */
static inline uint64_t dp_load_relaxed64(const dp_atomic64_t *p)
{
	return atomic_load_explicit((dp_atomic64_t *)p, memory_order_relaxed);
}

static inline void dp_store_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline uint64_t dp_fetch_add_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	return atomic_fetch_add_explicit(p, v, memory_order_relaxed);
}

static inline uint64_t dp_fetch_sub_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	return atomic_fetch_sub_explicit(p, v, memory_order_relaxed);
}

static inline uint64_t dp_fetch_or_acq_rel64(dp_atomic64_t *p, uint64_t v)
{
	return atomic_fetch_or_explicit(p, v, memory_order_acq_rel);
}

static inline uint64_t dp_fetch_and_acq_rel64(dp_atomic64_t *p, uint64_t v)
{
	return atomic_fetch_and_explicit(p, v, memory_order_acq_rel);
}

static inline uint64_t dp_load_acquire64(const dp_atomic64_t *p)
{
	return atomic_load_explicit((dp_atomic64_t *)p, memory_order_acquire);
}

/* Raise *p to at least v (statistics peaks). */
static inline void dp_max_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	uint64_t cur = atomic_load_explicit(p, memory_order_relaxed);

	while (cur < v &&
	       !atomic_compare_exchange_weak_explicit(p, &cur, v,
						      memory_order_relaxed,
						      memory_order_relaxed))
		;
}

/* Compiler-only barrier for spin loops (no CPU fence). */
static inline void dp_compiler_barrier(void)
{
	atomic_signal_fence(memory_order_seq_cst);
}

#endif /* DPAMT_HOST_DP_ATOMIC_H */
