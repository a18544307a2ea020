/*
 * leaf_key.c - ending a TD's key: MNG.VPFLUSHDONE, PHYMEM.CACHE.WB and
 * MNG.KEY.FREEID, as the module's tdh_mng_vpflushdone.c,
 * tdh_phymem_cache_wb.c and tdh_mng_key_freeid.c.
 *
 * VPFLUSHDONE blocks the TD (its keys are no longer usable: memory leaves
 * answer TD_KEYS_NOT_CONFIGURED) and marks its HKID flushed in the key
 * ownership table (KOT); CACHE.WB writes back the caches for every HKID
 * flushed so far; only then does KEY.FREEID free the HKID
 * (WBCACHE_NOT_COMPLETE before) and put the TD in teardown, where its
 * pages can be reclaimed.  The model has one package and never interrupts
 * CACHE.WB.
 */
#include "tdxmod/model.h"

/* TDH.MNG.VPFLUSHDONE: RCX = TDR.  The TDR, the KOT, then the life
 * cycle (HKID assigned or keys configured; anything else, including a
 * second call, is LIFECYCLE_STATE_INCORRECT). */
uint64_t leaf_mng_vpflushdone(struct call *c)
{
	struct tdxmod *m = c->m;
	_Atomic uint64_t *tdw;
	uint64_t st, life, hkid;

	if ((st = td_lock(c, c->r->rcx, DPAMT_TDX_OPERAND_ID_RCX, true,
			  &tdw)) ||
	    (st = kot_lock(c)))
		return st;
	life = td_word(tdw, TDW_LIFE);
	if (life != TD_KEYS_CONFIGURED && life != TD_HKID_ASSIGNED)
		return DPAMT_TDX_LIFECYCLE_STATE_INCORRECT;
	hkid = td_word(tdw, TDW_HKID);
	if (hkid > m->cfg.hkid_max) {
		model_fatal(m, "TDR 0x%llx holds HKID %llu",
			    (unsigned long long)c->r->rcx,
			    (unsigned long long)hkid);
		return DPAMT_TDX_MODEL_FATAL;
	}
	atomic_store_explicit(&m->kot[hkid], KOT_FLUSHED, memory_order_release);
	atomic_store_explicit(&tdw[TDW_LIFE], TD_BLOCKED, memory_order_release);
	return DPAMT_TDX_SUCCESS;
}

/*
 * TDH.PHYMEM.CACHE.WB: RCX = 0 start, 1 resume; anything else
 * OPERAND_INVALID|RCX.  Start: no HKID flushed -> NO_HKID_READY_TO_WBCACHE
 * (not an error); else every flushed HKID is written back.  The model
 * never interrupts a write-back, so there is never a session to resume:
 * resume -> WBCACHE_RESUME_ERROR.
 */
uint64_t leaf_phymem_cache_wb(struct call *c)
{
	struct tdxmod *m = c->m;
	bool any = false;

	if (c->r->rcx > 1)
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if (!word_try_excl(c, &m->wb_lock))
		return st_err(DPAMT_TDX_OPERAND_BUSY,
			      DPAMT_TDX_OPERAND_ID_WBCACHE);
	if (!word_try_excl(c, &m->kot_lock))
		return st_err(DPAMT_TDX_OPERAND_BUSY, DPAMT_TDX_OPERAND_ID_KOT);
	if (c->r->rcx == 1)
		return DPAMT_TDX_WBCACHE_RESUME_ERROR;
	for (uint64_t k = m->cfg.hkid_min; k <= m->cfg.hkid_max; k++)
		if (atomic_load_explicit(&m->kot[k], memory_order_acquire) ==
		    KOT_FLUSHED) {
			atomic_store_explicit(&m->kot[k], KOT_WB_DONE,
					      memory_order_release);
			any = true;
		}
	return any ? DPAMT_TDX_SUCCESS : DPAMT_TDX_NO_HKID_READY_TO_WBCACHE;
}

/* TDH.MNG.KEY.FREEID: RCX = TDR.  The TD must be blocked (VPFLUSHDONE,
 * else LIFECYCLE_STATE_INCORRECT), its HKID written back by CACHE.WB
 * (else WBCACHE_NOT_COMPLETE); the HKID is free again, the TD in
 * teardown. */
uint64_t leaf_mng_key_freeid(struct call *c)
{
	struct tdxmod *m = c->m;
	_Atomic uint64_t *tdw;
	uint64_t st, hkid;

	if ((st = td_lock(c, c->r->rcx, DPAMT_TDX_OPERAND_ID_RCX, true, &tdw)))
		return st;
	if (td_word(tdw, TDW_LIFE) != TD_BLOCKED)
		return DPAMT_TDX_LIFECYCLE_STATE_INCORRECT;
	if ((st = kot_lock(c)))
		return st;
	hkid = td_word(tdw, TDW_HKID);
	if (atomic_load_explicit(&m->kot[hkid], memory_order_acquire) !=
	    KOT_WB_DONE)
		return DPAMT_TDX_WBCACHE_NOT_COMPLETE;
	atomic_store_explicit(&m->kot[hkid], KOT_FREE, memory_order_release);
	atomic_store_explicit(&tdw[TDW_LIFE], TD_TEARDOWN,
			      memory_order_release);
	return DPAMT_TDX_SUCCESS;
}
