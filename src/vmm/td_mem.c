/*
 * td_mem.c - a TD's flat bookkeeping arrays, its per-range page counts
 * (for the pairs it causes) and the deterministic choice of which chunks
 * are huge, which pages are touched and how many are converted.
 */
#include "vmm/vmm.h"
#include "util/prng.h"

#include <stdlib.h>
#include <string.h>

#include "util/bitmap.h"

static void vcpu_share(struct vmm_td *td, struct vmm_vcpu *v, unsigned i)
{
	uint64_t n = td->n_chunks, k = td->spec.vcpus;

	v->td = td;
	v->index = i;
	v->chunk_first = n * i / k;
	v->chunk_count = n * (i + 1) / k - v->chunk_first;
	v->rng = td->spec.seed * PRNG_STEP + i * 7919 + 1;
	atomic_init(&v->faults, 0);
	atomic_init(&v->work_total, 0);
}

static int td_arrays(struct vmm_td *td)
{
	struct vmm_host *h = td->h;

	td->chunk_pfn = calloc(td->n_chunks, sizeof(*td->chunk_pfn));
	td->chunk_state = calloc(td->n_chunks, 1);
	td->chunk_mapped = calloc(td->n_chunks, sizeof(*td->chunk_mapped));
	if (!td->chunk_pfn || !td->chunk_state || !td->chunk_mapped)
		return -1;
	if (td->spec.legacy) {
		td->pfn = calloc(td->n_pages, sizeof(*td->pfn));
		return td->pfn ? 0 : -1;
	}
	if (!h->sept_4k) {
		vmm_error(h, "td %d: the VMM cannot read the module's S-EPT",
			  td->index);
		return -1;
	}
	td->mapped = calloc(BM_WORDS(td->n_pages), sizeof(*td->mapped));
	if (!td->mapped)
		return -1;
	td->n_sept2 = (td->spec.size + VMM_1G - 1) / VMM_1G;
	td->n_sept3 = (td->spec.size + VMM_512G - 1) / VMM_512G;
	td->sept1 = calloc(td->n_chunks, sizeof(*td->sept1));
	td->sept2 = calloc(td->n_sept2, sizeof(*td->sept2));
	td->sept3 = calloc(td->n_sept3, sizeof(*td->sept3));
	td->tdcs = calloc(h->tdcs_pages ? h->tdcs_pages : 1, 8);
	td->range_refs = calloc(h->n_ranges, sizeof(*td->range_refs));
	if (!td->sept1 || !td->sept2 || !td->sept3 || !td->tdcs ||
	    !td->range_refs)
		return -1;
	for (unsigned i = 0; i < td->spec.vcpus; i++) {
		td->vcpu[i].tdcx = calloc(h->tdcx_pages ? h->tdcx_pages : 1, 8);
		if (!td->vcpu[i].tdcx)
			return -1;
	}
	return 0;
}

int vmm_td_alloc(struct vmm_td *td, struct vmm_host *h, int index,
		 const struct vmm_td_spec *spec, unsigned first_hint)
{
	memset(td, 0, sizeof(*td));
	td->h = h;
	td->index = index;
	td->spec = *spec;
	td->n_chunks = spec->size / VMM_2M;
	td->n_pages = spec->size / VMM_PAGE;
	atomic_init(&td->pairs_now, 0);
	atomic_init(&td->pairs_peak, 0);
	td->mmu_lock = vmm_lock_new(h);
	if (!td->mmu_lock)
		return -1;
	td->vcpu = calloc(spec->vcpus, sizeof(*td->vcpu));
	if (!td->vcpu)
		goto fail;
	for (unsigned i = 0; i < spec->vcpus; i++) {
		vcpu_share(td, &td->vcpu[i], i);
		td->vcpu[i].hint = first_hint + i;
	}
	if (td_arrays(td))
		goto fail;
	return 0;
fail:
	vmm_td_free(td);
	return -1;
}

/* What the TD still holds (a reclaim that failed) leaves the host's
 * per-range totals with it. */
static void drop_range_refs(struct vmm_td *td)
{
	for (uint64_t r = 0; td->range_refs && r < td->h->n_ranges; r++) {
		uint32_t k = atomic_load_explicit(&td->range_refs[r],
						  memory_order_relaxed);

		if (!k)
			continue;
		atomic_fetch_sub_explicit(&td->h->range_held[r], k,
					  memory_order_relaxed);
		atomic_fetch_sub_explicit(&td->h->range_holders[r], 1,
					  memory_order_relaxed);
	}
}

void vmm_td_free(struct vmm_td *td)
{
	if (td->vcpu) {
		for (unsigned i = 0; i < td->spec.vcpus; i++)
			free(td->vcpu[i].tdcx);
	}
	free(td->vcpu);
	free(td->pfn);
	free(td->mapped);
	free(td->chunk_pfn);
	free(td->chunk_state);
	free(td->chunk_mapped);
	free(td->sept1);
	free(td->sept2);
	free(td->sept3);
	free(td->tdcs);
	drop_range_refs(td);
	free(td->range_refs);
	vmm_lock_del(td->h, td->mmu_lock);
	td->mmu_lock = NULL;
	memset(td, 0, sizeof(*td));
}

