/*
 * phys_alloc.c - the host's physical page allocator over simulated memory.
 *
 * Memory is cut into 2 MiB blocks, numbered across all ranges.  Each block
 * has a 512-bit bitmap (bit set = page free) and a free count.  Blocks are
 * split into arenas of contiguous block numbers; each arena has its own
 * mutex, a bitmap of blocks with any free page and a bitmap of wholly free
 * blocks, so finding a page or a 2 MiB block is a word scan.  A page
 * allocation prefers partly used blocks to keep whole blocks for 2M
 * mappings.  Contiguous runs and reservations lock every arena in order.
 *
 * Bitmap words and counts are atomics written under the arena lock and read
 * lock-free by phys_is_free() and the byte counters.
 */
#include "glue/phys_alloc_impl.h"
#include "util/bitmap.h"

#include <stdlib.h>
#include <string.h>

/* Global block number of pa, or UINT64_MAX if pa is not in any range. */
uint64_t pa_block(const struct phys_alloc *a, uint64_t pa)
{
	for (unsigned i = 0; i < a->n_ranges; i++) {
		const struct pa_range *r = &a->ranges[i];

		if (pa >= r->base && pa - r->base < r->size)
			return r->first_block + (pa - r->base) / PA_BLOCK;
	}
	return UINT64_MAX;
}

static uint64_t block_pa(const struct phys_alloc *a, uint64_t blk)
{
	for (unsigned i = 0; i < a->n_ranges; i++) {
		const struct pa_range *r = &a->ranges[i];

		if (blk >= r->first_block &&
		    blk - r->first_block < r->size / PA_BLOCK)
			return r->base + (blk - r->first_block) * PA_BLOCK;
	}
	return UINT64_MAX;
}

/* Recompute the arena's summary bits for block blk (arena lock held). */
void pa_block_summary(struct phys_alloc *a, struct pa_arena *ar,
		      uint64_t blk)
{
	uint64_t i = blk - ar->first;
	unsigned n = a->nfree[blk];

	if (n)
		bm_set(ar->nonfull, i);
	else
		bm_clear(ar->nonfull, i);
	if (n == PA_PAGES_PER_BLOCK)
		bm_set(ar->empty, i);
	else
		bm_clear(ar->empty, i);
}

static int ranges_ok(const struct phys_range *ranges, unsigned n)
{
	if (!ranges || n == 0)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		if (ranges[i].size == 0 || ranges[i].base % PA_BLOCK ||
		    ranges[i].size % PA_BLOCK ||
		    ranges[i].base + ranges[i].size < ranges[i].base)
			return 0;
		for (unsigned j = 0; j < i; j++) {
			if (ranges[i].base < ranges[j].base + ranges[j].size &&
			    ranges[j].base < ranges[i].base + ranges[i].size)
				return 0;
		}
	}
	return 1;
}

static int arenas_init(struct phys_alloc *a)
{
	uint64_t n = a->n_blocks < PA_MAX_ARENAS ? a->n_blocks : PA_MAX_ARENAS;

	a->blocks_per_arena = (a->n_blocks + n - 1) / n;
	a->n_arenas = (unsigned)((a->n_blocks + a->blocks_per_arena - 1) /
				 a->blocks_per_arena);
	for (unsigned i = 0; i < a->n_arenas; i++) {
		struct pa_arena *ar = &a->arenas[i];
		uint64_t words;

		ar->first = i * a->blocks_per_arena;
		ar->count = a->n_blocks - ar->first < a->blocks_per_arena ?
			    a->n_blocks - ar->first : a->blocks_per_arena;
		words = BM_WORDS(ar->count);
		ar->nonfull = calloc(words, sizeof(uint64_t));
		ar->empty = calloc(words, sizeof(uint64_t));
		if (!ar->nonfull || !ar->empty)
			return -1;
		for (uint64_t b = 0; b < ar->count; b++) {
			bm_set(ar->nonfull, b);
			bm_set(ar->empty, b);
		}
		atomic_init(&ar->free_pages, ar->count * PA_PAGES_PER_BLOCK);
		pthread_mutex_init(&ar->lock, NULL);
	}
	return 0;
}

