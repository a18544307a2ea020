/*
 * leaf_td.c - TD and vCPU life: MNG.CREATE/ADDCX/INIT, VP.CREATE/ADDCX/
 * INIT, MNG.VPFLUSHDONE, MNG.KEY.FREEID, MEM.TRACK and PHYMEM.PAGE.RECLAIM.
 *
 * TD state lives in the TDR page's storage and vCPU state in the TDVPR
 * page's (enum td_word / vp_word).  A TDR operand is locked through its
 * 4K PAMT entry: shared by leaves that add to or read the TD, exclusive by
 * those that change its life-cycle state.  Page-assigning leaves walk the
 * new page's PAMT (walk_assign_4k) after the TD checks.
 */
#include "tdxmod/model.h"

/*
 * Lock the 4K entry of a page already in module use, of type want:
 * hpa errors with op, BUSY with busy_op, a page not of type want ->
 * OPERAND_PAGE_METADATA_INCORRECT|op.
 */
static uint64_t page_lock(struct call *c, uint64_t pa, uint32_t op,
			  uint32_t busy_op, bool excl, unsigned want,
			  struct walk4k *w)
{
	struct tdxmod *m = c->m;
	struct tdmr *t;
	uint64_t st, h2, ref;
	bool ok;

	if ((st = hpa_check(m, pa, TDX_PAGE_SIZE, op)))
		return st;
	t = tdmr_of(m, pa);
	w->e2 = pe_get(m, pe_addr_2m(t, pa));
	if (!w->e2)
		return st_err(TDX_OPERAND_BUSY, busy_op);
	h2 = atomic_load_explicit(&w->e2->hdr, memory_order_acquire);
	ref = atomic_load_explicit(&w->e2->ref, memory_order_acquire);
	if (pe_type(h2) != (m->dpamt ? PT_PAMT : PT_NDA))
		return st_err(TDX_PAGE_NOT_OWNED_BY_TD, op);
	w->e4 = pe_get(m, pe_addr_4k(m, t, pa, ref));
	ok = w->e4 && (excl ? pe_try_excl(c, w->e4) : pe_try_shared(c, w->e4));
	if (!ok || pe_type(atomic_load_explicit(&w->e2->hdr,
						memory_order_acquire)) !=
			   pe_type(h2) ||
	    atomic_load_explicit(&w->e2->ref, memory_order_acquire) != ref)
		return st_err(TDX_OPERAND_BUSY, busy_op);
	if (pe_type(atomic_load_explicit(&w->e4->hdr, memory_order_acquire)) !=
	    want)
		return st_err(TDX_PAGE_NOT_OWNED_BY_TD, op);
	return 0;
}

static _Atomic uint64_t *page_words(struct tdxmod *m, uint64_t pa)
{
	struct mem_page *pg = mem_page_get(m, pa, true);

	if (!pg) {
		model_fatal(m, "no storage for control page 0x%llx",
			    (unsigned long long)pa);
		return NULL;
	}
	return pg->w;
}

/* Lock a TDR operand (shared or exclusive); *tdw = its state words. */
uint64_t td_lock(struct call *c, uint64_t tdr, uint32_t op, bool excl,
		 _Atomic uint64_t **tdw)
{
	struct walk4k w;
	uint64_t st = page_lock(c, tdr, op, TDX_OPERAND_ID_TDR, excl, PT_TDR,
				&w);

	if (st)
		return st;
	*tdw = page_words(c->m, tdr);
	return *tdw ? 0 : TDX_MODEL_FATAL;
}

static uint64_t wload(_Atomic uint64_t *w, unsigned i)
{
	return atomic_load_explicit(&w[i], memory_order_acquire);
}

static void wstore(_Atomic uint64_t *w, unsigned i, uint64_t v)
{
	atomic_store_explicit(&w[i], v, memory_order_release);
}

static void wadd(_Atomic uint64_t *w, unsigned i, int64_t d)
{
	atomic_fetch_add_explicit(&w[i], (uint64_t)d, memory_order_acq_rel);
}

/* The TD must be in state want. */
static uint64_t td_state_is(_Atomic uint64_t *tdw, unsigned want,
			    uint32_t op)
{
	uint64_t s = wload(tdw, TDW_STATE);

	if (s == want)
		return 0;
	if (s == TD_CREATED && want == TD_INITIALIZED)
		return st_err(TDX_OP_STATE_INCORRECT, op);
	return st_err(TDX_LIFECYCLE_STATE_INCORRECT, op);
}

static bool hkid_claim(struct tdxmod *m, uint64_t hkid)
{
	uint64_t bit = 1ULL << (hkid % 64);

	return !(atomic_fetch_or_explicit(&m->hkid_used[hkid / 64], bit,
					  memory_order_acq_rel) & bit);
}

