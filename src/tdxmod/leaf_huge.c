/*
 * leaf_huge.c - TDH.MEM.PAGE.DEMOTE and TDH.MEM.PAGE.PROMOTE: a 2M TD
 * page split into 512 4K pages and back, with the range's pair moving in
 * and out (the module's tdh_mem_page_demote.c / tdh_mem_page_promote.c
 * and pamt_demote() / pamt_promote() in pamt_manager.c).
 *
 * DEMOTE: RCX = GPA|level, RDX = TDR, R8 = new S-EPT page (level-0
 * table), R12/R13 = the new pair, installed for the page's range with
 * page_count 512.  PROMOTE: RCX = GPA|level, RDX = TDR; the 512 4K
 * mappings must be contiguous and 2 MiB aligned; returns the freed S-EPT
 * page in RCX (with the removal hint of that page's range in bit 62; its
 * PAMT entry is freed: the host owns it again, no RECLAIM), RDX = 0 and
 * the pair in R12/R13.  Level 2 (1 GiB) is accepted on both and fails on
 * the S-EPT state: the model maps nothing at 1 GiB.
 */
#include "tdxmod/model.h"

/* Set type and page_count of a 2M entry held exclusive. */
static void e2_set(struct pamt_entry *e2, unsigned type, unsigned count,
		   uint64_t ref)
{
	uint64_t v = atomic_load_explicit(&e2->hdr, memory_order_relaxed);

	atomic_store_explicit(&e2->ref, ref, memory_order_relaxed);
	while (!atomic_compare_exchange_weak_explicit(
		&e2->hdr, &v,
		(v & PE_LOCKMASK) | ((uint64_t)type << PE_TYPE_SHIFT) |
			((uint64_t)count << PE_COUNT_SHIFT),
		memory_order_release, memory_order_relaxed))
		;
}

/* pamt_demote()'s first step: the 2M page's entry exclusive (BUSY|RCX);
 * the S-EPT says it is this TD's 2M page, so anything else is fatal. */
static uint64_t lock_2m_page(struct call *c, uint64_t pa, uint64_t tdr,
			     struct pamt_entry **e2)
{
	uint64_t h;

	*e2 = pe_get(c->m, pe_addr_2m(tdmr_of(c->m, pa), pa));
	if (!*e2 || !pe_try_excl(c, *e2))
		return st_err(DPAMT_TDX_OPERAND_BUSY, DPAMT_TDX_OPERAND_ID_RCX);
	h = atomic_load_explicit(&(*e2)->hdr, memory_order_acquire);
	if (pe_type(h) != DPAMT_TDX_PT_REG ||
	    atomic_load_explicit(&(*e2)->ref, memory_order_relaxed) !=
		    tdr >> PAGE_SHIFT) {
		model_fatal(c->m, "S-EPT maps 2M page 0x%llx but PAMT says "
			    "type %u", (unsigned long long)pa, pe_type(h));
		return DPAMT_TDX_MODEL_FATAL;
	}
	return 0;
}

/* A new pair page's fields: aligned, no key-id bits, below the max PA. */
static uint64_t pair_fields(struct tdxmod *m, uint64_t pa, uint32_t op)
{
	if ((pa & (DPAMT_TDX_PAGE_SIZE - 1)) || (pa >> m->cfg.hkid_shift))
		return st_err(DPAMT_TDX_OPERAND_INVALID, op);
	return 0;
}

/* A new pair page must be free: walked shared (the call's own locks on
 * the demoted 2M entry and on R8's 4K entry make a page inside the
 * demoted page, or equal to R8, answer BUSY|op), its leaf entry free. */
static uint64_t pair_free(struct call *c, uint64_t pa, uint32_t op)
{
	struct pwalk w;
	uint64_t st = pamt_walk(c, pa, DPAMT_TDX_PS_4K, false, op, &w);

	if (st)
		return st;
	if (pe_type(atomic_load_explicit(&w.leaf->hdr, memory_order_acquire)) !=
	    DPAMT_TDX_PT_NDA)
		return st_err(DPAMT_TDX_PAGE_NOT_FREE, op);
	return 0;
}

/*
 * pamt_demote()'s pair checks in the module's order: fields of R12 then
 * R13, address ranges of R12 then R13, walk of R12 then R13, then the
 * bitmap test-and-set of each (PAGE_NOT_FREE when a page already is a
 * pair page; R12's bit undone when R13's fails).
 */