struct phys_alloc *phys_alloc_create(const struct phys_range *ranges,
				     unsigned n)
{
	struct phys_alloc *a;
	uint64_t blocks = 0;

	if (!ranges_ok(ranges, n))
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->ranges = calloc(n, sizeof(*a->ranges));
	if (!a->ranges)
		goto fail;
	a->n_ranges = n;
	for (unsigned i = 0; i < n; i++) {
		a->ranges[i].base = ranges[i].base;
		a->ranges[i].size = ranges[i].size;
		a->ranges[i].first_block = blocks;
		blocks += ranges[i].size / PA_BLOCK;
	}
	a->n_blocks = blocks;
	a->bits = malloc(blocks * PA_WORDS_PER_BLOCK * sizeof(*a->bits));
	a->nfree = malloc(blocks * sizeof(*a->nfree));
	if (!a->bits || !a->nfree)
		goto fail;
	for (uint64_t w = 0; w < blocks * PA_WORDS_PER_BLOCK; w++)
		atomic_init(&a->bits[w], ~0ull);
	for (uint64_t b = 0; b < blocks; b++)
		a->nfree[b] = PA_PAGES_PER_BLOCK;
	atomic_init(&a->fail_countdown, 0);
	atomic_init(&a->bad_frees, 0);
	if (arenas_init(a))
		goto fail;
	return a;
fail:
	phys_alloc_destroy(a);
	return NULL;
}

void phys_alloc_destroy(struct phys_alloc *a)
{
	if (!a)
		return;
	for (unsigned i = 0; i < a->n_arenas; i++) {
		if (a->arenas[i].nonfull && a->arenas[i].empty)
			pthread_mutex_destroy(&a->arenas[i].lock);
		free(a->arenas[i].nonfull);
		free(a->arenas[i].empty);
	}
	free(a->bits);
	free(a->nfree);
	free(a->host_bits);
	free(a->ranges);
	free(a);
}

/* True if this allocation is the injected failure. */
static bool inject_fail(struct phys_alloc *a)
{
	uint64_t v = atomic_load_explicit(&a->fail_countdown,
					  memory_order_relaxed);

	while (v) {
		if (atomic_compare_exchange_weak_explicit(
			    &a->fail_countdown, &v, v - 1,
			    memory_order_relaxed, memory_order_relaxed))
			return v == 1;
	}
	return false;
}

void phys_alloc_fail_nth(struct phys_alloc *a, uint64_t k)
{
	atomic_store_explicit(&a->fail_countdown, k, memory_order_relaxed);
}

/* Take one page from block blk (has a free page; arena lock held).  The
 * caller updates the arena's free_pages. */
static uint64_t block_take_page(struct phys_alloc *a, struct pa_arena *ar,
				uint64_t blk)
{
	_Atomic uint64_t *w = &a->bits[blk * PA_WORDS_PER_BLOCK];

	for (unsigned i = 0; i < PA_WORDS_PER_BLOCK; i++) {
		uint64_t v = atomic_load_explicit(&w[i], memory_order_relaxed);
		unsigned bit;

		if (!v)
			continue;
		bit = bm_pop(&v);
		atomic_store_explicit(&w[i], v, memory_order_relaxed);
		a->nfree[blk]--;
		pa_block_summary(a, ar, blk);
		return block_pa(a, blk) + (i * 64 + bit) * PA_PAGE;
	}
	return UINT64_MAX; /* unreachable when nfree > 0 */
}

/* A partly used block with a free page, else any block with one; arena
 * lock held.  UINT64_MAX if the arena is full. */
static uint64_t arena_pick(struct pa_arena *ar)
{
	uint64_t words = BM_WORDS(ar->count), i = UINT64_MAX;

	for (uint64_t k = 0; k < words && i == UINT64_MAX; k++) {
		uint64_t w = (ar->cursor + k) % words;
		uint64_t partial = ar->nonfull[w] & ~ar->empty[w];

		if (partial) {
			i = w * 64 + bm_pop(&partial);
			ar->cursor = w;
		}
	}
	if (i == UINT64_MAX)
		i = bm_find(ar->nonfull, words, 0);
	return i;
}

