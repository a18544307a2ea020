/*
 * leaf_td.c - building a TD and its vCPUs: MNG.CREATE, MNG.KEY.CONFIG,
 * MNG.ADDCX, MNG.INIT, VP.CREATE/ADDCX/INIT, MR.FINALIZE and MEM.TRACK,
 * each in the order of the module's handler (tdh_mng_create.c,
 * tdh_mng_key_config.c, tdh_mng_add_cx.c, ...).
 *
 * TD state lives in the TDR page's storage and vCPU state in the TDVPR
 * page's (enum td_word / vp_word).  The life cycle: CREATE (HKID
 * assigned) -> KEY.CONFIG (keys configured) -> ADDCX x N -> INIT (OP_STATE
 * initialised) -> vCPUs, memory -> MR.FINALIZE (runnable); teardown is in
 * leaf_key.c.  Page-assigning leaves walk the new page's PAMT
 * (walk_assign_4k) after the TD checks.
 */
#include "tdxmod/model.h"

static void wstore(_Atomic uint64_t *w, unsigned i, uint64_t v)
{
	atomic_store_explicit(&w[i], v, memory_order_release);
}

static void wadd(_Atomic uint64_t *w, unsigned i, int64_t d)
{
	atomic_fetch_add_explicit(&w[i], (uint64_t)d, memory_order_acq_rel);
}

/* A new control page at pa (validated, walked): zeroed, its words. */
static _Atomic uint64_t *fresh_page(struct tdxmod *m, uint64_t pa)
{
	mem_drop(m, pa);
	return page_words(m, pa);
}

/*
 * TDH.MNG.CREATE: RCX = TDR page, RDX = HKID.  The HKID first
 * (OPERAND_INVALID|RDX), then the TDR page (|RCX), then the KOT: an HKID
 * in use by a TD or the module -> HKID_NOT_FREE.  The TDR's PAMT owner
 * is 0.
 */
uint64_t leaf_mng_create(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	struct walk4k w;
	_Atomic uint64_t *tdw;
	uint64_t st;

	if (r->rdx < m->cfg.hkid_min || r->rdx > m->cfg.hkid_max)
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RDX);
	if ((st = hpa_check(m, r->rcx, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_RCX)) ||
	    (st = walk_assign_4k(c, r->rcx, DPAMT_TDX_OPERAND_ID_RCX, &w)) ||
	    (st = kot_lock(c)))
		return st;
	if (atomic_load_explicit(&m->kot[r->rdx], memory_order_acquire) !=
	    KOT_FREE)
		return DPAMT_TDX_HKID_NOT_FREE;
	if (!(tdw = fresh_page(m, r->rcx)))
		return DPAMT_TDX_MODEL_FATAL;
	atomic_store_explicit(&m->kot[r->rdx], KOT_ASSIGNED,
			      memory_order_release);
	wstore(tdw, TDW_HKID, r->rdx);
	wstore(tdw, TDW_LIFE, TD_HKID_ASSIGNED);
	assign_commit_4k(c, &w, DPAMT_TDX_PT_TDR, 0);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.MNG.KEY.CONFIG: RCX = TDR.  One package: the keys are configured
 * by the first call; any other life-cycle state is
 * LIFECYCLE_STATE_INCORRECT (no operand id). */
uint64_t leaf_mng_key_config(struct call *c)
{
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = td_lock(c, c->r->rcx, DPAMT_TDX_OPERAND_ID_RCX, true, &tdw)))
		return st;
	if (td_word(tdw, TDW_LIFE) != TD_HKID_ASSIGNED)
		return DPAMT_TDX_LIFECYCLE_STATE_INCORRECT;
	wstore(tdw, TDW_LIFE, TD_KEYS_CONFIGURED);
	return DPAMT_TDX_SUCCESS;
}

/*
 * TDH.MNG.ADDCX: RCX = TDCS page, RDX = TDR.  The TDR (RDX) fully first:
 * keys not configured -> TD_KEYS_NOT_CONFIGURED; all MAX_TDCS_PAGES there
 * -> TDCX_NUM_INCORRECT; then the new page (RCX); a page beyond the
 * configured count once the TD is initialised -> OP_STATE_INCORRECT.
 */
uint64_t leaf_mng_addcx(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	struct walk4k w;
	_Atomic uint64_t *tdw;
	uint64_t st, n;

	if ((st = td_lock(c, r->rdx, DPAMT_TDX_OPERAND_ID_RDX, true, &tdw)))
		return st;
	if (td_word(tdw, TDW_LIFE) != TD_KEYS_CONFIGURED)
		return DPAMT_TDX_TD_KEYS_NOT_CONFIGURED;
	n = td_word(tdw, TDW_NTDCS);
	if (n >= MAX_TDCS_PAGES)
		return DPAMT_TDX_TDCX_NUM_INCORRECT;
	if ((st = hpa_check(m, r->rcx, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_RCX)) ||
	    (st = walk_assign_4k(c, r->rcx, DPAMT_TDX_OPERAND_ID_RCX, &w)))
		return st;
	if (n + 1 > m->cfg.num_tdcs_pages &&
	    td_word(tdw, TDW_OP) != OP_UNINITIALIZED)
		return DPAMT_TDX_OP_STATE_INCORRECT;
	mem_drop(m, r->rcx);
	wstore(tdw, TDW_TDCS0 + (unsigned)n, r->rcx);
	wstore(tdw, TDW_NTDCS, n + 1);
	wadd(tdw, TDW_CHILDREN, 1);
	assign_commit_4k(c, &w, DPAMT_TDX_PT_TDCX, r->rdx);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.MNG.INIT: RCX = TDR (RDX = TD parameters, ignored).  The common
 * state check with OP_STATE uninitialised; then initialised. */
uint64_t leaf_mng_init(struct call *c)
{
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = td_lock(c, c->r->rcx, DPAMT_TDX_OPERAND_ID_RCX, true,
			  &tdw)) ||
	    (st = td_state_check(c, tdw, 1u << OP_UNINITIALIZED)))
		return st;
	wstore(tdw, TDW_OP, OP_INITIALIZED);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.MR.FINALIZE: RCX = TDR.  Initialised -> runnable: PAGE.ADD is over,
 * removals need RANGE.BLOCK + TRACK from now on. */
