/*
 * init.c - creating the model and the module's initialisation leaves.
 *
 * tdxmod_create() checks the configuration; then, as on hardware, the
 * host reads metadata with TDH.SYS.RD, hands its TDMRs and PAMT areas to
 * TDH.SYS.CONFIG (an array of TDMR_INFO in simulated memory) and runs
 * TDH.SYS.TDMR.INIT once per TDMR.  When every TDMR is initialised the
 * module is ready for the other leaves.  tdxmod_setup_simple() is a small
 * host doing exactly that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdxmod/model.h"

void tdxmod_config_default(struct tdxmod_config *cfg, uint64_t mem_bytes)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_bytes = mem_bytes;
	cfg->dpamt_supported = true;
	/* the values dpamt_metadata_default() gives the host (tdx_abi.h) */
	cfg->pamt_entry_size_4k = DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_4K;
	cfg->pamt_entry_size_2m = DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_2M;
	cfg->pamt_entry_size_1g = DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_1G;
	cfg->bitmap_entry_bits = DPAMT_TDX_DEFAULT_BITMAP_ENTRY_BITS;
	cfg->pages_per_pair = DPAMT_TDX_DEFAULT_PAGES_PER_PAIR;
	cfg->num_tdcs_pages = DPAMT_TDX_DEFAULT_NUM_TDCS_PAGES;
	cfg->num_tdcx_pages = DPAMT_TDX_DEFAULT_NUM_TDCX_PAGES;
	cfg->hkid_min = 1;
	cfg->hkid_max = 63;
	cfg->max_pa_bits = 52;
	cfg->hkid_shift = 46;
}

static int cfg_error(char *err, size_t len, const char *msg)
{
	if (err && len)
		snprintf(err, len, "%s", msg);
	return -1;
}

static int cfg_validate(const struct tdxmod_config *c, char *err, size_t n)
{
	if (!c)
		return cfg_error(err, n, "no configuration (cfg is NULL)");
	if (!c->mem_bytes || c->mem_bytes % DPAMT_TDX_1G_SIZE)
		return cfg_error(err, n,
				 "mem_bytes must be a multiple of 1 GiB");
	if (c->mem_bytes > MAX_MEM_BYTES ||
	    c->hkid_shift > c->max_pa_bits || c->hkid_shift < 32 ||
	    c->max_pa_bits > 52 || c->mem_bytes > (1ULL << c->hkid_shift))
		return cfg_error(err, n, "memory beyond 16 TiB or the key-id "
				 "bits (hkid_shift <= max_pa_bits <= 52)");
	if (c->pamt_entry_size_4k != 16 || c->pamt_entry_size_2m != 16 ||
	    c->pamt_entry_size_1g != 16 || c->bitmap_entry_bits != 1 ||
	    c->pages_per_pair != 2)
		return cfg_error(err, n, "the model's PAMT entries are 16 "
				 "bytes, 1 bitmap bit, 2 pages per pair");
	if (!c->num_tdcs_pages || c->num_tdcs_pages > MAX_TDCS_PAGES ||
	    c->num_tdcx_pages > MAX_TDCX_PAGES)
		return cfg_error(err, n, "num_tdcs_pages 1..16, "
				 "num_tdcx_pages 0..16");
	if (c->hkid_min == 0 || c->hkid_min > c->hkid_max ||
	    c->hkid_max >= TDXMOD_MAX_HKIDS)
		return cfg_error(err, n, "HKID range must be 1 <= min <= max "
				 "<= 2047 (the module's MAX_HKIDS is 2048)");
	if (c->n_cmrs > TDXMOD_MAX_CMRS)
		return cfg_error(err, n, "too many CMRs");
	for (unsigned i = 0; i < c->n_cmrs; i++) {
		const struct tdxmod_range *r = &c->cmrs[i];

		if (r->base % DPAMT_TDX_1G_SIZE || !r->size ||
		    r->size % DPAMT_TDX_1G_SIZE ||
		    r->base + r->size > c->mem_bytes ||
		    (i && r->base < c->cmrs[i - 1].base + c->cmrs[i - 1].size))
			return cfg_error(err, n, "CMRs must be 1 GiB aligned, "
					 "sorted, disjoint, inside memory");
	}
	if (!(c->busy_inject_prob >= 0.0 && c->busy_inject_prob <= 1.0) ||
	    !(c->busy_inject_lock_prob >= 0.0 &&
	      c->busy_inject_lock_prob <= 1.0))
		return cfg_error(err, n, "busy_inject_prob and "
				 "busy_inject_lock_prob must be in 0..1");
	return 0;
}

