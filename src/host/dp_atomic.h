/*
 * dp_atomic.h - the host core's only door to atomics.
 *
 * Every atomic operation the freestanding core performs is one of these
 * named functions, each with its memory ordering spelled out in its name.
 * A kernel port replaces this one header (e.g. with atomic_t/atomic64_t,
 * smp_load_acquire, cmpxchg, arch_spin primitives) and nothing else; the
 * kernel-module build does exactly that with kbuild/shim/host/dp_atomic.h
 * (docs/kernel.md).  The compiler builtins the kernel spells differently
 * (bit scans) sit behind this header too, for the same reason.
 *
 * Simulator hook: built with DPAMT_ATOMIC_HOOK (the CMake option of the
 * same name, on by default; the freestanding check and a kernel port
 * build without it, and then it compiles to nothing), every function
 * below first reports the word it touches to the calling OS thread's
 * hook, if one is set (dp_atomic_hook_set).  The virtual-time simulator
 * uses it to make every atomic a yield point when it explores schedules
 * and to charge cache-line transfers.  With no hook set the cost is one
 * thread-local load and a predicted branch.
 */
#ifndef DPAMT_HOST_DP_ATOMIC_H
#define DPAMT_HOST_DP_ATOMIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef _Atomic uint32_t dp_atomic32_t;
typedef _Atomic uint64_t dp_atomic64_t;

/* What an atomic does to its word, as the hook sees it. */
enum dp_atomic_kind {
	DP_AT_READ,   /* a load */
	DP_AT_WRITE,  /* a store or read-modify-write */
	DP_AT_STAT,   /* a statistics counter (a per-CPU add in a kernel) */
	DP_AT_STAT_READ, /* a load of one (a per-CPU read in a kernel) */
};

#ifdef DPAMT_ATOMIC_HOOK
struct dp_atomic_hook {
	void (*fn)(void *arg, const void *word, enum dp_atomic_kind kind);
	void *arg;
};
extern _Thread_local const struct dp_atomic_hook *dp_atomic_hook_tls
	__attribute__((tls_model("initial-exec")));
/* Set (or clear, NULL) the calling thread's hook. */
void dp_atomic_hook_set(const struct dp_atomic_hook *h);

static inline void dp_atomic_at(const volatile void *p,
				enum dp_atomic_kind kind)
{
	const struct dp_atomic_hook *h = dp_atomic_hook_tls;

	if (__builtin_expect(h != 0, 0))
		h->fn(h->arg, (const void *)p, kind);
}

/* True when the calling thread has a hook set. */
static inline bool dp_atomic_hooked(void)
{
	return __builtin_expect(dp_atomic_hook_tls != 0, 0);
}
#else
#define dp_atomic_at(p, kind) ((void)0)
#define dp_atomic_hooked() false
#endif

/* ---- 32-bit ------------------------------------------------------------ */
static inline uint32_t dp_load_relaxed32(const dp_atomic32_t *p)
{
	dp_atomic_at(p, DP_AT_READ);
	return atomic_load_explicit((dp_atomic32_t *)p, memory_order_relaxed);
}

static inline uint32_t dp_load_acquire32(const dp_atomic32_t *p)
{
	dp_atomic_at(p, DP_AT_READ);
	return atomic_load_explicit((dp_atomic32_t *)p, memory_order_acquire);
}

static inline void dp_store_relaxed32(dp_atomic32_t *p, uint32_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline void dp_store_release32(dp_atomic32_t *p, uint32_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	atomic_store_explicit(p, v, memory_order_release);
}

/* Strong CAS; on failure *expected is updated (acquire). */
static inline bool dp_cas_acq_rel32(dp_atomic32_t *p, uint32_t *expected,
				    uint32_t desired)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_compare_exchange_strong_explicit(
		p, expected, desired, memory_order_acq_rel,
		memory_order_acquire);
}

static inline uint32_t dp_fetch_add_acq_rel32(dp_atomic32_t *p, uint32_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_fetch_add_explicit(p, v, memory_order_acq_rel);
}

static inline uint32_t dp_fetch_sub_acq_rel32(dp_atomic32_t *p, uint32_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_fetch_sub_explicit(p, v, memory_order_acq_rel);
}

