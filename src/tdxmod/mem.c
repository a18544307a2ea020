/*
 * mem.c - the model's sparse simulated physical memory.
 *
 * Storage exists only for pages somebody wrote (the host through
 * tdxmod_phys_write, or the model for PAMT arrays, the bitmap, pair pages,
 * S-EPT pages and TD control pages).  Lookups are three dependent loads
 * to the leaf of the page's 2 MiB block, then its overflow (a block with
 * more written pages than keyed slots) or a probe of its keyed slots; keys, nodes and page buffers are installed with a CAS
 * on first touch, so any number of threads may read and write at once
 * without a lock.  Dropping a
 * page (the module zeroes it) returns its buffer to the thread's pool that
 * later allocations reuse; nothing is freed before tdxmod_destroy.  A
 * level-0 S-EPT page is stored as a compact table instead (model.h,
 * sept_table.c): its slot holds the table's pointer tagged with SLT_TAG,
 * word access sees no page there, and the host's loads and stores reach
 * the entries through sept_lt_read_word / sept_lt_write_word.
 */
#include <stdlib.h>
#include <string.h>

#include "tdxmod/model.h"

static void footprint_add(struct tdxmod *m, int64_t bytes)
{
	atomic_fetch_add_explicit(&m->stats[stat_stripe_of()].footprint, bytes,
				  memory_order_relaxed);
}

void *mem_node_alloc(struct tdxmod *m, size_t bytes)
{
	void *p = calloc(1, bytes);

	if (p)
		footprint_add(m, (int64_t)bytes);
	return p;
}
#define node_alloc mem_node_alloc

void mem_node_free(struct tdxmod *m, void *p, size_t bytes)
{
	free(p);
	footprint_add(m, -(int64_t)bytes);
}

/* Pop a dropped buffer of a kind (POOL_PAGES, POOL_TABLES) from pl, or
 * NULL.  Both kinds start with an _Atomic uint64_t word: the link.
 * Concurrency: any thread. */
static void *pool_pop(struct mem_pool *pl, unsigned kind)
{
	void *b;

	pthread_mutex_lock(&pl->lock);
	b = pl->head[kind];
	if (b)
		pl->head[kind] = (void *)(uintptr_t)atomic_load_explicit(
			(_Atomic uint64_t *)b, memory_order_relaxed);
	pthread_mutex_unlock(&pl->lock);
	return b;
}

/* A buffer of a kind from this thread's pool, else any, or NULL. */
static void *pool_take(struct tdxmod *m, unsigned kind)
{
	unsigned s = stat_stripe_of();
	void *b = NULL;

	for (unsigned k = 0; k < STAT_STRIPES && !b; k++)
		b = pool_pop(&m->pools[(s + k) % STAT_STRIPES], kind);
	return b;
}

/* Give a buffer nobody links to any more to this thread's pool; its first
 * word becomes the link (a racy reader may see it: it reads garbage, as
 * it would after reuse, never freed memory).  A compact table keeps its
 * wide[]. */
static void pool_put(struct tdxmod *m, unsigned kind, void *b)
{
	struct mem_pool *pl = &m->pools[stat_stripe_of()];

	pthread_mutex_lock(&pl->lock);
	atomic_store_explicit((_Atomic uint64_t *)b,
			      (uint64_t)(uintptr_t)pl->head[kind],
			      memory_order_relaxed);
	pl->head[kind] = b;
	pthread_mutex_unlock(&pl->lock);
}

/* A zeroed page buffer: from the pools, else new. */
static struct mem_page *page_alloc(struct tdxmod *m)
{
	struct mem_page *pg = pool_take(m, POOL_PAGES);

	if (!pg)
		return node_alloc(m, sizeof(struct mem_page));
	for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
		atomic_store_explicit(&pg->w[i], 0, memory_order_relaxed);
	return pg;
}

struct sept_lt *mem_lt_alloc(struct tdxmod *m)
{
	struct sept_lt *lt = pool_take(m, POOL_TABLES);
	struct sept_near *near;

	if (!lt)
		return node_alloc(m, sizeof(struct sept_lt));
	/* wide[] and near's codes stay as they are: read only where a code
	 * says so; near's base is chosen anew */
	near = atomic_load_explicit(&lt->near, memory_order_relaxed);
	if (near)
		atomic_store_explicit(&near->base, 0, memory_order_relaxed);
	for (unsigned i = 0; i < SLT_ENTRIES / 8; i++)
		atomic_store_explicit(&lt->e[i], 0, memory_order_relaxed);
	for (unsigned k = 0; k < SLT_RUNS; k++)
		atomic_store_explicit(&lt->run[k], 0, memory_order_relaxed);
	return lt;
}