/* A rate 0..1 as a threshold on a 64-bit hash. */
static uint64_t busy_threshold(double p)
{
	return p >= 1.0 ? UINT64_MAX : (uint64_t)(p * 18446744073709551616.0);
}

struct tdxmod *tdxmod_create(const struct tdxmod_config *cfg, char *err,
			     size_t errlen)
{
	struct tdxmod *m;

	if (cfg_validate(cfg, err, errlen))
		return NULL;
	m = aligned_alloc(MODEL_LINE, sizeof(*m));
	if (!m) {
		cfg_error(err, errlen, "out of memory");
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	if (!m->cfg.n_cmrs) {
		m->cfg.n_cmrs = 1;
		m->cfg.cmrs[0].base = 0;
		m->cfg.cmrs[0].size = cfg->mem_bytes;
	}
	m->n_gib = cfg->mem_bytes >> 30;
	m->top = calloc(m->n_gib, sizeof(*m->top));
	m->gib_tdmr = malloc(m->n_gib);
	m->kot = calloc(cfg->hkid_max + 1, sizeof(*m->kot));
	if (!m->top || !m->gib_tdmr || !m->kot) {
		free(m->top);
		free(m->gib_tdmr);
		free((void *)m->kot);
		free(m);
		cfg_error(err, errlen, "out of memory");
		return NULL;
	}
	memset(m->gib_tdmr, 0xFF, m->n_gib);
	m->busy_thresh = busy_threshold(cfg->busy_inject_prob);
	m->busy_lock_thresh = busy_threshold(cfg->busy_inject_lock_prob);
	mem_init(m);
	pthread_mutex_init(&m->cfg_lock, NULL);
	return m;
}

void tdxmod_destroy(struct tdxmod *m)
{
	if (!m)
		return;
	mem_fini(m);
	pthread_mutex_destroy(&m->cfg_lock);
	free(m->top);
	free(m->gib_tdmr);
	free((void *)m->kot);
	free(m);
}

/* ---- TDH.SYS.RD: RDX = field id, R8 = value --------------------------- */
uint64_t leaf_sys_rd(struct call *c)
{
	const struct tdxmod_config *g = &c->m->cfg;
	uint64_t v;

	switch (c->r->rdx) {
	case DPAMT_TDX_MD_FEATURES0:
		v = g->dpamt_supported ? DPAMT_TDX_FEATURES0_DPAMT_BIT : 0;
		break;
	case DPAMT_TDX_MD_PAMT_4K_ENTRY_SIZE: v = g->pamt_entry_size_4k; break;
	case DPAMT_TDX_MD_PAMT_2M_ENTRY_SIZE: v = g->pamt_entry_size_2m; break;
	case DPAMT_TDX_MD_PAMT_1G_ENTRY_SIZE: v = g->pamt_entry_size_1g; break;
	case DPAMT_TDX_MD_PAMT_PAGE_BITMAP_ENTRY_BITS: v = g->bitmap_entry_bits;
		break;
	case DPAMT_TDX_MD_PAMT_PAGES_PER_2M: v = g->pages_per_pair; break;
	case DPAMT_TDX_MD_NUM_TDCS_PAGES: v = g->num_tdcs_pages; break;
	case DPAMT_TDX_MD_NUM_TDCX_PAGES: v = g->num_tdcx_pages; break;
	case DPAMT_TDX_MD_TDR_BASE_SIZE: v = DPAMT_TDX_PAGE_SIZE; break;
	case DPAMT_TDX_MD_TDCS_BASE_SIZE:
		v = g->num_tdcs_pages * DPAMT_TDX_PAGE_SIZE;
		break;
	case DPAMT_TDX_MD_TDVPS_BASE_SIZE:
		v = (1 + g->num_tdcx_pages) *
		    DPAMT_TDX_PAGE_SIZE; /* TDVPR + TDCX */
		break;
	case DPAMT_TDX_MD_MAX_TDMRS: v = TDXMOD_MAX_TDMRS; break;
	case DPAMT_TDX_MD_MAX_RESERVED_PER_TDMR:
		v = DPAMT_TDX_MAX_RESERVED_PER_TDMR;
		break;
	default:
		return st_err(DPAMT_TDX_METADATA_FIELD_ID_INCORRECT,
			      DPAMT_TDX_OPERAND_ID_RDX);
	}
	c->o->r8 = v;
	return DPAMT_TDX_SUCCESS;
}

/* ---- TDH.SYS.CONFIG ------------------------------------------------------ */
static uint64_t round_4k(uint64_t b)
{
	return (b + DPAMT_TDX_PAGE_SIZE - 1) & ~(DPAMT_TDX_PAGE_SIZE - 1);
}

static bool in_cmrs(const struct tdxmod *m, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (end < base)
		return false;
	while (base < end) { /* CMRs are sorted: walk adjacent ones */
		unsigned i;

		for (i = 0; i < m->cfg.n_cmrs; i++) {
			const struct tdxmod_range *r = &m->cfg.cmrs[i];

			if (base >= r->base && base < r->base + r->size) {
				base = r->base + r->size;
				break;
			}
		}
		if (i == m->cfg.n_cmrs)
			return false;
	}
	return true;
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

#define TDMR_ERR(cls, i, x, y)                                                 \
	dpamt_tdx_status_make_info((cls), (uint8_t)(i), (uint8_t)(x),          \
				   (uint8_t)(y))

/* Reserved areas: a zero size ends the list, sorted, disjoint, 4 KiB
 * granular, inside the TDMR.  Fills t->rsvd. */
static uint64_t rsvd_check(const struct dpamt_tdx_tdmr_info *ti, struct tdmr *t,
			   unsigned idx)
{
	for (unsigned j = 0; j < DPAMT_TDX_MAX_RESERVED_PER_TDMR; j++) {
		uint64_t o = ti->reserved[j].offset, z = ti->reserved[j].size;

		if (!z) {
			if (j + 1 < DPAMT_TDX_MAX_RESERVED_PER_TDMR &&
			    ti->reserved[j + 1].size)
				return TDMR_ERR(
					DPAMT_TDX_NON_ORDERED_RESERVED_IN_TDMR,
					idx, j, 0);
			break;
		}
		if (o + z < o)
			return TDMR_ERR(DPAMT_TDX_INVALID_RESERVED_IN_TDMR, idx,
					j, 0);
		if (j && o < ti->reserved[j - 1].offset +
				     ti->reserved[j - 1].size)
			return TDMR_ERR(DPAMT_TDX_NON_ORDERED_RESERVED_IN_TDMR,
					idx, j, 0);
		if (o % DPAMT_TDX_PAGE_SIZE || z % DPAMT_TDX_PAGE_SIZE ||
		    o + z > ti->size)
			return TDMR_ERR(DPAMT_TDX_INVALID_RESERVED_IN_TDMR, idx,
					j, 0);
		t->rsvd[j].base = t->base + o;
		t->rsvd[j].end = t->base + o + z;
		t->n_rsvd = j + 1;
	}
	return 0;
}

/* PAMT areas (index 0 = 4K/bitmap, 1 = 2M, 2 = 1G, as the PAMT levels):
 * exact sizes, aligned, disjoint from every PAMT area, inside the CMRs. */
static uint64_t pamt_check(struct tdxmod *m,
			   const struct dpamt_tdx_tdmr_info *ti, struct tdmr *t,
			   unsigned idx, bool dyn)
{
	uint64_t a[3] = {ti->pamt_4k_base, ti->pamt_2m_base, ti->pamt_1g_base};
	uint64_t s[3] = {ti->pamt_4k_size, ti->pamt_2m_size, ti->pamt_1g_size};
	uint64_t want[3] = {
		round_4k(dyn ? (ti->size >> 12) / 8 : (ti->size >> 12) * 16),
		round_4k((ti->size >> 21) * 16),
		round_4k((ti->size >> 30) * 16)};

	for (unsigned l = 0; l < 3; l++)
		if (s[l] != want[l] || a[l] % DPAMT_TDX_PAGE_SIZE ||
		    (a[l] >> m->cfg.hkid_shift))
			return TDMR_ERR(DPAMT_TDX_INVALID_PAMT, idx, l, 0);
	for (unsigned l = 0; l < 3; l++)
		for (unsigned k = 0; k < idx; k++) {
			const struct tdmr *o = &m->tdmr[k];

			if (overlap(a[l], s[l], o->pamt_4k, o->sz_4k) ||
			    overlap(a[l], s[l], o->pamt_2m, o->sz_2m) ||
			    overlap(a[l], s[l], o->pamt_1g, o->sz_1g))
				return TDMR_ERR(DPAMT_TDX_PAMT_OVERLAP, idx, l,
						k);
		}
	if (overlap(a[0], s[0], a[1], s[1]) || overlap(a[0], s[0], a[2], s[2]))
		return TDMR_ERR(DPAMT_TDX_PAMT_OVERLAP, idx, 0, idx);
	if (overlap(a[1], s[1], a[2], s[2]))
		return TDMR_ERR(DPAMT_TDX_PAMT_OVERLAP, idx, 1, idx);
	for (unsigned l = 3; l-- > 0;)
		if (!in_cmrs(m, a[l], s[l]))
			return TDMR_ERR(DPAMT_TDX_PAMT_OUTSIDE_CMRS, idx, l, 0);
	t->pamt_4k = a[0], t->sz_4k = s[0];
	t->pamt_2m = a[1], t->sz_2m = s[1];
	t->pamt_1g = a[2], t->sz_1g = s[2];
	return 0;
}

/* Does [a, a+s) overlap a part of TDMR t outside its reserved areas? */
static bool overlaps_available(const struct tdmr *t, uint64_t a, uint64_t s)
{
	uint64_t from = t->base;

	for (unsigned j = 0; j <= t->n_rsvd; j++) {
		uint64_t to = j < t->n_rsvd ? t->rsvd[j].base : t->end;

		if (to > from && overlap(a, s, from, to - from))
			return true;
		if (j < t->n_rsvd)
			from = t->rsvd[j].end;
	}
	return false;
}

/*
 * The module's check_pamt_overlaps_available_areas() (tdh_sys_config.c):
 * a PAMT area may lie in a TDMR only inside its reserved areas.  TDMR
 * idx's areas against TDMRs 0..idx, and the earlier TDMRs' areas against
 * TDMR idx -> PAMT_OVERLAP (TDMR, PAMT level, the other TDMR).
 */
static uint64_t pamt_vs_available(struct tdxmod *m, unsigned idx)
{
	for (unsigned k = 0; k <= idx; k++) {
		const struct tdmr *a = &m->tdmr[idx], *o = &m->tdmr[k];
		uint64_t pa[3] = {a->pamt_4k, a->pamt_2m, a->pamt_1g};
		uint64_t sz[3] = {a->sz_4k, a->sz_2m, a->sz_1g};
		uint64_t opa[3] = {o->pamt_4k, o->pamt_2m, o->pamt_1g};
		uint64_t osz[3] = {o->sz_4k, o->sz_2m, o->sz_1g};

		for (unsigned l = 0; l < 3; l++) {
			if (overlaps_available(o, pa[l], sz[l]))
				return TDMR_ERR(DPAMT_TDX_PAMT_OVERLAP, idx, l,
						k);
			if (k < idx && overlaps_available(a, opa[l], osz[l]))
				return TDMR_ERR(DPAMT_TDX_PAMT_OVERLAP, k, l,
						idx);
		}
	}
	return 0;
}

/* The parts of the TDMR outside its reserved areas lie in the CMRs. */
static bool avail_in_cmrs(struct tdxmod *m, const struct tdmr *t)
{
	uint64_t from = t->base;

	for (unsigned j = 0; j <= t->n_rsvd; j++) {
		uint64_t to = j < t->n_rsvd ? t->rsvd[j].base : t->end;

		if (to > from && !in_cmrs(m, from, to - from))
			return false;
		if (j < t->n_rsvd)
			from = t->rsvd[j].end;
	}
	return true;
}

/* Check one TDMR_INFO against the ones before it, in the module's order;
 * fill *t.  0 if fine. */
static uint64_t tdmr_check(struct tdxmod *m,
			   const struct dpamt_tdx_tdmr_info *ti, struct tdmr *t,
			   unsigned idx, bool dyn)
{
	uint64_t st;

	if (ti->base + ti->size < ti->base)
		return TDMR_ERR(DPAMT_TDX_INVALID_TDMR, idx, 0, 0);
	if (idx && (ti->base < m->tdmr[idx - 1].base ||
		    ti->base < m->tdmr[idx - 1].end))
		return TDMR_ERR(DPAMT_TDX_NON_ORDERED_TDMR, idx, 0, 0);
	if (ti->base % DPAMT_TDX_1G_SIZE || !ti->size ||
	    ti->size % DPAMT_TDX_1G_SIZE ||
	    ti->base + ti->size > (1ULL << m->cfg.hkid_shift))
		return TDMR_ERR(DPAMT_TDX_INVALID_TDMR, idx, 0, 0);
	memset(t, 0, sizeof(*t));
	t->base = ti->base;
	t->end = ti->base + ti->size;
	if ((st = rsvd_check(ti, t, idx)) ||
	    (st = pamt_check(m, ti, t, idx, dyn)) ||
	    (st = pamt_vs_available(m, idx)))
		return st;
	if (!avail_in_cmrs(m, t))
		return TDMR_ERR(DPAMT_TDX_TDMR_OUTSIDE_CMRS, idx, 0, 0);
	return 0;
}

/* A TDMR_INFO entry or the array of their PAs: a shared host address,
 * 512-byte aligned, no key-id bits (the module's
 * shared_hpa_check_with_pwr_2_alignment(); beyond simulated memory it
 * reads as zeros). */
static bool info_pa_ok(const struct tdxmod *m, uint64_t pa)
{
	return pa % DPAMT_TDX_TDMR_INFO_ALIGN == 0 &&
	       !(pa >> m->cfg.hkid_shift);
}

/*
 * TDH.SYS.CONFIG as tdh_sys_config.c: RCX = PA of an array of RDX 8-byte
 * PAs, each of a 512-byte aligned TDMR_INFO; R8 = global private HKID in
 * bits 15:0 | DPAMT_TDX_SYS_CONFIG_DPAMT_BIT.  RCX, then RDX, then R8, then per
 * TDMR its entry PA (OPERAND_INVALID|RCX) and its checks.
 */
static uint64_t sys_config_locked(struct call *c)
{
	struct tdxmod *m = c->m;
	const struct dpamt_tdx_regs *r = c->r;
	uint64_t hkid = r->r8 & 0xFFFF, st;
	bool dyn = (r->r8 & DPAMT_TDX_SYS_CONFIG_DPAMT_BIT) != 0;
	struct dpamt_tdx_tdmr_info ti;

	if (atomic_load_explicit(&m->sys_state, memory_order_acquire) !=
	    SYS_FRESH)
		return DPAMT_TDX_SYS_CONFIG_NOT_PENDING;
	if (!info_pa_ok(m, r->rcx))
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if (r->rdx == 0 || r->rdx > TDXMOD_MAX_TDMRS)
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RDX);
	if ((r->r8 & ~(0xFFFFULL | DPAMT_TDX_SYS_CONFIG_DPAMT_BIT)) ||
	    (dyn && !m->cfg.dpamt_supported) || hkid < m->cfg.hkid_min ||
	    hkid > m->cfg.hkid_max)
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_R8);
	for (unsigned i = 0; i < r->rdx; i++) {
		uint64_t pa;

		tdxmod_phys_read(m, r->rcx + i * 8ULL, &pa, sizeof(pa));
		if (!info_pa_ok(m, pa)) {
			memset(m->tdmr, 0, sizeof(m->tdmr));
			return st_err(DPAMT_TDX_OPERAND_INVALID,
				      DPAMT_TDX_OPERAND_ID_RCX);
		}
		tdxmod_phys_read(m, pa, &ti, sizeof(ti));
		st = tdmr_check(m, &ti, &m->tdmr[i], i, dyn);
		if (st) {
			memset(m->tdmr, 0, sizeof(m->tdmr));
			return st;
		}
	}
	m->n_tdmr = (unsigned)r->rdx;
	for (unsigned i = 0; i < m->n_tdmr; i++)
		for (uint64_t g = m->tdmr[i].base >> 30;
		     g < m->tdmr[i].end >> 30; g++)
			m->gib_tdmr[g] = (uint8_t)i;
	m->dpamt = dyn;
	m->global_hkid = (unsigned)hkid;
	atomic_store_explicit(&m->kot[hkid], KOT_RESERVED,
			      memory_order_relaxed);
	atomic_store_explicit(&m->sys_state, SYS_CONFIGURED,
			      memory_order_release);
	return DPAMT_TDX_SUCCESS;
}

