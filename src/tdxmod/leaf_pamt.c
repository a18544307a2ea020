/*
 * leaf_pamt.c - TDH.PHYMEM.PAMT.ADD and TDH.PHYMEM.PAMT.REMOVE.
 *
 * Each leaf is one validation ladder in the order of docs/design.md §2 with a
 * single exit (the caller releases the locks).  Like the module's PAMT
 * walk, ADD and REMOVE take the target's 1G entry shared and its 2M entry
 * exclusively; ADD also walks each pair page lying in another 2 MiB range
 * shared (1G, 2M, and its 4K entry if that range has a pair).
 */
#include "tdxmod/model.h"

/* RCX of PAMT.ADD/REMOVE: 2 MiB-aligned PA with level 2M in bits 2:0. */
static uint64_t pamt_rcx_check(struct tdxmod *m, uint64_t rcx)
{
	if (dpamt_tdx_operand_level(rcx) != DPAMT_TDX_PS_2M ||
	    (rcx & (DPAMT_TDX_2M_SIZE - 1) & ~DPAMT_TDX_LEVEL_MASK) ||
	    (rcx >> m->cfg.hkid_shift))
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	return 0;
}

/* The module's walk to a range's 2M entry: 1G shared, 2M exclusive.
 * NULL if either try-lock fails. */
static struct pamt_entry *lock_2m_excl(struct call *c, uint64_t base)
{
	struct tdmr *t = tdmr_of(c->m, base);
	struct pamt_entry *e1 = pe_get(c->m, pe_addr_1g(t, base));
	struct pamt_entry *e2 = pe_get(c->m, pe_addr_2m(t, base));

	if (!e1 || !e2 || !pe_hold_1g(c, e1) || !pe_try_excl(c, e2))
		return NULL;
	return e2;
}

/*
 * Shared walk (1G, 2M, then 4K if the range has a pair) of a would-be
 * pair page lying outside the target range:
 * BUSY|op on contention, PAGE_NOT_FREE|op if the module uses it.
 */
uint64_t pair_page_claim(struct call *c, uint64_t hpa, uint64_t target2m,
			 uint32_t op)
{
	struct tdxmod *m = c->m;
	struct tdmr *t;
	struct pamt_entry *e1, *e2, *e4;
	uint64_t h2;

	if ((hpa & ~(DPAMT_TDX_2M_SIZE - 1)) == target2m)
		return 0;
	t = tdmr_of(m, hpa);
	e1 = pe_get(m, pe_addr_1g(t, hpa));
	if (!e1 || !pe_hold_1g(c, e1))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	e2 = pe_get(m, pe_addr_2m(t, hpa));
	if (!e2 || !pe_try_shared(c, e2))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	h2 = atomic_load_explicit(&e2->hdr, memory_order_acquire);
	if (pe_type(h2) == DPAMT_TDX_PT_NDA)
		return 0;
	if (pe_type(h2) != DPAMT_TDX_PT_PAMT)
		return st_err(DPAMT_TDX_PAGE_NOT_FREE, op);
	e4 = pe_get(m, pe_addr_4k(m, t, hpa, atomic_load_explicit(
					&e2->ref, memory_order_relaxed)));
	if (!e4 || !pe_try_shared(c, e4))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	if (pe_type(atomic_load_explicit(&e4->hdr, memory_order_acquire)) !=
	    DPAMT_TDX_PT_NDA)
		return st_err(DPAMT_TDX_PAGE_NOT_FREE, op);
	return 0;
}

static void pair_install(struct call *c, struct pamt_entry *e2,
			 uint64_t hpa0, uint64_t hpa1)
{
	uint64_t h;

	mem_drop(c->m, hpa0);
	mem_drop(c->m, hpa1);
	atomic_store_explicit(&e2->ref, pair_ref(hpa0, hpa1),
			      memory_order_relaxed);
	h = atomic_load_explicit(&e2->hdr, memory_order_relaxed);
	if (pe_count(h) != 0)
		model_fatal(c->m, "free 2M entry with page_count %u",
			    pe_count(h));
	pe_set_type(e2, DPAMT_TDX_PT_PAMT);
	stat_pairs_add(c->m, 1);
}

