/*
 * leaf_reclaim.c - TDH.PHYMEM.PAGE.RECLAIM, as the module's
 * tdh_phymem_page_reclaim.c: giving a page of a torn-down TD back to the
 * host.
 *
 * RCX = page.  Out: RCX page type, RDX owner TDR PA (0 for a TDR, whose
 * PAMT owner is 0), R8 level; R9 gets the removal hint (bit 62) when a 4K
 * page was the last of its 2 MiB range.  RCX..R11 are cleared at entry;
 * RCX/RDX/R8 are written as soon as the page's entry is known, so the
 * later errors (alignment, TD state) return them too, as in the module.
 */
#include "tdxmod/model.h"

/* The page's owner TD (or the TDR itself) must be in teardown. */
static uint64_t reclaim_td_check(struct call *c, unsigned type, uint64_t pa,
				 uint64_t owner, _Atomic uint64_t **tdw)
{
	uint64_t st;

	if (type == DPAMT_TDX_PT_TDR) {
		if (!(*tdw = page_words(c->m, pa)))
			return DPAMT_TDX_MODEL_FATAL;
		if (td_word(*tdw, TDW_LIFE) != TD_TEARDOWN)
			return DPAMT_TDX_LIFECYCLE_STATE_INCORRECT;
		if (td_word(*tdw, TDW_CHILDREN))
			return DPAMT_TDX_TD_ASSOCIATED_PAGES_EXIST;
		return 0;
	}
	if ((st = td_lock(c, owner, DPAMT_TDX_OPERAND_ID_TDR, false, tdw)))
		return st;
	if (td_word(*tdw, TDW_LIFE) != TD_TEARDOWN)
		return DPAMT_TDX_LIFECYCLE_STATE_INCORRECT;
	return 0;
}

uint64_t leaf_page_reclaim(struct call *c)
{
	struct tdxmod *m = c->m;
	uint64_t pa = c->r->rcx, st, owner;
	_Atomic uint64_t *tdw;
	struct pwalk w;
	unsigned type;

	if ((st = hpa_check(m, pa, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_RCX)) ||
	    (st = pamt_walk(c, pa, DPAMT_TDX_PS_4K, true,
			    DPAMT_TDX_OPERAND_ID_RCX, &w)))
		return st;
	type = pe_type(atomic_load_explicit(&w.leaf->hdr,
					    memory_order_acquire));
	if (type == DPAMT_TDX_PT_NDA || type == DPAMT_TDX_PT_RSVD ||
	    type == DPAMT_TDX_PT_PAMT)
		return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	owner = atomic_load_explicit(&w.leaf->ref, memory_order_relaxed)
		<< PAGE_SHIFT;
	c->o->rcx = type;
	c->o->rdx = owner;
	c->o->r8 = w.level;
	if (w.level != DPAMT_TDX_PS_4K &&
	    (pa & ((DPAMT_TDX_PAGE_SIZE << (9 * w.level)) - 1)))
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if ((st = reclaim_td_check(c, type, pa, owner, &tdw)))
		return st;
	if (type != DPAMT_TDX_PT_TDR)
		atomic_fetch_sub_explicit(&tdw[TDW_CHILDREN], 1,
					  memory_order_acq_rel);
	if (w.level != DPAMT_TDX_PS_4K) {
		atomic_store_explicit(&w.leaf->ref, 0, memory_order_relaxed);
		pe_set_type(w.leaf, DPAMT_TDX_PT_NDA);
		return DPAMT_TDX_SUCCESS;
	}
	if (release_commit_4k(c, pa, &(struct walk4k){w.e2, w.e4}))
		c->o->r9 |= DPAMT_TDX_PAMT_REMOVAL_HINT;
	return DPAMT_TDX_SUCCESS;
}