/* Up to n pages from one arena; frag: from its fragmented blocks only,
 * lowest first (phys_frag.c). */
static unsigned arena_pages(struct phys_alloc *a, struct pa_arena *ar,
			    unsigned n, uint64_t *pa, bool frag)
{
	unsigned got = 0;

	pthread_mutex_lock(&ar->lock);
	while (got < n) {
		uint64_t i = frag ? pa_frag_pick(a, ar) : arena_pick(ar);

		if (i == UINT64_MAX)
			break;
		while (got < n && a->nfree[ar->first + i])
			pa[got++] = block_take_page(a, ar, ar->first + i);
	}
	if (got)
		atomic_fetch_sub_explicit(&ar->free_pages, got,
					  memory_order_relaxed);
	pthread_mutex_unlock(&ar->lock);
	return got;
}

/*
 * A fragmented host (phys_alloc_fragment): pages come from its
 * fragmented blocks first -- from the hint's home arena on, through the
 * region's arenas in address order, wrapping, each arena's lowest block
 * with a free page first (so a page given back is the next one its home
 * hands out, as from a kernel's per-CPU free list) -- and only then, as
 * without a region, from the hint's arena on.
 */
static unsigned frag_pages(struct phys_alloc *a, unsigned hint, unsigned n,
			   uint64_t *pa)
{
	unsigned got = 0, nf = a->frag_arenas, start;

	if (!a->frag_n)
		return 0;
	start = (unsigned)((uint64_t)(hint % a->frag_homes) * nf /
			   a->frag_homes);
	for (unsigned i = 0; i < nf && got < n; i++) {
		struct pa_arena *ar =
			&a->arenas[a->frag_arena0 + (start + i) % nf];

		got += arena_pages(a, ar, n - got, pa + got, true);
	}
	return got;
}

static unsigned alloc_pages_raw(struct phys_alloc *a, unsigned hint, unsigned n,
			  uint64_t *pa)
{
	unsigned got = 0;

	if (!n || inject_fail(a))
		return 0;
	got = frag_pages(a, hint, n, pa);
	for (unsigned k = 0; k < a->n_arenas && got < n; k++) {
		struct pa_arena *ar = &a->arenas[(hint + k) % a->n_arenas];

		if (!atomic_load_explicit(&ar->free_pages,
					  memory_order_relaxed))
			continue;
		got += arena_pages(a, ar, n - got, pa + got, false);
	}
	return got;
}

static int alloc_page_raw(struct phys_alloc *a, unsigned hint, uint64_t *pa)
{
	if (inject_fail(a))
		return -1;
	if (frag_pages(a, hint, 1, pa) == 1)
		return 0;
	for (unsigned k = 0; k < a->n_arenas; k++) {
		struct pa_arena *ar = &a->arenas[(hint + k) % a->n_arenas];

		if (!atomic_load_explicit(&ar->free_pages,
					  memory_order_relaxed))
			continue;
		if (arena_pages(a, ar, 1, pa, false) == 1)
			return 0;
	}
	return -1;
}

/* Take block blk's first free page at an index = lane mod lanes (arena
 * lock held); false if it has none. */
static bool block_take_lane(struct phys_alloc *a, struct pa_arena *ar,
			    uint64_t blk, unsigned lane, unsigned lanes,
			    uint64_t *pa)
{
	_Atomic uint64_t *w = &a->bits[blk * PA_WORDS_PER_BLOCK];

	if (!a->nfree[blk])
		return false;
	for (unsigned p = lane; p < PA_PAGES_PER_BLOCK; p += lanes) {
		uint64_t bit = bm_mask(p);
		uint64_t v = atomic_load_explicit(&w[bm_word(p)],
						  memory_order_relaxed);

		if (!(v & bit))
			continue;
		atomic_store_explicit(&w[bm_word(p)], v & ~bit,
				      memory_order_relaxed);
		a->nfree[blk]--;
		pa_block_summary(a, ar, blk);
		atomic_fetch_sub_explicit(&ar->free_pages, 1,
					  memory_order_relaxed);
		*pa = block_pa(a, blk) + p * PA_PAGE;
		return true;
	}
	return false;
}