static uint64_t demote_pair(struct call *c)
{
	const struct dpamt_tdx_regs *r = c->r;
	struct tdxmod *m = c->m;
	uint64_t st;

	if ((st = pair_fields(m, r->r12, DPAMT_TDX_OPERAND_ID_R12)) ||
	    (st = pair_fields(m, r->r13, DPAMT_TDX_OPERAND_ID_R13)))
		return st;
	if (!tdmr_of(m, r->r12))
		return st_err(DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR,
			      DPAMT_TDX_OPERAND_ID_R12);
	if (!tdmr_of(m, r->r13))
		return st_err(DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR,
			      DPAMT_TDX_OPERAND_ID_R13);
	if ((st = pair_free(c, r->r12, DPAMT_TDX_OPERAND_ID_R12)) ||
	    (st = pair_free(c, r->r13, DPAMT_TDX_OPERAND_ID_R13)))
		return st;
	if (bitmap_test_and_set(m, r->r12))
		return st_err(DPAMT_TDX_PAGE_NOT_FREE,
			      DPAMT_TDX_OPERAND_ID_R12);
	if (bitmap_test_and_set(m, r->r13)) {
		bitmap_clear(m, r->r12);
		return st_err(DPAMT_TDX_PAGE_NOT_FREE,
			      DPAMT_TDX_OPERAND_ID_R13);
	}
	return 0;
}

/* Success of DEMOTE: write the new table, the 4K entries, the 2M entry. */
static void demote_commit(struct call *c, uint64_t p, struct pamt_entry *e2)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	struct tdmr *t = tdmr_of(m, p);
	uint64_t ref = 0;

	/* the new level-0 table, compact (its 512 entries one run of the
	 * dictionary); linked by the caller's se_set of the level-1 entry
	 * (release) */
	if (sept_lt_make(m, r->r8))
		for (unsigned i = 0; i < PAGES_PER_2M; i++) {
			struct se_ref e;

			if (se_ref_get(m, r->r8, i, true, &e))
				se_set(m, &e, (p + i * DPAMT_TDX_PAGE_SIZE) |
						      SE_PRESENT | SE_LEAF);
		}
	if (m->dpamt) {
		mem_drop(m, r->r12);
		mem_drop(m, r->r13);
		ref = pair_ref(r->r12, r->r13);
		stat_pairs_add(m, 1);
	}
	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		struct pamt_entry *e = pe_get(
			m, pe_addr_4k(m, t, p + i * DPAMT_TDX_PAGE_SIZE, ref));

		if (!e)
			continue;
		atomic_store_explicit(&e->ref, r->rdx >> PAGE_SHIFT,
				      memory_order_relaxed);
		atomic_store_explicit(
			&e->hdr, (uint64_t)DPAMT_TDX_PT_REG << PE_TYPE_SHIFT,
			memory_order_release);
	}
	e2_set(e2, m->dpamt ? DPAMT_TDX_PT_PAMT : DPAMT_TDX_PT_NDA,
	       PAGES_PER_2M, ref);
}

/* DEMOTE's and PROMOTE's RCX: GPA|level (1 or 2), aligned to the level's
 * span, below 2^48, reserved bits 11:3 clear. */
static uint64_t rcx_huge_check(uint64_t rcx)
{
	unsigned lvl = dpamt_tdx_operand_level(rcx);

	if (lvl < DPAMT_TDX_PS_2M || lvl > DPAMT_TDX_PS_1G ||
	    (rcx & 0xFF8ULL) ||
	    ((rcx & ~0xFFFULL) & ((1ULL << (12 + 9 * lvl)) - 1)) ||
	    (rcx >> GPA_BITS))
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	return 0;
}

/*
 * In the module's order: TDR (RDX) and TD state, RCX, the S-EPT entry at
 * the level (a present leaf), the new S-EPT page (R8: address, then its
 * walk, exclusive), then pamt_demote(): the 2M page's entry exclusive,
 * then the new pair (demote_pair()).
 */
