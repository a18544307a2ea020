/*
 * leaf_huge.c - TDH.MEM.PAGE.DEMOTE and TDH.MEM.PAGE.PROMOTE: a 2M TD
 * page split into 512 4K pages and back, with the range's pair moving in
 * and out.
 *
 * DEMOTE: RCX = GPA|1, RDX = TDR, R8 = new S-EPT page (level-0 table),
 * R12/R13 = the new pair, installed for the page's range with page_count
 * 512.  PROMOTE: RCX = GPA|1, RDX = TDR; the 512 4K mappings must be
 * contiguous and 2 MiB aligned; returns the freed S-EPT page in RDX (its
 * PAMT entry is freed: the host owns it again, no RECLAIM) and the pair in
 * R12/R13.  PROMOTE's removal hint refers to the freed S-EPT page's range.
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

static uint64_t lock_2m_page(struct call *c, uint64_t pa, uint64_t tdr,
			     struct pamt_entry **e2)
{
	uint64_t h;

	*e2 = pe_get(c->m, pe_addr_2m(tdmr_of(c->m, pa), pa));
	if (!*e2 || !pe_try_excl(c, *e2))
		return st_err(TDX_OPERAND_BUSY, TDX_OPERAND_ID_RCX);
	h = atomic_load_explicit(&(*e2)->hdr, memory_order_acquire);
	if (pe_type(h) != PT_REG ||
	    atomic_load_explicit(&(*e2)->ref, memory_order_relaxed) !=
		    tdr >> PAGE_SHIFT) {
		model_fatal(c->m, "S-EPT maps 2M page 0x%llx but PAMT says "
			    "type %u", (unsigned long long)pa, pe_type(h));
		return TDX_MODEL_FATAL;
	}
	return 0;
}

static uint64_t demote_pair(struct call *c, uint64_t p2m)
{
	const struct tdx_regs *r = c->r;
	uint64_t st;

	if ((r->r12 & ~(TDX_2M_SIZE - 1)) == p2m)
		return st_err(TDX_PAGE_NOT_FREE, TDX_OPERAND_ID_R12);
	if ((r->r13 & ~(TDX_2M_SIZE - 1)) == p2m)
		return st_err(TDX_PAGE_NOT_FREE, TDX_OPERAND_ID_R13);
	if ((st = pair_page_claim(c, r->r12, p2m, TDX_OPERAND_ID_R12)) ||
	    (st = pair_page_claim(c, r->r13, p2m, TDX_OPERAND_ID_R13)))
		return st;
	if (bitmap_test_and_set(c->m, r->r12))
		return st_err(TDX_PAGE_NOT_FREE, TDX_OPERAND_ID_R12);
	if (bitmap_test_and_set(c->m, r->r13)) {
		bitmap_clear(c->m, r->r12);
		return st_err(TDX_PAGE_NOT_FREE, TDX_OPERAND_ID_R13);
	}
	return 0;
}

static uint64_t demote_operands(struct call *c)
{
	const struct tdx_regs *r = c->r;
	uint64_t st;

	if (!c->m->dpamt)
		return 0;
	if ((st = hpa_check(c->m, r->r12, TDX_PAGE_SIZE, TDX_OPERAND_ID_R12)))
		return st;
	if (r->r12 == r->r8)
		return st_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_R12);
	if ((st = hpa_check(c->m, r->r13, TDX_PAGE_SIZE, TDX_OPERAND_ID_R13)))
		return st;
	if (r->r13 == r->r8)
		return st_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_R13);
	return 0;
}

/* Success of DEMOTE: write the new table, the 4K entries, the 2M entry. */
static void demote_commit(struct call *c, uint64_t p, struct pamt_entry *e2)
{
	struct tdxmod *m = c->m;
	const struct tdx_regs *r = c->r;
	struct tdmr *t = tdmr_of(m, p);
	uint64_t ref = 0;

	mem_drop(m, r->r8);
	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		_Atomic uint64_t *w = mem_word(m, r->r8 + i * 8, true);

		if (w)
			atomic_store_explicit(
				w,
				(p + i * TDX_PAGE_SIZE) | SE_PRESENT | SE_LEAF,
				memory_order_relaxed);
	}
	if (m->dpamt) {
		mem_drop(m, r->r12);
		mem_drop(m, r->r13);
		ref = (r->r12 >> PAGE_SHIFT) | ((r->r13 >> PAGE_SHIFT) << 32);
		stat_pairs_add(m, 1);
	}
	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		struct pamt_entry *e = pe_get(
			m, pe_addr_4k(m, t, p + i * TDX_PAGE_SIZE, ref));

		if (!e)
			continue;
		atomic_store_explicit(&e->ref, r->rdx >> PAGE_SHIFT,
				      memory_order_relaxed);
		atomic_store_explicit(&e->hdr,
				      (uint64_t)PT_REG << PE_TYPE_SHIFT,
				      memory_order_release);
	}
	e2_set(e2, m->dpamt ? PT_PAMT : PT_NDA, PAGES_PER_2M, ref);
}