uint64_t leaf_sys_config(struct call *c)
{
	uint64_t st;

	pthread_mutex_lock(&c->m->cfg_lock);
	st = sys_config_locked(c);
	pthread_mutex_unlock(&c->m->cfg_lock);
	return st;
}

/* ---- TDH.SYS.TDMR.INIT: RCX = TDMR base; RDX out = next address ------- */
static void drop_area(struct tdxmod *m, uint64_t base, uint64_t size)
{
	for (uint64_t pa = base; pa < base + size; pa += DPAMT_TDX_PAGE_SIZE)
		mem_drop(m, pa);
}

/* The reserved pages of TDMR t are never free: bitmap bit set (dynamic)
 * or 4K entry of type RSVD (classic), as the module's
 * pamt_4kb_bitmap_init() / pamt_4kb_init().  The PAMT areas lying in a
 * TDMR are inside its reserved areas (SYS.CONFIG checked it). */
static void mark_reserved(struct tdxmod *m, struct tdmr *t)
{
	for (unsigned i = 0; i < t->n_rsvd; i++)
		for (uint64_t pa = t->rsvd[i].base; pa < t->rsvd[i].end;
		     pa += DPAMT_TDX_PAGE_SIZE) {
			struct pamt_entry *e;

			if (m->dpamt) {
				bitmap_test_and_set(m, pa);
				continue;
			}
			e = pe_get(m, pe_addr_4k(m, t, pa, 0));
			if (e)
				atomic_store_explicit(
					&e->hdr,
					(uint64_t)DPAMT_TDX_PT_RSVD
						<< PE_TYPE_SHIFT,
					memory_order_relaxed);
		}
}