uint64_t leaf_page_demote(struct call *c)
{
	const struct dpamt_tdx_regs *r = c->r;
	_Atomic uint64_t *tdw;
	struct sept_pos l1;
	struct pamt_entry *e2;
	struct walk4k w;
	uint64_t st, val, p;

	if ((st = td_ready(c, OPS_BUILT, &tdw)) ||
	    (st = rcx_huge_check(r->rcx)) ||
	    (st = sept_walk(c, tdw, r->rcx & ~0xFFFULL,
			    dpamt_tdx_operand_level(r->rcx), &l1)))
		return st;
	val = l1.val;
	if (!(val & SE_PRESENT) || !(val & SE_LEAF))
		return st_err(DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	p = val & SE_PA_MASK;
	if (!sept_pa_ok(c->m, p))
		return DPAMT_TDX_MODEL_FATAL;
	/* TLB tracking on the 2M page's PAMT entry (read unlocked, as the
	 * module's pamt_implicit_get()) before the new S-EPT page */
	if ((st = tlb_tracked(c, tdw, val,
			      pe_get(c->m, pe_addr_2m(tdmr_of(c->m, p), p)))) ||
	    (st = hpa_check(c->m, r->r8, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_R8)) ||
	    (st = walk_assign_4k(c, r->r8, DPAMT_TDX_OPERAND_ID_R8, &w)) ||
	    (st = lock_2m_page(c, p, r->rdx, &e2)) ||
	    (c->m->dpamt && (st = demote_pair(c))))
		return st;
	demote_commit(c, p, e2);
	se_set(c->m, &l1.target, r->r8 | SE_PRESENT);
	atomic_fetch_add_explicit(&tdw[TDW_CHILDREN], PAGES_PER_2M,
				  memory_order_acq_rel);
	assign_commit_4k(c, &w, DPAMT_TDX_PT_EPT, r->rdx);
	return DPAMT_TDX_SUCCESS;
}

/* PROMOTE: the level-0 table must map 512 contiguous present pages from a
 * 2 MiB aligned base (the module's is_sept_page_valid_for_merge()).
 * Returns the base or UINT64_MAX. */
static uint64_t promote_base(struct tdxmod *m, uint64_t table)
{
	uint64_t base = sept_load(m, table, 0) & SE_PA_MASK;

	if (base & (DPAMT_TDX_2M_SIZE - 1))
		return UINT64_MAX;
	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		uint64_t v = sept_load(m, table, i);

		if (!(v & SE_PRESENT) || !(v & SE_LEAF) ||
		    (v & SE_PA_MASK) != base + i * DPAMT_TDX_PAGE_SIZE)
			return UINT64_MAX;
	}
	return base;
}

/* The 512 4K entries must be this TD's REG pages (the module's static-PAMT
 * sanity check; model metadata, so a mismatch is fatal).  Read without
 * locks: the level-1 S-EPT entry, held exclusive, keeps every leaf that
 * could change them out. */
static bool promote_entries_ok(struct call *c, uint64_t base, uint64_t ref,
			       uint64_t tdr)
{
	struct tdxmod *m = c->m;
	struct tdmr *t = tdmr_of(m, base);

	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		uint64_t h, o;

		pe_peek(m,
			pe_addr_4k(m, t, base + i * DPAMT_TDX_PAGE_SIZE, ref),
			&h, &o);
		if (pe_type(h) != DPAMT_TDX_PT_REG || o != tdr >> PAGE_SHIFT) {
			model_fatal(m, "S-EPT maps 0x%llx at 4K but PAMT says "
				    "type %u", (unsigned long long)(base +
				    i * DPAMT_TDX_PAGE_SIZE), pe_type(h));
			return false;
		}
	}
	return true;
}

/* Success of PROMOTE: the 2M entry takes the pages' type and owner, the
 * pair goes back (pamt_promote()); R12/R13 = the pair. */
static uint64_t promote_commit(struct call *c, uint64_t base,
			       struct pamt_entry *e2)
{
	struct tdxmod *m = c->m;
	uint64_t ref = atomic_load_explicit(&e2->ref, memory_order_relaxed);
	uint64_t p0 = pair_page(ref, 0), p1 = pair_page(ref, 1);
	struct tdmr *t = tdmr_of(m, base);

	if (!m->dpamt) {
		for (unsigned i = 0; i < PAGES_PER_2M; i++) {
			struct pamt_entry *e = pe_get(
				m,
				pe_addr_4k(m, t, base + i * DPAMT_TDX_PAGE_SIZE,
					   0));

			if (e) {
				atomic_store_explicit(&e->ref, 0,
						      memory_order_relaxed);
				atomic_store_explicit(&e->hdr, 0,
						      memory_order_release);
			}
		}
		e2_set(e2, DPAMT_TDX_PT_REG, 0, c->r->rdx >> PAGE_SHIFT);
		c->o->r12 = c->o->r13 = 0;
		return 0;
	}
	if (!bitmap_test(m, p0) || !bitmap_test(m, p1)) {
		model_fatal(m, "pair of 0x%llx not in the bitmap",
			    (unsigned long long)base);
		return DPAMT_TDX_MODEL_FATAL;
	}
	e2_set(e2, DPAMT_TDX_PT_REG, 0, c->r->rdx >> PAGE_SHIFT);
	bitmap_clear(m, p0);
	bitmap_clear(m, p1);
	mem_drop(m, p0);
	mem_drop(m, p1);
	stat_pairs_add(m, -1);
	c->o->r12 = p0;
	c->o->r13 = p1;
	return 0;
}