static int alloc_lane_raw(struct phys_alloc *a, unsigned lane,
			 unsigned lanes, uint64_t *cursor, uint64_t *pa)
{
	if (inject_fail(a))
		return -1;
	if (lanes == 0 || lanes > PA_PAGES_PER_BLOCK)
		lanes = lanes ? PA_PAGES_PER_BLOCK : 1;
	lane %= lanes;
	for (uint64_t k = 0; k < a->n_blocks; k++) {
		uint64_t blk = (*cursor + k) % a->n_blocks;
		struct pa_arena *ar = pa_block_arena(a, blk);
		bool got;

		pthread_mutex_lock(&ar->lock);
		got = block_take_lane(a, ar, blk, lane, lanes, pa);
		pthread_mutex_unlock(&ar->lock);
		if (got) {
			*cursor = blk;
			return 0;
		}
	}
	return -1;
}

/* Mark page pa free (lock of its arena held).  False if it was free or
 * is the host's (phys_alloc_fragment).  The caller updates the arena's
 * free_pages. */
static bool page_release(struct phys_alloc *a, struct pa_arena *ar,
			 uint64_t blk, uint64_t pa)
{
	uint64_t idx = (pa % PA_BLOCK) / PA_PAGE;
	_Atomic uint64_t *w = &a->bits[blk * PA_WORDS_PER_BLOCK + bm_word(idx)];
	uint64_t v = atomic_load_explicit(w, memory_order_relaxed);
	uint64_t m = bm_mask(idx);

	if ((v & m) || pa_host_page(a, blk, (unsigned)idx))
		return false;
	atomic_store_explicit(w, v | m, memory_order_relaxed);
	a->nfree[blk]++;
	pa_block_summary(a, ar, blk);
	pa_frag_released(a, ar, blk);
	return true;
}

void phys_free_page(struct phys_alloc *a, uint64_t pa)
{
	uint64_t blk = pa_block(a, pa);
	struct pa_arena *ar;
	bool ok;

	if (blk == UINT64_MAX || pa % PA_PAGE) {
		atomic_fetch_add_explicit(&a->bad_frees, 1,
					  memory_order_relaxed);
		return;
	}
	ar = pa_block_arena(a, blk);
	pthread_mutex_lock(&ar->lock);
	ok = page_release(a, ar, blk, pa);
	if (ok)
		atomic_fetch_add_explicit(&ar->free_pages, 1,
					  memory_order_relaxed);
	pthread_mutex_unlock(&ar->lock);
	if (!ok)
		atomic_fetch_add_explicit(&a->bad_frees, 1,
					  memory_order_relaxed);
}

/* Switch the held arena lock to ar, crediting what was freed under the
 * previous one. */
static struct pa_arena *arena_switch(struct pa_arena *held,
				     struct pa_arena *ar, uint64_t *freed)
{
	if (held) {
		atomic_fetch_add_explicit(&held->free_pages, *freed,
					  memory_order_relaxed);
		pthread_mutex_unlock(&held->lock);
	}
	*freed = 0;
	if (ar)
		pthread_mutex_lock(&ar->lock);
	return ar;
}

void phys_free_pages(struct phys_alloc *a, const uint64_t *pa, unsigned n)
{
	struct pa_arena *held = NULL;
	uint64_t bad = 0, freed = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t blk = pa_block(a, pa[i]);
		struct pa_arena *ar;

		if (blk == UINT64_MAX || pa[i] % PA_PAGE) {
			bad++;
			continue;
		}
		ar = pa_block_arena(a, blk);
		if (ar != held)
			held = arena_switch(held, ar, &freed);
		if (page_release(a, ar, blk, pa[i]))
			freed++;
		else
			bad++;
	}
	arena_switch(held, NULL, &freed);
	if (bad)
		atomic_fetch_add_explicit(&a->bad_frees, bad,
					  memory_order_relaxed);
}