static uint64_t tdmr_init_locked(struct call *c)
{
	struct tdxmod *m = c->m;
	struct tdmr *t = NULL;
	bool all = true;

	if (atomic_load_explicit(&m->sys_state, memory_order_acquire) !=
	    SYS_CONFIGURED)
		return DPAMT_TDX_SYS_STATE_INCORRECT;
	for (unsigned i = 0; i < m->n_tdmr; i++)
		if (m->tdmr[i].base == c->r->rcx)
			t = &m->tdmr[i];
	if (!t)
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RCX);
	if (t->initialized)
		return DPAMT_TDX_TDMR_ALREADY_INITIALIZED;
	drop_area(m, t->pamt_1g, t->sz_1g);
	drop_area(m, t->pamt_2m, t->sz_2m);
	drop_area(m, t->pamt_4k, t->sz_4k);
	mark_reserved(m, t);
	t->initialized = true;
	c->o->rdx = t->end;
	for (unsigned i = 0; i < m->n_tdmr; i++)
		all = all && m->tdmr[i].initialized;
	if (all)
		atomic_store_explicit(&m->sys_state, SYS_READY,
				      memory_order_release);
	return DPAMT_TDX_SUCCESS;
}

uint64_t leaf_sys_tdmr_init(struct call *c)
{
	uint64_t st;

	pthread_mutex_lock(&c->m->cfg_lock);
	st = tdmr_init_locked(c);
	pthread_mutex_unlock(&c->m->cfg_lock);
	return st;
}