bool vmm_page_mapped(const struct vmm_td *td, uint64_t page)
{
	if (td->pfn)
		return td->pfn[page] != 0;
	return bm_test(td->mapped, page);
}

bool vmm_chunk_any_mapped(const struct vmm_td *td, uint64_t c)
{
	uint64_t first = c * VMM_PAGES_PER_2M;

	if (td->pfn) {
		for (unsigned i = 0; i < VMM_PAGES_PER_2M; i++)
			if (td->pfn[first + i])
				return true;
		return false;
	}
	/* 512 bits, chunk-aligned: 8 whole words */
	for (unsigned w = 0; w < VMM_PAGES_PER_2M / 64; w++)
		if (td->mapped[first / 64 + w])
			return true;
	return false;
}

void vmm_page_mark(struct vmm_td *td, uint64_t page, uint64_t pa)
{
	if (td->pfn)
		td->pfn[page] = vmm_pa_pfn(pa);
	else if (pa)
		bm_set(td->mapped, page);
	else
		bm_clear(td->mapped, page);
}

uint64_t vmm_page_pa(const struct vmm_td *td, uint64_t page)
{
	uint64_t pa = 0;

	if (td->pfn)
		return vmm_pfn_pa(td->pfn[page]);
	if (vmm_page_mapped(td, page))
		td->h->sept_4k(td->h->sept_ctx, td->tdr, page * VMM_PAGE, 1,
			       &pa);
	return pa;
}

unsigned vmm_chunk_pas(const struct vmm_td *td, uint64_t c, uint64_t *pa)
{
	uint64_t first = c * VMM_PAGES_PER_2M;
	unsigned n = 0;

	if (td->pfn) {
		for (unsigned i = 0; i < VMM_PAGES_PER_2M; i++) {
			pa[i] = vmm_pfn_pa(td->pfn[first + i]);
			n += pa[i] != 0;
		}
		return n;
	}
	return td->h->sept_4k(td->h->sept_ctx, td->tdr, first * VMM_PAGE,
			      VMM_PAGES_PER_2M, pa);
}

static void pairs_peak_update(struct vmm_td *td, uint64_t now)
{
	uint64_t peak = atomic_load_explicit(&td->pairs_peak,
					     memory_order_relaxed);

	while (now > peak &&
	       !atomic_compare_exchange_weak_explicit(
		       &td->pairs_peak, &peak, now, memory_order_relaxed,
		       memory_order_relaxed))
		;
}

void vmm_td_ref(struct vmm_td *td, uint64_t pa, int delta)
{
	uint64_t r = pa / VMM_2M;
	uint32_t old;

	if (!td->range_refs || r >= td->h->n_ranges)
		return;
	atomic_fetch_add_explicit(&td->h->range_held[r], (uint32_t)delta,
				  memory_order_relaxed);
	if (delta > 0) {
		old = atomic_fetch_add_explicit(&td->range_refs[r],
						(uint32_t)delta,
						memory_order_relaxed);
		if (old == 0)
			atomic_fetch_add_explicit(&td->h->range_holders[r], 1,
						  memory_order_relaxed);
		if (old == 0 && td->h->dynamic) /* static PAMT: no pairs */
			pairs_peak_update(td, atomic_fetch_add_explicit(
				&td->pairs_now, 1, memory_order_relaxed) + 1);
	} else {
		old = atomic_fetch_sub_explicit(&td->range_refs[r],
						(uint32_t)-delta,
						memory_order_relaxed);
		if (old == (uint32_t)-delta)
			atomic_fetch_sub_explicit(&td->h->range_holders[r], 1,
						  memory_order_relaxed);
		if (old == (uint32_t)-delta && td->h->dynamic)
			atomic_fetch_sub_explicit(&td->pairs_now, 1,
						  memory_order_relaxed);
	}
}

/* Spread a percentage evenly: item i is selected when the running share
 * crosses an integer. */
static bool pct_pick(uint64_t i, unsigned pct)
{
	return (i + 1) * pct / 100 != i * pct / 100;
}

bool vmm_chunk_is_huge(const struct vmm_td *td, uint64_t c)
{
	return pct_pick(c, td->spec.huge_pct);
}

bool vmm_page_touched(const struct vmm_td *td, uint64_t page)
{
	return pct_pick(page % VMM_PAGES_PER_2M, td->spec.touch_pct);
}

/* Concurrency: pure. */
bool vmm_chunk_churned(const struct vmm_td *td, uint64_t c)
{
	return pct_pick(c, td->spec.churn_pct);
}

unsigned vmm_convert_count(const struct vmm_td *td)
{
	return VMM_PAGES_PER_2M * td->spec.convert_pct / 100;
}
