/*
 * phys_alloc_impl.h - the allocator's private layout, shared by its two
 * files: phys_alloc.c (pages, blocks, runs, counters, the watermark) and
 * phys_frag.c (the fragmented-host region: pages owned by the host's
 * other users, and the first-fit search that prefers those blocks).
 * Not for any other file: everyone else goes through phys_alloc.h.
 */
#ifndef DPAMT_GLUE_PHYS_ALLOC_IMPL_H
#define DPAMT_GLUE_PHYS_ALLOC_IMPL_H

#include "glue/phys_alloc.h"
#include "util/bitmap.h"

#include <pthread.h>
#include <stdatomic.h>

#define PA_PAGE 4096ull
#define PA_BLOCK (2ull << 20)
#define PA_PAGES_PER_BLOCK 512u
#define PA_WORDS_PER_BLOCK BM_WORDS(PA_PAGES_PER_BLOCK)
#define PA_MAX_ARENAS 16u

struct pa_range {
	uint64_t base, size;
	uint64_t first_block;
};

struct pa_arena {
	pthread_mutex_t lock;
	uint64_t first, count;   /* global block numbers [first, first+count) */
	uint64_t *nonfull;       /* bit per block: has a free page */
	uint64_t *empty;         /* bit per block: every page free */
	uint64_t cursor;         /* word index where the last search ended */
	/* Fragmented blocks of this arena: local indices [flo, fhi) (none
	 * when equal); no such block with a free page lies in a word of
	 * nonfull below fcur.  Under the lock. */
	uint64_t flo, fhi, fcur;
	_Atomic uint64_t free_pages;
	char pad[64];
};

struct phys_alloc {
	unsigned n_ranges;
	struct pa_range *ranges;
	uint64_t n_blocks;
	_Atomic uint64_t *bits;     /* n_blocks * 8 words, 1 = free */
	uint16_t *nfree;            /* free pages per block, under arena lock */
	unsigned n_arenas;
	uint64_t blocks_per_arena;
	struct pa_arena arenas[PA_MAX_ARENAS];
	_Atomic uint64_t fail_countdown;
	_Atomic uint64_t bad_frees;
	/* Low watermark (phys_alloc_set_watermark), set before use. */
	uint64_t wm_low, wm_high; /* free pages */
	void (*wm_fn)(void *arg, uint64_t want_pages);
	void *wm_arg;
	_Atomic bool wm_running;  /* a caller is in wm_fn */
	_Atomic uint64_t wm_calls;
	/* The fragmented region (phys_alloc_fragment), set once before use
	 * and read-only after: global blocks [frag_first, frag_first +
	 * frag_n), frag_n * 8 words of host_bits (1 = owned by the host's
	 * other users), host_pages of them in all. */
	uint64_t frag_first, frag_n;
	uint64_t *host_bits;
	uint64_t host_pages;
	unsigned frag_pct;
	/* The arenas holding the region, [frag_arena0, +frag_arenas), split
	 * into frag_homes equal homes: hint h's is h % frag_homes. */
	unsigned frag_arena0, frag_arenas, frag_homes;
};

static inline struct pa_arena *pa_block_arena(struct phys_alloc *a,
					      uint64_t blk)
{
	return &a->arenas[blk / a->blocks_per_arena];
}

/* phys_alloc.c's helpers phys_frag.c uses (same contracts as there). */
uint64_t pa_block(const struct phys_alloc *a, uint64_t pa);
void pa_block_summary(struct phys_alloc *a, struct pa_arena *ar,
		      uint64_t blk);
void pa_lock_all(struct phys_alloc *a);
void pa_unlock_all(struct phys_alloc *a);
const struct pa_range *pa_range_of_run(const struct phys_alloc *a,
				       uint64_t pa, uint64_t bytes);

/*
 * phys_frag.c's side, each with the arena's lock held.  pa_frag_pick:
 * the lowest fragmented block of ar with a free page (a local index), or
 * UINT64_MAX.  pa_frag_released: block blk (global) got a page back.
 * pa_host_page: page idx of global block blk is the host's.
 */
uint64_t pa_frag_pick(struct phys_alloc *a, struct pa_arena *ar);
void pa_frag_released(struct phys_alloc *a, struct pa_arena *ar,
		      uint64_t blk);
static inline bool pa_host_page(const struct phys_alloc *a, uint64_t blk,
				unsigned idx)
{
	uint64_t f = blk - a->frag_first;

	return f < a->frag_n &&
	       (a->host_bits[f * PA_WORDS_PER_BLOCK + idx / 64] >>
		(idx % 64)) & 1;
}

#endif /* DPAMT_GLUE_PHYS_ALLOC_IMPL_H */
