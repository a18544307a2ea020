/*
 * pamt.c - PAMT entries, their try-locks, the page bitmap, and the walks
 * every leaf shares.
 *
 * An entry's address is computed from its TDMR's static areas (1G, 2M,
 * classic 4K) or, in dynamic mode, from the pair pages recorded in the
 * range's 2M entry: the 4K entries of page i of a range live at
 * pair[i / 256] + (i % 256) * 16.  Locks are never waited on: a failed
 * try-lock makes the leaf answer OPERAND_BUSY with the operand's id.  Every
 * lock taken is recorded in the call context and released on the leaf's
 * single exit path (after the configured latency).
 */
#include <stdarg.h>
#include <stdio.h>

#include "tdxmod/model.h"
#include "util/bitmap.h"
#include "util/prng.h"

uint64_t st_err(uint64_t cls, uint32_t op)
{
	return dpamt_tdx_status_make(cls, op);
}

void model_fatal(struct tdxmod *m, const char *fmt, ...)
{
	int expect = 0;
	va_list ap;

	if (!atomic_compare_exchange_strong_explicit(&m->fatal, &expect, 1,
						     memory_order_acq_rel,
						     memory_order_acquire))
		return;
	va_start(ap, fmt);
	vsnprintf(m->fatal_reason, sizeof(m->fatal_reason), fmt, ap);
	va_end(ap);
	atomic_store_explicit(&m->fatal, 2, memory_order_release);
}

bool tdxmod_is_fatal(const struct tdxmod *m)
{
	return atomic_load_explicit(&m->fatal, memory_order_acquire) != 0;
}

const char *tdxmod_fatal_reason(const struct tdxmod *m)
{
	int f = atomic_load_explicit(&m->fatal, memory_order_acquire);

	if (f == 0)
		return "";
	return f == 2 ? m->fatal_reason : "fatal (reason being recorded)";
}

/* The TDMR covering pa, or NULL.  Its reserved areas are part of it, as
 * for the module's pamt_get_block(): their pages are marked in the
 * bitmap (DPAMT_TDX_PT_RSVD in classic mode) at TDMR.INIT. */
struct tdmr *tdmr_of(struct tdxmod *m, uint64_t pa)
{
	uint64_t gib = pa >> 30;

	if (gib >= m->n_gib || !m->gib_tdmr || m->gib_tdmr[gib] == 0xFF)
		return NULL;
	return &m->tdmr[m->gib_tdmr[gib]];
}

/*
 * Validate a host physical address operand: key-id bits or bits beyond
 * the max PA set, or misaligned -> OPERAND_INVALID; in no TDMR ->
 * OPERAND_ADDR_RANGE_ERROR.  0 if fine.
 */
uint64_t hpa_check(struct tdxmod *m, uint64_t pa, uint64_t align,
		   uint32_t op)
{
	if ((pa >> m->cfg.hkid_shift) != 0 || (pa & (align - 1)) != 0)
		return st_err(DPAMT_TDX_OPERAND_INVALID, op);
	if (!tdmr_of(m, pa))
		return st_err(DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR, op);
	return 0;
}

/* A PA read back from an S-EPT entry the model wrote must be a page in a
 * TDMR; anything else means the S-EPT page was overwritten: fatal. */
bool sept_pa_ok(struct tdxmod *m, uint64_t pa)
{
	if (tdmr_of(m, pa))
		return true;
	model_fatal(m, "corrupt S-EPT entry: PA 0x%llx outside every TDMR",
		    (unsigned long long)pa);
	return false;
}

uint64_t pe_addr_1g(const struct tdmr *t, uint64_t pa)
{
	return t->pamt_1g + ((pa - t->base) >> 30) * 16;
}

uint64_t pe_addr_2m(const struct tdmr *t, uint64_t pa)
{
	return t->pamt_2m + ((pa - t->base) >> 21) * 16;
}

/* Address of pa's 4K entry: static array (classic) or in the pair whose
 * pfns are in ref2m (dynamic). */
