/*
 * phys_alloc.h - the host's physical page allocator over simulated memory.
 *
 * Hands out physical addresses (no backing storage: the module model keeps
 * what it needs in its own sparse memory).  4 KiB pages, 2 MiB-aligned
 * blocks for huge pages, and contiguous runs for static PAMT areas.  Fast
 * enough for 40+ million page allocations in a sim run: a bitmap per 2 MiB
 * block with a free count, split into arenas with their own locks so vCPU
 * threads rarely meet.  Thread-safe: every function may run concurrently
 * with every other, except create/destroy.
 */
#ifndef DPAMT_GLUE_PHYS_ALLOC_H
#define DPAMT_GLUE_PHYS_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

struct phys_alloc;

struct phys_range {
	uint64_t base, size; /* 2 MiB aligned */
};

/* Memory that exists (all free at first).  NULL on bad input/ENOMEM. */
struct phys_alloc *phys_alloc_create(const struct phys_range *ranges,
				     unsigned n);
void phys_alloc_destroy(struct phys_alloc *a);

/* Take [pa, pa+bytes) out of circulation (e.g. the replay's top 1 GiB).
 * 0, or -1 if any of it is not free. */
int phys_alloc_reserve(struct phys_alloc *a, uint64_t pa, uint64_t bytes);

/* One 4 KiB page; hint picks the arena (e.g. a vCPU index).  0 or -1. */
int phys_alloc_page(struct phys_alloc *a, unsigned hint, uint64_t *pa);
void phys_free_page(struct phys_alloc *a, uint64_t pa);

/*
 * One page for lane `lane` of `lanes` (1..512): the first free page at an
 * index = lane mod lanes inside a 2 MiB block, scanning blocks from
 * *cursor (the caller's, updated; start at 0).  Callers with different
 * lanes take interleaved pages of the same blocks, so they share 2 MiB
 * ranges whatever the order they run in.  0 or -1.
 */
int phys_alloc_page_lane(struct phys_alloc *a, unsigned lane,
			 unsigned lanes, uint64_t *cursor, uint64_t *pa);

/* Batches for hot paths (one arena lock per batch): up to n pages into
 * pa[], returns how many (0 when none or an injected failure; a batch
 * counts as one allocation for fail_nth).  Frees any pages, grouping
 * those of one arena under one lock. */
unsigned phys_alloc_pages(struct phys_alloc *a, unsigned hint, unsigned n,
			  uint64_t *pa);
void phys_free_pages(struct phys_alloc *a, const uint64_t *pa, unsigned n);

/* bytes rounded up to 4 KiB, aligned to align (a power of two >= 4 KiB).
 * 0 or -1. */
int phys_alloc_contig(struct phys_alloc *a, uint64_t bytes, uint64_t align,
		      uint64_t *pa);
void phys_free_contig(struct phys_alloc *a, uint64_t pa, uint64_t bytes);

/* A whole free 2 MiB block (for a 2M TD page).  0 or -1. */
int phys_alloc_2m(struct phys_alloc *a, unsigned hint, uint64_t *pa);
void phys_free_2m(struct phys_alloc *a, uint64_t pa);

/*
 * Low watermark (kswapd's trigger, with one registered shrinker): when a
 * page, batch, lane or 2 MiB allocation succeeds and leaves fewer than
 * low_pages free, fn(arg, want_pages) runs in the allocating thread,
 * after the allocation, holding no allocator lock, with want_pages =
 * high_pages - free pages; while one thread is in fn, others skip it.
 * fn may free pages (phys_free_*) but should not allocate.  Allocations
 * are made wherever the host and the VMM make them, so fn must be fit for
 * each of those contexts (dpamt_shrink_scan() is: no caller of these
 * functions holds an install/remove lock).  fn NULL: off.  Set before
 * allocations run (not concurrently with them).  calls: how many times
 * fn ran.
 */
void phys_alloc_set_watermark(struct phys_alloc *a, uint64_t low_pages,
			      uint64_t high_pages,
			      void (*fn)(void *arg, uint64_t want_pages),
			      void *arg);
uint64_t phys_alloc_watermark_calls(const struct phys_alloc *a);
/* For a caller that allocates under a lock fn may need (the pair pool,
 * whose frees fn's shrinking reaches): allocate without the check, then
 * run it once that lock is dropped. */
int phys_alloc_2m_nocheck(struct phys_alloc *a, unsigned hint, uint64_t *pa);
void phys_alloc_watermark_check(struct phys_alloc *a);

/*
 * A fragmented host: in every 2 MiB block of [pa, pa+bytes) (2 MiB
 * aligned, inside one range, every page free), pct% of the 512 pages
 * (rounded to the nearest page; pct 1..99) become the host's, owned by
 * its other users (page cache, slab, other VMs): never handed out, never
 * freed, counted by phys_host_bytes() and in none of the free and used
 * byte counters.  Which pages, per block: drawn from the splitmix64
 * stream seeded with seed (util/prng.h), the same for the same seed.
 * From then on a 4K page (phys_alloc_page, phys_alloc_pages) comes from
 * these blocks first: the region's arenas are split into homes (1..)
 * equal homes, hint h's is h % homes, and the search goes from h's home
 * on through the region's arenas in address order, wrapping, taking the
 * lowest block with a free page of each -- so a page given back is the
 * next its home hands out (a kernel's per-CPU free lists), and callers
 * with different homes meet only when one has filled its own; only when
 * the region has no free page, from the others as before.  (Lanes,
 * phys_alloc_page_lane, search as before.)  A 2 MiB allocation never
 * takes one of
 * them (they are never wholly free) and phys_free_2m of one is a bad
 * free.  pct 0: nothing changes, 0.  Once per allocator, before any
 * allocation (not concurrently with any call).  0, or -1 on bad
 * arguments, a second call, or a page in the region not free (nothing
 * changed then); ENOMEM: -1.
 */
int phys_alloc_fragment(struct phys_alloc *a, uint64_t pa, uint64_t bytes,
			unsigned pct, uint64_t seed, unsigned homes);
/* Bytes the host owns (phys_alloc_fragment; 0 without it).  Any thread. */
uint64_t phys_host_bytes(const struct phys_alloc *a);
/* pa is one of the host's pages.  Any thread. */
bool phys_is_host(const struct phys_alloc *a, uint64_t pa);

/* Fault injection for tests: the k-th allocation from now (1-based,
 * counting every alloc function) fails; 0 turns it off. */
void phys_alloc_fail_nth(struct phys_alloc *a, uint64_t k);

bool phys_is_free(const struct phys_alloc *a, uint64_t pa);
/* total = free + used + the host's (phys_host_bytes): used counts only
 * what was handed out and not given back. */
uint64_t phys_free_bytes(const struct phys_alloc *a);
uint64_t phys_used_bytes(const struct phys_alloc *a);
uint64_t phys_total_bytes(const struct phys_alloc *a);
/* Frees of pages that were already free or not in any range (each one is
 * a caller bug; counted rather than crashing so checkers can report it). */
uint64_t phys_bad_frees(const struct phys_alloc *a);

#endif /* DPAMT_GLUE_PHYS_ALLOC_H */
