/*
 * create.c - dpamt_create / dpamt_destroy: read the module's metadata
 * (TDH.SYS.RD), choose the mode (dynamic, or static when the module lacks
 * FEATURES0 bit 36 in AUTO or when forced), allocate the 1G/2M arrays and
 * the 4K array or the page bitmap of every TDMR, write the TDMR_INFO
 * array, TDH.SYS.CONFIG (R8 bit 16 in dynamic mode), TDH.SYS.TDMR.INIT
 * per TDMR, and set up refcounts, the lock and the strategy.
 */
#include "host/strategy.h"

#define DP_DEFAULT_BUSY_RETRIES 64
#define DP_MAX_PA (1ULL << 52)

static bool dp_ops_ok(const struct dpamt_ops *o)
{
	return o && o->seamcall && o->page_alloc && o->page_free &&
	       o->contig_alloc && o->contig_free && o->mem_alloc &&
	       o->mem_free && o->phys_write &&
	       !o->pair_alloc == !o->pair_free;
}

static bool dp_tdmrs_ok(const struct dpamt_config *cfg)
{
	uint64_t end = 0;

	if (cfg->n_tdmrs == 0 || cfg->n_tdmrs > DPAMT_MAX_TDMRS)
		return false;
	for (unsigned i = 0; i < cfg->n_tdmrs; i++) {
		const struct dpamt_range *t = &cfg->tdmrs[i];

		if (!t->size || (t->base | t->size) & (DPAMT_TDX_1G_SIZE - 1))
			return false;
		if (t->base >= DP_MAX_PA || t->size > DP_MAX_PA - t->base)
			return false;
		if (i && t->base < end)
			return false;
		end = t->base + t->size;
	}
	return true;
}

static int dp_sys_rd(struct dpamt *m, uint64_t field, uint64_t *val)
{
	struct dpamt_tdx_regs r = { 0 };
	uint64_t st;

	r.rax = DPAMT_TDH_SYS_RD;
	r.rdx = field;
	st = dp_seamcall_retry(m, &r, 0);
	if (!dpamt_tdx_is_success(st))
		return dp_status_to_err(st);
	*val = r.r8;
	return DPAMT_OK;
}

static unsigned dp_rd_or(struct dpamt *m, uint64_t field, unsigned dflt)
{
	uint64_t v = 0;

	return dp_sys_rd(m, field, &v) ? dflt : (unsigned)v;
}

/* Metadata; the DPAMT-only fields are read only when it is supported. */
static int dp_read_metadata(struct dpamt *m)
{
	struct dpamt_metadata *md = &m->md;
	uint64_t f0 = 0, v = 0;
	int err;

	err = dp_sys_rd(m, DPAMT_TDX_MD_FEATURES0, &f0);
	if (err)
		return err;
	md->dpamt_supported = (f0 & DPAMT_TDX_FEATURES0_DPAMT_BIT) != 0;
	if ((err = dp_sys_rd(m, DPAMT_TDX_MD_PAMT_4K_ENTRY_SIZE, &v)))
		return err;
	md->entry_size_4k = (unsigned)v;
	if ((err = dp_sys_rd(m, DPAMT_TDX_MD_PAMT_2M_ENTRY_SIZE, &v)))
		return err;
	md->entry_size_2m = (unsigned)v;
	if ((err = dp_sys_rd(m, DPAMT_TDX_MD_PAMT_1G_ENTRY_SIZE, &v)))
		return err;
	md->entry_size_1g = (unsigned)v;
	md->num_tdcs_pages = dp_rd_or(m, DPAMT_TDX_MD_NUM_TDCS_PAGES, 0);
	md->num_tdcx_pages = dp_rd_or(m, DPAMT_TDX_MD_NUM_TDCX_PAGES, 0);
	if (!md->dpamt_supported)
		return DPAMT_OK;
	if ((err = dp_sys_rd(m, DPAMT_TDX_MD_PAMT_PAGE_BITMAP_ENTRY_BITS, &v)))
		return err;
	md->bitmap_entry_bits = (unsigned)v;
	if ((err = dp_sys_rd(m, DPAMT_TDX_MD_PAMT_PAGES_PER_2M, &v)))
		return err;
	md->pages_per_pair = (unsigned)v;
	return DPAMT_OK;
}

static int dp_choose_mode(struct dpamt *m)
{
	const struct dpamt_metadata *md = &m->md;

	switch (m->cfg.mode) {
	case DPAMT_MODE_STATIC:
		m->dynamic = false;
		break;
	case DPAMT_MODE_DYNAMIC:
		if (!md->dpamt_supported)
			return DPAMT_EINVAL;
		m->dynamic = true;
		break;
	case DPAMT_MODE_AUTO:
		m->dynamic = md->dpamt_supported;
		break;
	default:
		return DPAMT_EINVAL;
	}
	if (!md->entry_size_1g || !md->entry_size_2m || !md->entry_size_4k)
		return DPAMT_EIO;
	/* A pair travels in RDX/R8: one or two pages. */
	if (m->dynamic && (md->pages_per_pair < 1 || md->pages_per_pair > 2 ||
			   md->bitmap_entry_bits < 1 ||
			   md->bitmap_entry_bits > 64))
		return DPAMT_EIO;
	return DPAMT_OK;
}