/* DEMOTE's and PROMOTE's RCX: GPA|1, 2 MiB aligned, below 2^48. */
static uint64_t rcx_2m_check(uint64_t rcx)
{
	if (tdx_operand_level(rcx) != TDX_PS_2M || (rcx & 0x1FFFF8ULL) ||
	    (rcx >> GPA_BITS))
		return st_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RCX);
	return 0;
}

/* The TD of RDX, locked shared, must be initialised. */
static uint64_t td_running(struct call *c, _Atomic uint64_t **tdw)
{
	uint64_t st = td_lock(c, c->r->rdx, TDX_OPERAND_ID_RDX, false, tdw);

	if (st)
		return st;
	if (atomic_load_explicit(&(*tdw)[TDW_STATE], memory_order_acquire) !=
	    TD_INITIALIZED)
		return st_err(TDX_LIFECYCLE_STATE_INCORRECT,
			      TDX_OPERAND_ID_RDX);
	return 0;
}

/*
 * In the module's order: TDR and state, RCX, the level-1 S-EPT entry (a
 * 2M leaf), the new S-EPT page (R8), the new pair's addresses, the 2M
 * page's PAMT entry (exclusive), then the pair pages' walks and bitmap.
 */
uint64_t leaf_page_demote(struct call *c)
{
	const struct tdx_regs *r = c->r;
	_Atomic uint64_t *tdw;
	struct sept_pos l1;
	struct pamt_entry *e2;
	struct walk4k w;
	uint64_t st, val, p;

	if ((st = td_running(c, &tdw)) || (st = rcx_2m_check(r->rcx)) ||
	    (st = sept_walk(c, tdw, r->rcx & ~0xFFFULL, 1, &l1)))
		return st;
	val = l1.val;
	if (!(val & SE_PRESENT) || !(val & SE_LEAF))
		return st_err(TDX_EPT_ENTRY_STATE_INCORRECT,
			      TDX_OPERAND_ID_RCX);
	p = val & SE_PA_MASK;
	if (!sept_pa_ok(c->m, p))
		return TDX_MODEL_FATAL;
	if ((st = hpa_check(c->m, r->r8, TDX_PAGE_SIZE, TDX_OPERAND_ID_R8)) ||
	    (st = walk_assign_4k(c, r->r8, TDX_OPERAND_ID_R8, &w)) ||
	    (st = demote_operands(c)) ||
	    (st = lock_2m_page(c, p, r->rdx, &e2)) ||
	    (c->m->dpamt && (st = demote_pair(c, p))))
		return st;
	demote_commit(c, p, e2);
	se_set(l1.target, r->r8 | SE_PRESENT);
	atomic_fetch_add_explicit(&tdw[TDW_CHILDREN], PAGES_PER_2M,
				  memory_order_acq_rel);
	assign_commit_4k(c, &w, PT_EPT, r->rdx);
	return TDX_SUCCESS;
}