/* Mark the whole block blk used or free (arena lock held). */
static void block_fill(struct phys_alloc *a, struct pa_arena *ar,
		       uint64_t blk, bool free_it)
{
	_Atomic uint64_t *w = &a->bits[blk * PA_WORDS_PER_BLOCK];
	uint64_t before = a->nfree[blk];

	for (unsigned i = 0; i < PA_WORDS_PER_BLOCK; i++)
		atomic_store_explicit(&w[i], free_it ? ~0ull : 0,
				      memory_order_relaxed);
	a->nfree[blk] = free_it ? PA_PAGES_PER_BLOCK : 0;
	pa_block_summary(a, ar, blk);
	if (free_it)
		atomic_fetch_add_explicit(&ar->free_pages,
					  PA_PAGES_PER_BLOCK - before,
					  memory_order_relaxed);
	else
		atomic_fetch_sub_explicit(&ar->free_pages, before,
					  memory_order_relaxed);
}

static int alloc_2m_raw(struct phys_alloc *a, unsigned hint, uint64_t *pa)
{
	if (inject_fail(a))
		return -1;
	for (unsigned k = 0; k < a->n_arenas; k++) {
		struct pa_arena *ar = &a->arenas[(hint + k) % a->n_arenas];
		uint64_t i;

		if (atomic_load_explicit(&ar->free_pages,
					 memory_order_relaxed) <
		    PA_PAGES_PER_BLOCK)
			continue;
		pthread_mutex_lock(&ar->lock);
		i = bm_find(ar->empty, BM_WORDS(ar->count), 0);
		if (i != UINT64_MAX) {
			block_fill(a, ar, ar->first + i, false);
			*pa = block_pa(a, ar->first + i);
		}
		pthread_mutex_unlock(&ar->lock);
		if (i != UINT64_MAX)
			return 0;
	}
	return -1;
}

void phys_free_2m(struct phys_alloc *a, uint64_t pa)
{
	uint64_t blk = pa_block(a, pa);
	struct pa_arena *ar;
	bool ok;

	if (blk == UINT64_MAX || pa % PA_BLOCK) {
		atomic_fetch_add_explicit(&a->bad_frees, 1,
					  memory_order_relaxed);
		return;
	}
	ar = pa_block_arena(a, blk);
	pthread_mutex_lock(&ar->lock);
	/* a fragmented block is never handed out whole */
	ok = a->nfree[blk] == 0 && blk - a->frag_first >= a->frag_n;
	if (ok)
		block_fill(a, ar, blk, true);
	pthread_mutex_unlock(&ar->lock);
	if (!ok)
		atomic_fetch_add_explicit(&a->bad_frees, 1,
					  memory_order_relaxed);
}

void pa_lock_all(struct phys_alloc *a)
{
	for (unsigned i = 0; i < a->n_arenas; i++)
		pthread_mutex_lock(&a->arenas[i].lock);
}

void pa_unlock_all(struct phys_alloc *a)
{
	for (unsigned i = a->n_arenas; i-- > 0;)
		pthread_mutex_unlock(&a->arenas[i].lock);
}

static bool page_free_bit(const struct phys_alloc *a, uint64_t blk,
			  uint64_t pa)
{
	uint64_t idx = (pa % PA_BLOCK) / PA_PAGE;
	uint64_t v = atomic_load_explicit(
		&a->bits[blk * PA_WORDS_PER_BLOCK + bm_word(idx)],
		memory_order_relaxed);

	return v & bm_mask(idx);
}

/* First used page in [pa, pa+bytes) of range r, or UINT64_MAX if all are
 * free (all arena locks held or data otherwise stable). */
static uint64_t first_used(const struct phys_alloc *a,
			   const struct pa_range *r, uint64_t pa,
			   uint64_t bytes)
{
	uint64_t end = pa + bytes;

	while (pa < end) {
		uint64_t blk = r->first_block + (pa - r->base) / PA_BLOCK;

		if (pa % PA_BLOCK == 0 && end - pa >= PA_BLOCK &&
		    a->nfree[blk] == PA_PAGES_PER_BLOCK) {
			pa += PA_BLOCK;
			continue;
		}
		if (!page_free_bit(a, blk, pa))
			return pa;
		pa += PA_PAGE;
	}
	return UINT64_MAX;
}

