/*
 * fault.c - the EPT-violation path of a vCPU, as KVM does it for a TD.
 *
 * Outside the non-sleeping section (vmm_fault_prepare): take the target
 * page from the allocator, stash one page per S-EPT level the fault may
 * add, and top the vCPU's DPAMT cache up with pages_per_get pages for each
 * of those plus one set for the target.  Inside (vmm_sept_ensure and the
 * rest of vmm_fault_4k / vmm_map_2m): dpamt_get on each new S-EPT page and
 * on the target with the cache (never allocating), SEPT.ADD and PAGE.AUG.
 * A failing step is undone with dpamt_put, so the tree only ever holds
 * complete entries; the pages stay with the vCPU for the next attempt.
 */
#include "vmm/vmm.h"

static uint64_t sept_cover(unsigned level)
{
	return level == 1 ? VMM_2M : level == 2 ? VMM_1G : VMM_512G;
}

/* Level-1 slots are owned by the chunk's vCPU; 2/3 are shared. */
static uint32_t sept_slot_load(const struct vmm_td *td, uint64_t gpa,
			       unsigned level)
{
	if (level == 1)
		return td->sept1[gpa / VMM_2M];
	if (level == 2)
		return atomic_load_explicit(&td->sept2[gpa / VMM_1G],
					    memory_order_acquire);
	return atomic_load_explicit(&td->sept3[gpa / VMM_512G],
				    memory_order_acquire);
}

static void sept_slot_store(struct vmm_td *td, uint64_t gpa, unsigned level,
			    uint32_t pfn)
{
	if (level == 1)
		td->sept1[gpa / VMM_2M] = pfn;
	else if (level == 2)
		atomic_store_explicit(&td->sept2[gpa / VMM_1G], pfn,
				      memory_order_release);
	else
		atomic_store_explicit(&td->sept3[gpa / VMM_512G], pfn,
				      memory_order_release);
}

/* S-EPT levels missing above gpa down to 'lowest' (3 = top). */
static unsigned sept_missing(const struct vmm_td *td, uint64_t gpa,
			     unsigned lowest)
{
	unsigned n = 0;

	for (unsigned l = 3; l >= lowest && l > 0; l--)
		n += sept_slot_load(td, gpa, l) == 0;
	return n;
}

/* Add the S-EPT page for 'level' at gpa from the stash (caller made sure
 * the level above exists and, for levels 2/3, holds mmu_lock). */
static int sept_add(struct vmm_vcpu *v, uint64_t gpa, unsigned level)
{
	struct vmm_td *td = v->td;
	struct vmm_host *h = td->h;
	struct dpamt_tdx_regs r = { 0 };
	uint64_t page;
	int err;

	if (!v->n_stash)
		return DPAMT_ENOMEM;
	page = v->stash[--v->n_stash];
	err = dpamt_get(h->dp, page, &v->cache);
	if (err) {
		v->stash[v->n_stash++] = page;
		return err;
	}
	r.rax = DPAMT_TDH_MEM_SEPT_ADD;
	r.rcx = (gpa & ~(sept_cover(level) - 1)) | level;
	r.rdx = td->tdr;
	r.r8 = page;
	if (!dpamt_tdx_is_success(vmm_seamcall(h, &r))) {
		err = vmm_call_failed(h, r.rax, "td %d: SEPT.ADD level %u "
				      "gpa 0x%llx", td->index, level,
				      (unsigned long long)gpa);
		vmm_put(h, page, &v->cache);
		v->stash[v->n_stash++] = page;
		return err;
	}
	vmm_td_ref(td, page, 1);
	if (++v->sept_pages > v->sept_peak)
		v->sept_peak = v->sept_pages;
	sept_slot_store(td, gpa, level, vmm_pa_pfn(page));
	return 0;
}

int vmm_sept_ensure(struct vmm_vcpu *v, uint64_t gpa, unsigned lowest)
{
	struct vmm_td *td = v->td;
	int err = 0;

	for (unsigned l = 3; l >= lowest && l > 0 && !err; l--) {
		if (sept_slot_load(td, gpa, l))
			continue;
		if (l == 1) {
			err = sept_add(v, gpa, l);
			continue;
		}
		vmm_lock(td->h, td->mmu_lock);
		if (!sept_slot_load(td, gpa, l))
			err = sept_add(v, gpa, l);
		vmm_unlock(td->h, td->mmu_lock);
	}
	return err;
}

int vmm_fault_prepare(struct vmm_vcpu *v, uint64_t gpa, unsigned lowest,
		      bool need_target_pair)
{
	struct vmm_host *h = v->td->h;
	unsigned n = sept_missing(v->td, gpa, lowest);
	unsigned gets = n + (need_target_pair ? 1 : 0);

	while (v->n_stash < n) {
		uint64_t page;

		if (vmm_page_alloc(v, &page))
			return DPAMT_ENOMEM;
		v->stash[v->n_stash++] = page;
	}
	if (!gets || !h->pages_per_get)
		return 0;
	return dpamt_cache_topup(h->dp, &v->cache, gets * h->pages_per_get);
}

