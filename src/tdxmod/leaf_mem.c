/*
 * leaf_mem.c - the Secure EPT and private pages: MEM.SEPT.ADD/REMOVE,
 * MEM.PAGE.AUG/ADD/REMOVE and MEM.RANGE.BLOCK.
 *
 * S-EPT entries (8-byte values, layout in model.h) live in the S-EPT
 * pages' storage (a level-0 table's compact: sept_table.c); the root table (level-3 entries, 4-level EPT, 48-bit GPA) is
 * the TD's first TDCS page.  Entry level follows the module's numbering:
 * level 0 maps 4K pages, 1 maps 2M pages or points to a table of level-0
 * entries, and so on.  A leaf that changes the level-L entry holds the
 * level-(L+1) entry above it shared and the target entry exclusive; both
 * are try-locks answering OPERAND_BUSY|SEPT.  Walk failures answer
 * EPT_WALK_FAILED|RCX, a target in the wrong state
 * EPT_ENTRY_STATE_INCORRECT|RCX.
 */
#include "tdxmod/model.h"

static uint64_t gpa_check(uint64_t rcx, unsigned lo, unsigned hi)
{
	unsigned lvl = dpamt_tdx_operand_level(rcx);
	uint64_t gpa = rcx & ~0xFFFULL;

	if (lvl < lo || lvl > hi || (rcx & 0xFF8ULL) ||
	    (gpa & ((1ULL << (12 + 9 * lvl)) - 1)) || (gpa >> GPA_BITS))
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	return 0;
}

/* Walk for assigning a 2M TD page at pa: 1G shared, 2M exclusive, the
 * range free of pairs, of pair pages (bitmap) and of 4K pages. */
static uint64_t walk_assign_2m(struct call *c, uint64_t pa, uint32_t op,
			       struct pamt_entry **e2)
{
	struct tdxmod *m = c->m;
	struct tdmr *t = tdmr_of(m, pa);
	struct pamt_entry *e1 = pe_get(m, pe_addr_1g(t, pa));

	if (!e1 || !pe_hold_1g(c, e1))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	if (pe_type(atomic_load_explicit(&e1->hdr, memory_order_relaxed)))
		return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT, op);
	*e2 = pe_get(m, pe_addr_2m(t, pa));
	if (!*e2 || !pe_try_excl(c, *e2))
		return st_err(DPAMT_TDX_OPERAND_BUSY, op);
	if (pe_type(atomic_load_explicit(&(*e2)->hdr, memory_order_acquire)))
		return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT, op);
	if (m->dpamt && bitmap_any_in_2m(m, pa))
		return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT, op);
	if (!m->dpamt)
		for (unsigned i = 0; i < PAGES_PER_2M; i++)
			if (mem_load(m, pe_addr_4k(m, t,
						   pa + i * DPAMT_TDX_PAGE_SIZE,
						   0)))
				return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT,
					      op);
	return 0;
}

static void children_add(_Atomic uint64_t *tdw, int64_t d)
{
	atomic_fetch_add_explicit(&tdw[TDW_CHILDREN], (uint64_t)d,
				  memory_order_acq_rel);
}