/* ---- A minimal host set-up through SEAMCALLs ---------------------------- */
static int sys_rd(struct tdxmod *m, uint64_t field, uint64_t *v)
{
	struct dpamt_tdx_regs r = {.rax = DPAMT_TDH_SYS_RD, .rdx = field};

	tdxmod_seamcall(m, &r);
	*v = r.r8;
	return r.rax == DPAMT_TDX_SUCCESS ? 0 : -1;
}

/* PAMT bytes of every TDMR (one per CMR), to know where they end. */
static uint64_t areas_bytes(const struct tdxmod *m, bool dpamt, uint64_t e4k,
			    uint64_t bits)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < m->cfg.n_cmrs; i++) {
		uint64_t sz = m->cfg.cmrs[i].size;

		n += round_4k((sz >> 30) * 16) + round_4k((sz >> 21) * 16) +
		     round_4k(dpamt ? (sz >> 12) * bits / 8 : (sz >> 12) * e4k);
	}
	return n;
}

/*
 * Write one TDMR_INFO per CMR at arr, PAMT areas placed from *pa up; the
 * block [rbase, rend) holding the TDMR_INFOs, the PA list and the PAMT
 * areas is a reserved area of each TDMR it lies in (PAMT areas must not
 * overlap a TDMR's available memory).
 */
