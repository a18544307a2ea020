/*
 * convert.c - private<->shared conversion of part of a chunk.
 *
 * Converting to shared removes the first n private pages of the chunk from
 * the TD (PAGE.REMOVE, dpamt_put); pages of a chunk backed by its own 4K
 * pages go back to the allocator, pages of a split 2 MiB block stay with
 * the block (as a huge guest_memfd folio would).  A 2M mapping is split
 * first (DEMOTE) unless the whole chunk converts, in which case the 2M page
 * is removed as one.  Converting back faults the pages in again, and a
 * split chunk whose 512 pages are all back is merged (PROMOTE).
 * Churn (churn=PCT) unmaps a whole 4K or split chunk (a 2M one is split
 * first and stays split; pages of a 4K chunk go back to the allocator,
 * those of a split one stay with its block) and
 * faults them all back in: a split chunk's 2 MiB range drops to no
 * reference and comes back, as with conversions of huge guest_memfd
 * folios.
 *
 * The TD is runnable (MR.FINALIZE), so, as KVM does, every removal is
 * preceded by MEM.RANGE.BLOCK of the entry and MEM.TRACK
 * (vmm_block_track); the module refuses it otherwise.
 */
#include "vmm/vmm.h"
#include "util/bitmap.h"

int vmm_block_track(struct vmm_td *td, uint64_t gpa_level)
{
	struct vmm_host *h = td->h;
	struct dpamt_tdx_regs r = { 0 };

	r.rax = DPAMT_TDH_MEM_RANGE_BLOCK;
	r.rcx = gpa_level;
	r.rdx = td->tdr;
	vmm_seamcall(h, &r);
	if (!dpamt_tdx_is_success(r.rax) &&
	    dpamt_tdx_status_class(r.rax) !=
		    DPAMT_TDX_GPA_RANGE_ALREADY_BLOCKED) {
		vmm_error(h, "td %d: RANGE.BLOCK 0x%llx: status 0x%llx",
			  td->index, (unsigned long long)gpa_level,
			  (unsigned long long)r.rax);
		return DPAMT_EIO;
	}
	r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_MEM_TRACK,
				     .rcx = td->tdr };
	if (!dpamt_tdx_is_success(vmm_seamcall(h, &r))) {
		vmm_error(h, "td %d: MEM.TRACK: status 0x%llx", td->index,
			  (unsigned long long)r.rax);
		return DPAMT_EIO;
	}
	return 0;
}

static int remove_page(struct vmm_vcpu *v, uint64_t page, unsigned level)
{
	struct vmm_td *td = v->td;
	struct vmm_host *h = td->h;
	struct dpamt_tdx_regs r = { 0 };
	int err = vmm_block_track(td, page * VMM_PAGE | level);

	if (err)
		return err;
	r.rax = DPAMT_TDH_MEM_PAGE_REMOVE;
	r.rcx = page * VMM_PAGE | level;
	r.rdx = td->tdr;
	if (!dpamt_tdx_is_success(vmm_seamcall(h, &r))) {
		vmm_error(h, "td %d: PAGE.REMOVE gpa 0x%llx level %u: status "
			  "0x%llx", td->index,
			  (unsigned long long)(page * VMM_PAGE), level,
			  (unsigned long long)r.rax);
		return DPAMT_EIO;
	}
	return 0;
}

/* Remove one 4K page of a 4K or split chunk. */
static int unmap_4k(struct vmm_vcpu *v, uint64_t page)
{
	struct vmm_td *td = v->td;
	uint64_t c = page / VMM_PAGES_PER_2M, pa = vmm_page_pa(td, page);
	int err = remove_page(v, page, DPAMT_TDX_PS_4K);

	if (err)
		return err;
	vmm_put(td->h, pa, &v->cache);
	vmm_td_ref(td, pa, -1);
	vmm_page_mark(td, page, 0);
	td->chunk_mapped[c]--;
	v->pages_4k--;
	if (td->chunk_state[c] == VMM_CH_4K)
		vmm_page_free(v, pa);
	return 0;
}

