/*
 * areas.c - the static PAMT areas of every TDMR (1G and 2M arrays, and the
 * 4K array in static mode or the page bitmap in dynamic mode), the
 * TDMR_INFO array describing them, and handing them to the module with
 * TDH.SYS.CONFIG and TDH.SYS.TDMR.INIT.
 */
#include "host/strategy.h"

static uint64_t dp_page_round(uint64_t b)
{
	return (b + DPAMT_TDX_PAGE_SIZE - 1) & ~(DPAMT_TDX_PAGE_SIZE - 1);
}

/* Area sizes of one TDMR; adds the classic total to *classic. */
static void dp_size_tdmr(struct dpamt *m, struct dp_tdmr *t,
			 uint64_t *classic)
{
	const struct dpamt_metadata *md = &m->md;
	uint64_t n4k = t->size / DPAMT_TDX_PAGE_SIZE;
	uint64_t sz_4k_classic = dp_page_round(n4k * md->entry_size_4k);

	t->sz_1g = dp_page_round((t->size / DPAMT_TDX_1G_SIZE) *
				 md->entry_size_1g);
	t->sz_2m = dp_page_round((t->size / DPAMT_TDX_2M_SIZE) *
				 md->entry_size_2m);
	if (m->dynamic)
		t->sz_4k = dp_page_round((n4k * md->bitmap_entry_bits + 7) / 8);
	else
		t->sz_4k = sz_4k_classic;
	*classic += t->sz_1g + t->sz_2m + sz_4k_classic;
}

/* Physical address 0 is a valid page: "none" needs its own value. */
#define DP_NO_PA UINT64_MAX

void dp_areas_init(struct dpamt *m)
{
	for (unsigned i = 0; i < DPAMT_MAX_TDMRS; i++) {
		m->tdmrs[i].pa_1g = DP_NO_PA;
		m->tdmrs[i].pa_2m = DP_NO_PA;
		m->tdmrs[i].pa_4k = DP_NO_PA;
	}
	m->info_pa = DP_NO_PA;
}

static int dp_contig(struct dpamt *m, uint64_t bytes, uint64_t *pa)
{
	if (m->ops.contig_alloc(m->ops.ctx, bytes, pa) != 0) {
		*pa = DP_NO_PA;
		dp_stat_inc(m, DP_ST_enomem);
		return DPAMT_ENOMEM;
	}
	return DPAMT_OK;
}

static void dp_contig_put(struct dpamt *m, uint64_t *pa, uint64_t bytes)
{
	if (*pa != DP_NO_PA && bytes)
		m->ops.contig_free(m->ops.ctx, *pa, bytes);
	*pa = DP_NO_PA;
}

/* Free every area (only valid while the module does not reference them). */
void dp_areas_free(struct dpamt *m)
{
	for (unsigned i = 0; i < m->n_tdmrs; i++) {
		struct dp_tdmr *t = &m->tdmrs[i];

		dp_contig_put(m, &t->pa_1g, t->sz_1g);
		dp_contig_put(m, &t->pa_2m, t->sz_2m);
		dp_contig_put(m, &t->pa_4k, t->sz_4k);
	}
	dp_contig_put(m, &m->info_pa, m->info_bytes);
}

/* Area q of the host's static allocations: the three PAMT areas of
 * every TDMR, then the TDMR_INFO block.  False past the last. */
static bool dp_area(const struct dpamt *m, unsigned q, uint64_t *pa,
		    uint64_t *sz)
{
	const struct dp_tdmr *t = &m->tdmrs[q / 3];

	if (q == 3 * m->n_tdmrs) {
		*pa = m->info_pa, *sz = m->info_bytes;
		return true;
	}
	if (q > 3 * m->n_tdmrs)
		return false;
	*pa = q % 3 == 0 ? t->pa_1g : q % 3 == 1 ? t->pa_2m : t->pa_4k;
	*sz = q % 3 == 0 ? t->sz_1g : q % 3 == 1 ? t->sz_2m : t->sz_4k;
	return true;
}

/* The lowest start >= from of an area's part inside [b, e); its end in
 * *end.  False when none is left. */
static bool dp_next_area(const struct dpamt *m, uint64_t b, uint64_t e,
			 uint64_t from, uint64_t *start, uint64_t *end)
{
	uint64_t pa, sz;
	bool found = false;

	for (unsigned q = 0; dp_area(m, q, &pa, &sz); q++) {
		uint64_t s = pa > b ? pa : b;
		uint64_t x = pa + sz < e ? pa + sz : e;

		if (!sz || s >= x || s < from || (found && s >= *start))
			continue;
		*start = s, *end = x;
		found = true;
	}
	return found;
}

/*
 * The module takes a TDMR's PAMT areas only inside its reserved areas
 * (tdh_sys_config.c, check_pamt_overlaps_available_areas()): every area
 * the host allocated inside TDMR t, adjacent ones merged, becomes one.
 * DPAMT_EINVAL when more than DPAMT_TDX_MAX_RESERVED_PER_TDMR are needed.
 */
