/*
 * pair_pool.h - a dedicated source of PAMT pair pages cut from whole 2 MiB
 * blocks of the physical allocator (docs/design.md §9): pair pages then sit
 * in a few blocks that never host TD pages, instead of scattered through
 * the ranges TDs use (where they collide with those ranges' ADD/REMOVE
 * and keep them from being mapped as 2M TD pages).
 *
 * The pool takes a free 2 MiB block from phys_alloc_2m when all its blocks
 * are full, hands out its 4K pages (the fullest block first, to keep the
 * others emptying), and gives a block back with phys_free_2m as soon as
 * its last page comes back.  So with no pair page out, the pool holds
 * nothing.  Thread-safe: one mutex (pair pages are off the fast path: the
 * manager takes them in cache top-ups).
 */
#ifndef DPAMT_GLUE_PAIR_POOL_H
#define DPAMT_GLUE_PAIR_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "glue/phys_alloc.h"

struct pair_pool;

struct pair_pool_stats {
	uint64_t blocks_now, blocks_peak; /* 2 MiB blocks held */
	uint64_t blocks_taken;            /* phys_alloc_2m calls that gave one */
	uint64_t pages_out;               /* pages handed out, not back */
	uint64_t pages_idle;              /* pages of held blocks not out */
	uint64_t no_block;                /* allocs failed: no free block */
};

/* Pool over a's memory [0, mem_bytes); blocks come from a's arena hint.
 * NULL on ENOMEM.  pair_pool_destroy gives back whatever blocks are still
 * held (their pages must no longer be in use). */
struct pair_pool *pair_pool_create(struct phys_alloc *a, uint64_t mem_bytes,
				   unsigned hint);
void pair_pool_destroy(struct pair_pool *p);

/* One 4K page; 0, or -1 when no block is left (the caller falls back). */
int pair_pool_alloc(struct pair_pool *p, uint64_t *pa);
/* Take pa back; false if it is not a page of a block the pool holds
 * (the caller frees it elsewhere), nothing changed then. */
bool pair_pool_free(struct pair_pool *p, uint64_t pa);

void pair_pool_stats(struct pair_pool *p, struct pair_pool_stats *s);

#endif /* DPAMT_GLUE_PAIR_POOL_H */
