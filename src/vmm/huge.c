/*
 * huge.c - splitting a 2M TD page into 512 4K pages (DEMOTE) and merging
 * them back (PROMOTE).
 *
 * A 2M mapping has no pair.  DEMOTE needs a new level-1 S-EPT page (with
 * its own DPAMT get) in R8 and a new pair for the range in R12/R13, which
 * the manager supplies (dpamt_demote_prepare) and accounts as 512
 * references once the module took it (dpamt_demote_commit).  PROMOTE
 * returns the pair (dpamt_promote_commit moves the count back to 0) and
 * frees the level-1 S-EPT page, which the VMM then puts and frees.
 */
#include "vmm/vmm.h"

static void count_pages(struct vmm_vcpu *v, int d4k, int d2m)
{
	v->pages_4k += d4k;
	v->pages_2m += d2m;
	if (v->pages_4k > v->pages_4k_peak)
		v->pages_4k_peak = v->pages_4k;
	if (v->pages_2m > v->pages_2m_peak)
		v->pages_2m_peak = v->pages_2m;
}

static void mark_split(struct vmm_td *td, uint64_t chunk, uint64_t sept)
{
	uint64_t first = chunk * VMM_PAGES_PER_2M;
	uint64_t base = vmm_pfn_pa(td->chunk_pfn[chunk]);

	for (unsigned i = 0; i < VMM_PAGES_PER_2M; i++)
		vmm_page_mark(td, first + i, base + i * VMM_PAGE);
	td->chunk_mapped[chunk] = VMM_PAGES_PER_2M;
	td->chunk_state[chunk] = VMM_CH_SPLIT;
	td->sept1[chunk] = vmm_pa_pfn(sept);
}

/* The section of DEMOTE: S-EPT page get, pair in, SEAMCALL, commit. */
static int demote_section(struct vmm_vcpu *v, uint64_t chunk, uint64_t sept)
{
	struct vmm_td *td = v->td;
	struct vmm_host *h = td->h;
	uint64_t pair[2] = { 0, 0 }, block = vmm_pfn_pa(td->chunk_pfn[chunk]);
	struct dpamt_tdx_regs r = { 0 };
	int err = dpamt_get(h->dp, sept, &v->cache);

	if (err)
		return err;
	err = dpamt_demote_prepare(h->dp, &v->cache, pair);
	if (err) {
		vmm_put(h, sept, &v->cache);
		return err;
	}
	/* a pair page inside the page or equal to R8 would be BUSY forever */
	err = dpamt_demote_check_pair(block, sept, pair);
	if (err) {
		vmm_error(h, "td %d: pair for DEMOTE of 0x%llx lies inside it",
			  td->index, (unsigned long long)block);
		dpamt_demote_abort(h->dp, &v->cache, pair);
		vmm_put(h, sept, &v->cache);
		return err;
	}
	err = vmm_block_track(td, chunk * VMM_2M | DPAMT_TDX_PS_2M);
	if (err) {
		dpamt_demote_abort(h->dp, &v->cache, pair);
		vmm_put(h, sept, &v->cache);
		return err;
	}
	r.rax = DPAMT_TDH_MEM_PAGE_DEMOTE;
	r.rcx = chunk * VMM_2M | DPAMT_TDX_PS_2M;
	r.rdx = td->tdr;
	r.r8 = sept;
	r.r12 = pair[0];
	r.r13 = pair[1];
	if (!dpamt_tdx_is_success(vmm_seamcall(h, &r))) {
		err = vmm_call_failed(h, r.rax, "td %d: PAGE.DEMOTE gpa 0x%llx",
				      td->index,
				      (unsigned long long)(chunk * VMM_2M));
		dpamt_demote_abort(h->dp, &v->cache, pair);
		vmm_put(h, sept, &v->cache);
		return err;
	}
	err = dpamt_demote_commit(h->dp, block, pair);
	if (err)
		vmm_error(h, "td %d: demote commit of 0x%llx: %s", td->index,
			  (unsigned long long)block, dpamt_strerror(err));
	vmm_td_ref(td, sept, 1);
	vmm_td_ref(td, block, VMM_PAGES_PER_2M);
	return 0;
}