uint64_t leaf_pamt_add(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	uint64_t base = r->rcx & ~DPAMT_TDX_LEVEL_MASK, st;
	struct pamt_entry *e2;

	if (!m->dpamt)
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RAX);
	if ((st = pamt_rcx_check(m, r->rcx)) ||
	    (st = hpa_check(m, r->rdx, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_RDX)) ||
	    (st = hpa_check(m, r->r8, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_R8)))
		return st;
	if (!tdmr_of(m, base))
		return st_err(DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if (!(e2 = lock_2m_excl(c, base)))
		return st_err(DPAMT_TDX_OPERAND_BUSY, DPAMT_TDX_OPERAND_ID_RCX);
	if (pe_type(atomic_load_explicit(&e2->hdr, memory_order_acquire)) !=
	    DPAMT_TDX_PT_NDA)
		return st_err(DPAMT_TDX_HPA_RANGE_NOT_FREE,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if ((st = pair_page_claim(c, r->rdx, base, DPAMT_TDX_OPERAND_ID_RDX)) ||
	    (st = pair_page_claim(c, r->r8, base, DPAMT_TDX_OPERAND_ID_R8)))
		return st;
	if (bitmap_test_and_set(m, r->rdx))
		return st_err(DPAMT_TDX_PAGE_NOT_FREE,
			      DPAMT_TDX_OPERAND_ID_RDX);
	if (bitmap_test_and_set(m, r->r8)) {
		bitmap_clear(m, r->rdx);
		return st_err(DPAMT_TDX_PAGE_NOT_FREE, DPAMT_TDX_OPERAND_ID_R8);
	}
	pair_install(c, e2, r->rdx, r->r8);
	return DPAMT_TDX_SUCCESS;
}

/* Scan the 512 4K entries of a range about to lose its pair.  0, or
 * PAMT_PAGE_NOT_EMPTY with the index of the pair page holding a busy
 * entry; a corrupted entry is fatal. */
static uint64_t pair_scan_empty(struct call *c, uint64_t ref)
{
	for (unsigned half = 0; half < 2; half++) {
		uint64_t pg = pair_page(ref, half);
		struct mem_page *mp = mem_page_get(c->m, pg, false);

		for (unsigned i = 0; mp && i < ENTRIES_PER_PAGE; i++) {
			uint64_t h = atomic_load_explicit(&mp->w[2 * i],
							  memory_order_acquire);

			if (h & PE_RESERVED) {
				model_fatal(c->m, "corrupted PAMT entry at "
					    "0x%llx (hdr 0x%llx)",
					    (unsigned long long)(pg + i * 16),
					    (unsigned long long)h);
				return DPAMT_TDX_MODEL_FATAL;
			}
			/* the module tests the type only: a removal leaf
			 * between freeing its entry and decrementing
			 * page_count passes this (its hazard window) */
			if (pe_type(h) != DPAMT_TDX_PT_NDA)
				return st_err(DPAMT_TDX_PAMT_PAGE_NOT_EMPTY,
					      half);
		}
	}
	return 0;
}

uint64_t leaf_pamt_remove(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	uint64_t base = r->rcx & ~DPAMT_TDX_LEVEL_MASK, st, h, ref, p0, p1;
	struct pamt_entry *e2;

	if (!m->dpamt)
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RAX);
	if ((st = pamt_rcx_check(m, r->rcx)))
		return st;
	if (!tdmr_of(m, base))
		return st_err(DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if (!(e2 = lock_2m_excl(c, base)))
		return st_err(DPAMT_TDX_OPERAND_BUSY, DPAMT_TDX_OPERAND_ID_RCX);
	h = atomic_load_explicit(&e2->hdr, memory_order_acquire);
	if (pe_type(h) != DPAMT_TDX_PT_PAMT)
		return st_err(DPAMT_TDX_NO_PAMT_PAGE_PAIR,
			      DPAMT_TDX_OPERAND_ID_RCX);
	ref = atomic_load_explicit(&e2->ref, memory_order_relaxed);
	if ((st = pair_scan_empty(c, ref)))
		return st;
	/* The module's fatal check: every entry free but page_count != 0.
	 * A removal leaf in its hazard window (release_commit_4k() in
	 * pamt.c) is caught here, as a host that corrupted the entries. */
	h = atomic_load_explicit(&e2->hdr, memory_order_acquire);
	if (pe_count(h) != 0) {
		model_fatal(m, "PAMT.REMOVE of 0x%llx: all 4K entries free "
			    "but page_count is %u", (unsigned long long)base,
			    pe_count(h));
		return DPAMT_TDX_MODEL_FATAL;
	}
	p0 = pair_page(ref, 0);
	p1 = pair_page(ref, 1);
	if (!bitmap_test(m, p0) || !bitmap_test(m, p1)) {
		model_fatal(m, "pair page of 0x%llx not marked in the bitmap",
			    (unsigned long long)base);
		return DPAMT_TDX_MODEL_FATAL;
	}
	bitmap_clear(m, p0);
	bitmap_clear(m, p1);
	mem_drop(m, p0);
	mem_drop(m, p1);
	atomic_store_explicit(&e2->ref, 0, memory_order_relaxed);
	pe_set_type(e2, DPAMT_TDX_PT_NDA);
	stat_pairs_add(m, -1);
	c->o->rdx = p0;
	c->o->r8 = p1;
	return DPAMT_TDX_SUCCESS;
}
