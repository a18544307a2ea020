/*
 * mem.c - the model's sparse simulated physical memory.
 *
 * Storage exists only for pages somebody wrote (the host through
 * tdxmod_phys_write, or the model for PAMT arrays, the bitmap, pair pages,
 * S-EPT pages and TD control pages).  Lookups are four dependent loads;
 * nodes and page buffers are installed with a CAS on first touch, so any
 * number of threads may read and write at once without a lock.  Dropping a
 * page (the module zeroes it) returns its buffer to the thread's pool that
 * later allocations reuse; nothing is freed before tdxmod_destroy.
 */
#include <stdlib.h>
#include <string.h>

#include "tdxmod/model.h"

static void footprint_add(struct tdxmod *m, int64_t bytes)
{
	atomic_fetch_add_explicit(&m->stats[stat_stripe_of()].footprint, bytes,
				  memory_order_relaxed);
}

static void *node_alloc(struct tdxmod *m, size_t bytes)
{
	void *p = calloc(1, bytes);

	if (p)
		footprint_add(m, (int64_t)bytes);
	return p;
}

/* Pop a buffer from the pool, or NULL.  Concurrency: any thread. */
static struct mem_page *pool_pop(struct mem_pool *pl)
{
	struct mem_page *pg;

	pthread_mutex_lock(&pl->lock);
	pg = pl->head;
	if (pg)
		pl->head = (struct mem_page *)(uintptr_t)atomic_load_explicit(
			&pg->w[0], memory_order_relaxed);
	pthread_mutex_unlock(&pl->lock);
	return pg;
}

/* A zeroed page buffer: from this thread's pool, else any, else new. */
static struct mem_page *page_alloc(struct tdxmod *m)
{
	unsigned s = stat_stripe_of();
	struct mem_page *pg = NULL;

	for (unsigned k = 0; k < STAT_STRIPES && !pg; k++)
		pg = pool_pop(&m->pools[(s + k) % STAT_STRIPES]);
	if (!pg)
		return node_alloc(m, sizeof(struct mem_page));
	for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
		atomic_store_explicit(&pg->w[i], 0, memory_order_relaxed);
	return pg;
}

/* Give a buffer nobody links to any more to this thread's pool; its first
 * word becomes the link (a racy reader may see it: it reads garbage, as
 * it would after reuse, never freed memory). */
static void page_pool_put(struct tdxmod *m, struct mem_page *pg)
{
	struct mem_pool *pl = &m->pools[stat_stripe_of()];

	pthread_mutex_lock(&pl->lock);
	atomic_store_explicit(&pg->w[0], (uint64_t)(uintptr_t)pl->head,
			      memory_order_relaxed);
	pl->head = pg;
	pthread_mutex_unlock(&pl->lock);
}

/* Each index level: return the slot's node, installing a new zeroed one
 * from NULL when alloc (the loser of a race frees its copy). */
#define MEM_NODE_GETTER(name, type)                                          \
	static type *name(struct tdxmod *m, _Atomic(type *) *slot,           \
			  bool alloc)                                        \
	{                                                                    \
		type *cur = atomic_load_explicit(slot, memory_order_acquire); \
		type *n;                                                     \
									     \
		if (cur || !alloc || !(n = node_alloc(m, sizeof(*n))))       \
			return cur;                                          \
		if (atomic_compare_exchange_strong_explicit(                 \
			    slot, &cur, n, memory_order_acq_rel,             \
			    memory_order_acquire))                           \
			return n;                                            \
		free(n);                                                     \
		footprint_add(m, -(int64_t)sizeof(*n));                      \
		return cur;                                                  \
	}
MEM_NODE_GETTER(get_mid, struct mem_mid)
MEM_NODE_GETTER(get_leaf, struct mem_leaf)
MEM_NODE_GETTER(get_grp, struct mem_grp)
#undef MEM_NODE_GETTER