static void write_tdmr_infos(struct tdxmod *m, uint64_t arr, uint64_t *pa,
			     bool dpamt, uint64_t e4k, uint64_t bits)
{
	struct dpamt_tdx_tdmr_info ti;
	uint64_t rbase = arr & ~(DPAMT_TDX_PAGE_SIZE - 1);
	uint64_t rend = round_4k(*pa + areas_bytes(m, dpamt, e4k, bits));

	for (unsigned i = 0; i < m->cfg.n_cmrs; i++) {
		const struct tdxmod_range *cr = &m->cfg.cmrs[i];
		uint64_t lo = rbase > cr->base ? rbase : cr->base;
		uint64_t hi = rend < cr->base + cr->size ? rend
							 : cr->base + cr->size;

		memset(&ti, 0, sizeof(ti));
		if (lo < hi) {
			ti.reserved[0].offset = lo - cr->base;
			ti.reserved[0].size = hi - lo;
		}
		ti.base = cr->base;
		ti.size = cr->size;
		ti.pamt_1g_base = *pa;
		ti.pamt_1g_size = round_4k((cr->size >> 30) * 16);
		*pa += ti.pamt_1g_size;
		ti.pamt_2m_base = *pa;
		ti.pamt_2m_size = round_4k((cr->size >> 21) * 16);
		*pa += ti.pamt_2m_size;
		ti.pamt_4k_base = *pa;
		ti.pamt_4k_size = round_4k(dpamt ? (cr->size >> 12) * bits / 8
						 : (cr->size >> 12) * e4k);
		*pa += ti.pamt_4k_size;
		tdxmod_phys_write(m, arr + i * sizeof(ti), &ti, sizeof(ti));
	}
}