static int dp_reserved_fill(const struct dpamt *m, const struct dp_tdmr *t,
			    struct dpamt_tdx_tdmr_info *info)
{
	uint64_t from = t->base, s = 0, x = 0;
	unsigned n = 0;

	while (dp_next_area(m, t->base, t->base + t->size, from, &s, &x)) {
		if (n && info->reserved[n - 1].offset +
				     info->reserved[n - 1].size ==
			     s - t->base) {
			info->reserved[n - 1].size += x - s;
		} else {
			if (n == DPAMT_TDX_MAX_RESERVED_PER_TDMR)
				return DPAMT_EINVAL;
			info->reserved[n].offset = s - t->base;
			info->reserved[n].size = x - s;
			n++;
		}
		from = x;
	}
	return DPAMT_OK;
}

static int dp_info_write(struct dpamt *m, unsigned i)
{
	const struct dp_tdmr *t = &m->tdmrs[i];
	struct dpamt_tdx_tdmr_info info = { 0 };
	int err = dp_reserved_fill(m, t, &info);

	info.base = t->base;
	info.size = t->size;
	info.pamt_1g_base = t->pa_1g;
	info.pamt_1g_size = t->sz_1g;
	info.pamt_2m_base = t->pa_2m;
	info.pamt_2m_size = t->sz_2m;
	info.pamt_4k_base = t->pa_4k;
	info.pamt_4k_size = t->sz_4k;
	m->ops.phys_write(m->ops.ctx, m->info_pa + (uint64_t)i * sizeof(info),
			  &info, sizeof(info));
	return err;
}

/* The array SYS.CONFIG's RCX points at: the PA of each TDMR_INFO, right
 * after the TDMR_INFOs (512-byte aligned, as the module requires). */
static uint64_t dp_info_list_pa(const struct dpamt *m)
{
	return m->info_pa +
	       (uint64_t)m->n_tdmrs * sizeof(struct dpamt_tdx_tdmr_info);
}

static void dp_info_list_write(struct dpamt *m)
{
	for (unsigned i = 0; i < m->n_tdmrs; i++) {
		uint64_t pa = m->info_pa +
			      (uint64_t)i * sizeof(struct dpamt_tdx_tdmr_info);

		m->ops.phys_write(m->ops.ctx, dp_info_list_pa(m) + i * 8ULL,
				  &pa, sizeof(pa));
	}
}

/* Size and allocate every area and write the TDMR_INFO array. */
int dp_areas_alloc(struct dpamt *m)
{
	uint64_t classic = 0, stat = 0;
	int err = DPAMT_OK;

	for (unsigned i = 0; i < m->n_tdmrs && !err; i++) {
		struct dp_tdmr *t = &m->tdmrs[i];

		dp_size_tdmr(m, t, &classic);
		stat += t->sz_1g + t->sz_2m + t->sz_4k;
		err = dp_contig(m, t->sz_1g, &t->pa_1g);
		if (!err)
			err = dp_contig(m, t->sz_2m, &t->pa_2m);
		if (!err)
			err = dp_contig(m, t->sz_4k, &t->pa_4k);
	}
	m->info_bytes = dp_page_round((uint64_t)m->n_tdmrs *
				      (sizeof(struct dpamt_tdx_tdmr_info) + 8));
	if (!err)
		err = dp_contig(m, m->info_bytes, &m->info_pa);
	if (err) {
		dp_areas_free(m);
		return err;
	}
	for (unsigned i = 0; i < m->n_tdmrs && !err; i++)
		err = dp_info_write(m, i);
	if (err) {
		dp_areas_free(m);
		return err;
	}
	dp_info_list_write(m);
	dp_stat_add(m, DP_ST_static_bytes, stat);
	dp_stat_add(m, DP_ST_classic_bytes, classic);
	return DPAMT_OK;
}

/* TDH.SYS.CONFIG, then TDH.SYS.TDMR.INIT for every TDMR. */
int dp_module_config(struct dpamt *m)
{
	struct dpamt_tdx_regs r = { 0 };
	uint64_t st;

	r.rax = DPAMT_TDH_SYS_CONFIG;
	r.rcx = dp_info_list_pa(m);
	r.rdx = m->n_tdmrs;
	r.r8 = (m->cfg.global_hkid & 0xFFFFu) |
	       (m->dynamic ? DPAMT_TDX_SYS_CONFIG_DPAMT_BIT : 0);
	st = dp_seamcall_retry(m, &r, 0);
	if (!dpamt_tdx_is_success(st))
		return dp_status_to_err(st);
	m->module_configured = true;
	for (unsigned i = 0; i < m->n_tdmrs; i++) {
		struct dpamt_tdx_regs t = { 0 };

		t.rax = DPAMT_TDH_SYS_TDMR_INIT;
		t.rcx = m->tdmrs[i].base;
		st = dp_seamcall_retry(m, &t, 0);
		if (!dpamt_tdx_is_success(st))
			return dp_status_to_err(st);
	}
	return DPAMT_OK;
}
