/*
 * tlb.c - TLB tracking, as the module does it for a runnable TD:
 * MEM.RANGE.BLOCK blocks an S-EPT entry and writes the TD's epoch into
 * the PAMT entry of the page it maps (BEPOCH; for a table entry, the
 * S-EPT page's entry); MEM.TRACK advances the epoch (leaf_td.c); once the
 * TD is runnable (MR.FINALIZE), PAGE.REMOVE, SEPT.REMOVE, DEMOTE and
 * PROMOTE need their entry blocked (GPA_RANGE_NOT_BLOCKED|RCX) and a
 * TRACK since (TLB_TRACKING_NOT_DONE|RCX) (tdh_mem_range_block.c,
 * is_tlb_and_iotlb_tracked() in tdh_mem_page_remove.c and the others).
 * The model has no running vCPUs, so a TRACK completes at once.
 */
#include "tdxmod/model.h"

/* Write epoch's low bits into e's BEPOCH, keeping every other bit (the
 * module writes it without the entry's lock). */
void pe_set_epoch(struct pamt_entry *e, uint64_t epoch)
{
	uint64_t v = atomic_load_explicit(&e->hdr, memory_order_relaxed);

	while (!atomic_compare_exchange_weak_explicit(
		&e->hdr, &v,
		(v & ~PE_EPOCH_MASK) |
			((epoch << PE_EPOCH_SHIFT) & PE_EPOCH_MASK),
		memory_order_release, memory_order_relaxed))
		;
}

/* 0 when the removal leaf may go on: the TD is not runnable yet, or the
 * entry (value septe) is blocked and a TRACK ran since its BLOCK (the
 * epoch moved past the BEPOCH in e, compared modulo 2^22). */
uint64_t tlb_tracked(struct call *c, _Atomic uint64_t *tdw, uint64_t septe,
		     const struct pamt_entry *e)
{
	uint64_t be, now;

	if (td_word(tdw, TDW_OP) != OP_RUNNABLE)
		return 0;
	if (!(septe & SE_BLOCKED))
		return st_err(DPAMT_TDX_GPA_RANGE_NOT_BLOCKED,
			      DPAMT_TDX_OPERAND_ID_RCX);
	be = (atomic_load_explicit(&e->hdr, memory_order_acquire) &
	      PE_EPOCH_MASK) >> PE_EPOCH_SHIFT;
	now = td_word(tdw, TDW_EPOCH);
	if (((now - be) & (PE_EPOCH_MASK >> PE_EPOCH_SHIFT)) == 0)
		return st_err(DPAMT_TDX_TLB_TRACKING_NOT_DONE,
			      DPAMT_TDX_OPERAND_ID_RCX);
	return 0;
}

/* The PAMT entry that holds the BEPOCH of an S-EPT entry's page: the
 * mapped page's (4K or 2M) for a leaf, the table page's 4K for a table. */
static struct pamt_entry *blocked_entry(struct tdxmod *m, uint64_t septe,
					unsigned lvl)
{
	uint64_t pa = septe & SE_PA_MASK;
	struct tdmr *t = tdmr_of(m, pa);
	uint64_t ref;

	if (!t)
		return NULL;
	if ((septe & SE_LEAF) && lvl == DPAMT_TDX_PS_2M)
		return pe_get(m, pe_addr_2m(t, pa));
	ref = mem_load(m, pe_addr_2m(t, pa) + 8);
	return pe_get(m, pe_addr_4k(m, t, pa, ref));
}

/*
 * TDH.MEM.RANGE.BLOCK: RCX = GPA|level (0..3), RDX = TDR.  The tree lock
 * exclusive; an entry not present -> EPT_ENTRY_STATE_INCORRECT|RCX,
 * already blocked -> GPA_RANGE_ALREADY_BLOCKED|RCX (not an error); then
 * blocked, and the TD's epoch sampled into the page's BEPOCH.
 */
uint64_t leaf_range_block(struct call *c)
{
	const struct dpamt_tdx_regs *r = c->r;
	unsigned lvl = dpamt_tdx_operand_level(r->rcx);
	_Atomic uint64_t *tdw;
	struct pamt_entry *e;
	struct sept_pos p;
	uint64_t st;

	if ((st = td_ready(c, OPS_BUILT, &tdw)))
		return st;
	if (lvl > 3 || (r->rcx & 0xFF8ULL) ||
	    ((r->rcx & ~0xFFFULL) & ((1ULL << (12 + 9 * lvl)) - 1)) ||
	    (r->rcx >> GPA_BITS))
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if ((st = sept_walk(c, tdw, r->rcx & ~0xFFFULL, lvl, &p)))
		return st;
	if (!(p.val & SE_PRESENT))
		return st_err(DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if (p.val & SE_BLOCKED)
		return st_err(DPAMT_TDX_GPA_RANGE_ALREADY_BLOCKED,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if (!sept_pa_ok(c->m, p.val & SE_PA_MASK) ||
	    !(e = blocked_entry(c->m, p.val, lvl)))
		return DPAMT_TDX_MODEL_FATAL;
	se_set(c->m, &p.target, p.val | SE_BLOCKED);
	pe_set_epoch(e, td_word(tdw, TDW_EPOCH));
	return DPAMT_TDX_SUCCESS;
}