/* Take every page of [pa, pa+bytes) in range r (all locks held, all
 * free). */
static void take_run(struct phys_alloc *a, const struct pa_range *r,
		     uint64_t pa, uint64_t bytes)
{
	for (uint64_t p = pa; p < pa + bytes;) {
		uint64_t blk = r->first_block + (p - r->base) / PA_BLOCK;
		struct pa_arena *ar = pa_block_arena(a, blk);

		if (p % PA_BLOCK == 0 && pa + bytes - p >= PA_BLOCK) {
			block_fill(a, ar, blk, false);
			p += PA_BLOCK;
			continue;
		}
		uint64_t idx = (p % PA_BLOCK) / PA_PAGE;
		_Atomic uint64_t *w =
			&a->bits[blk * PA_WORDS_PER_BLOCK + bm_word(idx)];
		uint64_t v = atomic_load_explicit(w, memory_order_relaxed);

		atomic_store_explicit(w, v & ~bm_mask(idx),
				      memory_order_relaxed);
		a->nfree[blk]--;
		pa_block_summary(a, ar, blk);
		atomic_fetch_sub_explicit(&ar->free_pages, 1,
					  memory_order_relaxed);
		p += PA_PAGE;
	}
}

const struct pa_range *pa_range_of_run(const struct phys_alloc *a,
				       uint64_t pa, uint64_t bytes)
{
	for (unsigned i = 0; i < a->n_ranges; i++) {
		const struct pa_range *r = &a->ranges[i];

		if (pa >= r->base && pa - r->base < r->size &&
		    bytes <= r->size - (pa - r->base))
			return r;
	}
	return NULL;
}

int phys_alloc_reserve(struct phys_alloc *a, uint64_t pa, uint64_t bytes)
{
	const struct pa_range *r;
	int ret = -1;

	if (bytes == 0 || pa % PA_PAGE || bytes % PA_PAGE)
		return -1;
	r = pa_range_of_run(a, pa, bytes);
	if (!r)
		return -1;
	pa_lock_all(a);
	if (first_used(a, r, pa, bytes) == UINT64_MAX) {
		take_run(a, r, pa, bytes);
		ret = 0;
	}
	pa_unlock_all(a);
	return ret;
}

/* Search range r for an aligned free run (all locks held). */
static int find_run(const struct phys_alloc *a, const struct pa_range *r,
		    uint64_t bytes, uint64_t align, uint64_t *pa)
{
	uint64_t end = r->base + r->size;
	uint64_t p = (r->base + align - 1) & ~(align - 1);

	while (p >= r->base && p + bytes <= end && p + bytes > p) {
		uint64_t used = first_used(a, r, p, bytes);

		if (used == UINT64_MAX) {
			*pa = p;
			return 0;
		}
		p = (used + PA_PAGE + align - 1) & ~(align - 1);
	}
	return -1;
}

int phys_alloc_contig(struct phys_alloc *a, uint64_t bytes, uint64_t align,
		      uint64_t *pa)
{
	int ret = -1;

	if (align < PA_PAGE || (align & (align - 1)) || bytes == 0)
		return -1;
	bytes = (bytes + PA_PAGE - 1) & ~(PA_PAGE - 1);
	if (inject_fail(a))
		return -1;
	pa_lock_all(a);
	for (unsigned i = 0; i < a->n_ranges && ret; i++) {
		if (find_run(a, &a->ranges[i], bytes, align, pa) == 0) {
			take_run(a, &a->ranges[i], *pa, bytes);
			ret = 0;
		}
	}
	pa_unlock_all(a);
	return ret;
}

void phys_free_contig(struct phys_alloc *a, uint64_t pa, uint64_t bytes)
{
	bool bad = false;

	bytes = (bytes + PA_PAGE - 1) & ~(PA_PAGE - 1);
	if (pa % PA_PAGE || !pa_range_of_run(a, pa, bytes)) {
		atomic_fetch_add_explicit(&a->bad_frees, 1,
					  memory_order_relaxed);
		return;
	}
	pa_lock_all(a);
	for (uint64_t p = pa; p < pa + bytes; p += PA_PAGE) {
		uint64_t blk = pa_block(a, p);
		struct pa_arena *ar = pa_block_arena(a, blk);

		if (page_release(a, ar, blk, p))
			atomic_fetch_add_explicit(&ar->free_pages, 1,
						  memory_order_relaxed);
		else
			bad = true;
	}
	pa_unlock_all(a);
	if (bad)
		atomic_fetch_add_explicit(&a->bad_frees, 1,
					  memory_order_relaxed);
}

