/*
 * sept_table.c - S-EPT entries in their two storages: the 8-byte words of
 * a plain page (the root and upper-level tables, lock bits inside the
 * word, model.h) and the compact level-0 table (a byte per entry: its
 * lock, its blocked bit and a code into a dictionary of runs of pages;
 * full values only for entries without a code; layout in model.h).
 * The leaves see one thing: an entry reference, its value without lock
 * bits, a set under the entry's exclusive lock, an exclusive try-lock.
 *
 * Concurrency: an entry's value changes only under its exclusive lock
 * (held in the call context) or before its table is linked into the tree;
 * readers without the lock (racy introspection, the host's loads) see the
 * old or the new value, never freed memory (tables, with their near and
 * wide[], go to pools, never freed while the model lives).
 */
#include "tdxmod/model.h"

/* Entry i's byte (acquire: a code's run[] word and wide[] value were
 * written before it). */
static unsigned lt_byte(const struct sept_lt *lt, unsigned i)
{
	uint64_t w = atomic_load_explicit(&((struct sept_lt *)lt)->e[i / 8],
					  memory_order_acquire);

	return (unsigned)(w >> (8 * (i % 8))) & 0xFFu;
}

/* The dictionary word of a 4K leaf at pfn held by entry i, or 0 when it
 * does not fit 32 bits (a page within 2 MiB of 16 TiB, or a PA the host
 * wrote). */
static uint32_t lt_run_word(uint64_t pfn, unsigned i)
{
	uint64_t d = pfn + SLT_ENTRIES - i;

	return d <= UINT32_MAX ? (uint32_t)d : 0;
}

/*
 * The code of value v at entry i: 0 for 0, the code of its run (claimed
 * on first use), or SLT_ESC.  Concurrency: under entry i's lock; holders
 * of other entries' locks may claim runs at once: a free word is claimed
 * with a CAS and the words are tried in order, so a claim that loses
 * rereads the word it lost and a run value is held by one word only.
 */
static unsigned lt_code(struct sept_lt *lt, unsigned i, uint64_t v)
{
	uint32_t d, cur;

	if (!v)
		return 0;
	if ((v & ~(SE_PA_MASK | SE_BLOCKED)) != (SE_PRESENT | SE_LEAF) ||
	    !(d = lt_run_word((v & SE_PA_MASK) >> PAGE_SHIFT, i)))
		return SLT_ESC;
	for (unsigned k = 0; k < SLT_RUNS; k++) {
		cur = atomic_load_explicit(&lt->run[k], memory_order_acquire);
		if (!cur)
			atomic_compare_exchange_strong_explicit(
				&lt->run[k], &cur, d, memory_order_acq_rel,
				memory_order_acquire);
		if (!cur || cur == d) /* claimed it, or it was there */
			return k + 1;
	}
	return SLT_ESC;
}

/* The value entry i of lt holds (byte: its loaded byte).  A racy reader
 * of a table back in its pool may load the pool's link as entry bytes:
 * codes no writer makes read as 0, never outside run[]. */
static uint64_t lt_value(const struct sept_lt *lt, unsigned i, unsigned byte)
{
	unsigned code = byte & SLT_CODE;
	_Atomic uint64_t *wide;
	struct sept_near *near;
	uint64_t pfn;

	if (code == SLT_ESC) {
		wide = atomic_load_explicit(&((struct sept_lt *)lt)->wide,
					    memory_order_acquire);
		return wide ? atomic_load_explicit(&wide[i],
						   memory_order_relaxed)
			    : 0;
	}
	if (code == SLT_NEAR) {
		near = atomic_load_explicit(&((struct sept_lt *)lt)->near,
					    memory_order_acquire);
		if (!near)
			return 0;
		pfn = atomic_load_explicit(&near->base, memory_order_relaxed) -
		      1 - SLT_NEAR_BIAS +
		      atomic_load_explicit(&near->c[i], memory_order_relaxed);
	} else if (code && code <= SLT_RUNS) {
		pfn = atomic_load_explicit(&((struct sept_lt *)lt)->run[code - 1],
					   memory_order_relaxed) +
		      i - SLT_ENTRIES;
	} else {
		return 0;
	}
	return ((pfn << PAGE_SHIFT) & SE_PA_MASK) |
	       SE_PRESENT | SE_LEAF | ((byte & SLT_BLK) ? SE_BLOCKED : 0);
}

/* The side array in *slot (lt's wide or near), made zeroed on first use
 * (the loser of a race frees its copy); NULL: out of memory. */