/* A cache-line aligned, zeroed manager from ops->mem_alloc. */
static struct dpamt *dp_alloc_manager(const struct dpamt_ops *ops)
{
	size_t bytes = sizeof(struct dpamt) + DP_CACHE_LINE;
	char *raw = ops->mem_alloc(ops->ctx, bytes);
	uintptr_t p;
	struct dpamt *m;

	if (!raw)
		return 0;
	p = ((uintptr_t)raw + DP_CACHE_LINE - 1) &
	    ~(uintptr_t)(DP_CACHE_LINE - 1);
	m = (struct dpamt *)p;
	m->raw = raw;
	m->raw_bytes = bytes;
	m->ops = *ops;
	if (!m->ops.pair_alloc) { /* pair pages: ordinary pages */
		m->ops.pair_alloc = m->ops.page_alloc;
		m->ops.pair_free = m->ops.page_free;
	}
	return m;
}

/* Everything but the module-owned areas, in reverse order of set-up. */
static void dp_teardown(struct dpamt *m, bool strat_up, bool lock_up)
{
	if (strat_up && m->strat->fini)
		m->strat->fini(m);
	if (lock_up)
		dp_lock_fini(m, &m->lock);
	dp_refs_free(m);
	/* Once SYS.CONFIG accepted them, the areas are the module's until
	 * it shuts down: freeing them here would hand out PAMT memory. */
	if (!m->module_configured)
		dp_areas_free(m);
	m->ops.mem_free(m->ops.ctx, m->raw, m->raw_bytes);
}

static int dp_setup(struct dpamt *m, bool *strat_up, bool *lock_up)
{
	int err = dp_read_metadata(m);

	if (!err)
		err = dp_choose_mode(m);
	if (!err)
		err = dp_refs_alloc(m);
	if (!err)
		err = dp_lock_init(m, &m->lock);
	if (err)
		return err;
	*lock_up = true;
	if (m->strat->init && (err = m->strat->init(m)))
		return err;
	*strat_up = true;
	err = dp_areas_alloc(m);
	if (!err)
		err = dp_module_config(m);
	return err;
}

/* Concurrency: single-threaded; nothing else may use ops->ctx's module
 * for configuration at the same time. */
int dpamt_create(const struct dpamt_config *cfg, const struct dpamt_ops *ops,
		 struct dpamt **out)
{
	bool strat_up = false, lock_up = false;
	struct dpamt *m;
	int err;

	if (!cfg || !out || !dp_ops_ok(ops) || !dp_tdmrs_ok(cfg) ||
	    !dp_strategy_lookup(cfg->strategy))
		return DPAMT_EINVAL;
	m = dp_alloc_manager(ops);
	if (!m)
		return DPAMT_ENOMEM;
	m->cfg = *cfg;
	m->strat = dp_strategy_lookup(cfg->strategy);
	m->busy_budget = cfg->busy_retries ? cfg->busy_retries
					   : DP_DEFAULT_BUSY_RETRIES;
	m->n_tdmrs = cfg->n_tdmrs;
	dp_areas_init(m);
	for (unsigned i = 0; i < cfg->n_tdmrs; i++) {
		m->tdmrs[i].base = cfg->tdmrs[i].base;
		m->tdmrs[i].size = cfg->tdmrs[i].size;
	}
	err = dp_setup(m, &strat_up, &lock_up);
	m->zoned = !err && m->dynamic && m->strat->zoned;
	m->fast = !m->zoned ? DP_FAST_NONE :
		  cfg->fast_path_cas ? DP_FAST_CAS : DP_FAST_ONE;
	if (err) {
		dp_teardown(m, strat_up, lock_up);
		return err;
	}
	*out = m;
	return DPAMT_OK;
}

/* Concurrency: single-threaded; no page may be in module use. */
void dpamt_destroy(struct dpamt *m)
{
	if (!m)
		return;
	m->module_configured = false; /* the caller says the module is done */
	dp_teardown(m, true, true);
}

bool dpamt_is_dynamic(const struct dpamt *m)
{
	return m->dynamic;
}

const struct dpamt_metadata *dpamt_metadata(const struct dpamt *m)
{
	return &m->md;
}

enum dpamt_strategy dpamt_get_strategy(const struct dpamt *m)
{
	return m->cfg.strategy;
}