static void count_4k(struct vmm_vcpu *v, int delta)
{
	v->pages_4k += delta;
	if (v->pages_4k > v->pages_4k_peak)
		v->pages_4k_peak = v->pages_4k;
}

/* AUG one 4K page (the section's part after the S-EPT). */
static int aug_4k(struct vmm_vcpu *v, uint64_t page, uint64_t target)
{
	struct vmm_td *td = v->td;
	struct vmm_host *h = td->h;
	struct dpamt_tdx_regs r = { 0 };
	int err = dpamt_get(h->dp, target, &v->cache);

	if (err)
		return err;
	r.rax = DPAMT_TDH_MEM_PAGE_AUG;
	r.rcx = page * VMM_PAGE | DPAMT_TDX_PS_4K;
	r.rdx = td->tdr;
	r.r8 = target;
	if (!dpamt_tdx_is_success(vmm_seamcall(h, &r))) {
		err = vmm_call_failed(h, r.rax, "td %d: PAGE.AUG 4K gpa 0x%llx",
				      td->index,
				      (unsigned long long)(page * VMM_PAGE));
		vmm_put(h, target, &v->cache);
		return err;
	}
	vmm_td_ref(td, target, 1);
	vmm_page_mark(td, page, target);
	td->chunk_mapped[page / VMM_PAGES_PER_2M]++;
	count_4k(v, 1);
	return 0;
}

int vmm_fault_4k(struct vmm_vcpu *v, uint64_t page)
{
	struct vmm_td *td = v->td;
	uint64_t c = page / VMM_PAGES_PER_2M, gpa = page * VMM_PAGE, target;
	bool split = td->chunk_state[c] == VMM_CH_SPLIT;
	int err;

	if (vmm_page_mapped(td, page))
		return 0;
	vmm_cost(td->h, VMM_COST_FAULT);
	if (split) {
		target = vmm_pfn_pa(td->chunk_pfn[c]) +
			 (page % VMM_PAGES_PER_2M) * VMM_PAGE;
	} else {
		if (!v->target && vmm_page_alloc(v, &v->target))
			return DPAMT_ENOMEM;
		target = v->target;
	}
	err = vmm_fault_prepare(v, gpa, 1, true);
	if (err)
		return err;
	/* ---- non-sleeping section: nothing below allocates ---- */
	err = vmm_sept_ensure(v, gpa, 1);
	if (!err)
		err = aug_4k(v, page, target);
	if (err)
		return err;
	if (!split) {
		v->target = 0;
		td->chunk_state[c] = VMM_CH_4K;
	}
	return 0;
}

/*
 * A wholly free 2 MiB block can still hold a pair: the manager keeps a
 * range's pair "idle" when its REMOVE stayed BUSY or for reuse
 * (idle_pairs).  The module refuses a 2M AUG there, so give that pair
 * back first; false if it is still there.
 */
bool vmm_block_pair_free(struct vmm_host *h, uint64_t block)
{
	if (!dpamt_range_installed(h->dp, block))
		return true;
	atomic_fetch_add_explicit(&h->idle_blocks, 1, memory_order_relaxed);
	return dpamt_shrink_range(h->dp, block);
}

int vmm_map_2m(struct vmm_vcpu *v, uint64_t chunk)
{
	struct vmm_td *td = v->td;
	struct vmm_host *h = td->h;
	struct dpamt_tdx_regs r = { 0 };
	uint64_t gpa = chunk * VMM_2M, block;
	int err;

	vmm_cost(h, VMM_COST_FAULT);
	if (phys_alloc_2m(h->pa, v->hint, &block))
		return 1; /* no free block: the caller maps at 4K */
	if (!vmm_block_pair_free(h, block)) {
		phys_free_2m(h->pa, block);
		return 1; /* an idle pair stays in it: map at 4K */
	}
	vmm_cost(h, VMM_COST_ZERO_2M);
	err = vmm_fault_prepare(v, gpa, 2, false);
	if (!err)
		err = vmm_sept_ensure(v, gpa, 2);
	if (!err) {
		r.rax = DPAMT_TDH_MEM_PAGE_AUG;
		r.rcx = gpa | DPAMT_TDX_PS_2M;
		r.rdx = td->tdr;
		r.r8 = block;
		if (!dpamt_tdx_is_success(vmm_seamcall(h, &r)))
			err = vmm_call_failed(h, r.rax, "td %d: PAGE.AUG 2M "
					      "gpa 0x%llx", td->index,
					      (unsigned long long)gpa);
	}
	if (err) {
		phys_free_2m(h->pa, block);
		return err;
	}
	td->chunk_pfn[chunk] = vmm_pa_pfn(block);
	td->chunk_state[chunk] = VMM_CH_2M;
	v->pages_2m++;
	if (v->pages_2m > v->pages_2m_peak)
		v->pages_2m_peak = v->pages_2m;
	return 0;
}

void vmm_vcpu_release(struct vmm_vcpu *v)
{
	struct vmm_host *h = v->td->h;

	while (v->n_stash)
		vmm_page_free(v, v->stash[--v->n_stash]);
	if (v->target)
		vmm_page_free(v, v->target);
	v->target = 0;
	vmm_pages_flush(v);
	dpamt_cache_drain(h->dp, &v->cache);
}
