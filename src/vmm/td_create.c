/*
 * td_create.c - building a TD's control structures in KVM's order: TDR
 * (MNG.CREATE with an HKID from the host's pool), MNG.KEY.CONFIG, TDCS
 * pages (MNG.ADDCX), MNG.INIT, and per
 * vCPU the TDVPR (VP.CREATE), TDCX pages (VP.ADDCX) and VP.INIT.  Every
 * page comes from dpamt_alloc_page (allocator + DPAMT get); a page the
 * module refused goes straight back with dpamt_free_page.  Counts come
 * from the module's metadata, read by the manager.
 */
#include "vmm/vmm.h"

/* Allocate a control page and hand it over with one SEAMCALL whose RCX
 * is the page and RDX is 'parent'.  0, or an error (page freed). */
static int give_page(struct vmm_td *td, unsigned leaf, uint64_t parent,
		     uint64_t *out)
{
	struct vmm_host *h = td->h;
	struct dpamt_tdx_regs r = { 0 };
	uint64_t pa;
	int err = dpamt_alloc_page(h->dp, NULL, &pa);

	/* May fail, but gets the same BUSY budget as a fault (docs/vmm.md,
	 * "Retry policy"), not just the manager's 64 retries. */
	for (unsigned a = 1; err == DPAMT_EBUSY && a < h->busy_attempts;
	     a++) {
		vmm_busy_backoff(h, a);
		err = dpamt_alloc_page(h->dp, NULL, &pa);
	}
	if (err) {
		if (err != DPAMT_EBUSY) /* BUSY: counted by vmm_td_create */
			vmm_error(h, "td %d: no page for %s: %s", td->index,
				  dpamt_tdx_leaf_name(leaf),
				  dpamt_strerror(err));
		return err;
	}
	r.rax = leaf;
	r.rcx = pa;
	r.rdx = parent;
	if (!dpamt_tdx_is_success(vmm_seamcall(h, &r))) {
		err = vmm_call_failed(h, r.rax, "td %d: %s", td->index,
				      dpamt_tdx_leaf_name(leaf));
		dpamt_free_page(h->dp, pa, NULL);
		return err;
	}
	vmm_td_ref(td, pa, 1);
	td->control_pages++;
	*out = pa;
	return 0;
}

static int simple_call(struct vmm_td *td, unsigned leaf, uint64_t rcx)
{
	struct dpamt_tdx_regs r = { 0 };

	r.rax = leaf;
	r.rcx = rcx;
	if (!dpamt_tdx_is_success(vmm_seamcall(td->h, &r)))
		return vmm_call_failed(td->h, r.rax, "td %d: %s", td->index,
				       dpamt_tdx_leaf_name(leaf));
	return 0;
}

static int vcpu_create(struct vmm_td *td, struct vmm_vcpu *v)
{
	int err = give_page(td, DPAMT_TDH_VP_CREATE, td->tdr, &v->tdvpr);

	for (unsigned i = 0; i < td->h->tdcx_pages && !err; i++)
		err = give_page(td, DPAMT_TDH_VP_ADDCX, v->tdvpr, &v->tdcx[i]);
	if (!err)
		err = simple_call(td, DPAMT_TDH_VP_INIT, v->tdvpr);
	return err;
}

static int td_build(struct vmm_td *td)
{
	struct vmm_host *h = td->h;
	int err;

	if (td->spec.legacy)
		return 0;
	if (vmm_hkid_get(h, &td->hkid)) {
		vmm_error(h, "td %d: no free HKID", td->index);
		return DPAMT_EINVAL;
	}
	td->keyed = true;
	err = give_page(td, DPAMT_TDH_MNG_CREATE, td->hkid, &td->tdr);
	if (err)
		return err;
	td->created = true;
	/* KVM's order: the key is programmed before any TDCS page */
	err = simple_call(td, DPAMT_TDH_MNG_KEY_CONFIG, td->tdr);
	for (unsigned i = 0; i < h->tdcs_pages && !err; i++)
		err = give_page(td, DPAMT_TDH_MNG_ADDCX, td->tdr, &td->tdcs[i]);
	if (!err)
		err = simple_call(td, DPAMT_TDH_MNG_INIT, td->tdr);
	for (unsigned i = 0; i < td->spec.vcpus && !err; i++) {
		err = vcpu_create(td, &td->vcpu[i]);
		td->n_vcpus = i + 1;
	}
	/* KVM finalizes before the vCPUs run: from now on AUG maps memory
	 * and every removal needs RANGE.BLOCK + MEM.TRACK */
	if (!err)
		err = simple_call(td, DPAMT_TDH_MR_FINALIZE, td->tdr);
	return err;
}

/* A creation that gave up with the module still BUSY is counted, not
 * reported (docs/vmm.md, "Retry policy"); what was built is torn down
 * with the TD. */
int vmm_td_create(struct vmm_td *td)
{
	int err = td_build(td);

	if (err == DPAMT_EBUSY)
		atomic_fetch_add_explicit(&td->h->td_create_busy_failures, 1,
					  memory_order_relaxed);
	return err;
}