uint64_t pe_addr_4k(struct tdxmod *m, const struct tdmr *t, uint64_t pa,
		    uint64_t ref2m)
{
	uint64_t idx = (pa >> PAGE_SHIFT) & (PAGES_PER_2M - 1);

	if (!m->dpamt)
		return t->pamt_4k + ((pa - t->base) >> PAGE_SHIFT) * 16;
	return pair_page(ref2m, idx >= ENTRIES_PER_PAGE) +
	       (idx % ENTRIES_PER_PAGE) * 16;
}

struct pamt_entry *pe_get(struct tdxmod *m, uint64_t epa)
{
	return (struct pamt_entry *)mem_word(m, epa, true);
}

/* Racy read of an entry without creating storage. */
void pe_peek(struct tdxmod *m, uint64_t epa, uint64_t *hdr, uint64_t *ref)
{
	*hdr = mem_load(m, epa);
	*ref = mem_load(m, epa + 8);
}

/* One draw of the injection stream: true with probability thresh/2^64. */
static bool busy_draw(struct tdxmod *m, uint64_t thresh)
{
	uint64_t n;

	if (!thresh)
		return false;
	n = atomic_fetch_add_explicit(&m->busy_ctr, 1, memory_order_relaxed);
	return prng_at(m->cfg.busy_inject_seed ^ prng_at(n)) < thresh;
}

/*
 * Configured fault injection, asked before every try-lock: this attempt
 * fails as if contended.  Per call: drawn once, at the call's first lock
 * attempt (before any lock is held), so the whole SEAMCALL answers BUSY
 * with probability busy_inject_prob.  Per lock: drawn at every attempt.
 */
bool inject_busy(struct call *c)
{
	if (!c->busy_drawn) {
		c->busy_drawn = true;
		if (busy_draw(c->m, c->m->busy_thresh))
			return true;
	}
	return busy_draw(c->m, c->m->busy_lock_thresh);
}

static bool push_lock(struct call *c, _Atomic uint64_t *w, uint64_t rel,
		      uint64_t excl)
{
	struct held_lock *h;

	if (c->nlocks == CALL_MAX_LOCKS) {
		model_fatal(c->m, "lock stack overflow in leaf %u", c->leaf);
		return false;
	}
	h = &c->locks[c->nlocks++];
	h->word = w;
	h->release = rel;
	h->excl_bit = excl;
	return true;
}

static bool try_shared(struct call *c, _Atomic uint64_t *w, uint64_t excl,
		       uint64_t readers, uint64_t one)
{
	uint64_t v;

	if (inject_busy(c))
		return false;
	v = atomic_load_explicit(w, memory_order_relaxed);
	do {
		if ((v & excl) || (v & readers) == readers)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(
		w, &v, v + one, memory_order_acquire, memory_order_relaxed));
	if (!push_lock(c, w, one, 0)) {
		atomic_fetch_sub_explicit(w, one, memory_order_release);
		return false;
	}
	return true;
}

static bool try_excl(struct call *c, _Atomic uint64_t *w, uint64_t lockmask,
		     uint64_t excl)
{
	uint64_t v;

	if (inject_busy(c))
		return false;
	v = atomic_load_explicit(w, memory_order_relaxed);
	do {
		if (v & lockmask)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(
		w, &v, v | excl, memory_order_acquire, memory_order_relaxed));
	if (!push_lock(c, w, 0, excl)) {
		atomic_fetch_and_explicit(w, ~excl, memory_order_release);
		return false;
	}
	return true;
}

bool pe_try_shared(struct call *c, struct pamt_entry *e)
{
	return try_shared(c, &e->hdr, PE_EXCL, PE_READERS, 1);
}

bool pe_try_excl(struct call *c, struct pamt_entry *e)
{
	return try_excl(c, &e->hdr, PE_LOCKMASK, PE_EXCL);
}