int vmm_demote(struct vmm_vcpu *v, uint64_t chunk)
{
	struct vmm_td *td = v->td;
	uint64_t sept;
	int err;

	if (td->chunk_state[chunk] != VMM_CH_2M)
		return DPAMT_EINVAL;
	/* Outside: one S-EPT page, its pair and the range's new pair. */
	err = vmm_fault_prepare(v, chunk * VMM_2M, 1, true);
	if (err)
		return err;
	if (!v->n_stash)
		return DPAMT_ENOMEM;
	sept = v->stash[--v->n_stash];
	err = demote_section(v, chunk, sept);
	if (err) {
		v->stash[v->n_stash++] = sept;
		return err;
	}
	mark_split(td, chunk, sept);
	if (++v->sept_pages > v->sept_peak)
		v->sept_peak = v->sept_pages;
	v->demotes++;
	count_pages(v, VMM_PAGES_PER_2M, -1);
	return 0;
}

/* After a successful PROMOTE: the pair goes back to the manager, the
 * chunk is one 2M page again and the freed level-1 S-EPT page (RCX, bit
 * 62 the removal hint) is the host's: put it and free it. */
static void promote_finish(struct vmm_vcpu *v, uint64_t chunk,
			   const struct dpamt_tdx_regs *r)
{
	struct vmm_td *td = v->td;
	struct vmm_host *h = td->h;
	uint64_t block = vmm_pfn_pa(td->chunk_pfn[chunk]);
	uint64_t first = chunk * VMM_PAGES_PER_2M;
	uint64_t pair[2] = { r->r12, r->r13 };
	uint64_t sept = vmm_pfn_pa(td->sept1[chunk]);
	int err = dpamt_promote_commit(h->dp, block, pair);

	if (err)
		vmm_error(h, "td %d: promote commit of 0x%llx: %s", td->index,
			  (unsigned long long)block, dpamt_strerror(err));
	vmm_td_ref(td, block, -(int)VMM_PAGES_PER_2M);
	for (unsigned i = 0; i < VMM_PAGES_PER_2M; i++)
		vmm_page_mark(td, first + i, 0);
	td->chunk_mapped[chunk] = 0;
	td->chunk_state[chunk] = VMM_CH_2M;
	if (dpamt_tdx_hint_strip(r->rcx) != sept)
		vmm_error(h, "td %d: PROMOTE returned S-EPT page 0x%llx, "
			  "expected 0x%llx", td->index,
			  (unsigned long long)dpamt_tdx_hint_strip(r->rcx),
			  (unsigned long long)sept);
	td->sept1[chunk] = 0;
	vmm_put(h, sept, &v->cache);
	vmm_td_ref(td, sept, -1);
	vmm_page_free(v, sept);
	v->sept_pages--;
	v->promotes++;
	count_pages(v, -(int)VMM_PAGES_PER_2M, 1);
}

int vmm_promote(struct vmm_vcpu *v, uint64_t chunk)
{
	struct vmm_td *td = v->td;
	struct dpamt_tdx_regs r = { 0 };

	if (td->chunk_state[chunk] != VMM_CH_SPLIT ||
	    td->chunk_mapped[chunk] != VMM_PAGES_PER_2M)
		return DPAMT_EINVAL;
	/* the level-1 table entry is blocked and tracked first; if PROMOTE
	 * stays BUSY it stays blocked (the model walks through a blocked
	 * table; KVM would unblock, a leaf the model does not have) */
	if (vmm_block_track(td, chunk * VMM_2M | DPAMT_TDX_PS_2M))
		return DPAMT_EIO;
	r.rax = DPAMT_TDH_MEM_PAGE_PROMOTE;
	r.rcx = chunk * VMM_2M | DPAMT_TDX_PS_2M;
	r.rdx = td->tdr;
	vmm_seamcall_n(td->h, &r, VMM_PROMOTE_RETRIES);
	if (dpamt_tdx_is_busy(r.rax)) { /* 512 entries to lock: stay split */
		v->promote_busy++;
		return 1;
	}
	if (!dpamt_tdx_is_success(r.rax)) {
		vmm_error(td->h, "td %d: PAGE.PROMOTE gpa 0x%llx: status "
			  "0x%llx", td->index,
			  (unsigned long long)(chunk * VMM_2M),
			  (unsigned long long)r.rax);
		return DPAMT_EIO;
	}
	promote_finish(v, chunk, &r);
	return 0;
}