uint64_t leaf_mr_finalize(struct call *c)
{
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = td_lock(c, c->r->rcx, DPAMT_TDX_OPERAND_ID_RCX, true,
			  &tdw)) ||
	    (st = td_state_check(c, tdw, 1u << OP_INITIALIZED)))
		return st;
	wstore(tdw, TDW_OP, OP_RUNNABLE);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.VP.CREATE: RCX = TDVPR page, RDX = TDR.  The TDR (RDX) fully, then
 * the new page (RCX). */
uint64_t leaf_vp_create(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	struct walk4k w;
	_Atomic uint64_t *tdw, *vpw;
	uint64_t st;

	if ((st = td_lock(c, r->rdx, DPAMT_TDX_OPERAND_ID_RDX, false, &tdw)) ||
	    (st = td_state_check(c, tdw, OPS_BUILT)) ||
	    (st = hpa_check(m, r->rcx, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_RCX)) ||
	    (st = walk_assign_4k(c, r->rcx, DPAMT_TDX_OPERAND_ID_RCX, &w)))
		return st;
	if (!(vpw = fresh_page(m, r->rcx)))
		return DPAMT_TDX_MODEL_FATAL;
	wstore(vpw, VPW_TDR, r->rdx);
	wstore(vpw, VPW_STATE, VP_CREATED);
	wadd(tdw, TDW_CHILDREN, 1);
	wadd(tdw, TDW_NVCPU, 1);
	assign_commit_4k(c, &w, DPAMT_TDX_PT_TDVPR, r->rdx);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.VP.ADDCX: RCX = TDCX page, RDX = TDVPR.  The TDVPR (RDX) fully,
 * its TD (implicit TDR, BUSY|TDR), then the new page (RCX). */
uint64_t leaf_vp_addcx(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	struct walk4k w;
	struct pwalk vw;
	_Atomic uint64_t *tdw, *vpw;
	uint64_t st, n, tdr;

	if ((st = explicit_page_lock(c, r->rdx, DPAMT_TDX_OPERAND_ID_RDX, true,
				     DPAMT_TDX_PT_TDVPR, &vw)))
		return st;
	if (!(vpw = page_words(m, r->rdx)))
		return DPAMT_TDX_MODEL_FATAL;
	n = td_word(vpw, VPW_NTDCX);
	if (td_word(vpw, VPW_STATE) != VP_CREATED || n >= m->cfg.num_tdcx_pages)
		return st_err(DPAMT_TDX_LIFECYCLE_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RDX);
	tdr = atomic_load_explicit(&vw.leaf->ref, memory_order_relaxed)
	      << PAGE_SHIFT;
	if ((st = td_lock(c, tdr, DPAMT_TDX_OPERAND_ID_TDR, false, &tdw)) ||
	    (st = td_state_check(c, tdw, OPS_BUILT)) ||
	    (st = hpa_check(m, r->rcx, DPAMT_TDX_PAGE_SIZE,
			    DPAMT_TDX_OPERAND_ID_RCX)) ||
	    (st = walk_assign_4k(c, r->rcx, DPAMT_TDX_OPERAND_ID_RCX, &w)))
		return st;
	mem_drop(m, r->rcx);
	wstore(vpw, VPW_TDCX0 + (unsigned)n, r->rcx);
	wstore(vpw, VPW_NTDCX, n + 1);
	wadd(tdw, TDW_CHILDREN, 1);
	assign_commit_4k(c, &w, DPAMT_TDX_PT_TDCX, tdr);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.VP.INIT: RCX = TDVPR (RDX = initial RCX of the vCPU, ignored). */
uint64_t leaf_vp_init(struct call *c)
{
	struct pwalk vw;
	_Atomic uint64_t *vpw;
	uint64_t st;

	if ((st = explicit_page_lock(c, c->r->rcx, DPAMT_TDX_OPERAND_ID_RCX,
				     true, DPAMT_TDX_PT_TDVPR, &vw)))
		return st;
	if (!(vpw = page_words(c->m, c->r->rcx)))
		return DPAMT_TDX_MODEL_FATAL;
	if (td_word(vpw, VPW_STATE) != VP_CREATED ||
	    td_word(vpw, VPW_NTDCX) != c->m->cfg.num_tdcx_pages)
		return st_err(DPAMT_TDX_LIFECYCLE_STATE_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RCX);
	wstore(vpw, VPW_STATE, VP_INITIALIZED);
	return DPAMT_TDX_SUCCESS;
}

/* TDH.MEM.TRACK: RCX = TDR; advances the TD's epoch. */
uint64_t leaf_mem_track(struct call *c)
{
	_Atomic uint64_t *tdw;
	uint64_t st;

	if ((st = td_lock(c, c->r->rcx, DPAMT_TDX_OPERAND_ID_RCX, false,
			  &tdw)) ||
	    (st = td_state_check(c, tdw, OPS_BUILT)))
		return st;
	wadd(tdw, TDW_EPOCH, 1);
	return DPAMT_TDX_SUCCESS;
}
