/*
 * sizing.c - PAMT sizing: pure arithmetic over a TDMR layout and the
 * module's metadata.  Classic PAMT (1G + 2M + 4K arrays), Dynamic PAMT's
 * static part (1G + 2M arrays + the page bitmap), the host's refcount
 * tables and the worst-case dynamic cost.  Also the public metadata
 * defaults.  Freestanding: no libc, no state; every function is reentrant.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdx_abi.h"

/*
 * Bounds that keep every product below 2^64: TDMRs end below 2^52 (the
 * architectural maximum physical address width), entries are at most one
 * page, a bitmap entry at most 64 bits, a pair at most 512 pages (one per
 * 4K entry of the range, the most that could ever be needed).
 */
#define SIZING_MAX_PA (1ULL << 52)
#define SIZING_MAX_ENTRY_SIZE 4096u
#define SIZING_MAX_BITMAP_BITS 64u
#define SIZING_MAX_PAIR_PAGES 512u

/* Host refcount: one 32-bit word per covered 2 MiB range. */
#define SIZING_REFCOUNT_BYTES 4u

void dpamt_metadata_default(struct dpamt_metadata *md)
{
	md->dpamt_supported = true;
	md->entry_size_4k = DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_4K;
	md->entry_size_2m = DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_2M;
	md->entry_size_1g = DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_1G;
	md->bitmap_entry_bits = DPAMT_TDX_DEFAULT_BITMAP_ENTRY_BITS;
	md->pages_per_pair = DPAMT_TDX_DEFAULT_PAGES_PER_PAIR;
	md->num_tdcs_pages = DPAMT_TDX_DEFAULT_NUM_TDCS_PAGES;
	md->num_tdcx_pages = DPAMT_TDX_DEFAULT_NUM_TDCX_PAGES;
}

static uint64_t round_up_page(uint64_t bytes)
{
	return (bytes + DPAMT_TDX_PAGE_SIZE - 1) & ~(DPAMT_TDX_PAGE_SIZE - 1);
}

static bool metadata_ok(const struct dpamt_metadata *md)
{
	if (md->entry_size_4k == 0 || md->entry_size_4k > SIZING_MAX_ENTRY_SIZE)
		return false;
	if (md->entry_size_2m == 0 || md->entry_size_2m > SIZING_MAX_ENTRY_SIZE)
		return false;
	if (md->entry_size_1g == 0 || md->entry_size_1g > SIZING_MAX_ENTRY_SIZE)
		return false;
	if (md->bitmap_entry_bits == 0 ||
	    md->bitmap_entry_bits > SIZING_MAX_BITMAP_BITS)
		return false;
	return md->pages_per_pair != 0 &&
	       md->pages_per_pair <= SIZING_MAX_PAIR_PAGES;
}

/* Aligned, non-empty, below the PA limit, sorted and disjoint. */
static bool layout_ok(const struct dpamt_range *t, unsigned n)
{
	uint64_t prev_end = 0;

	if (n == 0 || n > DPAMT_MAX_TDMRS)
		return false;
	for (unsigned i = 0; i < n; i++) {
		if (t[i].size == 0 || (t[i].base & (DPAMT_TDX_1G_SIZE - 1)) ||
		    (t[i].size & (DPAMT_TDX_1G_SIZE - 1)))
			return false;
		if (t[i].base >= SIZING_MAX_PA ||
		    t[i].size > SIZING_MAX_PA - t[i].base)
			return false;
		if (i > 0 && t[i].base < prev_end)
			return false; /* unsorted or overlapping */
		prev_end = t[i].base + t[i].size;
	}
	return true;
}

static void size_one(const struct dpamt_metadata *md,
		     const struct dpamt_range *r, struct dpamt_tdmr_sizing *s)
{
	uint64_t n_1g = (r->size + DPAMT_TDX_1G_SIZE - 1) / DPAMT_TDX_1G_SIZE;
	uint64_t n_2m = r->size / DPAMT_TDX_2M_SIZE;
	uint64_t n_4k = r->size / DPAMT_TDX_PAGE_SIZE;
	uint64_t bitmap_bits = n_4k * md->bitmap_entry_bits;

	s->base = r->base;
	s->size = r->size;
	s->pamt_1g_bytes = round_up_page(n_1g * md->entry_size_1g);
	s->pamt_2m_bytes = round_up_page(n_2m * md->entry_size_2m);
	s->pamt_4k_bytes = round_up_page(n_4k * md->entry_size_4k);
	s->bitmap_bytes = round_up_page((bitmap_bits + 7) / 8);
	s->refcount_bytes = n_2m * SIZING_REFCOUNT_BYTES;
	s->ranges_2m = n_2m;
}

static void zero_sizing(struct dpamt_sizing *out)
{
	out->classic_bytes = 0;
	out->dynamic_static_bytes = 0;
	out->bitmap_bytes = 0;
	out->refcount_bytes = 0;
	out->pair_bytes_per_2m = 0;
	out->dynamic_max_bytes = 0;
	out->n_tdmrs = 0;
}

/*
 * Concurrency: pure function of its inputs; any number may run at once.
 * out is written only by this call (the caller owns it).
 */
int dpamt_size(const struct dpamt_metadata *md,
	       const struct dpamt_range *tdmrs, unsigned n,
	       struct dpamt_sizing *out)
{
	uint64_t ranges = 0;

	if (!md || !tdmrs || !out)
		return DPAMT_EINVAL;
	zero_sizing(out);
	if (!metadata_ok(md) || !layout_ok(tdmrs, n))
		return DPAMT_EINVAL;
	out->pair_bytes_per_2m =
		(uint64_t)md->pages_per_pair * DPAMT_TDX_PAGE_SIZE;
	for (unsigned i = 0; i < n; i++) {
		struct dpamt_tdmr_sizing *s = &out->tdmrs[i];

		size_one(md, &tdmrs[i], s);
		out->classic_bytes += s->pamt_1g_bytes + s->pamt_2m_bytes +
				      s->pamt_4k_bytes;
		out->dynamic_static_bytes += s->pamt_1g_bytes +
					     s->pamt_2m_bytes +
					     s->bitmap_bytes;
		out->bitmap_bytes += s->bitmap_bytes;
		out->refcount_bytes += s->refcount_bytes;
		ranges += s->ranges_2m;
	}
	out->n_tdmrs = n;
	out->dynamic_max_bytes = out->dynamic_static_bytes +
				 ranges * out->pair_bytes_per_2m;
	return DPAMT_OK;
}
