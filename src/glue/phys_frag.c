/*
 * phys_frag.c - the allocator's fragmented-host region (phys_alloc.h,
 * phys_alloc_fragment): a share of every 2 MiB block of a region belongs
 * to the host's other users, so the free 4K pages a TD gets lie thinly
 * over many 2 MiB ranges, as on a long-running host; and the search that
 * hands those pages out first, lowest block first, so a page given back
 * is the next one handed out.
 *
 * The host's pages of each block: a bitmap (1 = the host's), 64 bytes per
 * fragmented block, written once under every arena lock and read-only
 * afterwards.  The free bitmap has those pages clear and nfree leaves
 * them out, so the rest of the allocator sees a block that is partly
 * used and never wholly free.
 */
#include "glue/phys_alloc_impl.h"
#include "util/prng.h"

#include <stdlib.h>
#include <string.h>

/* Host pages of one block, out of 512, for pct (nearest page). */
static unsigned host_per_block(unsigned pct)
{
	return (PA_PAGES_PER_BLOCK * pct + 50) / 100;
}

/*
 * k distinct page indices of a block into sel (Floyd's sampling: one
 * draw per index, whatever k), from the stream *s.
 */
static void pick_pages(uint64_t *s, unsigned k, uint64_t *sel)
{
	memset(sel, 0, PA_WORDS_PER_BLOCK * sizeof(*sel));
	for (unsigned j = PA_PAGES_PER_BLOCK - k; j < PA_PAGES_PER_BLOCK;
	     j++) {
		unsigned t = (unsigned)prng_below(s, j + 1);

		if (bm_test(sel, t))
			t = j;
		bm_set(sel, t);
	}
}

/* Make the host's pages of global block blk (all arena locks held, the
 * block wholly free): h of them, from the stream *s. */
static void fragment_block(struct phys_alloc *a, uint64_t blk, unsigned h,
			   uint64_t *s)
{
	uint64_t *host = &a->host_bits[(blk - a->frag_first) *
				       PA_WORDS_PER_BLOCK];
	bool invert = h > PA_PAGES_PER_BLOCK / 2; /* draw the fewer */
	struct pa_arena *ar = pa_block_arena(a, blk);

	pick_pages(s, invert ? PA_PAGES_PER_BLOCK - h : h, host);
	for (unsigned w = 0; w < PA_WORDS_PER_BLOCK; w++) {
		if (invert)
			host[w] = ~host[w];
		atomic_store_explicit(&a->bits[blk * PA_WORDS_PER_BLOCK + w],
				      ~host[w], memory_order_relaxed);
	}
	a->nfree[blk] = (uint16_t)(PA_PAGES_PER_BLOCK - h);
	atomic_fetch_sub_explicit(&ar->free_pages, h, memory_order_relaxed);
	pa_block_summary(a, ar, blk);
}

/* Each arena's share of the region, as local block indices. */
static void arenas_mark(struct phys_alloc *a)
{
	uint64_t lo = a->frag_first, hi = a->frag_first + a->frag_n;

	a->frag_arena0 = (unsigned)(lo / a->blocks_per_arena);
	a->frag_arenas = (unsigned)((hi - 1) / a->blocks_per_arena + 1 -
				    a->frag_arena0);
	for (unsigned i = 0; i < a->n_arenas; i++) {
		struct pa_arena *ar = &a->arenas[i];
		uint64_t b = lo > ar->first ? lo : ar->first;
		uint64_t e = hi < ar->first + ar->count ? hi :
			     ar->first + ar->count;

		ar->flo = ar->fhi = ar->fcur = 0;
		if (b < e) {
			ar->flo = b - ar->first;
			ar->fhi = e - ar->first;
			ar->fcur = bm_word(ar->flo);
		}
	}
}

/* Every block of [first, first+n) wholly free (all locks held). */
static bool all_free(const struct phys_alloc *a, uint64_t first, uint64_t n)
{
	for (uint64_t b = first; b < first + n; b++)
		if (a->nfree[b] != PA_PAGES_PER_BLOCK)
			return false;
	return true;
}

int phys_alloc_fragment(struct phys_alloc *a, uint64_t pa, uint64_t bytes,
			unsigned pct, uint64_t seed, unsigned homes)
{
	unsigned h = host_per_block(pct);
	uint64_t first, n, s = seed;
	int ret = -1;

	if (pct == 0)
		return 0;
	if (pct > 99 || !homes || a->frag_n || !bytes || pa % PA_BLOCK ||
	    bytes % PA_BLOCK || !pa_range_of_run(a, pa, bytes))
		return -1;
	first = pa_block(a, pa);
	n = bytes / PA_BLOCK;
	a->host_bits = calloc(n * PA_WORDS_PER_BLOCK, sizeof(uint64_t));
	if (!a->host_bits)
		return -1;
	pa_lock_all(a);
	if (all_free(a, first, n)) {
		a->frag_first = first;
		a->frag_n = n;
		a->frag_pct = pct;
		a->host_pages = n * h;
		for (uint64_t b = first; b < first + n; b++)
			fragment_block(a, b, h, &s);
		arenas_mark(a);
		a->frag_homes = homes;
		ret = 0;
	}
	pa_unlock_all(a);
	if (ret) {
		free(a->host_bits);
		a->host_bits = NULL;
	}
	return ret;
}

/* The fragmented blocks of nonfull word w of ar. */
static uint64_t frag_word(const struct pa_arena *ar, uint64_t w)
{
	uint64_t v = ar->nonfull[w];

	if (w == bm_word(ar->flo))
		v &= ~0ull << (ar->flo % 64);
	if (w == bm_word(ar->fhi - 1) && ar->fhi % 64)
		v &= ~(~0ull << (ar->fhi % 64));
	return v;
}

uint64_t pa_frag_pick(struct phys_alloc *a, struct pa_arena *ar)
{
	uint64_t end = bm_word(ar->fhi - 1) + 1;

	(void)a;
	if (ar->flo >= ar->fhi)
		return UINT64_MAX;
	for (uint64_t w = ar->fcur; w < end; w++) {
		uint64_t v = frag_word(ar, w);

		if (v) {
			ar->fcur = w;
			return w * 64 + bm_pop(&v);
		}
	}
	ar->fcur = end;
	return UINT64_MAX;
}

void pa_frag_released(struct phys_alloc *a, struct pa_arena *ar,
		      uint64_t blk)
{
	uint64_t i = blk - ar->first;

	if (blk - a->frag_first < a->frag_n && bm_word(i) < ar->fcur)
		ar->fcur = bm_word(i);
}

uint64_t phys_host_bytes(const struct phys_alloc *a)
{
	return a->host_pages * PA_PAGE;
}

bool phys_is_host(const struct phys_alloc *a, uint64_t pa)
{
	uint64_t blk = pa_block(a, pa);

	return blk != UINT64_MAX &&
	       pa_host_page(a, blk, (unsigned)((pa % PA_BLOCK) / PA_PAGE));
}