/*
 * Shared lock of a 1G entry on a walk that goes on below it.  Nothing
 * the model implements takes a 1G entry exclusive: the module promotes
 * a 1G lock only when the entry is a leaf (a 1G TD page) or the walk
 * targets 1G (pamt_walk() in its pamt_manager.c), and the model has no
 * 1G TD pages and no walk to 1G.  So the shared count of a free,
 * unlocked 1G entry is never looked at by anyone, and a walker that
 * finds the entry so holds it without writing it: the injected BUSY is
 * still drawn (same injection points), the walk's outcome is the same,
 * but CPUs on distinct ranges do not write the line that holds four 1G
 * entries on every SEAMCALL.  An entry that is not free or is locked
 * (only a host writing into the static PAMT makes one) takes the real
 * try-lock.  docs/model.md, "Lock levels".
 */
bool pe_hold_1g(struct call *c, struct pamt_entry *e)
{
	uint64_t v = atomic_load_explicit(&e->hdr, memory_order_acquire);

	if ((v & PE_LOCKMASK) || pe_type(v) != DPAMT_TDX_PT_NDA)
		return pe_try_shared(c, e);
	return !inject_busy(c);
}

/*
 * Promote e's shared lock, held by this call, to exclusive: only when
 * this call is its only reader (the module's promote_sharex_lock_hp()).
 * False: another reader or a writer is there (the caller answers BUSY).
 */
bool pe_promote(struct call *c, struct pamt_entry *e)
{
	uint64_t v;
	struct held_lock *h = NULL;

	for (unsigned i = c->nlocks; i-- > 0;)
		if (c->locks[i].word == &e->hdr && c->locks[i].release) {
			h = &c->locks[i];
			break;
		}
	if (!h || inject_busy(c))
		return false;
	v = atomic_load_explicit(&e->hdr, memory_order_relaxed);
	do {
		if ((v & PE_EXCL) || (v & PE_READERS) != 1)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(
		&e->hdr, &v, (v - 1) | PE_EXCL, memory_order_acquire,
		memory_order_relaxed));
	h->release = 0;
	h->excl_bit = PE_EXCL;
	return true;
}

bool se_try_shared(struct call *c, _Atomic uint64_t *e)
{
	return try_shared(c, e, SE_EXCL, SE_READERS, SE_READER_ONE);
}

bool se_try_excl(struct call *c, _Atomic uint64_t *e)
{
	return try_excl(c, e, SE_LOCKMASK, SE_EXCL);
}

/* A reader/writer try-lock word laid out as a PAMT entry's lock bits
 * (the S-EPT tree lock in the TDR). */
bool rw_try_shared(struct call *c, _Atomic uint64_t *w)
{
	return try_shared(c, w, PE_EXCL, PE_READERS, 1);
}

bool rw_try_excl(struct call *c, _Atomic uint64_t *w)
{
	return try_excl(c, w, PE_LOCKMASK, PE_EXCL);
}

/* A plain try-lock word (bit 0), e.g. the KOT's. */
bool word_try_excl(struct call *c, _Atomic uint64_t *w)
{
	return try_excl(c, w, 1, 1);
}

/* One bit of a word as an exclusive try-lock (a compact S-EPT table's
 * entry locks share a word, sept_table.c). */
bool word_bit_try_excl(struct call *c, _Atomic uint64_t *w, uint64_t bit)
{
	return try_excl(c, w, bit, bit);
}

/* Release in reverse order of acquisition. */
void call_release_all(struct call *c)
{
	while (c->nlocks) {
		struct held_lock *h = &c->locks[--c->nlocks];

		if (h->release)
			atomic_fetch_sub_explicit(h->word, h->release,
						  memory_order_release);
		else /* RMW: page_count may change under a held 2M lock */
			atomic_fetch_and_explicit(h->word, ~h->excl_bit,
						  memory_order_release);
	}
}

