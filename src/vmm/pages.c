/*
 * pages.c - a vCPU's page magazine: 4K pages come from the allocator and
 * go back to it in batches of VMM_MAG, so the fault and reclaim paths take
 * an allocator lock once per batch instead of once per page.  Owned by the
 * vCPU's thread.  With the host's shared_ranges, pages come one by one
 * from the vCPU's lane (phys_alloc_page_lane): the vCPUs of all guests
 * interleave inside the same 2 MiB blocks whatever order they run in, so
 * put/put and get/put races on one range really happen.
 */
#include "vmm/vmm.h"

int vmm_page_alloc(struct vmm_vcpu *v, uint64_t *pa)
{
	const struct vmm_host *h = v->td->h;

	if (h->shared_ranges && v->mag_pos == v->mag_n) {
		if (phys_alloc_page_lane(h->pa, v->hint, h->shared_lanes,
					 &v->lane_cursor, pa))
			return DPAMT_ENOMEM;
		return 0;
	}
	if (v->mag_pos == v->mag_n) {
		v->mag_pos = 0;
		v->mag_n = phys_alloc_pages(h->pa, v->hint, VMM_MAG, v->mag);
		if (!v->mag_n)
			return DPAMT_ENOMEM;
	}
	*pa = v->mag[v->mag_pos++];
	vmm_cost(v->td->h, VMM_COST_ZERO_4K);
	return 0;
}

void vmm_page_free(struct vmm_vcpu *v, uint64_t pa)
{
	if (v->n_fbuf == VMM_MAG) {
		phys_free_pages(v->td->h->pa, v->fbuf, v->n_fbuf);
		v->n_fbuf = 0;
	}
	v->fbuf[v->n_fbuf++] = pa;
}

void vmm_pages_flush(struct vmm_vcpu *v)
{
	struct phys_alloc *a = v->td->h->pa;

	phys_free_pages(a, v->fbuf, v->n_fbuf);
	v->n_fbuf = 0;
	phys_free_pages(a, v->mag + v->mag_pos, v->mag_n - v->mag_pos);
	v->mag_pos = v->mag_n = 0;
}
