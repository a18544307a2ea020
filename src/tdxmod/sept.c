/*
 * sept.c - walking a TD's Secure EPT, shared by the S-EPT and private-page
 * leaves (leaf_mem.c) and DEMOTE/PROMOTE (leaf_huge.c): reach the entry of
 * a GPA at a level with its parent locked shared and the entry exclusive.
 * Layout and levels: model.h and leaf_mem.c's header; the entries'
 * storage (plain pages above level 0, compact level-0 tables):
 * sept_table.c.  The tables a walk passes through are plain pages; a
 * compact table met there (the host rewrote an entry to point at one)
 * has no words: the walk goes fatal.
 */
#include "tdxmod/model.h"

static unsigned sept_idx(uint64_t gpa, unsigned lvl)
{
	return (unsigned)((gpa >> (12 + 9 * lvl)) & 511);
}

/*
 * Walk the TD's S-EPT to the level-lvl entry of gpa: the tree lock
 * (shared, exclusive for SEPT.REMOVE and RANGE.BLOCK as
 * tdh_mem_sept_remove.c and tdh_mem_range_block.c take it;
 * contention -> BUSY|SEPT, operand 0x92), then the entry's parent shared
 * and the entry exclusive (the module's host-side entry lock; contention
 * -> BUSY|RCX).
 */
uint64_t sept_walk(struct call *c, _Atomic uint64_t *tdw, uint64_t gpa,
		   unsigned lvl, struct sept_pos *p)
{
	struct tdxmod *m = c->m;
	uint64_t table = atomic_load_explicit(&tdw[TDW_TDCS0],
					      memory_order_acquire);
	_Atomic uint64_t *parent = NULL;
	uint64_t v;
	bool tree_ok = c->leaf == DPAMT_TDH_MEM_SEPT_REMOVE ||
				       c->leaf == DPAMT_TDH_MEM_RANGE_BLOCK
			       ? rw_try_excl(c, &tdw[TDW_SEPT_LOCK])
			       : rw_try_shared(c, &tdw[TDW_SEPT_LOCK]);

	if (!tree_ok)
		return st_err(DPAMT_TDX_OPERAND_BUSY,
			      DPAMT_TDX_OPERAND_ID_SEPT);

	for (unsigned l = 3; l > lvl; l--) {
		parent = mem_word(m, table + sept_idx(gpa, l) * 8, true);
		if (!parent)
			return DPAMT_TDX_MODEL_FATAL;
		v = atomic_load_explicit(parent, memory_order_acquire);
		if (!(v & SE_PRESENT) || (v & SE_LEAF))
			return st_err(DPAMT_TDX_EPT_WALK_FAILED,
				      DPAMT_TDX_OPERAND_ID_RCX);
		table = v & SE_PA_MASK;
		if (!sept_pa_ok(c->m, table))
			return DPAMT_TDX_MODEL_FATAL;
	}
	if (parent) {
		if (!se_try_shared(c, parent))
			return st_err(DPAMT_TDX_OPERAND_BUSY,
				      DPAMT_TDX_OPERAND_ID_RCX);
		v = atomic_load_explicit(parent, memory_order_acquire);
		if (!(v & SE_PRESENT) || (v & SE_LEAF) ||
		    (v & SE_PA_MASK) != table)
			return st_err(DPAMT_TDX_EPT_WALK_FAILED,
				      DPAMT_TDX_OPERAND_ID_RCX);
	}
	if (!se_ref_get(m, table, sept_idx(gpa, lvl), true, &p->target))
		return DPAMT_TDX_MODEL_FATAL;
	if (!se_ref_try_excl(c, &p->target))
		return st_err(DPAMT_TDX_OPERAND_BUSY, DPAMT_TDX_OPERAND_ID_RCX);
	p->val = se_load(&p->target);
	return 0;
}