bool phys_is_free(const struct phys_alloc *a, uint64_t pa)
{
	uint64_t blk = pa_block(a, pa);

	if (blk == UINT64_MAX)
		return false;
	return page_free_bit(a, blk, pa);
}

uint64_t phys_free_bytes(const struct phys_alloc *a)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < a->n_arenas; i++)
		n += atomic_load_explicit(&a->arenas[i].free_pages,
					  memory_order_relaxed);
	return n * PA_PAGE;
}

uint64_t phys_total_bytes(const struct phys_alloc *a)
{
	return a->n_blocks * PA_BLOCK;
}

uint64_t phys_used_bytes(const struct phys_alloc *a)
{
	return phys_total_bytes(a) - phys_free_bytes(a) -
	       a->host_pages * PA_PAGE;
}

uint64_t phys_bad_frees(const struct phys_alloc *a)
{
	return atomic_load_explicit(&a->bad_frees, memory_order_relaxed);
}

/* ---- Low watermark ---------------------------------------------------- */
void phys_alloc_set_watermark(struct phys_alloc *a, uint64_t low_pages,
			      uint64_t high_pages,
			      void (*fn)(void *arg, uint64_t want_pages),
			      void *arg)
{
	a->wm_low = low_pages;
	a->wm_high = high_pages > low_pages ? high_pages : low_pages;
	a->wm_arg = arg;
	a->wm_fn = fn;
}

uint64_t phys_alloc_watermark_calls(const struct phys_alloc *a)
{
	return atomic_load_explicit(&a->wm_calls, memory_order_relaxed);
}

/* After a successful allocation: below the low watermark, and nobody
 * else in the callback, run it (no arena lock held) for what is missing
 * up to the high one. */
void phys_alloc_watermark_check(struct phys_alloc *a)
{
	uint64_t free_pages;
	bool idle = false;

	if (!a->wm_fn)
		return;
	free_pages = phys_free_bytes(a) / PA_PAGE;
	if (free_pages >= a->wm_low ||
	    !atomic_compare_exchange_strong_explicit(&a->wm_running, &idle,
						     true,
						     memory_order_acquire,
						     memory_order_relaxed))
		return;
	atomic_fetch_add_explicit(&a->wm_calls, 1, memory_order_relaxed);
	a->wm_fn(a->wm_arg, a->wm_high - free_pages);
	atomic_store_explicit(&a->wm_running, false, memory_order_release);
}

unsigned phys_alloc_pages(struct phys_alloc *a, unsigned hint, unsigned n,
			  uint64_t *pa)
{
	unsigned got = alloc_pages_raw(a, hint, n, pa);

	if (got)
		phys_alloc_watermark_check(a);
	return got;
}

int phys_alloc_page(struct phys_alloc *a, unsigned hint, uint64_t *pa)
{
	if (alloc_page_raw(a, hint, pa))
		return -1;
	phys_alloc_watermark_check(a);
	return 0;
}

int phys_alloc_page_lane(struct phys_alloc *a, unsigned lane,
			 unsigned lanes, uint64_t *cursor, uint64_t *pa)
{
	if (alloc_lane_raw(a, lane, lanes, cursor, pa))
		return -1;
	phys_alloc_watermark_check(a);
	return 0;
}

int phys_alloc_2m_nocheck(struct phys_alloc *a, unsigned hint, uint64_t *pa)
{
	return alloc_2m_raw(a, hint, pa);
}

int phys_alloc_2m(struct phys_alloc *a, unsigned hint, uint64_t *pa)
{
	if (alloc_2m_raw(a, hint, pa))
		return -1;
	phys_alloc_watermark_check(a);
	return 0;
}