static void *lt_side(struct tdxmod *m, _Atomic(void *) *slot, size_t bytes)
{
	void *cur = atomic_load_explicit(slot, memory_order_acquire), *n;

	if (cur || !(n = mem_node_alloc(m, bytes)))
		return cur;
	if (atomic_compare_exchange_strong_explicit(slot, &cur, n,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return n;
	mem_node_free(m, n, bytes);
	return cur;
}

/* The 16-bit code of a leaf at pfn in near (its base chosen by the first
 * such page), stored in c[i]; false when pfn is too far from the base. */
static bool near_store(struct sept_near *near, unsigned i, uint64_t pfn)
{
	uint64_t b = atomic_load_explicit(&near->base, memory_order_acquire);
	int64_t k;

	if (!b && atomic_compare_exchange_strong_explicit(
			  &near->base, &b, pfn + 1, memory_order_acq_rel,
			  memory_order_acquire))
		b = pfn + 1;
	k = (int64_t)(pfn + 1 - b) + (int64_t)SLT_NEAR_BIAS;
	if (k < 0 || k > UINT16_MAX)
		return false;
	atomic_store_explicit(&near->c[i], (uint16_t)k, memory_order_relaxed);
	return true;
}

/* Replace entry i's byte with code and blocked bit, its lock bit kept
 * (lock < 0), set (lock > 0) or cleared (0); the other entries of the
 * word are left as they are (their holders change them at once). */
static void lt_put(struct sept_lt *lt, unsigned i, unsigned byte, int lock)
{
	_Atomic uint64_t *w = &lt->e[i / 8];
	const unsigned sh = 8 * (i % 8);
	uint64_t old = atomic_load_explicit(w, memory_order_relaxed), nv;

	do {
		uint64_t held = lock < 0 ? old & slt_lock_bit(i)
				: lock	 ? slt_lock_bit(i)
					 : 0;

		nv = (old & ~(0xFFULL << sh)) | ((uint64_t)byte << sh) | held;
	} while (!atomic_compare_exchange_weak_explicit(
		w, &old, nv, memory_order_release, memory_order_relaxed));
}

/* Store val (lock bits aside) in entry i; lock as lt_put's.  False: out
 * of memory for near or wide[]. */
static bool lt_store(struct tdxmod *m, struct sept_lt *lt, unsigned i,
		     uint64_t val, int lock)
{
	unsigned code = lt_code(lt, i, val);
	struct sept_near *near;
	_Atomic uint64_t *wide;

	if (code == SLT_ESC &&
	    (val & ~(SE_PA_MASK | SE_BLOCKED)) == (SE_PRESENT | SE_LEAF)) {
		if (!(near = lt_side(m, &lt->near,
				     sizeof(*near))))
			return false;
		if (near_store(near, i, (val & SE_PA_MASK) >> PAGE_SHIFT))
			code = SLT_NEAR;
	}
	if (code == SLT_ESC) {
		if (!(wide = lt_side(m, &lt->wide,
				     SLT_ENTRIES * sizeof(*wide))))
			return false;
		atomic_store_explicit(&wide[i], val, memory_order_relaxed);
	} else if (val & SE_BLOCKED) {
		code |= SLT_BLK;
	}
	lt_put(lt, i, code, lock);
	return true;
}

bool sept_lt_make(struct tdxmod *m, uint64_t pa)
{
	struct sept_lt *lt = mem_lt_alloc(m);

	if (lt && mem_lt_install(m, pa, lt))
		return true;
	mem_oom(m, pa);
	return false;
}

bool se_ref_get(struct tdxmod *m, uint64_t table, unsigned idx, bool alloc,
		struct se_ref *r)
{
	_Atomic(struct mem_page *) *slot = mem_slot_find(m, table);
	struct sept_lt *lt = slot ? slot_lt(atomic_load_explicit(
					    slot, memory_order_acquire))
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
	return lt_value(r->lt, r->i, lt_byte(r->lt, r->i));
}

uint64_t sept_load(struct tdxmod *m, uint64_t table, unsigned idx)
{
	struct se_ref r;

	return se_ref_get(m, table, idx, false, &r) ? se_load(&r) : 0;
}

void se_set(struct tdxmod *m, const struct se_ref *r, uint64_t val)
{
	uint64_t v;

	val &= ~SE_LOCKMASK;
	if (r->w) {
		v = atomic_load_explicit(r->w, memory_order_relaxed);
		while (!atomic_compare_exchange_weak_explicit(
			r->w, &v, (v & SE_LOCKMASK) | val, memory_order_release,
			memory_order_relaxed))
			;
		return;
	}
	if (!lt_store(m, r->lt, r->i, val, -1))
		model_fatal(m, "out of host memory for an S-EPT table");
}

bool se_ref_try_excl(struct call *c, const struct se_ref *r)
{
	if (r->w)
		return se_try_excl(c, r->w);
	return word_bit_try_excl(c, &r->lt->e[r->i / 8], slt_lock_bit(r->i));
}

uint64_t sept_lt_read_word(struct sept_lt *lt, unsigned i)
{
	unsigned byte = lt_byte(lt, i);

	return lt_value(lt, i, byte) | ((byte & SLT_LOCK) ? SE_EXCL : 0);
}

/* SE_EXCL in the word written is the entry's lock, as in a plain page (a
 * stuck holder); reader counts have no place here. */
void sept_lt_write_word(struct tdxmod *m, struct sept_lt *lt, unsigned i,
			uint64_t v)
{
	if (!lt_store(m, lt, i, v & ~SE_LOCKMASK, (v & SE_EXCL) ? 1 : 0))
		model_fatal(m, "out of host memory for an S-EPT table");
}
