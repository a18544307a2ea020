/*
 * td_access.c - reaching a TD's control structures the way the module's
 * helpers do (helpers.c): an explicit TDR/TDVPR operand through a full
 * PAMT walk, an implicit TDR (a page's owner) through its 4K entry only,
 * the TD state checks every TD leaf starts with, and the key ownership
 * table's try-lock.
 *
 * Concurrency: every lock is a try-lock recorded in the call context and
 * released on the leaf's single exit path; nothing here waits.
 */
#include "tdxmod/model.h"

_Atomic uint64_t *page_words(struct tdxmod *m, uint64_t pa)
{
	struct mem_page *pg = mem_page_get(m, pa, true);

	if (!pg) {
		model_fatal(m, "no storage for control page 0x%llx",
			    (unsigned long long)pa);
		return NULL;
	}
	return pg->w;
}

/*
 * An explicit operand page of type want (the module's
 * check_and_lock_explicit_4k_private_hpa()): address checks with op, a
 * PAMT walk with the 4K entry shared or exclusive (BUSY|op), a walk that
 * stops above 4K or a page of another type -> PAGE_METADATA_INCORRECT|op.
 */
uint64_t explicit_page_lock(struct call *c, uint64_t pa, uint32_t op,
			    bool excl, unsigned want, struct pwalk *w)
{
	uint64_t st;

	if ((st = hpa_check(c->m, pa, DPAMT_TDX_PAGE_SIZE, op)) ||
	    (st = pamt_walk(c, pa, DPAMT_TDX_PS_4K, excl, op, w)))
		return st;
	if (w->level != DPAMT_TDX_PS_4K ||
	    pe_type(atomic_load_explicit(&w->leaf->hdr,
					 memory_order_acquire)) != want)
		return st_err(DPAMT_TDX_PAGE_METADATA_INCORRECT, op);
	return 0;
}

/*
 * An implicit TDR (the owner recorded in a page's PAMT entry): only its
 * 4K entry is locked (the module's lock_and_map_implicit_tdr()), BUSY|TDR
 * on contention.  The owner field was written by the model, so a page
 * that is not a TDR means corrupted metadata: fatal.
 */
static uint64_t implicit_tdr_lock(struct call *c, uint64_t tdr, bool excl)
{
	struct tdxmod *m = c->m;
	struct tdmr *t = tdmr_of(m, tdr);
	struct pamt_entry *e2, *e4;
	uint64_t ref;
	bool ok;

	if (!t || (e2 = pe_get(m, pe_addr_2m(t, tdr))) == NULL) {
		model_fatal(m, "owner 0x%llx of a page is in no TDMR",
			    (unsigned long long)tdr);
		return DPAMT_TDX_MODEL_FATAL;
	}
	ref = atomic_load_explicit(&e2->ref, memory_order_acquire);
	e4 = pe_get(m, pe_addr_4k(m, t, tdr, ref));
	ok = e4 && (excl ? pe_try_excl(c, e4) : pe_try_shared(c, e4));
	if (!ok)
		return st_err(DPAMT_TDX_OPERAND_BUSY, DPAMT_TDX_OPERAND_ID_TDR);
	if (pe_type(atomic_load_explicit(&e4->hdr, memory_order_acquire)) !=
	    DPAMT_TDX_PT_TDR) {
		model_fatal(m, "owner 0x%llx of a page is not a TDR",
			    (unsigned long long)tdr);
		return DPAMT_TDX_MODEL_FATAL;
	}
	return 0;
}

/* Lock a TDR (explicit operand op, or implicit when op is TDR) shared or
 * exclusive; *tdw = its state words. */
uint64_t td_lock(struct call *c, uint64_t tdr, uint32_t op, bool excl,
		 _Atomic uint64_t **tdw)
{
	struct pwalk w;
	uint64_t st = op == DPAMT_TDX_OPERAND_ID_TDR
			      ? implicit_tdr_lock(c, tdr, excl)
			      : explicit_page_lock(c, tdr, op, excl,
						   DPAMT_TDX_PT_TDR, &w);

	if (st)
		return st;
	*tdw = page_words(c->m, tdr);
	return *tdw ? 0 : DPAMT_TDX_MODEL_FATAL;
}

uint64_t td_word(_Atomic uint64_t *tdw, unsigned i)
{
	return atomic_load_explicit(&tdw[i], memory_order_acquire);
}

/*
 * The module's check_state_map_tdcs_and_lock(): keys configured (else
 * TD_KEYS_NOT_CONFIGURED, e.g. after VPFLUSHDONE), enough TDCS pages
 * (TDCS_NOT_ALLOCATED), then the OP_STATE must be one of ops (bit per
 * enum td_op), else OP_STATE_INCORRECT with the OP_STATE as the low bits.
 */
uint64_t td_state_check(struct call *c, _Atomic uint64_t *tdw, unsigned ops)
{
	uint64_t op;

	if (td_word(tdw, TDW_LIFE) != TD_KEYS_CONFIGURED)
		return DPAMT_TDX_TD_KEYS_NOT_CONFIGURED;
	if (td_word(tdw, TDW_NTDCS) < c->m->cfg.num_tdcs_pages)
		return DPAMT_TDX_TDCS_NOT_ALLOCATED;
	op = td_word(tdw, TDW_OP);
	if (op >= 32 || !(ops & (1u << op)))
		return st_err(DPAMT_TDX_OP_STATE_INCORRECT, (uint32_t)op);
	return 0;
}

/* The explicit TDR in RDX locked shared, its TD in one of the OP_STATEs
 * ops (the memory leaves' common start). */
uint64_t td_ready(struct call *c, unsigned ops, _Atomic uint64_t **tdw)
{
	uint64_t st =
		td_lock(c, c->r->rdx, DPAMT_TDX_OPERAND_ID_RDX, false, tdw);

	return st ? st : td_state_check(c, *tdw, ops);
}

/* The same with the TDR exclusive (PAGE.ADD). */
uint64_t td_ready_excl(struct call *c, unsigned ops, _Atomic uint64_t **tdw)
{
	uint64_t st =
		td_lock(c, c->r->rdx, DPAMT_TDX_OPERAND_ID_RDX, true, tdw);

	return st ? st : td_state_check(c, *tdw, ops);
}

/* The key ownership table's lock, exclusive; BUSY|KOT on contention. */
uint64_t kot_lock(struct call *c)
{
	return word_try_excl(c, &c->m->kot_lock)
		       ? 0
		       : st_err(DPAMT_TDX_OPERAND_BUSY,
				DPAMT_TDX_OPERAND_ID_KOT);
}