/* The array of TDMR_INFO PAs SYS.CONFIG takes, at list. */
static void write_info_list(struct tdxmod *m, uint64_t list, uint64_t arr,
			    unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = arr + i * sizeof(struct dpamt_tdx_tdmr_info);

		tdxmod_phys_write(m, list + i * 8ULL, &pa, sizeof(pa));
	}
}

static int setup_call(struct tdxmod *m, struct dpamt_tdx_regs *r, char *err,
		      size_t errlen)
{
	char sbuf[64];
	unsigned leaf = (unsigned)r->rax;

	tdxmod_seamcall(m, r);
	if (r->rax == DPAMT_TDX_SUCCESS)
		return 0;
	snprintf(err, errlen, "TDH.%s: %s", dpamt_tdx_leaf_name(leaf),
		 dpamt_tdx_status_name(r->rax, sbuf, sizeof(sbuf)));
	return -1;
}

int tdxmod_setup_simple(struct tdxmod *m, bool dpamt, uint64_t area_base,
			uint64_t *area_end, char *err, size_t errlen)
{
	uint64_t feat, e4k, bits, arr, list, pa, n = m->cfg.n_cmrs;
	struct dpamt_tdx_regs r;

	if (sys_rd(m, DPAMT_TDX_MD_FEATURES0, &feat) ||
	    sys_rd(m, DPAMT_TDX_MD_PAMT_4K_ENTRY_SIZE, &e4k) ||
	    sys_rd(m, DPAMT_TDX_MD_PAMT_PAGE_BITMAP_ENTRY_BITS, &bits))
		return cfg_error(err, errlen, "TDH.SYS.RD failed");
	dpamt = dpamt && (feat & DPAMT_TDX_FEATURES0_DPAMT_BIT);
	arr = round_4k(area_base);
	list = arr + n * sizeof(struct dpamt_tdx_tdmr_info); /* 512-aligned */
	pa = round_4k(list + n * 8);
	write_tdmr_infos(m, arr, &pa, dpamt, e4k, bits);
	write_info_list(m, list, arr, (unsigned)n);
	r = (struct dpamt_tdx_regs){
		.rax = DPAMT_TDH_SYS_CONFIG,
		.rcx = list,
		.rdx = n,
		.r8 = m->cfg.hkid_max |
		      (dpamt ? DPAMT_TDX_SYS_CONFIG_DPAMT_BIT : 0)
	};
	if (setup_call(m, &r, err, errlen))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		r = (struct dpamt_tdx_regs){.rax = DPAMT_TDH_SYS_TDMR_INIT,
				      .rcx = m->cfg.cmrs[i].base};
		if (setup_call(m, &r, err, errlen))
			return -1;
	}
	if (area_end)
		*area_end = pa;
	return 0;
}