static struct mem_page *get_page(struct tdxmod *m,
				 _Atomic(struct mem_page *) *slot, bool alloc)
{
	struct mem_page *cur = atomic_load_explicit(slot, memory_order_acquire);
	struct mem_page *n;

	if (cur || !alloc || !(n = page_alloc(m)))
		return cur;
	if (atomic_compare_exchange_strong_explicit(slot, &cur, n,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return n;
	page_pool_put(m, n);
	return cur;
}

struct mem_page *mem_page_slow(struct tdxmod *m, uint64_t pa, bool alloc)
{
	uint64_t gib = pa >> 30;
	struct mem_mid *mid;
	struct mem_leaf *leaf;
	struct mem_grp *g;

	if (gib >= m->n_gib)
		return NULL;
	mid = get_mid(m, &m->top[gib], alloc);
	if (!mid)
		return NULL;
	leaf = get_leaf(m, &mid->l[(pa >> 21) & 511], alloc);
	if (!leaf)
		return NULL;
	g = get_grp(m, &leaf->g[mem_grp_idx(pa)], alloc);
	if (!g)
		return NULL;
	return get_page(m, &g->p[mem_page_idx(pa)], alloc);
}

/* No storage for pa: metadata pointing outside simulated memory (the
 * host corrupted it) or the host process is out of memory. */
void mem_oom(struct tdxmod *m, uint64_t pa)
{
	if (pa >= m->cfg.mem_bytes)
		model_fatal(m, "corrupt metadata points at 0x%llx, outside "
			    "memory", (unsigned long long)pa);
	else
		model_fatal(m, "out of host memory for page 0x%llx",
			    (unsigned long long)pa);
}

/* The module zeroes the page: forget its storage. */
void mem_drop(struct tdxmod *m, uint64_t pa)
{
	struct mem_grp *g = mem_grp_get(m, pa);
	_Atomic(struct mem_page *) *slot;
	struct mem_page *pg;

	if (!g)
		return;
	slot = &g->p[mem_page_idx(pa)];
	/* Most pages the module zeroes were never written: test first so
	 * the common case does not dirty the group's cache line. */
	if (!atomic_load_explicit(slot, memory_order_relaxed))
		return;
	pg = atomic_exchange_explicit(slot, NULL, memory_order_acq_rel);
	if (pg)
		page_pool_put(m, pg);
}

void mem_init(struct tdxmod *m)
{
	for (unsigned i = 0; i < STAT_STRIPES; i++)
		pthread_mutex_init(&m->pools[i].lock, NULL);
}

static void leaf_fini(struct mem_leaf *lf)
{
	for (unsigned i = 0; i < MEM_GROUPS_PER_2M; i++) {
		struct mem_grp *g = atomic_load_explicit(&lf->g[i],
							 memory_order_relaxed);

		if (!g)
			continue;
		for (unsigned j = 0; j < MEM_GROUP_PAGES; j++)
			free(atomic_load_explicit(&g->p[j],
						  memory_order_relaxed));
		free(g);
	}
	free(lf);
}

void mem_fini(struct tdxmod *m)
{
	for (uint64_t g = 0; g < m->n_gib; g++) {
		struct mem_mid *mid = atomic_load_explicit(
			&m->top[g], memory_order_relaxed);

		if (!mid)
			continue;
		for (unsigned i = 0; i < 512; i++) {
			struct mem_leaf *lf = atomic_load_explicit(
				&mid->l[i], memory_order_relaxed);

			if (lf)
				leaf_fini(lf);
		}
		free(mid);
	}
	for (unsigned i = 0; i < STAT_STRIPES; i++) {
		struct mem_page *pg;

		while ((pg = pool_pop(&m->pools[i])))
			free(pg);
		pthread_mutex_destroy(&m->pools[i].lock);
	}
}

/* Store len bytes at pa, word by word (CAS for partial words). */
void tdxmod_phys_write(struct tdxmod *m, uint64_t pa, const void *src,
		       size_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t off = pa & 7, n = 8 - off;
		_Atomic uint64_t *w;

		if (n > len)
			n = len;
		if (pa >= m->cfg.mem_bytes)
			return; /* no memory there: the store goes nowhere */
		w = mem_word(m, pa & ~7ULL, true);
		if (!w)
			return;
		if (n == 8) {
			uint64_t v;

			memcpy(&v, s, 8);
			atomic_store_explicit(w, v, memory_order_release);
		} else {
			uint64_t old = atomic_load_explicit(
				w, memory_order_relaxed), nv;

			do {
				nv = old;
				memcpy((uint8_t *)&nv + off, s, n);
			} while (!atomic_compare_exchange_weak_explicit(
				w, &old, nv, memory_order_release,
				memory_order_relaxed));
		}
		pa += n;
		s += n;
		len -= n;
	}
}

void tdxmod_phys_read(struct tdxmod *m, uint64_t pa, void *dst, size_t len)
{
	uint8_t *d = dst;

	while (len) {
		uint64_t off = pa & 7, n = 8 - off, v = 0;

		if (n > len)
			n = len;
		if (pa < m->cfg.mem_bytes)
			v = mem_load(m, pa & ~7ULL);
		memcpy(d, (uint8_t *)&v + off, n);
		pa += n;
		d += n;
		len -= n;
	}
}

uint64_t tdxmod_footprint_bytes(const struct tdxmod *m)
{
	int64_t f = 0;

	for (unsigned i = 0; i < STAT_STRIPES; i++)
		f += atomic_load_explicit(&((struct tdxmod *)m)->stats[i].footprint,
					  memory_order_relaxed);
	return sizeof(*m) + m->n_gib * (sizeof(void *) + 1) + (uint64_t)f;
}