/* The whole 2M page goes shared and comes back as a 2M page. */
static int convert_whole_2m(struct vmm_vcpu *v, uint64_t chunk)
{
	struct vmm_td *td = v->td;
	uint64_t block = vmm_pfn_pa(td->chunk_pfn[chunk]);
	int err = remove_page(v, chunk * VMM_PAGES_PER_2M, DPAMT_TDX_PS_2M);

	if (err)
		return err;
	phys_free_2m(td->h->pa, block);
	td->chunk_pfn[chunk] = 0;
	td->chunk_state[chunk] = VMM_CH_NONE;
	v->pages_2m--;
	v->conversions += VMM_PAGES_PER_2M;
	err = vmm_map_2m_retry(v, chunk);
	if (err > 0) { /* no 2 MiB block left: back at 4K */
		for (unsigned i = 0; i < VMM_PAGES_PER_2M && !err; i++)
			err = vmm_fault_retry(v, chunk * VMM_PAGES_PER_2M + i);
	}
	return err;
}

/* DEMOTE chunk's 2M mapping, retrying as a fault would (and giving up
 * as one: vmm_step_failed). */
static int demote_retry(struct vmm_vcpu *v, uint64_t chunk)
{
	int err;

	for (unsigned a = 1;; a++) {
		err = vmm_demote(v, chunk);
		if (!err)
			return 0;
		if (!vmm_fault_again(v->td->h, err, a))
			return vmm_step_failed(v, err, "DEMOTE",
					       chunk * VMM_2M);
		vmm_fault_backoff(v, a);
	}
}

/*
 * Unmap the mapped ones of the first n pages of a 4K or split chunk,
 * then (flush: their pages back to the allocator first) fault them all
 * back in; *unmapped counts them.  The first error is returned, after
 * every page that went was faulted back.
 */
static int bounce_pages(struct vmm_vcpu *v, uint64_t chunk, unsigned n,
			bool flush, uint64_t *unmapped)
{
	struct vmm_td *td = v->td;
	uint64_t first = chunk * VMM_PAGES_PER_2M;
	uint64_t was[BM_WORDS(VMM_PAGES_PER_2M)] = { 0 };
	int err = 0;

	for (unsigned i = 0; i < n && !err; i++) {
		if (!vmm_page_mapped(td, first + i))
			continue;
		err = unmap_4k(v, first + i);
		if (!err) {
			bm_set(was, i);
			(*unmapped)++;
		}
	}
	if (flush)
		vmm_pages_flush(v);
	for (unsigned i = 0; i < n; i++) {
		int e = 0;

		if (bm_test(was, i))
			e = vmm_fault_retry(v, first + i);
		if (e && !err)
			err = e;
	}
	return err;
}

int vmm_convert_chunk(struct vmm_vcpu *v, uint64_t chunk, unsigned n)
{
	struct vmm_td *td = v->td;
	int err = 0;

	if (!n || td->chunk_state[chunk] == VMM_CH_NONE)
		return 0;
	if (td->chunk_state[chunk] == VMM_CH_2M) {
		if (n >= VMM_PAGES_PER_2M)
			return convert_whole_2m(v, chunk);
		err = demote_retry(v, chunk);
		if (err)
			return err;
	}
	err = bounce_pages(v, chunk, n, false, &v->conversions);
	if (!err && td->chunk_state[chunk] == VMM_CH_SPLIT &&
	    td->chunk_mapped[chunk] == VMM_PAGES_PER_2M &&
	    vmm_promote(v, chunk) < 0)
		err = DPAMT_EIO;
	return err;
}

/* Concurrency: the vCPU's thread, holding a pCPU token. */
int vmm_churn_chunk(struct vmm_vcpu *v, uint64_t chunk)
{
	struct vmm_td *td = v->td;
	uint64_t unmapped = 0;
	int err = 0;

	if (td->chunk_state[chunk] == VMM_CH_NONE)
		return 0;
	if (td->chunk_state[chunk] == VMM_CH_2M) /* split it, and keep it so */
		err = demote_retry(v, chunk);
	/* a 4K chunk's pages really go back to the allocator */
	return err ? err : bounce_pages(v, chunk, VMM_PAGES_PER_2M, true,
					&unmapped);
}