/* Under the entry's exclusive lock: replace the type, keep the rest. */
void pe_set_type(struct pamt_entry *e, unsigned type)
{
	uint64_t v = atomic_load_explicit(&e->hdr, memory_order_relaxed);

	while (!atomic_compare_exchange_weak_explicit(
		&e->hdr, &v,
		(v & ~PE_TYPE_MASK) | ((uint64_t)type << PE_TYPE_SHIFT),
		memory_order_release, memory_order_relaxed))
		;
}

/* ---- Page bitmap (dynamic mode): 1 bit per 4 KiB page of a TDMR -------- */
/* Address of pa's bitmap word, or 0 when pa is in no TDMR (a PA taken
 * from a corrupted entry): such a page reads as unmarked and can never be
 * marked. */
static uint64_t bitmap_word_pa(struct tdxmod *m, uint64_t pa, uint64_t *bit)
{
	struct tdmr *t = tdmr_of(m, pa);
	uint64_t idx;

	if (!t)
		return 0;
	idx = (pa - t->base) >> PAGE_SHIFT;
	*bit = bm_mask(idx);
	return t->pamt_4k + bm_word(idx) * 8;
}

bool bitmap_test(struct tdxmod *m, uint64_t pa)
{
	uint64_t bit = 0, wpa = bitmap_word_pa(m, pa, &bit);

	return wpa && (mem_load(m, wpa) & bit) != 0;
}

bool bitmap_test_and_set(struct tdxmod *m, uint64_t pa)
{
	uint64_t bit = 0, wpa = bitmap_word_pa(m, pa, &bit);
	_Atomic uint64_t *w = wpa ? mem_word(m, wpa, true) : NULL;

	if (!w)
		return true;
	return (atomic_fetch_or_explicit(w, bit, memory_order_acq_rel) &
		bit) != 0;
}

void bitmap_clear(struct tdxmod *m, uint64_t pa)
{
	uint64_t bit = 0, wpa = bitmap_word_pa(m, pa, &bit);
	_Atomic uint64_t *w = wpa ? mem_word(m, wpa, true) : NULL;

	if (w)
		atomic_fetch_and_explicit(w, ~bit, memory_order_acq_rel);
}

/* Any page of the 2 MiB range at pa2m marked in the bitmap? */
bool bitmap_any_in_2m(struct tdxmod *m, uint64_t pa2m)
{
	uint64_t bit = 0, wpa = bitmap_word_pa(m, pa2m, &bit);

	if (!wpa)
		return true;
	for (unsigned i = 0; i < BM_WORDS(PAGES_PER_2M); i++)
		if (mem_load(m, wpa + i * 8))
			return true;
	return false;
}

/* Lock e shared, or exclusive by promoting the shared lock when the walk
 * stops at it (excl); false on contention. */
static bool walk_lock(struct call *c, struct pamt_entry *e, bool leaf,
		      bool excl)
{
	if (!e || !pe_try_shared(c, e))
		return false;
	return !(leaf && excl) || pe_promote(c, e);
}

/*
 * The module's pamt_walk() (pamt_manager.c): the 1G entry shared; if it
 * is a leaf (not free) or target is 1G, stop there; else the 2M entry
 * shared, a leaf when it is not free (classic) or not PAMT (dynamic), or
 * when target is 2M; else the 4K entry in the range's pair (or the static
 * array).  The entry the walk stops at is locked exclusive when excl (the
 * shared lock promoted), the ones above stay shared.  Contention at any
 * step: OPERAND_BUSY|op.  pa lies in a TDMR.
 */
