/*
 * legacy.c - a legacy (non-TD) VM: its vCPUs take pages straight from the
 * allocator and give them back at shutdown.  No module call, no DPAMT
 * reference: such VMs must never cause PAMT traffic.
 */
#include "vmm/vmm.h"

void vmm_legacy_boot(struct vmm_vcpu *v)
{
	struct vmm_td *td = v->td;
	uint64_t done = 0;

	for (uint64_t p = v->chunk_first * VMM_PAGES_PER_2M;
	     p < (v->chunk_first + v->chunk_count) * VMM_PAGES_PER_2M; p++) {
		uint64_t pa;

		if (!vmm_page_touched(td, p))
			continue;
		if (vmm_page_alloc(v, &pa)) {
			vmm_error(td->h, "vm %d vcpu %u: out of host memory",
				  td->index, v->index);
			v->stopped = true;
			v->errors++;
			return;
		}
		td->pfn[p] = vmm_pa_pfn(pa);
		v->pages_4k++;
		v->pages_4k_peak = v->pages_4k;
		atomic_store_explicit(&v->faults, ++done,
				      memory_order_relaxed);
	}
}

void vmm_legacy_reclaim(struct vmm_vcpu *v)
{
	struct vmm_td *td = v->td;

	for (uint64_t p = v->chunk_first * VMM_PAGES_PER_2M;
	     p < (v->chunk_first + v->chunk_count) * VMM_PAGES_PER_2M; p++) {
		if (!td->pfn[p])
			continue;
		vmm_page_free(v, vmm_pfn_pa(td->pfn[p]));
		td->pfn[p] = 0;
		v->pages_4k--;
	}
	vmm_pages_flush(v);
}