/* TDH.MEM.SEPT.ADD: RCX = GPA|level (1..3), RDX = TDR, R8 = new page. */
uint64_t leaf_sept_add(struct call *c)
{
	const struct dpamt_tdx_regs *r = c->r;
	unsigned lvl = dpamt_tdx_operand_level(r->rcx);
	_Atomic uint64_t *tdw;
	struct walk4k w;
	struct sept_pos p;
	uint64_t st;

	if ((st = td_ready(c, OPS_BUILT, &tdw)) ||
	    (st = gpa_check(r->rcx, 1, 3)) ||
	    (st = sept_walk(c, tdw, r->rcx & ~0xFFFULL, lvl, &p)))
		return st;
	if (p.val & SE_PRESENT)
		return st_err(DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if ((st = hpa_check(c->m, r->r8, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_R8)) ||
	    (st = walk_assign_4k(c, r->r8, DPAMT_TDX_OPERAND_ID_R8, &w)))
		return st;
	/* a level-1 entry points to a table of level-0 entries: compact */
	if (lvl == DPAMT_TDX_PS_2M)
		sept_lt_make(c->m, r->r8);
	else
		mem_drop(c->m, r->r8);
	se_set(c->m, &p.target, r->r8 | SE_PRESENT);
	children_add(tdw, 1);
	assign_commit_4k(c, &w, DPAMT_TDX_PT_EPT, r->rdx);
	return DPAMT_TDX_SUCCESS;
}

/* A page mapped in the S-EPT must be tracked by PAMT as the TD's. */
static bool pamt_agrees(struct call *c, uint64_t hdr, uint64_t ref,
			unsigned type, uint64_t tdr, uint64_t pa)
{
	if (pe_type(hdr) == type && ref == tdr >> PAGE_SHIFT)
		return true;
	model_fatal(c->m, "S-EPT maps 0x%llx but its PAMT entry says type %u "
		    "owner 0x%llx", (unsigned long long)pa, pe_type(hdr),
		    (unsigned long long)(ref << PAGE_SHIFT));
	return false;
}

/* TDH.MEM.SEPT.REMOVE: RCX = GPA|level (1..3), RDX = TDR. */
uint64_t leaf_sept_remove(struct call *c)
{
	const struct dpamt_tdx_regs *r = c->r;
	_Atomic uint64_t *tdw;
	struct walk4k w;
	struct sept_pos p;
	uint64_t st, table;

	if ((st = td_ready(c, OPS_BUILT, &tdw)) ||
	    (st = gpa_check(r->rcx, 1, 3)) ||
	    (st = sept_walk(c, tdw, r->rcx & ~0xFFFULL,
			    dpamt_tdx_operand_level(r->rcx), &p)))
		return st;
	if (!(p.val & SE_PRESENT) || (p.val & SE_LEAF))
		return st_err(DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	table = p.val & SE_PA_MASK;
	if (!sept_pa_ok(c->m, table))
		return DPAMT_TDX_MODEL_FATAL;
	/* tdh_mem_sept_remove.c's order: the table page's PAMT entry, TLB
	 * tracking, then a child table that still maps something is
	 * EPT_PAGE_NOT_FREE. */
	if ((st = walk_leaf_4k(c, table, DPAMT_TDX_OPERAND_ID_RCX, &w)) ||
	    (st = tlb_tracked(c, tdw, p.val, w.e4)))
		return st;
	for (unsigned i = 0; i < 512; i++)
		if (sept_load(c->m, table, i))
			return st_err(DPAMT_TDX_EPT_PAGE_NOT_FREE,
				      DPAMT_TDX_OPERAND_ID_RCX);
	if (!pamt_agrees(c, atomic_load_explicit(&w.e4->hdr,
						 memory_order_acquire),
			 atomic_load_explicit(&w.e4->ref, memory_order_relaxed),
			 DPAMT_TDX_PT_EPT, r->rdx, table))
		return DPAMT_TDX_MODEL_FATAL;
	se_set(c->m, &p.target, 0);
	children_add(tdw, -1);
	mem_drop(c->m, table);
	/* tdh_mem_sept_remove.c: RCX = the removed S-EPT page | hint. */
	c->o->rcx = table | (release_commit_4k(c, table, &w)
				     ? DPAMT_TDX_PAMT_REMOVAL_HINT
				     : 0);
	return DPAMT_TDX_SUCCESS;
}

/* PAGE.ADD's source page: a shared host page anywhere (the module's
 * shared_hpa_check(): alignment, max PA and key-id bits only; it need not
 * lie in a TDMR).  Beyond simulated memory it reads as zeros. */
static uint64_t src_check(struct tdxmod *m, uint64_t r9)
{
	if ((r9 >> m->cfg.hkid_shift) || (r9 & (DPAMT_TDX_PAGE_SIZE - 1)))
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_R9);
	return 0;
}

/* Success of AUG/ADD: zero (or fill from src) the page(s), map, track. */
static void map_commit(struct call *c, unsigned lvl, uint64_t src,
		       _Atomic uint64_t *tdw, struct sept_pos *p,
		       struct walk4k *w, struct pamt_entry *e2)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;

	for (unsigned i = 0; i < (lvl ? PAGES_PER_2M : 1u); i++)
		mem_drop(m, r->r8 + i * DPAMT_TDX_PAGE_SIZE);
	if (src != UINT64_MAX) { /* PAGE.ADD: copy the source page */
		struct mem_page *s = mem_page_get(m, src, false), *d;

		if (s && (d = mem_page_get(m, r->r8, true)))
			for (unsigned i = 0; i < WORDS_PER_PAGE; i++)
				atomic_store_explicit(
					&d->w[i],
					atomic_load_explicit(
						&s->w[i], memory_order_relaxed),
					memory_order_relaxed);
	}
	se_set(m, &p->target, r->r8 | SE_PRESENT | SE_LEAF);
	children_add(tdw, 1);
	if (lvl) {
		atomic_store_explicit(&e2->ref, r->rdx >> PAGE_SHIFT,
				      memory_order_relaxed);
		pe_set_type(e2, DPAMT_TDX_PT_REG);
	} else {
		assign_commit_4k(c, w, DPAMT_TDX_PT_REG, r->rdx);
	}
}