uint64_t pamt_walk(struct call *c, uint64_t pa, unsigned target, bool excl,
		   uint32_t op, struct pwalk *w)
{
	struct tdxmod *m = c->m;
	struct tdmr *t = tdmr_of(m, pa);
	unsigned ty;

	w->e1 = pe_get(m, pe_addr_1g(t, pa));
	w->e2 = w->e4 = NULL;
	ty = w->e1 ? pe_type(atomic_load_explicit(&w->e1->hdr,
						  memory_order_acquire)) : 0;
	w->level = DPAMT_TDX_PS_1G;
	w->leaf = w->e1;
	if (ty == DPAMT_TDX_PT_NDA && target != DPAMT_TDX_PS_1G) {
		if (!w->e1 || !pe_hold_1g(c, w->e1))
			return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	} else if (!walk_lock(c, w->e1, true, excl)) {
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	}
	if (pe_type(atomic_load_explicit(&w->e1->hdr, memory_order_acquire)) !=
		    DPAMT_TDX_PT_NDA || target == DPAMT_TDX_PS_1G)
		return 0;
	w->e2 = pe_get(m, pe_addr_2m(t, pa));
	ty = w->e2 ? pe_type(atomic_load_explicit(&w->e2->hdr,
						  memory_order_acquire)) : 0;
	w->level = DPAMT_TDX_PS_2M;
	w->leaf = w->e2;
	if (!walk_lock(
		    c, w->e2,
		    ty != (m->dpamt ? DPAMT_TDX_PT_PAMT : DPAMT_TDX_PT_NDA) ||
			    target == DPAMT_TDX_PS_2M,
		    excl))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	ty = pe_type(atomic_load_explicit(&w->e2->hdr, memory_order_acquire));
	if (ty != (m->dpamt ? DPAMT_TDX_PT_PAMT : DPAMT_TDX_PT_NDA) ||
	    target == DPAMT_TDX_PS_2M) {
		/* a leaf that changed type between the peek and the lock was
		 * locked shared only: treat as contention */
		if (excl && !(atomic_load_explicit(&w->e2->hdr,
						   memory_order_relaxed) &
			      PE_EXCL))
			return st_err(DPAMT_TDX_OPERAND_BUSY, op);
		return 0;
	}
	w->e4 = pe_get(m, pe_addr_4k(m, t, pa, atomic_load_explicit(
					&w->e2->ref, memory_order_relaxed)));
	w->level = DPAMT_TDX_PS_4K;
	w->leaf = w->e4;
	if (!w->e4 || !(excl ? pe_try_excl(c, w->e4) : pe_try_shared(c, w->e4)))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	return 0;
}

/*
 * Walk to the 4K entry of pa for assigning the page (the module's
 * non_shared_hpa_metadata_check_and_lock() with DPAMT_TDX_PT_NDA, helpers.c):
 * the walk above with the leaf exclusive; stopping above 4K is
 * MISSING_PAMT_PAGE_PAIR for a free 2M entry in dynamic mode (its lock
 * was promoted to exclusive, so a concurrent caller sees BUSY), else
 * PAGE_METADATA_INCORRECT; a 4K entry not free, or a free one whose
 * bitmap bit marks a PAMT page -> PAGE_METADATA_INCORRECT.  pa was
 * validated.
 */
uint64_t walk_assign_4k(struct call *c, uint64_t pa, uint32_t op,
			struct walk4k *w)
{
	struct tdxmod *m = c->m;
	struct pwalk pw;
	uint64_t st = pamt_walk(c, pa, DPAMT_TDX_PS_4K, true, op, &pw);
	unsigned ty;

	if (st)
		return st;
	ty = pe_type(atomic_load_explicit(&pw.leaf->hdr, memory_order_acquire));
	if (pw.level != DPAMT_TDX_PS_4K)
		return st_err(m->dpamt && pw.level == DPAMT_TDX_PS_2M &&
					      ty == DPAMT_TDX_PT_NDA
				      ? DPAMT_TDX_MISSING_PAMT_PAGE_PAIR
				      : DPAMT_TDX_PAGE_METADATA_INCORRECT,
			      op);
	if (ty != DPAMT_TDX_PT_NDA || (m->dpamt && bitmap_test(m, pa)))
		return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT, op);
	w->e2 = pw.e2;
	w->e4 = pw.e4;
	return DPAMT_TDX_SUCCESS;
}

/* Success path of a page-assigning leaf: the entry takes type and owner,
 * the range's page_count goes up (2M is held shared: atomic add). */