/* PROMOTE: the level-0 table must map 512 contiguous pages from a 2 MiB
 * aligned base.  Returns the base or UINT64_MAX. */
static uint64_t promote_base(struct tdxmod *m, uint64_t table)
{
	uint64_t base = mem_load(m, table) & SE_PA_MASK;

	if (base & (TDX_2M_SIZE - 1))
		return UINT64_MAX;
	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		uint64_t v = mem_load(m, table + i * 8);

		if (!(v & SE_PRESENT) || !(v & SE_LEAF) ||
		    (v & SE_PA_MASK) != base + i * TDX_PAGE_SIZE)
			return UINT64_MAX;
	}
	return base;
}

/* Lock the 512 4K entries of a range exclusively, outside the call's lock
 * stack (they may live in a pair that PROMOTE gives back).  On failure
 * unlock what was taken. */
static uint64_t lock_512(struct call *c, uint64_t base, uint64_t ref,
			 uint64_t tdr, struct pamt_entry **ents)
{
	struct tdxmod *m = c->m;
	struct tdmr *t = tdmr_of(m, base);
	unsigned i;
	uint64_t st = 0;

	for (i = 0; i < PAGES_PER_2M; i++) {
		uint64_t v;

		ents[i] = pe_get(m, pe_addr_4k(m, t, base + i * TDX_PAGE_SIZE,
					       ref));
		v = ents[i] ? atomic_load_explicit(&ents[i]->hdr,
						   memory_order_relaxed) : 0;
		if (!ents[i] || inject_busy(c) || (v & PE_LOCKMASK) ||
		    !atomic_compare_exchange_strong_explicit(
			    &ents[i]->hdr, &v, v | PE_EXCL,
			    memory_order_acquire, memory_order_relaxed)) {
			st = st_err(TDX_OPERAND_BUSY, TDX_OPERAND_ID_RCX);
			break;
		}
		if (pe_type(v) != PT_REG ||
		    atomic_load_explicit(&ents[i]->ref, memory_order_relaxed) !=
			    tdr >> PAGE_SHIFT) {
			model_fatal(m, "S-EPT maps 0x%llx at 4K but PAMT says "
				    "type %u", (unsigned long long)(base +
				    i * TDX_PAGE_SIZE), pe_type(v));
			st = TDX_MODEL_FATAL;
			i++;
			break;
		}
	}
	if (st)
		while (i--)
			atomic_fetch_and_explicit(&ents[i]->hdr, ~PE_EXCL,
						  memory_order_release);
	return st;
}

static uint64_t promote_commit(struct call *c, uint64_t base,
			       struct pamt_entry *e2, struct pamt_entry **ents)
{
	struct tdxmod *m = c->m;
	uint64_t ref = atomic_load_explicit(&e2->ref, memory_order_relaxed);
	uint64_t p0 = (ref & 0xFFFFFFFFULL) << PAGE_SHIFT;
	uint64_t p1 = (ref >> 32) << PAGE_SHIFT;

	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		atomic_store_explicit(&ents[i]->ref, 0, memory_order_relaxed);
		atomic_store_explicit(&ents[i]->hdr, 0, memory_order_release);
	}
	e2_set(e2, PT_REG, 0, c->r->rdx >> PAGE_SHIFT);
	if (!m->dpamt) {
		c->o->r12 = c->o->r13 = 0;
		return 0;
	}
	if (!bitmap_test(m, p0) || !bitmap_test(m, p1)) {
		model_fatal(m, "pair of 0x%llx not in the bitmap",
			    (unsigned long long)base);
		return TDX_MODEL_FATAL;
	}
	bitmap_clear(m, p0);
	bitmap_clear(m, p1);
	mem_drop(m, p0);
	mem_drop(m, p1);
	stat_pairs_add(m, -1);
	c->o->r12 = p0;
	c->o->r13 = p1;
	return 0;
}