/*
 * PROMOTE's checks in the module's order: the S-EPT entry at the level
 * (a present table, else EPT_ENTRY_STATE_INCORRECT|RCX), the table
 * page's 4K PAMT entry exclusive (BUSY|RCX), the 512 entries of the table
 * (EPT_INVALID_PROMOTE_CONDITIONS|RCX; a level-2 table never qualifies:
 * nothing is mapped at 2 MiB inside it that the model would merge), then
 * pamt_promote(): the 2M entry exclusive (BUSY|RCX), which under Dynamic
 * PAMT is the only lock on the range.
 */
static uint64_t promote_prepare(struct call *c, _Atomic uint64_t *tdw,
				struct sept_pos *l1, uint64_t *base,
				struct pamt_entry **e2, struct walk4k *tw)
{
	unsigned lvl = dpamt_tdx_operand_level(c->r->rcx);
	uint64_t st, table, h;

	if ((st = sept_walk(c, tdw, c->r->rcx & ~0xFFFULL, lvl, l1)))
		return st;
	if (!(l1->val & SE_PRESENT) || (l1->val & SE_LEAF))
		return st_err(DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	table = l1->val & SE_PA_MASK;
	if (!sept_pa_ok(c->m, table))
		return DPAMT_TDX_MODEL_FATAL;
	if ((st = walk_leaf_4k(c, table, DPAMT_TDX_OPERAND_ID_RCX, tw)) ||
	    (st = tlb_tracked(c, tdw, l1->val, tw->e4)))
		return st;
	if (pe_type(atomic_load_explicit(&tw->e4->hdr, memory_order_acquire)) !=
	    DPAMT_TDX_PT_EPT) {
		model_fatal(c->m, "S-EPT table 0x%llx not of type EPT",
			    (unsigned long long)table);
		return DPAMT_TDX_MODEL_FATAL;
	}
	*base = lvl == DPAMT_TDX_PS_2M ? promote_base(c->m, table) : UINT64_MAX;
	if (*base == UINT64_MAX || !tdmr_of(c->m, *base))
		return st_err(DPAMT_TDX_EPT_INVALID_PROMOTE_CONDITIONS,
			      DPAMT_TDX_OPERAND_ID_RCX);
	*e2 = pe_get(c->m, pe_addr_2m(tdmr_of(c->m, *base), *base));
	if (!*e2 || !pe_try_excl(c, *e2))
		return st_err(DPAMT_TDX_OPERAND_BUSY, DPAMT_TDX_OPERAND_ID_RCX);
	h = atomic_load_explicit(&(*e2)->hdr, memory_order_acquire);
	if (pe_type(h) !=
		    (c->m->dpamt ? DPAMT_TDX_PT_PAMT : DPAMT_TDX_PT_NDA) ||
	    pe_count(h) != PAGES_PER_2M) {
		model_fatal(c->m,
			    "promote of 0x%llx: 2M entry type %u count %u",
			    (unsigned long long)*base, pe_type(h), pe_count(h));
		return DPAMT_TDX_MODEL_FATAL;
	}
	return 0;
}

uint64_t leaf_page_promote(struct call *c)
{
	const struct dpamt_tdx_regs *r = c->r;
	struct pamt_entry *e2;
	_Atomic uint64_t *tdw;
	struct sept_pos l1;
	struct walk4k tw;
	uint64_t st, base = 0, table;
	bool hint;

	if ((st = td_ready(c, OPS_BUILT, &tdw)) ||
	    (st = rcx_huge_check(r->rcx)) ||
	    (st = promote_prepare(c, tdw, &l1, &base, &e2, &tw)))
		return st;
	if (!promote_entries_ok(c, base, atomic_load_explicit(
				&e2->ref, memory_order_relaxed), r->rdx))
		return DPAMT_TDX_MODEL_FATAL;
	if ((st = promote_commit(c, base, e2)))
		return st;
	table = l1.val & SE_PA_MASK;
	se_set(c->m, &l1.target, base | SE_PRESENT | SE_LEAF);
	atomic_fetch_sub_explicit(&tdw[TDW_CHILDREN], PAGES_PER_2M,
				  memory_order_acq_rel);
	hint = release_commit_4k(c, table, &tw);
	mem_drop(c->m, table);
	/* tdh_mem_page_promote.c: RCX = the freed S-EPT page | hint, RDX
	 * stays 0 (cleared at entry). */
	c->o->rcx = table | (hint ? DPAMT_TDX_PAMT_REMOVAL_HINT : 0);
	return DPAMT_TDX_SUCCESS;
}