/*
 * AUG and ADD, in the module's order: TDR and TD state (RDX), GPA (RCX),
 * S-EPT walk and entry state, for ADD the source (R9), then the target
 * page (R8: address, then its PAMT walk).
 */
static uint64_t map_page(struct call *c, unsigned hi_lvl, uint64_t src,
			 unsigned ops)
{
	const struct dpamt_tdx_regs *r = c->r;
	unsigned lvl = dpamt_tdx_operand_level(r->rcx);
	_Atomic uint64_t *tdw;
	struct walk4k w;
	struct pamt_entry *e2 = NULL;
	struct sept_pos p;
	uint64_t st;

	/* PAGE.ADD holds the TDR exclusive (it extends the measurement) */
	if ((st = (src != UINT64_MAX ? td_ready_excl(c, ops, &tdw)
				     : td_ready(c, ops, &tdw))) ||
	    (st = gpa_check(r->rcx, 0, hi_lvl)) ||
	    (st = sept_walk(c, tdw, r->rcx & ~0xFFFULL, lvl, &p)))
		return st;
	if (p.val & SE_PRESENT)
		return st_err(DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if ((src != UINT64_MAX && (st = src_check(c->m, src))) ||
	    (st = hpa_check(c->m, r->r8,
			    lvl ? DPAMT_TDX_2M_SIZE : DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_R8)))
		return st;
	st = lvl ? walk_assign_2m(c, r->r8, DPAMT_TDX_OPERAND_ID_R8, &e2)
		 : walk_assign_4k(c, r->r8, DPAMT_TDX_OPERAND_ID_R8, &w);
	if (st)
		return st;
	map_commit(c, lvl, src, tdw, &p, &w, e2);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.MEM.PAGE.AUG: RCX = GPA|level (0 or 1), RDX = TDR, R8 = page. */
uint64_t leaf_page_aug(struct call *c)
{
	return map_page(c, 1, UINT64_MAX, OPS_BUILT);
}

/* TDH.MEM.PAGE.ADD: RCX = GPA|0, RDX = TDR, R8 = page, R9 = source. */
uint64_t leaf_page_add(struct call *c)
{
	/* PAGE.ADD builds the initial image: before MR.FINALIZE only */
	return map_page(c, 0, c->r->r9, 1u << OP_INITIALIZED);
}

/* TDH.MEM.PAGE.REMOVE: RCX = GPA|level (0 or 1), RDX = TDR. */
uint64_t leaf_page_remove(struct call *c)
{
	const struct dpamt_tdx_regs *r = c->r;
	unsigned lvl = dpamt_tdx_operand_level(r->rcx);
	_Atomic uint64_t *tdw;
	struct walk4k w;
	struct sept_pos p;
	uint64_t st, pa;
	bool hint = false;

	if ((st = td_ready(c, OPS_BUILT, &tdw)) ||
	    (st = gpa_check(r->rcx, 0, 1)) ||
	    (st = sept_walk(c, tdw, r->rcx & ~0xFFFULL, lvl, &p)))
		return st;
	if (!(p.val & SE_PRESENT) || !(p.val & SE_LEAF))
		return st_err(DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	pa = p.val & SE_PA_MASK;
	if (!sept_pa_ok(c->m, pa))
		return DPAMT_TDX_MODEL_FATAL;
	if (lvl) {
		w.e2 = pe_get(c->m, pe_addr_2m(tdmr_of(c->m, pa), pa));
		if (!w.e2 || !pe_try_excl(c, w.e2))
			return st_err(DPAMT_TDX_OPERAND_BUSY,
				      DPAMT_TDX_OPERAND_ID_RCX);
		w.e4 = w.e2;
	} else if ((st = walk_leaf_4k(c, pa, DPAMT_TDX_OPERAND_ID_RCX, &w))) {
		return st;
	}
	if ((st = tlb_tracked(c, tdw, p.val, w.e4)))
		return st;
	if (!pamt_agrees(c, atomic_load_explicit(&w.e4->hdr,
						 memory_order_acquire),
			 atomic_load_explicit(&w.e4->ref, memory_order_relaxed),
			 DPAMT_TDX_PT_REG, r->rdx, pa))
		return DPAMT_TDX_MODEL_FATAL;
	se_set(c->m, &p.target, 0);
	children_add(tdw, -1);
	if (lvl) {
		atomic_store_explicit(&w.e2->ref, 0, memory_order_relaxed);
		pe_set_type(w.e2, DPAMT_TDX_PT_NDA);
	} else {
		hint = release_commit_4k(c, pa, &w);
	}
	/* tdh_mem_page_remove.c: RCX = the removed page's HPA | hint. */
	c->o->rcx = pa | (hint ? DPAMT_TDX_PAMT_REMOVAL_HINT : 0);
	return DPAMT_TDX_SUCCESS;
}

