/*
 * tm_util.c - helpers shared by the module-model tests (see tm_util.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tm_util.h"

struct tdxmod *tm_model_cfg(const struct tdxmod_config *cfg, bool dpamt)
{
	char err[160];
	uint64_t end = 0;
	struct tdxmod *m = tdxmod_create(cfg, err, sizeof(err));

	if (!m)
		fail_msg("create: %s", err);
	if (tdxmod_setup_simple(m, dpamt, cfg->mem_bytes - GiB, &end, err,
				sizeof(err)))
		fail_msg("setup: %s", err);
	assert_true(end <= cfg->mem_bytes);
	return m;
}

struct tdxmod *tm_model(uint64_t mem, bool dpamt)
{
	struct tdxmod_config cfg;

	tdxmod_config_default(&cfg, mem);
	return tm_model_cfg(&cfg, dpamt);
}

uint64_t tm_sc_regs(struct tdxmod *m, unsigned leaf, struct dpamt_tdx_regs *r)
{
	r->rax = leaf;
	tdxmod_seamcall(m, r);
	return r->rax;
}

uint64_t tm_sc(struct tdxmod *m, unsigned leaf, uint64_t rcx, uint64_t rdx,
	       uint64_t r8, struct dpamt_tdx_regs *out)
{
	struct dpamt_tdx_regs r = {.rcx = rcx, .rdx = rdx, .r8 = r8};

	tm_sc_regs(m, leaf, &r);
	if (out)
		*out = r;
	return r.rax;
}

uint64_t tm_pamt_add(struct tdxmod *m, uint64_t range, uint64_t p0,
		     uint64_t p1)
{
	return tm_sc(m, DPAMT_TDH_PHYMEM_PAMT_ADD, range | DPAMT_TDX_PS_2M, p0,
		     p1, NULL);
}

uint64_t tm_pamt_remove(struct tdxmod *m, uint64_t range, uint64_t *p0,
			uint64_t *p1)
{
	struct dpamt_tdx_regs r;
	uint64_t st = tm_sc(m, DPAMT_TDH_PHYMEM_PAMT_REMOVE,
			    range | DPAMT_TDX_PS_2M, 0, 0, &r);

	if (p0)
		*p0 = r.rdx;
	if (p1)
		*p1 = r.r8;
	return st;
}

void tm_expect(uint64_t st, uint64_t want, const char *file, int line)
{
	char a[64], b[64];

	if (st != want)
		fail_msg("%s:%d: status %s (0x%016llx), expected %s", file,
			 line, dpamt_tdx_status_name(st, a, sizeof(a)),
			 (unsigned long long)st,
			 dpamt_tdx_status_name(want, b, sizeof(b)));
}

void tm_td_build(struct tdxmod *m, struct tm_td *td, uint64_t ctl,
		 uint64_t pairs, unsigned hkid)
{
	struct dpamt_tdx_regs r;
	uint64_t pg = ctl, v;

	memset(td, 0, sizeof(*td));
	if (pairs) /* 0: classic PAMT, no pair needed */
		TM_EXPECT(tm_pamt_add(m, ctl, pairs, pairs + PG),
			  DPAMT_TDX_SUCCESS);
	td->tdr = pg;
	pg += PG;
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, td->tdr, hkid, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_KEY_CONFIG, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_NUM_TDCS_PAGES, 0,
			&r),
		  DPAMT_TDX_SUCCESS);
	td->ntdcs = (unsigned)r.r8;
	for (unsigned i = 0; i < td->ntdcs; i++, pg += PG) {
		td->tdcs[i] = pg;
		TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_ADDCX, pg, td->tdr, 0, NULL),
			  DPAMT_TDX_SUCCESS);
	}
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_INIT, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	td->tdvpr = pg;
	pg += PG;
	TM_EXPECT(tm_sc(m, DPAMT_TDH_VP_CREATE, td->tdvpr, td->tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_NUM_TDCX_PAGES, 0,
			&r),
		  DPAMT_TDX_SUCCESS);
	td->ntdcx = (unsigned)r.r8;
	for (unsigned i = 0; i < td->ntdcx; i++, pg += PG) {
		td->tdcx[i] = pg;
		TM_EXPECT(tm_sc(m, DPAMT_TDH_VP_ADDCX, pg, td->tdvpr, 0, NULL),
			  DPAMT_TDX_SUCCESS);
	}
	TM_EXPECT(tm_sc(m, DPAMT_TDH_VP_INIT, td->tdvpr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	for (unsigned l = 3; l >= 1; l--, pg += PG) {
		td->sept[3 - l] = pg;
		v = tm_sc(m, DPAMT_TDH_MEM_SEPT_ADD, 0 | l, td->tdr, pg, NULL);
		TM_EXPECT(v, DPAMT_TDX_SUCCESS);
	}
}

void tm_td_freeid(struct tdxmod *m, const struct tm_td *td)
{
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_VPFLUSHDONE, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_PHYMEM_CACHE_WB, 0, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_KEY_FREEID, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
}

void tm_snap_take(struct tdxmod *m, struct tm_snap *s, unsigned n,
		  const uint64_t *pa)
{
	memset(s, 0, sizeof(*s));
	assert_true(n <= 16);
	s->n = n;
	for (unsigned i = 0; i < n; i++) {
		s->pa[i] = pa[i];
		tdxmod_page_info(m, pa[i], &s->pi[i]);
		tdxmod_range_info(m, pa[i], &s->ri[i]);
	}
	s->pairs = tdxmod_pairs_installed(m);
}

void tm_snap_same(struct tdxmod *m, const struct tm_snap *s)
{
	struct tm_snap now;

	tm_snap_take(m, &now, s->n, s->pa);
	for (unsigned i = 0; i < s->n; i++) {
		if (memcmp(&now.pi[i], &s->pi[i], sizeof(now.pi[i])) ||
		    memcmp(&now.ri[i], &s->ri[i], sizeof(now.ri[i])))
			fail_msg("state of 0x%llx changed by a failed call",
				 (unsigned long long)s->pa[i]);
	}
	assert_int_equal(now.pairs, s->pairs);
}

uint64_t tm_entry_2m_pa(struct tdxmod *m, uint64_t mem, uint64_t pa)
{
	struct dpamt_tdx_tdmr_info ti;

	tdxmod_phys_read(m, mem - GiB, &ti, sizeof(ti));
	assert_true(pa >= ti.base && pa < ti.base + ti.size);
	return ti.pamt_2m_base + ((pa - ti.base) >> 21) * 16;
}

uint64_t tm_entry_1g_pa(struct tdxmod *m, uint64_t mem, uint64_t pa)
{
	struct dpamt_tdx_tdmr_info ti;

	tdxmod_phys_read(m, mem - GiB, &ti, sizeof(ti));
	return ti.pamt_1g_base + ((pa - ti.base) >> 30) * 16;
}

uint64_t tm_entry_4k_pa(struct tdxmod *m, uint64_t pa)
{
	struct tdxmod_range_info ri;
	unsigned i = (unsigned)((pa >> 12) & 511);

	assert_int_equal(tdxmod_range_info(m, pa, &ri), 0);
	assert_true(ri.has_pair);
	return ri.pair[i / 256] + (i % 256) * 16;
}

void tm_sept_lock_bit(struct tdxmod *m, uint64_t epa, bool set)
{
	uint64_t v;

	tdxmod_phys_read(m, epa, &v, 8);
	v = set ? v | (1ULL << 63) : v & ~(1ULL << 63);
	tdxmod_phys_write(m, epa, &v, 8);
}

void tm_entry_lock_bit(struct tdxmod *m, uint64_t epa, bool set)
{
	uint64_t h;

	tdxmod_phys_read(m, epa, &h, 8);
	h = set ? h | (1ULL << 15) : h & ~(1ULL << 15);
	tdxmod_phys_write(m, epa, &h, 8);
}

void tm_check_ok(struct tdxmod *m)
{
	char err[512];
	unsigned v = tdxmod_check(m, err, sizeof(err));

	if (v)
		fail_msg("tdxmod_check: %u violations: %s", v, err);
}