/* PROMOTE's checks up to the 512 4K entries: the level-1 table, its 512
 * mappings, the 2M entry (exclusive) and the table page (exclusive). */
static uint64_t promote_prepare(struct call *c, _Atomic uint64_t *tdw,
				_Atomic uint64_t **target, uint64_t *base,
				uint64_t *tablep, struct pamt_entry **e2,
				struct walk4k *tw)
{
	uint64_t st, val, table, h;
	struct sept_pos l1;

	if ((st = sept_walk(c, tdw, c->r->rcx & ~0xFFFULL, 1, &l1)))
		return st;
	*target = l1.target;
	val = l1.val;
	if (!(val & SE_PRESENT) || (val & SE_LEAF))
		return st_err(TDX_EPT_ENTRY_STATE_INCORRECT,
			      TDX_OPERAND_ID_RCX);
	table = val & SE_PA_MASK;
	if (!sept_pa_ok(c->m, table))
		return TDX_MODEL_FATAL;
	*base = promote_base(c->m, table);
	if (*base == UINT64_MAX || !tdmr_of(c->m, *base))
		return st_err(TDX_EPT_ENTRY_STATE_INCORRECT,
			      TDX_OPERAND_ID_RCX);
	*e2 = pe_get(c->m, pe_addr_2m(tdmr_of(c->m, *base), *base));
	if (!*e2 || !pe_try_excl(c, *e2))
		return st_err(TDX_OPERAND_BUSY, TDX_OPERAND_ID_RCX);
	h = atomic_load_explicit(&(*e2)->hdr, memory_order_acquire);
	if (pe_type(h) != (c->m->dpamt ? PT_PAMT : PT_NDA) ||
	    pe_count(h) != PAGES_PER_2M) {
		model_fatal(c->m,
			    "promote of 0x%llx: 2M entry type %u count %u",
			    (unsigned long long)*base, pe_type(h), pe_count(h));
		return TDX_MODEL_FATAL;
	}
	if ((st = walk_leaf_4k(c, table, TDX_OPERAND_ID_RCX, tw)))
		return st;
	if (pe_type(atomic_load_explicit(&tw->e4->hdr, memory_order_acquire)) !=
	    PT_EPT) {
		model_fatal(c->m, "S-EPT table 0x%llx not of type EPT",
			    (unsigned long long)table);
		return TDX_MODEL_FATAL;
	}
	*tablep = table;
	return 0;
}

uint64_t leaf_page_promote(struct call *c)
{
	const struct tdx_regs *r = c->r;
	struct pamt_entry *ents[PAGES_PER_2M], *e2;
	_Atomic uint64_t *tdw, *target;
	struct walk4k tw;
	uint64_t st, base = 0, tdr = r->rdx, table = 0;
	bool hint;

	if ((st = td_running(c, &tdw)) || (st = rcx_2m_check(r->rcx)) ||
	    (st = promote_prepare(c, tdw, &target, &base, &table, &e2, &tw)) ||
	    (st = lock_512(c, base, atomic_load_explicit(
				&e2->ref, memory_order_relaxed), tdr, ents)) ||
	    (st = promote_commit(c, base, e2, ents)))
		return st;
	se_set(target, base | SE_PRESENT | SE_LEAF);
	atomic_fetch_sub_explicit(&tdw[TDW_CHILDREN], PAGES_PER_2M,
				  memory_order_acq_rel);
	hint = release_commit_4k(c, table, &tw);
	mem_drop(c->m, table);
	/* tdh_mem_page_promote.c: RCX = the freed S-EPT page | hint, RDX
	 * stays 0 (cleared at entry). */
	c->o->rcx = table | (hint ? TDX_PAMT_REMOVAL_HINT : 0);
	return TDX_SUCCESS;
}