/* TDH.MNG.CREATE: RCX = TDR page, RDX = HKID. */
uint64_t leaf_mng_create(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct tdx_regs *r = c->r;
	struct walk4k w;
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = hpa_check(m, r->rcx, TDX_PAGE_SIZE, TDX_OPERAND_ID_RCX)))
		return st;
	if (r->rdx < m->cfg.hkid_min || r->rdx > m->cfg.hkid_max)
		return st_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RDX);
	if ((st = walk_assign_4k(c, r->rcx, TDX_OPERAND_ID_RCX, &w)))
		return st;
	if (!hkid_claim(m, r->rdx))
		return st_err(TDX_OPERAND_INVALID, TDX_OPERAND_ID_RDX);
	mem_drop(m, r->rcx);
	if (!(tdw = page_words(m, r->rcx)))
		return TDX_MODEL_FATAL;
	wstore(tdw, TDW_HKID, r->rdx);
	wstore(tdw, TDW_STATE, TD_CREATED);
	/* tdh_mng_create.c: the TDR's PAMT owner field is 0. */
	assign_commit_4k(c, &w, PT_TDR, 0);
	return TDX_SUCCESS;
}

/* TDH.MNG.ADDCX: RCX = TDCS page, RDX = TDR. */
uint64_t leaf_mng_addcx(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct tdx_regs *r = c->r;
	struct walk4k w;
	_Atomic uint64_t *tdw;
	uint64_t st, n;

	if ((st = hpa_check(m, r->rcx, TDX_PAGE_SIZE, TDX_OPERAND_ID_RCX)) ||
	    (st = td_lock(c, r->rdx, TDX_OPERAND_ID_RDX, true, &tdw)) ||
	    (st = td_state_is(tdw, TD_CREATED, TDX_OPERAND_ID_RDX)))
		return st;
	n = wload(tdw, TDW_NTDCS);
	if (n >= m->cfg.num_tdcs_pages)
		return st_err(TDX_LIFECYCLE_STATE_INCORRECT,
			      TDX_OPERAND_ID_RDX);
	if ((st = walk_assign_4k(c, r->rcx, TDX_OPERAND_ID_RCX, &w)))
		return st;
	mem_drop(m, r->rcx);
	wstore(tdw, TDW_TDCS0 + (unsigned)n, r->rcx);
	wstore(tdw, TDW_NTDCS, n + 1);
	wadd(tdw, TDW_CHILDREN, 1);
	assign_commit_4k(c, &w, PT_TDCX, r->rdx);
	return TDX_SUCCESS;
}

/* TDH.MNG.INIT: RCX = TDR (RDX = TD parameters, ignored). */
uint64_t leaf_mng_init(struct call *c)
{
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = td_lock(c, c->r->rcx, TDX_OPERAND_ID_RCX, true, &tdw)) ||
	    (st = td_state_is(tdw, TD_CREATED, TDX_OPERAND_ID_RCX)))
		return st;
	if (wload(tdw, TDW_NTDCS) != c->m->cfg.num_tdcs_pages)
		return st_err(TDX_LIFECYCLE_STATE_INCORRECT,
			      TDX_OPERAND_ID_RCX);
	wstore(tdw, TDW_STATE, TD_INITIALIZED);
	return TDX_SUCCESS;
}

/* TDH.VP.CREATE: RCX = TDVPR page, RDX = TDR. */
uint64_t leaf_vp_create(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct tdx_regs *r = c->r;
	struct walk4k w;
	_Atomic uint64_t *tdw, *vpw;
	uint64_t st;

	if ((st = hpa_check(m, r->rcx, TDX_PAGE_SIZE, TDX_OPERAND_ID_RCX)) ||
	    (st = td_lock(c, r->rdx, TDX_OPERAND_ID_RDX, false, &tdw)) ||
	    (st = td_state_is(tdw, TD_INITIALIZED, TDX_OPERAND_ID_RDX)) ||
	    (st = walk_assign_4k(c, r->rcx, TDX_OPERAND_ID_RCX, &w)))
		return st;
	mem_drop(m, r->rcx);
	if (!(vpw = page_words(m, r->rcx)))
		return TDX_MODEL_FATAL;
	wstore(vpw, VPW_TDR, r->rdx);
	wstore(vpw, VPW_STATE, VP_CREATED);
	wadd(tdw, TDW_CHILDREN, 1);
	wadd(tdw, TDW_NVCPU, 1);
	assign_commit_4k(c, &w, PT_TDVPR, r->rdx);
	return TDX_SUCCESS;
}

