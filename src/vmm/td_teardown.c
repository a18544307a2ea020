/*
 * td_teardown.c - taking a TD apart.  vmm_td_teardown_begin ends the TD's
 * key in KVM's order (MNG.VPFLUSHDONE, PHYMEM.CACHE.WB, MNG.KEY.FREEID)
 * so the module lets pages go; the
 * vCPUs then reclaim their shares (vcpu.c); vmm_td_destroy reclaims the
 * rest in the order private, S-EPT, TDCX, TDVPR, TDCS, TDR last, each with
 * dpamt_reclaim_page (RECLAIM + put) and back to the allocator.  A page the
 * module keeps is reported and never freed (the leak check sees it).
 */
#include "vmm/vmm.h"

int vmm_td_teardown_begin(struct vmm_td *td)
{
	struct vmm_host *h = td->h;
	static const unsigned leaves[] = { DPAMT_TDH_MNG_VPFLUSHDONE,
					   DPAMT_TDH_PHYMEM_CACHE_WB,
					   DPAMT_TDH_MNG_KEY_FREEID };
	int ret = 0;

	if (td->spec.legacy || !td->created)
		return 0;
	for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct dpamt_tdx_regs r = { 0 };

		r.rax = leaves[i];
		r.rcx = leaves[i] == DPAMT_TDH_PHYMEM_CACHE_WB ? 0 : td->tdr;
		vmm_seamcall(h, &r);
		/* CACHE.WB writes back every flushed HKID: another TD's
		 * CACHE.WB may have done this one's already */
		if (leaves[i] == DPAMT_TDH_PHYMEM_CACHE_WB &&
		    r.rax == DPAMT_TDX_NO_HKID_READY_TO_WBCACHE)
			continue;
		if (!dpamt_tdx_is_success(r.rax)) {
			vmm_error(h, "td %d: %s: status 0x%llx", td->index,
				  dpamt_tdx_leaf_name(leaves[i]),
				  (unsigned long long)r.rax);
			ret = DPAMT_EIO;
		} else if (leaves[i] == DPAMT_TDH_MNG_KEY_FREEID) {
			td->key_freed = true; /* as KVM: the HKID is free now */
		}
	}
	return ret;
}

/* Reclaim one control or S-EPT page and free it; *slot cleared on
 * success.  Returns false if the module kept it. */
static bool reclaim_one(struct vmm_td *td, uint64_t *slot, const char *what)
{
	struct vmm_host *h = td->h;
	uint64_t pa = *slot;
	int err;

	if (!pa)
		return true;
	if (vmm_fatal(h))
		return false;
	err = vmm_reclaim(h, pa, NULL);
	vmm_note(h, err);
	if (err) {
		vmm_error(h, "td %d: reclaim of %s page 0x%llx failed: %s",
			  td->index, what, (unsigned long long)pa,
			  dpamt_strerror(err));
		return false;
	}
	vmm_td_ref(td, pa, -1);
	phys_free_page(h->pa, pa);
	*slot = 0;
	return true;
}

static void reclaim_upper_sept(struct vmm_td *td)
{
	for (uint64_t i = 0; i < td->n_sept2; i++) {
		uint64_t pa = vmm_pfn_pa(atomic_load_explicit(
			&td->sept2[i], memory_order_relaxed));

		if (reclaim_one(td, &pa, "S-EPT"))
			atomic_store_explicit(&td->sept2[i], 0,
					      memory_order_relaxed);
	}
	for (uint64_t i = 0; i < td->n_sept3; i++) {
		uint64_t pa = vmm_pfn_pa(atomic_load_explicit(
			&td->sept3[i], memory_order_relaxed));

		if (reclaim_one(td, &pa, "S-EPT"))
			atomic_store_explicit(&td->sept3[i], 0,
					      memory_order_relaxed);
	}
}

void vmm_td_destroy(struct vmm_td *td)
{
	struct vmm_host *h = td->h;

	if (td->spec.legacy)
		return;
	reclaim_upper_sept(td);
	for (unsigned i = 0; i < td->n_vcpus; i++) {
		struct vmm_vcpu *v = &td->vcpu[i];

		for (unsigned k = 0; k < h->tdcx_pages; k++)
			reclaim_one(td, &v->tdcx[k], "TDCX");
	}
	for (unsigned i = 0; i < td->n_vcpus; i++)
		reclaim_one(td, &td->vcpu[i].tdvpr, "TDVPR");
	for (unsigned i = 0; i < h->tdcs_pages; i++)
		reclaim_one(td, &td->tdcs[i], "TDCS");
	if (reclaim_one(td, &td->tdr, "TDR"))
		td->created = false;
	if (td->keyed && (td->key_freed || !td->created)) {
		vmm_hkid_put(h, td->hkid);
		td->keyed = false;
	}
}
