/*
 * mem.c - the model's sparse simulated physical memory.
 *
 * Storage exists only for pages somebody wrote (the host through
 * tdxmod_phys_write, or the model for PAMT arrays, the bitmap, pair pages,
 * S-EPT pages and TD control pages).  Lookups are three dependent loads;
 * nodes and page buffers are installed with a CAS on first touch, so any
 * number of threads may read and write at once without a lock.  Dropping a
 * page (the module zeroes it) returns its buffer to a pool that later
 * allocations reuse; nothing is freed before tdxmod_destroy.
 */
#include <stdlib.h>
#include <string.h>

#include "tdxmod/model.h"

static void *node_alloc(struct tdxmod *m, size_t bytes)
{
	void *p = calloc(1, bytes);

	if (p)
		atomic_fetch_add_explicit(&m->footprint, bytes,
					  memory_order_relaxed);
	return p;
}

/* A zeroed page buffer: from the pool when one is there. */
static struct mem_page *page_alloc(struct tdxmod *m)
{
	struct mem_page *pg = NULL;

	pthread_mutex_lock(&m->pool_lock);
	if (m->pool_n)
		pg = m->pool[--m->pool_n];
	pthread_mutex_unlock(&m->pool_lock);
	if (!pg)
		return node_alloc(m, sizeof(struct mem_page));
	for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
		atomic_store_explicit(&pg->w[i], 0, memory_order_relaxed);
	return pg;
}

static void page_pool_put(struct tdxmod *m, struct mem_page *pg)
{
	pthread_mutex_lock(&m->pool_lock);
	if (m->pool_n == m->pool_cap) {
		size_t cap = m->pool_cap ? m->pool_cap * 2 : 256;
		struct mem_page **np = realloc(m->pool, cap * sizeof(*np));

		if (!np) {
			/* Cannot grow: leak rather than free under readers. */
			pthread_mutex_unlock(&m->pool_lock);
			return;
		}
		m->pool = np;
		m->pool_cap = cap;
	}
	m->pool[m->pool_n++] = pg;
	pthread_mutex_unlock(&m->pool_lock);
}

static void free_node_(struct tdxmod *m, void *p, size_t bytes)
{
	free(p);
	atomic_fetch_sub_explicit(&m->footprint, bytes, memory_order_relaxed);
}

/* Each level: return the slot's node, installing a new one from NULL when
 * alloc (the loser of a race frees its copy). */
static struct mem_mid *get_mid(struct tdxmod *m,
			       _Atomic(struct mem_mid *) *slot, bool alloc)
{
	struct mem_mid *cur = atomic_load_explicit(slot, memory_order_acquire);
	struct mem_mid *n;

	if (cur || !alloc || !(n = node_alloc(m, sizeof(*n))))
		return cur;
	if (atomic_compare_exchange_strong_explicit(slot, &cur, n,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return n;
	free_node_(m, n, sizeof(*n));
	return cur;
}

static struct mem_leaf *get_leaf(struct tdxmod *m,
				 _Atomic(struct mem_leaf *) *slot, bool alloc)
{
	struct mem_leaf *cur = atomic_load_explicit(slot, memory_order_acquire);
	struct mem_leaf *n;

	if (cur || !alloc || !(n = node_alloc(m, sizeof(*n))))
		return cur;
	if (atomic_compare_exchange_strong_explicit(slot, &cur, n,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return n;
	free_node_(m, n, sizeof(*n));
	return cur;
}

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

	if (gib >= m->n_gib)
		return NULL;
	mid = get_mid(m, &m->top[gib], alloc);
	if (!mid)
		return NULL;
	leaf = get_leaf(m, &mid->l[(pa >> 21) & 511], alloc);
	if (!leaf)
		return NULL;
	return get_page(m, &leaf->p[(pa >> 12) & 511], alloc);
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
	uint64_t gib = pa >> 30;
	struct mem_mid *mid;
	struct mem_leaf *leaf;
	struct mem_page *pg;

	if (gib >= m->n_gib)
		return;
	mid = atomic_load_explicit(&m->top[gib], memory_order_acquire);
	if (!mid)
		return;
	leaf = atomic_load_explicit(&mid->l[(pa >> 21) & 511],
				    memory_order_acquire);
	if (!leaf)
		return;
	/* Most pages the module zeroes were never written: test first so
	 * the common case does not dirty the leaf node's cache line. */
	if (!atomic_load_explicit(&leaf->p[(pa >> 12) & 511],
				  memory_order_relaxed))
		return;
	pg = atomic_exchange_explicit(&leaf->p[(pa >> 12) & 511], NULL,
				      memory_order_acq_rel);
	if (pg)
		page_pool_put(m, pg);
}

void mem_init(struct tdxmod *m)
{
	pthread_mutex_init(&m->pool_lock, NULL);
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

			if (!lf)
				continue;
			for (unsigned j = 0; j < PAGES_PER_2M; j++)
				free(atomic_load_explicit(
					&lf->p[j], memory_order_relaxed));
			free(lf);
		}
		free(mid);
	}
	for (size_t i = 0; i < m->pool_n; i++)
		free(m->pool[i]);
	free(m->pool);
	pthread_mutex_destroy(&m->pool_lock);
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
	return sizeof(*m) + m->n_gib * (sizeof(void *) + 1) +
	       atomic_load_explicit(&m->footprint, memory_order_relaxed);
}
