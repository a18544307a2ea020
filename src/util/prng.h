/*
 * prng.h - the tree's one family of pseudo-random numbers: splitmix64
 * (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
 * OOPSLA 2014; the constants are the published ones).
 *
 * Two ways to draw from the same function:
 *   prng_next(&s)  a stream: s advances by a fixed odd step per draw; any
 *                  seed works, 0 included, and nearby seeds give
 *                  unrelated streams;
 *   prng_at(x)     counter-based: the draw for state x, with no state to
 *                  share (the model's BUSY injection hashes a global
 *                  counter with it, so threads need no common stream).
 * prng_next(&s) returns prng_at(s) and then adds the step, so both give
 * the same numbers for the same states.
 *
 * Users: the virtual-time scheduler (vt/vt.c), the model's fault injection
 * (tdxmod/pamt.c), the VMM's per-vCPU choices (vmm/vcpu.c) and every
 * randomised test; prng_bucket() (the same constant as a multiplicative
 * hash) spreads keys over stripes in the host core and the model.  A randomised test prints its seed (DPAMT_SEED
 * overrides it; tests/test_seed.h).  Not for anything secret.
 *
 * Header-only and freestanding (<stdint.h> only).
 * Concurrency: none; each stream belongs to its caller.
 */
#ifndef DPAMT_UTIL_PRNG_H
#define DPAMT_UTIL_PRNG_H

#include <stdint.h>

/* The step of the stream: 2^64 / golden ratio, odd. */
#define PRNG_STEP 0x9E3779B97F4A7C15ULL

/* The draw for state x (splitmix64's output function of x + step). */
static inline uint64_t prng_at(uint64_t x)
{
	uint64_t z = x + PRNG_STEP;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The next draw of the stream *s. */
static inline uint64_t prng_next(uint64_t *s)
{
	uint64_t z = prng_at(*s);

	*s += PRNG_STEP;
	return z;
}

/* Fibonacci hashing of x into [0, n) (n > 0): consecutive x land far
 * apart.  For spreading keys over stripes (the hashed strategy's locks,
 * statistics stripes), not for drawing. */
static inline unsigned prng_bucket(uint64_t x, unsigned n)
{
	return (unsigned)(((x * PRNG_STEP) >> 32) % n);
}

/* A draw below n (n > 0); the modulo bias is below n / 2^64. */
static inline uint64_t prng_below(uint64_t *s, uint64_t n)
{
	return prng_next(s) % n;
}

#endif /* DPAMT_UTIL_PRNG_H */