void assign_commit_4k(struct call *c, struct walk4k *w, unsigned type,
		      uint64_t owner_pa)
{
	uint64_t old;

	atomic_store_explicit(&w->e4->ref, owner_pa >> PAGE_SHIFT,
			      memory_order_relaxed);
	pe_set_type(w->e4, type);
	old = atomic_fetch_add_explicit(&w->e2->hdr, PE_COUNT_ONE,
					memory_order_acq_rel);
	if (pe_count(old) >= PAGES_PER_2M)
		model_fatal(c->m, "page_count overflow in range of entry %p",
			    (void *)w->e2);
}

/*
 * Walk to the 4K entry of a page in use, locking only that entry
 * exclusively (removal leaves).  Returns BUSY|op on contention,
 * PAGE_METADATA_INCORRECT|op when the page is not tracked at 4K (free
 * range, or part of a 2M page).  w->e2 is the unlocked 2M entry.
 */
uint64_t walk_leaf_4k(struct call *c, uint64_t pa, uint32_t op,
		      struct walk4k *w)
{
	struct tdxmod *m = c->m;
	struct tdmr *t = tdmr_of(m, pa);
	uint64_t h2, ref;

	w->e2 = pe_get(m, pe_addr_2m(t, pa));
	if (!w->e2)
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	h2 = atomic_load_explicit(&w->e2->hdr, memory_order_acquire);
	ref = atomic_load_explicit(&w->e2->ref, memory_order_acquire);
	if (pe_type(h2) != (m->dpamt ? DPAMT_TDX_PT_PAMT : DPAMT_TDX_PT_NDA))
		return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT, op);
	w->e4 = pe_get(m, pe_addr_4k(m, t, pa, ref));
	if (!w->e4 || !pe_try_excl(c, w->e4))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	/* The pair cannot go while one of its entries is in use; re-check
	 * that it is still the one we walked through. */
	h2 = atomic_load_explicit(&w->e2->hdr, memory_order_acquire);
	if (pe_type(h2) != (m->dpamt ? DPAMT_TDX_PT_PAMT : DPAMT_TDX_PT_NDA) ||
	    atomic_load_explicit(&w->e2->ref, memory_order_acquire) != ref)
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	return DPAMT_TDX_SUCCESS;
}

/*
 * Success path of a removal: the 4K entry (held exclusive) becomes free,
 * page_count goes down.  True when it reached 0 (the removal hint, given
 * in dynamic mode only).
 *
 * The module's hazard window (tdh_mem_page_remove.c,
 * tdh_mem_sept_remove.c, tdh_mem_page_promote.c): those leaves lock only
 * the 4K entry, set it free, and only then decrement page_count
 * (pamt_dec_nl_page_count_and_get_hint()).  A PAMT.REMOVE of the range in
 * between finds all 512 entries free and page_count != 0: the module's
 * fatal error, and the model's (leaf_pamt.c).  Those leaves spend their
 * configured latency here, inside the window.  RECLAIM holds the 2M entry
 * shared on its walk, so no PAMT.REMOVE can enter its window.
 */
bool release_commit_4k(struct call *c, uint64_t pa, struct walk4k *w)
{
	uint64_t old;

	atomic_store_explicit(&w->e4->ref, 0, memory_order_relaxed);
	pe_set_type(w->e4, DPAMT_TDX_PT_NDA);
	if (c->leaf == DPAMT_TDH_MEM_PAGE_REMOVE ||
	    c->leaf == DPAMT_TDH_MEM_SEPT_REMOVE ||
	    c->leaf == DPAMT_TDH_MEM_PAGE_PROMOTE) {
		call_hold_latency(c);
		c->latency_spent = true;
	}
	old = atomic_fetch_sub_explicit(&w->e2->hdr, PE_COUNT_ONE,
					memory_order_acq_rel);
	if (pe_count(old) == 0) {
		model_fatal(c->m, "page_count underflow in the range of 0x%llx",
			    (unsigned long long)pa);
		return false;
	}
	return c->m->dpamt && pe_count(old) == 1;
}