/*
 * The two RMWs of the one-atomic fast path without the hook's check, for
 * a caller that has just seen dp_atomic_hooked() false: the hook is per
 * thread and set only by its own thread, so it stays unset for the rest
 * of the call and these do exactly what the hooked ones would.  They let
 * dpamt_get/dpamt_put test the hook once per call instead of once per
 * atomic (the per-atomic test costs ~0.7 ns a call, docs/bench.md).
 */
static inline uint32_t dp_fetch_add_acq_rel32_unhooked(dp_atomic32_t *p,
						       uint32_t v)
{
	return atomic_fetch_add_explicit(p, v, memory_order_acq_rel);
}

static inline uint32_t dp_fetch_sub_acq_rel32_unhooked(dp_atomic32_t *p,
						       uint32_t v)
{
	return atomic_fetch_sub_explicit(p, v, memory_order_acq_rel);
}

static inline uint32_t dp_xchg_acquire32(dp_atomic32_t *p, uint32_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_exchange_explicit(p, v, memory_order_acquire);
}

/* ---- 64-bit ------------------------------------------------------------ */
static inline uint64_t dp_load_relaxed64(const dp_atomic64_t *p)
{
	dp_atomic_at(p, DP_AT_READ);
	return atomic_load_explicit((dp_atomic64_t *)p, memory_order_relaxed);
}

static inline void dp_store_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline uint64_t dp_fetch_add_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_fetch_add_explicit(p, v, memory_order_relaxed);
}

static inline uint64_t dp_fetch_sub_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_fetch_sub_explicit(p, v, memory_order_relaxed);
}

static inline uint64_t dp_fetch_or_acq_rel64(dp_atomic64_t *p, uint64_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_fetch_or_explicit(p, v, memory_order_acq_rel);
}

static inline uint64_t dp_fetch_and_acq_rel64(dp_atomic64_t *p, uint64_t v)
{
	dp_atomic_at(p, DP_AT_WRITE);
	return atomic_fetch_and_explicit(p, v, memory_order_acq_rel);
}

static inline uint64_t dp_load_acquire64(const dp_atomic64_t *p)
{
	dp_atomic_at(p, DP_AT_READ);
	return atomic_load_explicit((dp_atomic64_t *)p, memory_order_acquire);
}

/* Add to a statistics counter (striped by the caller; a kernel port would
 * use a per-CPU counter, so the simulator charges no transfer for it). */
static inline void dp_stat_add_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	dp_atomic_at(p, DP_AT_STAT);
	atomic_fetch_add_explicit(p, v, memory_order_relaxed);
}

/* Statistics bookkeeping beside the counters' adds (stats.c).  A load
 * of the caller's own stripe is a DP_AT_STAT_READ (free in the simulator,
 * but a yield point like every other atomic of the core).  The rest (the
 * sum and the per-stripe limits rebalanced under the gauge's try-lock)
 * call no hook: they order nothing the protocol relies on, and a
 * simulated CPU then never switches inside that lock. */
static inline uint64_t dp_stat_load_own64(const dp_atomic64_t *p)
{
	dp_atomic_at(p, DP_AT_STAT_READ);
	return atomic_load_explicit((dp_atomic64_t *)p, memory_order_relaxed);
}

static inline uint64_t dp_stat_load64(const dp_atomic64_t *p)
{
	return atomic_load_explicit((dp_atomic64_t *)p, memory_order_relaxed);
}

static inline void dp_stat_store64(dp_atomic64_t *p, uint64_t v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline bool dp_stat_trylock64(dp_atomic64_t *p)
{
	return atomic_load_explicit(p, memory_order_relaxed) == 0 &&
	       atomic_exchange_explicit(p, 1, memory_order_acquire) == 0;
}

static inline void dp_stat_unlock64(dp_atomic64_t *p)
{
	atomic_store_explicit(p, 0, memory_order_release);
}

/* Raise *p to at least v (statistics peaks). */
static inline void dp_max_relaxed64(dp_atomic64_t *p, uint64_t v)
{
	uint64_t cur;

	dp_atomic_at(p, DP_AT_WRITE);
	cur = atomic_load_explicit(p, memory_order_relaxed);
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

/* ---- Bit scan ------------------------------------------------------------
 * Index of the lowest set bit of x; x must not be 0 (kernel: __ffs64). */
static inline unsigned int dp_ctz64(uint64_t x)
{
	return (unsigned int)__builtin_ctzll(x);
}

#endif /* DPAMT_HOST_DP_ATOMIC_H */
