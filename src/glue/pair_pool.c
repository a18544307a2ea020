/*
 * pair_pool.c - pair pages from whole 2 MiB blocks (see pair_pool.h).
 * Every held block has a 512-bit map (bit set = page free here) and a
 * count of pages out; the held blocks are also in a dense list, so an
 * allocation scans only them.  Everything under one mutex.
 */
#include "glue/pair_pool.h"
#include "util/bitmap.h"

#include <pthread.h>
#include <stdlib.h>

#define PP_PAGE 4096ull
#define PP_BLOCK (2ull << 20)
#define PP_PAGES 512u
#define PP_WORDS BM_WORDS(PP_PAGES)

struct pp_block {
	uint64_t free_bits[PP_WORDS];
	uint32_t used;   /* pages out */
	uint32_t slot;   /* index in held[] while held */
	bool held;
};

struct pair_pool {
	pthread_mutex_t lock;
	struct phys_alloc *alloc;
	unsigned hint;
	uint64_t n_blocks;
	struct pp_block *blocks; /* by block number pa / 2 MiB */
	uint64_t *held;          /* block numbers, n_held of them */
	uint64_t n_held;
	struct pair_pool_stats st;
};

struct pair_pool *pair_pool_create(struct phys_alloc *a, uint64_t mem_bytes,
				   unsigned hint)
{
	struct pair_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->alloc = a;
	p->hint = hint;
	p->n_blocks = (mem_bytes + PP_BLOCK - 1) / PP_BLOCK;
	p->blocks = calloc(p->n_blocks ? p->n_blocks : 1, sizeof(*p->blocks));
	p->held = calloc(p->n_blocks ? p->n_blocks : 1, sizeof(*p->held));
	if (!p->blocks || !p->held || pthread_mutex_init(&p->lock, NULL)) {
		free(p->blocks);
		free(p->held);
		free(p);
		return NULL;
	}
	return p;
}

void pair_pool_destroy(struct pair_pool *p)
{
	if (!p)
		return;
	for (uint64_t i = 0; i < p->n_held; i++)
		phys_free_2m(p->alloc, p->held[i] * PP_BLOCK);
	pthread_mutex_destroy(&p->lock);
	free(p->blocks);
	free(p->held);
	free(p);
}

/* The held block with the fewest free pages but at least one, or
 * UINT64_MAX.  Under the lock. */
static uint64_t pp_pick(struct pair_pool *p)
{
	uint64_t best = UINT64_MAX;
	uint32_t best_used = 0;

	for (uint64_t i = 0; i < p->n_held; i++) {
		struct pp_block *b = &p->blocks[p->held[i]];

		if (b->used < PP_PAGES &&
		    (best == UINT64_MAX || b->used > best_used)) {
			best = p->held[i];
			best_used = b->used;
		}
	}
	return best;
}

/* A fresh block from the allocator, all free; UINT64_MAX if none. */
static uint64_t pp_grow(struct pair_pool *p)
{
	struct pp_block *b;
	uint64_t pa, blk;

	if (phys_alloc_2m_nocheck(p->alloc, p->hint, &pa))
		return UINT64_MAX;
	blk = pa / PP_BLOCK;
	if (blk >= p->n_blocks) { /* outside the memory we were told of */
		phys_free_2m(p->alloc, pa);
		return UINT64_MAX;
	}
	b = &p->blocks[blk];
	bm_fill(b->free_bits, PP_WORDS);
	b->used = 0;
	b->held = true;
	b->slot = (uint32_t)p->n_held;
	p->held[p->n_held++] = blk;
	p->st.blocks_taken++;
	if (p->n_held > p->st.blocks_peak)
		p->st.blocks_peak = p->n_held;
	return blk;
}

static uint64_t pp_take_page(struct pair_pool *p, uint64_t blk)
{
	struct pp_block *b = &p->blocks[blk];
	uint64_t i = bm_take(b->free_bits, PP_WORDS);

	if (i == UINT64_MAX)
		return UINT64_MAX; /* not reached: pp_pick saw a free page */
	b->used++;
	p->st.pages_out++;
	return blk * PP_BLOCK + i * PP_PAGE;
}

int pair_pool_alloc(struct pair_pool *p, uint64_t *pa)
{
	uint64_t blk, got = UINT64_MAX;

	pthread_mutex_lock(&p->lock);
	blk = pp_pick(p);
	if (blk == UINT64_MAX)
		blk = pp_grow(p);
	if (blk != UINT64_MAX)
		got = pp_take_page(p, blk);
	else
		p->st.no_block++;
	pthread_mutex_unlock(&p->lock);
	/* grown under the lock without the watermark check: run it now
	 * (its shrinking frees pair pages back into this pool) */
	phys_alloc_watermark_check(p->alloc);
	if (got == UINT64_MAX)
		return -1;
	*pa = got;
	return 0;
}

/* Drop an empty block from the held list and give it back.  Under lock. */
static void pp_shrink(struct pair_pool *p, uint64_t blk)
{
	struct pp_block *b = &p->blocks[blk];
	uint64_t last = p->held[--p->n_held];

	p->held[b->slot] = last;
	p->blocks[last].slot = b->slot;
	b->held = false;
	phys_free_2m(p->alloc, blk * PP_BLOCK);
}

bool pair_pool_free(struct pair_pool *p, uint64_t pa)
{
	uint64_t blk = pa / PP_BLOCK;
	unsigned i = (unsigned)(pa % PP_BLOCK / PP_PAGE);
	struct pp_block *b;
	bool mine;

	pthread_mutex_lock(&p->lock);
	b = blk < p->n_blocks ? &p->blocks[blk] : NULL;
	mine = b && b->held && pa % PP_PAGE == 0 &&
	       !bm_test(b->free_bits, i);
	if (mine) {
		bm_set(b->free_bits, i);
		b->used--;
		p->st.pages_out--;
		if (b->used == 0)
			pp_shrink(p, blk);
	}
	pthread_mutex_unlock(&p->lock);
	return mine;
}

void pair_pool_stats(struct pair_pool *p, struct pair_pool_stats *s)
{
	pthread_mutex_lock(&p->lock);
	*s = p->st;
	s->blocks_now = p->n_held;
	s->pages_idle = p->n_held * PP_PAGES - p->st.pages_out;
	pthread_mutex_unlock(&p->lock);
}