/* TDH.VP.ADDCX: RCX = TDCX page, RDX = TDVPR. */
uint64_t leaf_vp_addcx(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct tdx_regs *r = c->r;
	struct walk4k w, vw;
	_Atomic uint64_t *tdw, *vpw;
	uint64_t st, n, tdr;

	if ((st = hpa_check(m, r->rcx, TDX_PAGE_SIZE, TDX_OPERAND_ID_RCX)) ||
	    (st = page_lock(c, r->rdx, TDX_OPERAND_ID_RDX, TDX_OPERAND_ID_TDVPR,
			    true, PT_TDVPR, &vw)))
		return st;
	if (!(vpw = page_words(m, r->rdx)))
		return TDX_MODEL_FATAL;
	n = wload(vpw, VPW_NTDCX);
	if (wload(vpw, VPW_STATE) != VP_CREATED || n >= m->cfg.num_tdcx_pages)
		return st_err(TDX_LIFECYCLE_STATE_INCORRECT,
			      TDX_OPERAND_ID_RDX);
	tdr = atomic_load_explicit(&vw.e4->ref, memory_order_relaxed)
	      << PAGE_SHIFT;
	if ((st = td_lock(c, tdr, TDX_OPERAND_ID_TDR, false, &tdw)) ||
	    (st = td_state_is(tdw, TD_INITIALIZED, TDX_OPERAND_ID_TDR)) ||
	    (st = walk_assign_4k(c, r->rcx, TDX_OPERAND_ID_RCX, &w)))
		return st;
	mem_drop(m, r->rcx);
	wstore(vpw, VPW_TDCX0 + (unsigned)n, r->rcx);
	wstore(vpw, VPW_NTDCX, n + 1);
	wadd(tdw, TDW_CHILDREN, 1);
	assign_commit_4k(c, &w, PT_TDCX, tdr);
	return TDX_SUCCESS;
}

/* TDH.VP.INIT: RCX = TDVPR (RDX = initial RCX of the vCPU, ignored). */
uint64_t leaf_vp_init(struct call *c)
{
	struct walk4k vw;
	_Atomic uint64_t *vpw;
	uint64_t st;

	if ((st = page_lock(c, c->r->rcx, TDX_OPERAND_ID_RCX,
			    TDX_OPERAND_ID_TDVPR, true, PT_TDVPR, &vw)))
		return st;
	if (!(vpw = page_words(c->m, c->r->rcx)))
		return TDX_MODEL_FATAL;
	if (wload(vpw, VPW_STATE) != VP_CREATED ||
	    wload(vpw, VPW_NTDCX) != c->m->cfg.num_tdcx_pages)
		return st_err(TDX_LIFECYCLE_STATE_INCORRECT,
			      TDX_OPERAND_ID_RCX);
	wstore(vpw, VPW_STATE, VP_INITIALIZED);
	return TDX_SUCCESS;
}

/* TDH.MNG.VPFLUSHDONE: RCX = TDR. */
uint64_t leaf_mng_vpflushdone(struct call *c)
{
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = td_lock(c, c->r->rcx, TDX_OPERAND_ID_RCX, true, &tdw)))
		return st;
	if (wload(tdw, TDW_STATE) == TD_TEARDOWN)
		return st_err(TDX_LIFECYCLE_STATE_INCORRECT,
			      TDX_OPERAND_ID_RCX);
	wstore(tdw, TDW_FLUSHED, 1);
	return TDX_SUCCESS;
}

/* TDH.MNG.KEY.FREEID: RCX = TDR; the TD enters teardown. */
uint64_t leaf_mng_key_freeid(struct call *c)
{
	struct tdxmod *m = c->m;
	_Atomic uint64_t *tdw;
	uint64_t st, hkid;

	if ((st = td_lock(c, c->r->rcx, TDX_OPERAND_ID_RCX, true, &tdw)))
		return st;
	if (wload(tdw, TDW_STATE) == TD_TEARDOWN || !wload(tdw, TDW_FLUSHED))
		return st_err(TDX_LIFECYCLE_STATE_INCORRECT,
			      TDX_OPERAND_ID_RCX);
	hkid = wload(tdw, TDW_HKID);
	if (hkid <= m->cfg.hkid_max)
		atomic_fetch_and_explicit(&m->hkid_used[hkid / 64],
					  ~(1ULL << (hkid % 64)),
					  memory_order_acq_rel);
	wstore(tdw, TDW_STATE, TD_TEARDOWN);
	return TDX_SUCCESS;
}

/* TDH.MEM.TRACK: RCX = TDR; advances the TD's epoch. */
uint64_t leaf_mem_track(struct call *c)
{
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = td_lock(c, c->r->rcx, TDX_OPERAND_ID_RCX, false, &tdw)) ||
	    (st = td_state_is(tdw, TD_INITIALIZED, TDX_OPERAND_ID_RCX)))
		return st;
	wadd(tdw, TDW_EPOCH, 1);
	return TDX_SUCCESS;
}

