/*
 * sept_table.c - S-EPT entries in their two storages: the 8-byte words of
 * a plain page (the root and upper-level tables, lock bits inside the
 * word, model.h) and the compact level-0 table (16-bit codes, lock bits
 * apart, full values only for entries without a code; layout in model.h).
 * The leaves see one thing: an entry reference, its value without lock
 * bits, a set under the entry's exclusive lock, an exclusive try-lock.
 *
 * Concurrency: an entry's value changes only under its exclusive lock
 * (held in the call context) or before its table is linked into the tree;
 * readers without the lock (racy introspection, the host's loads) see the
 * old or the new value, never freed memory (tables and their wide[] go to
 * pools, never freed while the model lives).
 */
#include "tdxmod/model.h"

/* The code of value v in lt, or SLT_WIDE << 1 when v has none. */
static uint16_t lt_code(const struct sept_lt *lt, uint64_t v)
{
	const uint64_t shape = SE_PRESENT | SE_LEAF;
	int64_t k;

	if (!v)
		return 0;
	if ((v & ~(SE_PA_MASK | SE_BLOCKED)) != shape)
		return SLT_WIDE << 1;
	k = (int64_t)((v & SE_PA_MASK) >> PAGE_SHIFT) - (int64_t)lt->base +
	    (int64_t)SLT_BIAS;
	if (k < 1 || k >= (int64_t)SLT_WIDE)
		return SLT_WIDE << 1;
	return (uint16_t)(((uint64_t)k << 1) | ((v & SE_BLOCKED) ? 1 : 0));
}

/* The value entry i of lt holds (code: its loaded code). */
static uint64_t lt_value(const struct sept_lt *lt, unsigned i, uint16_t code)
{
	unsigned k = code >> 1;
	_Atomic uint64_t *wide;

	if (!k)
		return 0;
	if (k == SLT_WIDE) {
		wide = atomic_load_explicit(&((struct sept_lt *)lt)->wide,
					    memory_order_acquire);
		return wide ? atomic_load_explicit(&wide[i],
						   memory_order_relaxed)
			    : 0;
	}
	return ((lt->base + k - SLT_BIAS) << PAGE_SHIFT) | SE_PRESENT |
	       SE_LEAF | ((code & 1) ? SE_BLOCKED : 0);
}

/* lt's wide[], made on first use (the loser of a race frees its copy). */
static _Atomic uint64_t *lt_wide(struct tdxmod *m, struct sept_lt *lt)
{
	const size_t bytes = SLT_ENTRIES * sizeof(uint64_t);
	_Atomic uint64_t *cur = atomic_load_explicit(&lt->wide,
						     memory_order_acquire);
	_Atomic uint64_t *n;

	if (cur || !(n = mem_node_alloc(m, bytes)))
		return cur;
	if (atomic_compare_exchange_strong_explicit(&lt->wide, &cur, n,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return n;
	mem_node_free(m, (void *)n, bytes);
	return cur;
}

bool sept_lt_make(struct tdxmod *m, uint64_t pa, uint64_t base)
{
	struct sept_lt *lt = mem_lt_alloc(m);

	if (lt) {
		lt->base = base;
		if (mem_lt_install(m, pa, lt))
			return true;
	}
	mem_oom(m, pa);
	return false;
}

bool se_ref_get(struct tdxmod *m, uint64_t table, unsigned idx, bool alloc,
		struct se_ref *r)
{
	struct mem_grp *g = mem_grp_get(m, table);
	struct sept_lt *lt = g ? slot_lt(atomic_load_explicit(
					 &g->p[mem_page_idx(table)],
					 memory_order_acquire))
			       : NULL;

	r->lt = lt;
	r->i = idx;
	r->w = lt ? NULL : mem_word(m, table + idx * 8ULL, alloc);
	return lt || r->w;
}

uint64_t se_load(const struct se_ref *r)
{
	if (r->w)
		return atomic_load_explicit(r->w, memory_order_acquire) &
		       ~SE_LOCKMASK;
	return lt_value(r->lt, r->i,
			atomic_load_explicit(&r->lt->e[r->i],
					     memory_order_acquire));
}

uint64_t sept_load(struct tdxmod *m, uint64_t table, unsigned idx)
{
	struct se_ref r;

	return se_ref_get(m, table, idx, false, &r) ? se_load(&r) : 0;
}

void se_set(struct tdxmod *m, const struct se_ref *r, uint64_t val)
{
	_Atomic uint64_t *wide;
	uint64_t v;
	uint16_t code;

	val &= ~SE_LOCKMASK;
	if (r->w) {
		v = atomic_load_explicit(r->w, memory_order_relaxed);
		while (!atomic_compare_exchange_weak_explicit(
			r->w, &v, (v & SE_LOCKMASK) | val, memory_order_release,
			memory_order_relaxed))
			;
		return;
	}
	code = lt_code(r->lt, val);
	if (code == SLT_WIDE << 1) {
		if (!(wide = lt_wide(m, r->lt))) {
			model_fatal(m, "out of host memory for an S-EPT "
				    "table");
			return;
		}
		atomic_store_explicit(&wide[r->i], val, memory_order_relaxed);
	}
	atomic_store_explicit(&r->lt->e[r->i], code, memory_order_release);
}

bool se_ref_try_excl(struct call *c, const struct se_ref *r)
{
	if (r->w)
		return se_try_excl(c, r->w);
	return word_bit_try_excl(c, &r->lt->lock[r->i / 64],
				 1ULL << (r->i % 64));
}

uint64_t sept_lt_read_word(struct sept_lt *lt, unsigned i)
{
	struct se_ref r = {.lt = lt, .i = i};
	uint64_t held = atomic_load_explicit(&lt->lock[i / 64],
					     memory_order_relaxed) &
			(1ULL << (i % 64));

	return se_load(&r) | (held ? SE_EXCL : 0);
}

void sept_lt_write_word(struct tdxmod *m, struct sept_lt *lt, unsigned i,
			uint64_t v)
{
	struct se_ref r = {.lt = lt, .i = i};
	uint64_t bit = 1ULL << (i % 64);

	se_set(m, &r, v);
	/* SE_EXCL in the word written is the entry's lock, as in a plain
	 * page (a stuck holder); reader counts have no place here */
	if (v & SE_EXCL)
		atomic_fetch_or_explicit(&lt->lock[i / 64], bit,
					 memory_order_release);
	else
		atomic_fetch_and_explicit(&lt->lock[i / 64], ~bit,
					  memory_order_release);
}