/* What a slot held, back to its pool. */
static void slot_recycle(struct tdxmod *m, struct mem_page *old)
{
	struct sept_lt *lt = slot_lt(old);

	if (lt)
		pool_put(m, POOL_TABLES, lt);
	else if (old)
		pool_put(m, POOL_PAGES, old);
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
MEM_NODE_GETTER(get_over, struct mem_over)
#undef MEM_NODE_GETTER

static struct mem_page *get_page(struct tdxmod *m,
				 _Atomic(struct mem_page *) *slot, bool alloc)
{
	struct mem_page *cur = atomic_load_explicit(slot, memory_order_acquire);
	struct mem_page *n;

	if (cur) /* a compact S-EPT table has no words */
		return slot_lt(cur) ? NULL : cur;
	if (!alloc || !(n = page_alloc(m)))
		return cur;
	if (atomic_compare_exchange_strong_explicit(slot, &cur, n,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return n;
	pool_put(m, POOL_PAGES, n);
	return slot_lt(cur) ? NULL : cur;
}

/*
 * The slot of page pa in leaf lf, claiming a keyed slot or making the
 * overflow's nodes when alloc; NULL if there is none (or out of memory).
 * Concurrency: any thread.  Keys are claimed with a CAS at the first free
 * slot of the page's probe sequence and never change, so along any probe
 * sequence the claimed keys come first: a writer that loses a claim
 * rereads that slot, two writers of one page meet at the same slot, and a
 * page goes to the overflow only when its whole sequence is claimed by
 * others -- a page never has two slots.
 */
static _Atomic(struct mem_page *) *leaf_slot(struct tdxmod *m,
					     struct mem_leaf *lf, uint64_t pa,
					     bool alloc)
{
	uint16_t key = (uint16_t)mem_key(pa), c;
	unsigned h = mem_probe(pa);
	struct mem_over *ov;

	for (unsigned n = 0; n < MEM_LEAF_KEYS; n++) {
		c = atomic_load_explicit(&lf->key[h], memory_order_acquire);
		if (!c && !alloc)
			return NULL;
		if (!c)
			atomic_compare_exchange_strong_explicit(
				&lf->key[h], &c, key, memory_order_acq_rel,
				memory_order_acquire);
		if (!c || c == key) /* claimed it, or it was pa's */
			return &lf->p[h];
		h = (h + 1) & (MEM_LEAF_KEYS - 1);
	}
	if (!(ov = get_over(m, &lf->over, alloc)))
		return NULL;
	return &ov->p[key - 1];
}

/* The slot of page pa (index nodes made when alloc), or NULL. */
static _Atomic(struct mem_page *) *mem_slot(struct tdxmod *m, uint64_t pa,
					    bool alloc)
{
	struct mem_mid *mid;
	struct mem_leaf *leaf;

	if ((pa >> 30) >= m->n_gib ||
	    !(mid = get_mid(m, &m->top[pa >> 30], alloc)) ||
	    !(leaf = get_leaf(m, &mid->l[(pa >> 21) & 511], alloc)))
		return NULL;
	return leaf_slot(m, leaf, pa, alloc);
}

bool mem_lt_install(struct tdxmod *m, uint64_t pa, struct sept_lt *lt)
{
	_Atomic(struct mem_page *) *slot = mem_slot(m, pa, true);
	struct mem_page *tagged = (struct mem_page *)((uintptr_t)lt | SLT_TAG);

	if (!slot) {
		pool_put(m, POOL_TABLES, lt);
		return false;
	}
	slot_recycle(m, atomic_exchange_explicit(slot, tagged,
						 memory_order_acq_rel));
	return true;
}

/* The compact table stored for page pa, or NULL. */
static struct sept_lt *lt_at(struct tdxmod *m, uint64_t pa)
{
	_Atomic(struct mem_page *) *slot = mem_slot(m, pa, false);

	return slot ? slot_lt(atomic_load_explicit(slot, memory_order_acquire))
		    : NULL;
}

struct mem_page *mem_page_slow(struct tdxmod *m, uint64_t pa, bool alloc)
{
	_Atomic(struct mem_page *) *slot = mem_slot(m, pa, alloc);

	return slot ? get_page(m, slot, alloc) : NULL;
}

/* No storage for pa: metadata pointing outside simulated memory (the
 * host corrupted it) or the host process is out of memory. */
void mem_oom(struct tdxmod *m, uint64_t pa)
{
	if (pa >= m->cfg.mem_bytes)
		model_fatal(m, "corrupt metadata points at 0x%llx, outside "
			    "memory", (unsigned long long)pa);
	else if (lt_at(m, pa))
		model_fatal(m, "corrupt metadata points into the S-EPT page "
			    "0x%llx", (unsigned long long)pa);
	else
		model_fatal(m, "out of host memory for page 0x%llx",
			    (unsigned long long)pa);
}

/* The module zeroes the page: forget its storage. */
void mem_drop(struct tdxmod *m, uint64_t pa)
{
	_Atomic(struct mem_page *) *slot = mem_slot_find(m, pa);
	struct mem_page *pg;

	if (!slot)
		return;
	/* Most pages the module zeroes were never written: test first so
	 * the common case does not dirty the group's cache line. */
	if (!atomic_load_explicit(slot, memory_order_relaxed))
		return;
	pg = atomic_exchange_explicit(slot, NULL, memory_order_acq_rel);
	slot_recycle(m, pg);
}

void mem_init(struct tdxmod *m)
{
	for (unsigned i = 0; i < STAT_STRIPES; i++)
		pthread_mutex_init(&m->pools[i].lock, NULL);
}

static void lt_free(struct sept_lt *lt)
{
	free(atomic_load_explicit(&lt->wide, memory_order_relaxed));
	free(atomic_load_explicit(&lt->near, memory_order_relaxed));
	free(lt);
}

/* What a slot holds, freed (mem_fini). */
static void slot_free(struct mem_page *pg)
{
	if (slot_lt(pg))
		lt_free(slot_lt(pg));
	else
		free(pg);
}

static void leaf_fini(struct mem_leaf *lf)
{
	struct mem_over *ov = atomic_load_explicit(&lf->over,
						   memory_order_relaxed);

	for (unsigned k = 0; k < MEM_LEAF_KEYS; k++)
		slot_free(atomic_load_explicit(&lf->p[k], memory_order_relaxed));
	for (unsigned i = 0; ov && i < PAGES_PER_2M; i++)
		slot_free(atomic_load_explicit(&ov->p[i], memory_order_relaxed));
	free(ov);
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
		struct sept_lt *lt;

		while ((pg = pool_pop(&m->pools[i], POOL_PAGES)))
			free(pg);
		while ((lt = pool_pop(&m->pools[i], POOL_TABLES)))
			lt_free(lt);
		pthread_mutex_destroy(&m->pools[i].lock);
	}
}

/* Store n bytes (1..8, within one word) at pa, off = pa & 7.  A word of
 * a compact S-EPT table is stored as the entry value it spells (its lock
 * bits aside: those live apart).  False: no storage (out of memory). */
static bool store_word(struct tdxmod *m, uint64_t pa, const uint8_t *s,
		       uint64_t off, uint64_t n)
{
	struct sept_lt *lt = lt_at(m, pa);
	_Atomic uint64_t *w;
	uint64_t old, nv;

	if (lt) {
		unsigned i = (unsigned)(pa & 4095) >> 3;

		nv = sept_lt_read_word(lt, i);
		memcpy((uint8_t *)&nv + off, s, n);
		sept_lt_write_word(m, lt, i, nv);
		return true;
	}
	if (!(w = mem_word(m, pa & ~7ULL, true)))
		return false;
	if (n == 8) {
		memcpy(&nv, s, 8);
		atomic_store_explicit(w, nv, memory_order_release);
		return true;
	}
	old = atomic_load_explicit(w, memory_order_relaxed);
	do {
		nv = old;
		memcpy((uint8_t *)&nv + off, s, n);
	} while (!atomic_compare_exchange_weak_explicit(
		w, &old, nv, memory_order_release, memory_order_relaxed));
	return true;
}

/* Store len bytes at pa, word by word (CAS for partial words). */
void tdxmod_phys_write(struct tdxmod *m, uint64_t pa, const void *src,
		       size_t len)
{
	const uint8_t *s = src;

	while (len) {
		uint64_t off = pa & 7, n = 8 - off;

		if (n > len)
			n = len;
		if (pa >= m->cfg.mem_bytes)
			return; /* no memory there: the store goes nowhere */
		if (!store_word(m, pa, s, off, n))
			return;
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
		struct sept_lt *lt;

		if (n > len)
			n = len;
		if (pa < m->cfg.mem_bytes && (lt = lt_at(m, pa)))
			v = sept_lt_read_word(lt, (unsigned)(pa & 4095) >> 3);
		else if (pa < m->cfg.mem_bytes)
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