/* RECLAIM of a 2M TD page (its 2M entry is of type REG). */
static uint64_t reclaim_2m(struct call *c, struct pamt_entry *e2)
{
	const struct tdx_regs *r = c->r;
	_Atomic uint64_t *tdw;
	uint64_t st, owner;

	if (r->rcx & (TDX_2M_SIZE - 1))
		return st_err(TDX_PAGE_METADATA_INCORRECT, TDX_OPERAND_ID_RCX);
	if (!pe_try_excl(c, e2))
		return st_err(TDX_OPERAND_BUSY, TDX_OPERAND_ID_RCX);
	if (pe_type(atomic_load_explicit(&e2->hdr, memory_order_acquire)) !=
	    PT_REG)
		return st_err(TDX_PAGE_METADATA_INCORRECT, TDX_OPERAND_ID_RCX);
	owner = atomic_load_explicit(&e2->ref, memory_order_relaxed)
		<< PAGE_SHIFT;
	if ((st = td_lock(c, owner, TDX_OPERAND_ID_TDR, false, &tdw)) ||
	    (st = td_state_is(tdw, TD_TEARDOWN, TDX_OPERAND_ID_RCX)))
		return st;
	atomic_store_explicit(&e2->ref, 0, memory_order_relaxed);
	pe_set_type(e2, PT_NDA);
	wadd(tdw, TDW_CHILDREN, -1);
	c->o->rcx = PT_REG;
	c->o->rdx = owner;
	c->o->r8 = TDX_PS_2M;
	return TDX_SUCCESS;
}

/* RECLAIM of a 4K page: the TDR last, once no other page of it is left. */
static uint64_t reclaim_4k(struct call *c)
{
	const struct tdx_regs *r = c->r;
	struct walk4k w;
	_Atomic uint64_t *tdw;
	uint64_t st, owner;
	unsigned type;

	if ((st = walk_leaf_4k(c, r->rcx, TDX_OPERAND_ID_RCX, &w)))
		return st;
	type = pe_type(atomic_load_explicit(&w.e4->hdr, memory_order_acquire));
	if (type == PT_NDA || type == PT_PAMT || type == PT_RSVD)
		return st_err(TDX_PAGE_METADATA_INCORRECT, TDX_OPERAND_ID_RCX);
	owner = atomic_load_explicit(&w.e4->ref, memory_order_relaxed)
		<< PAGE_SHIFT;
	if (type == PT_TDR) {
		if (!(tdw = page_words(c->m, r->rcx)))
			return TDX_MODEL_FATAL;
		if ((st = td_state_is(tdw, TD_TEARDOWN, TDX_OPERAND_ID_RCX)))
			return st;
		if (wload(tdw, TDW_CHILDREN))
			return st_err(TDX_TD_ASSOCIATED_PAGES_EXIST,
				      TDX_OPERAND_ID_RCX);
	} else {
		if ((st = td_lock(c, owner, TDX_OPERAND_ID_TDR, false, &tdw)) ||
		    (st = td_state_is(tdw, TD_TEARDOWN, TDX_OPERAND_ID_RCX)))
			return st;
		wadd(tdw, TDW_CHILDREN, -1);
	}
	/* tdh_phymem_page_reclaim.c: the hint goes into R9. */
	if (release_commit_4k(c, r->rcx, &w))
		c->o->r9 |= TDX_PAMT_REMOVAL_HINT;
	c->o->rcx = type;
	c->o->rdx = owner;
	c->o->r8 = TDX_PS_4K;
	return TDX_SUCCESS;
}

/* TDH.PHYMEM.PAGE.RECLAIM: RCX = page.  Out: RCX type, RDX owner TDR PA,
 * R8 level.  Only pages of a TD in teardown; removal hint when the 4K
 * page was the last of its range. */
uint64_t leaf_page_reclaim(struct call *c)
{
	struct tdxmod *m = c->m;
	uint64_t st, h2;
	struct pamt_entry *e2;

	if ((st = hpa_check(m, c->r->rcx, TDX_PAGE_SIZE, TDX_OPERAND_ID_RCX)))
		return st;
	e2 = pe_get(m, pe_addr_2m(tdmr_of(m, c->r->rcx), c->r->rcx));
	if (!e2)
		return TDX_MODEL_FATAL;
	h2 = atomic_load_explicit(&e2->hdr, memory_order_acquire);
	if (pe_type(h2) == PT_REG)
		return reclaim_2m(c, e2);
	return reclaim_4k(c);
}
