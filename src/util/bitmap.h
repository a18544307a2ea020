/*
 * bitmap.h - the tree's one bitmap: bit i of an array of 64-bit words.
 *
 * Used by the host core's idle bitmap (host/refcount.c, rczone.c,
 * shrink.c), the physical page allocator (glue/phys_alloc.c), the pair
 * pool (glue/pair_pool.c), the model's Dynamic PAMT page bitmap
 * (tdxmod/pamt.c) and the VMM (vmm/host.c, vmm/convert.c).  Header-only
 * and freestanding (<stdint.h>, <stdbool.h> only; no library call), so
 * the host core and its kernel-module build include it
 * (scripts/check-freestanding.sh checks this file too).
 *
 * Plain words only.  A bitmap of atomic words does its own loads, stores
 * and RMWs (with their memory orders) and takes only the index arithmetic
 * from here: bm_word(i) and bm_mask(i).
 *
 * Concurrency: none of these functions synchronises; the caller owns the
 * words (holds their lock, or is the only thread touching them).
 */
#ifndef DPAMT_UTIL_BITMAP_H
#define DPAMT_UTIL_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

/* Words needed for n bits. */
#define BM_WORDS(n) (((n) + 63) / 64)

/* The word that holds bit i. */
static inline uint64_t bm_word(uint64_t i)
{
	return i / 64;
}

/* Bit i's mask within its word. */
static inline uint64_t bm_mask(uint64_t i)
{
	return 1ULL << (i % 64);
}

static inline bool bm_test(const uint64_t *bm, uint64_t i)
{
	return (bm[bm_word(i)] & bm_mask(i)) != 0;
}

static inline void bm_set(uint64_t *bm, uint64_t i)
{
	bm[bm_word(i)] |= bm_mask(i);
}

static inline void bm_clear(uint64_t *bm, uint64_t i)
{
	bm[bm_word(i)] &= ~bm_mask(i);
}

/* Set every bit of bm[0..words). */
static inline void bm_fill(uint64_t *bm, uint64_t words)
{
	for (uint64_t w = 0; w < words; w++)
		bm[w] = ~0ULL;
}

/* Index of the lowest set bit of *w, which is cleared; *w must not be 0.
 * A loop "while (w) i = base + bm_pop(&w);" visits every set bit. */
static inline unsigned bm_pop(uint64_t *w)
{
	unsigned b = (unsigned)__builtin_ctzll(*w);

	*w &= *w - 1;
	return b;
}

/* The first set bit of bm[0..words), scanning from word start and
 * wrapping once; UINT64_MAX if none is set. */
static inline uint64_t bm_find(const uint64_t *bm, uint64_t words,
			       uint64_t start)
{
	for (uint64_t k = 0; k < words; k++) {
		uint64_t w = (start + k) % words, v = bm[w];

		if (v)
			return w * 64 + bm_pop(&v);
	}
	return UINT64_MAX;
}

/* Take the first set bit of bm[0..words) (cleared); UINT64_MAX if none. */
static inline uint64_t bm_take(uint64_t *bm, uint64_t words)
{
	uint64_t i = bm_find(bm, words, 0);

	if (i != UINT64_MAX)
		bm_clear(bm, i);
	return i;
}

#endif /* DPAMT_UTIL_BITMAP_H */
