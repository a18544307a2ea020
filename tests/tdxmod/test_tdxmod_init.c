/*
 * test_tdxmod_init.c - model creation and module initialisation: TDH.SYS.RD
 * metadata, the TDH.SYS.CONFIG ladder (TDMRs and PAMT areas: alignment,
 * order, overlap, CMRs, exact sizes), TDH.SYS.TDMR.INIT, leaves before
 * initialisation, sparse CMRs, classic mode and the model's footprint.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tm_util.h"

#define MEM (8 * GiB)
#define ARR (7 * GiB) /* TDMR_INFO entries, 512 bytes each */
#define LIST (ARR + 32 * 1024) /* the array of their PAs SYS.CONFIG takes */
#define AREA (ARR + 64 * 1024)

static struct tdxmod *fresh(void)
{
	struct tdxmod_config cfg;
	char err[128];
	struct tdxmod *m;

	tdxmod_config_default(&cfg, MEM);
	cfg.n_cmrs = 2; /* [0, 4 GiB) and [5 GiB, 8 GiB): a hole at 4 GiB */
	cfg.cmrs[0] = (struct tdxmod_range){0, 4 * GiB};
	cfg.cmrs[1] = (struct tdxmod_range){5 * GiB, 3 * GiB};
	m = tdxmod_create(&cfg, err, sizeof(err));
	assert_non_null(m);
	return m;
}

/* Place the PAMT areas of ti[0..1] contiguously from AREA, sized for the
 * TDMRs' current sizes. */
static void place_pamt(struct dpamt_tdx_tdmr_info ti[2], bool dyn)
{
	uint64_t pa = AREA;

	for (unsigned i = 0; i < 2; i++) {
		uint64_t s = ti[i].size;

		ti[i].pamt_1g_base = pa, ti[i].pamt_1g_size = PG;
		pa += PG;
		ti[i].pamt_2m_base = pa, ti[i].pamt_2m_size = (s >> 21) * 16;
		pa += ti[i].pamt_2m_size;
		ti[i].pamt_4k_base = pa;
		ti[i].pamt_4k_size = dyn ? (s >> 12) / 8 : (s >> 12) * 16;
		pa += ti[i].pamt_4k_size;
	}
}

/* A valid two-TDMR layout matching fresh()'s CMRs. */
static void layout(struct dpamt_tdx_tdmr_info ti[2], bool dyn)
{
	memset(ti, 0, 2 * sizeof(*ti));
	ti[0].base = 0, ti[0].size = 4 * GiB;
	ti[1].base = 5 * GiB, ti[1].size = 3 * GiB;
	/* the PAMT areas (from AREA) lie in a reserved area of TDMR 1 */
	ti[1].reserved[0].offset = ARR - ti[1].base;
	ti[1].reserved[0].size = 16 * MiB;
	place_pamt(ti, dyn);
}

static uint64_t config(struct tdxmod *m, const struct dpamt_tdx_tdmr_info *ti,
		       unsigned n, uint64_t r8)
{
	tdxmod_phys_write(m, ARR, ti, n * sizeof(*ti));
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = ARR + i * sizeof(*ti);

		tdxmod_phys_write(m, LIST + i * 8, &pa, sizeof(pa));
	}
	return tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST, n, r8, NULL);
}

#define DYN (DPAMT_TDX_SYS_CONFIG_DPAMT_BIT | 1)
#define BAD_TDMR(field, value, want)                                        \
	do {                                                                \
		layout(ti, true);                                           \
		field = value;                                              \
		TM_EXPECT(config(m, ti, 2, DYN), want);                     \
	} while (0)
/* Same, for base/size: the PAMT areas follow the new geometry. */
#define BAD_GEOM(field, value, want)                                        \
	do {                                                                \
		layout(ti, true);                                           \
		field = value;                                              \
		place_pamt(ti, true);                                       \
		TM_EXPECT(config(m, ti, 2, DYN), want);                     \
	} while (0)
#define TE(cls, i, x, y) dpamt_tdx_status_make_info(DPAMT_TDX_##cls, i, x, y)

static void test_sys_rd(void **state)
{
	struct tdxmod *m = fresh();
	struct dpamt_tdx_regs r;

	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_FEATURES0, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_true(r.r8 & DPAMT_TDX_FEATURES0_DPAMT_BIT);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_PAMT_4K_ENTRY_SIZE, 0, &r);
	assert_int_equal(r.r8, 16);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_PAMT_2M_ENTRY_SIZE, 0, &r);
	assert_int_equal(r.r8, 16);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_PAMT_1G_ENTRY_SIZE, 0, &r);
	assert_int_equal(r.r8, 16);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_PAMT_PAGE_BITMAP_ENTRY_BITS,
	      0, &r);
	assert_int_equal(r.r8, 1);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_PAMT_PAGES_PER_2M, 0, &r);
	assert_int_equal(r.r8, 2);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_NUM_TDCS_PAGES, 0, &r);
	assert_int_equal(r.r8, 4);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_NUM_TDCX_PAGES, 0, &r);
	assert_int_equal(r.r8, 6);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_TDR_BASE_SIZE, 0, &r);
	assert_int_equal(r.r8, 4096);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_TDCS_BASE_SIZE, 0, &r);
	assert_int_equal(r.r8, 4 * 4096);
	tm_sc(m, DPAMT_TDH_SYS_RD, 0, DPAMT_TDX_MD_TDVPS_BASE_SIZE, 0, &r);
	assert_int_equal(r.r8, 7 * 4096);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_RD, 0, 0x1234, 0, NULL),
		  DPAMT_TDX_METADATA_FIELD_ID_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RDX);
	/* The module's dispatcher (tdx_vmm_dispatcher.c, default case):
	 * an unknown leaf is OPERAND_INVALID|RAX; there is no other
	 * "invalid leaf" status. */
	TM_EXPECT(tm_sc(m, 5, 0, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RAX);
	TM_EXPECT(tm_sc(m, 1000, 0, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RAX);
	tdxmod_destroy(m);
}

static void test_not_ready(void **state)
{
	struct tdxmod *m = fresh();
	struct dpamt_tdx_tdmr_info ti[2];

	TM_EXPECT(tm_sc(m, DPAMT_TDH_PHYMEM_PAMT_ADD, 1 | 2 * MiB, 0, PG, NULL),
		  DPAMT_TDX_SYS_NOT_READY);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, 0, 1, 0, NULL),
		  DPAMT_TDX_SYS_NOT_READY);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 0, 0, 0, NULL),
		  DPAMT_TDX_SYS_STATE_INCORRECT);
	layout(ti, true);
	TM_EXPECT(config(m, ti, 2, DYN), DPAMT_TDX_SUCCESS);
	TM_EXPECT(config(m, ti, 2, DYN), DPAMT_TDX_SYS_CONFIG_NOT_PENDING);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 4 * GiB, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 0, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 0, 0, 0, NULL),
		  DPAMT_TDX_TDMR_ALREADY_INITIALIZED);
	/* one TDMR still uninitialised */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, 0, 1, 0, NULL),
		  DPAMT_TDX_SYS_NOT_READY);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 5 * GiB, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_add(m, 0, 5 * GiB, 5 * GiB + PG), DPAMT_TDX_SUCCESS);
	/* memory in the CMR hole is in no TDMR */
	TM_EXPECT(tm_pamt_add(m, 2 * MiB, 4 * GiB, PG),
		  DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR |
			  DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 0, 0, 0, NULL),
		  DPAMT_TDX_SYS_STATE_INCORRECT);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

static void test_config_registers(void **state)
{
	struct tdxmod *m = fresh();
	struct dpamt_tdx_tdmr_info ti[2];

	uint64_t bad = ARR + 8;

	layout(ti, true);
	/* tdh_sys_config.c: RCX is the PA of an array of TDMR_INFO PAs;
	 * RCX (512-aligned shared page) first, then RDX, then R8 */
	tdxmod_phys_write(m, ARR, ti, sizeof(ti));
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST + 8, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST, 0, DYN, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST, TDXMOD_MAX_TDMRS + 1,
			DYN, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST | (1ULL << 46), 2, DYN,
			NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST, 2, DYN | (1ULL << 17),
			NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST, 2,
			DPAMT_TDX_SYS_CONFIG_DPAMT_BIT, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST, 2, 64, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	/* an entry PA that is not 512-byte aligned: OPERAND_INVALID|RCX */
	tdxmod_phys_write(m, LIST, &bad, sizeof(bad));
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, LIST, 1, DYN, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	/* the old layout (RCX = the TDMR_INFO array itself) is refused:
	 * its first word (the TDMR base 0) is read as an entry PA whose
	 * TDMR_INFO is all zero */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_CONFIG, ARR, 2, DYN, NULL) &
			  ~0xFFFFFFULL,
		  DPAMT_TDX_INVALID_TDMR);
	/* still unconfigured after all that */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 0, 0, 0, NULL),
		  DPAMT_TDX_SYS_STATE_INCORRECT);
	TM_EXPECT(config(m, ti, 2, DYN), DPAMT_TDX_SUCCESS);
	tdxmod_destroy(m);
}

static void test_config_tdmrs(void **state)
{
	struct tdxmod *m = fresh();
	struct dpamt_tdx_tdmr_info ti[2];
	BAD_GEOM(ti[0].base, 2 * MiB, TE(INVALID_TDMR, 0, 0, 0));
	BAD_GEOM(ti[0].size, 0, TE(INVALID_TDMR, 0, 0, 0));
	BAD_GEOM(ti[1].size, GiB + 2 * MiB, TE(INVALID_TDMR, 1, 0, 0));
	BAD_GEOM(ti[1].size, UINT64_MAX - GiB, TE(INVALID_TDMR, 1, 0, 0));
	BAD_GEOM(ti[1].base, 3 * GiB, TE(NON_ORDERED_TDMR, 1, 0, 0));
	BAD_GEOM(ti[1].base, 0, TE(NON_ORDERED_TDMR, 1, 0, 0));
	BAD_GEOM(ti[1].size, 4 * GiB, TE(TDMR_OUTSIDE_CMRS, 1, 0, 0));
	BAD_GEOM(ti[0].size, 5 * GiB, TE(TDMR_OUTSIDE_CMRS, 0, 0, 0));
	BAD_GEOM(ti[1].base, 4 * GiB, TE(TDMR_OUTSIDE_CMRS, 1, 0, 0));
	/* PAMT areas: level 0 = 4K/bitmap, 1 = 2M, 2 = 1G */
	BAD_TDMR(ti[0].pamt_1g_size, 2 * PG, TE(INVALID_PAMT, 0, 2, 0));
	BAD_TDMR(ti[0].pamt_2m_size, ti[0].pamt_2m_size - PG,
		 TE(INVALID_PAMT, 0, 1, 0));
	BAD_TDMR(ti[1].pamt_4k_size, ti[1].pamt_4k_size * 128,
		 TE(INVALID_PAMT, 1, 0, 0));
	BAD_TDMR(ti[0].pamt_2m_base, ti[0].pamt_2m_base + 8,
		 TE(INVALID_PAMT, 0, 1, 0));
	BAD_TDMR(ti[0].pamt_4k_base, 4 * GiB, TE(PAMT_OUTSIDE_CMRS, 0, 0, 0));
	BAD_TDMR(ti[1].pamt_4k_base, MEM - PG, TE(PAMT_OUTSIDE_CMRS, 1, 0, 0));
	BAD_TDMR(ti[0].pamt_2m_base, ti[0].pamt_1g_base,
		 TE(PAMT_OVERLAP, 0, 1, 0));
	BAD_TDMR(ti[1].pamt_1g_base, ti[0].pamt_4k_base,
		 TE(PAMT_OVERLAP, 1, 2, 0));
	{
		char b[48];

		assert_string_equal(
			dpamt_tdx_status_name(TE(PAMT_OVERLAP, 1, 2, 0), b,
					      sizeof(b)),
			"PAMT_OVERLAP|0x000201");
	}
	/* reserved areas */
	BAD_TDMR(ti[0].reserved[0].size, 100,
		 TE(INVALID_RESERVED_IN_TDMR, 0, 0, 0));
	BAD_TDMR(ti[1].reserved[2].size, PG,
		 TE(NON_ORDERED_RESERVED_IN_TDMR, 1, 1, 0));
	/* tdh_sys_config.c, check_pamt_overlaps_available_areas(): a PAMT
	 * area inside a TDMR must lie in one of its reserved areas */
	BAD_TDMR(ti[1].reserved[0].size, 4 * PG,
		 TE(PAMT_OVERLAP, 0, 0, 1));
	layout(ti, true);
	ti[0].reserved[0].offset = 8;
	ti[0].reserved[0].size = PG;
	TM_EXPECT(config(m, ti, 2, DYN), TE(INVALID_RESERVED_IN_TDMR, 0, 0, 0));
	layout(ti, true);                                /* not sorted */
	ti[0].reserved[0].offset = 8 * PG, ti[0].reserved[0].size = PG;
	ti[0].reserved[1].offset = 4 * PG, ti[0].reserved[1].size = PG;
	TM_EXPECT(config(m, ti, 2, DYN),
		  TE(NON_ORDERED_RESERVED_IN_TDMR, 0, 1, 0));
	layout(ti, true);
	ti[0].reserved[0].offset = 8 * PG;
	ti[0].reserved[0].size = 8 * GiB;                /* past the TDMR */
	TM_EXPECT(config(m, ti, 2, DYN), TE(INVALID_RESERVED_IN_TDMR, 0, 0, 0));
	/* classic sizes with Dynamic PAMT requested, and the reverse */
	layout(ti, false);
	TM_EXPECT(config(m, ti, 2, DYN), TE(INVALID_PAMT, 0, 0, 0));
	layout(ti, true);
	TM_EXPECT(config(m, ti, 2, 1), TE(INVALID_PAMT, 0, 0, 0));
	/* a reserved area is inside the TDMR, its pages marked in the
	 * bitmap (pamt_get_block(), pamt_4kb_bitmap_init()): not usable as
	 * a pair page or TD page, but its range may get a pair (the model
	 * used to answer OPERAND_ADDR_RANGE_ERROR) */
	layout(ti, true);
	ti[0].reserved[0].offset = 2 * MiB;
	ti[0].reserved[0].size = 2 * MiB;
	TM_EXPECT(config(m, ti, 2, DYN), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 0, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 5 * GiB, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_add(m, 4 * MiB, 2 * MiB, 2 * MiB + PG),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_pamt_add(m, 2 * MiB, 0, PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, 2 * MiB + 5 * PG, 1, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

/* A reserved area may cover a hole in the CMRs: one TDMR over all of
 * memory with the hole reserved. */
static void test_reserved_covers_hole(void **state)
{
	struct tdxmod *m = fresh();
	struct dpamt_tdx_tdmr_info ti;
	uint64_t pa = AREA;

	memset(&ti, 0, sizeof(ti));
	ti.base = 0, ti.size = MEM;
	ti.reserved[0].offset = 4 * GiB, ti.reserved[0].size = GiB;
	ti.reserved[1].offset = ARR, ti.reserved[1].size = 16 * MiB;
	ti.pamt_1g_base = pa, ti.pamt_1g_size = PG;
	pa += PG;
	ti.pamt_2m_base = pa, ti.pamt_2m_size = (MEM >> 21) * 16;
	pa += ti.pamt_2m_size;
	ti.pamt_4k_base = pa, ti.pamt_4k_size = (MEM >> 12) / 8;
	TM_EXPECT(config(m, &ti, 1, DYN), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_SYS_TDMR_INIT, 0, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	/* a reserved area is inside the TDMR (pamt_get_block()), its pages
	 * marked in the bitmap at TDMR.INIT (pamt_4kb_bitmap_init()): never
	 * a pair page, never a TD page */
	TM_EXPECT(tm_pamt_add(m, 5 * GiB, 4 * GiB, PG),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_pamt_add(m, 4 * GiB, 0, PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, 4 * GiB + 8 * PG, 1, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_pamt_remove(m, 4 * GiB, NULL, NULL), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_add(m, 5 * GiB, 0, PG), DPAMT_TDX_SUCCESS);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

static void test_create_rejects(void **state)
{
	struct tdxmod_config cfg;
	char err[128];

	tdxmod_config_default(&cfg, GiB + 4096);
	assert_null(tdxmod_create(&cfg, err, sizeof(err)));
	assert_true(strlen(err) > 0);
	tdxmod_config_default(&cfg, 4 * GiB);
	cfg.pamt_entry_size_4k = 8;
	assert_null(tdxmod_create(&cfg, err, sizeof(err)));
	tdxmod_config_default(&cfg, 4 * GiB);
	cfg.hkid_min = 10, cfg.hkid_max = 5;
	assert_null(tdxmod_create(&cfg, err, sizeof(err)));
	/* the module's KOT has 2048 entries: private_hkid_max <= 2047 */
	tdxmod_config_default(&cfg, 4 * GiB);
	cfg.hkid_max = TDXMOD_MAX_HKIDS;
	assert_null(tdxmod_create(&cfg, err, sizeof(err)));
	assert_non_null(strstr(err, "2047"));
	tdxmod_config_default(&cfg, 4 * GiB);
	cfg.hkid_min = 0;
	assert_null(tdxmod_create(&cfg, err, sizeof(err)));
	tdxmod_config_default(&cfg, 4 * GiB);
	cfg.n_cmrs = 1;
	cfg.cmrs[0] = (struct tdxmod_range){GiB, 4 * GiB};
	assert_null(tdxmod_create(&cfg, err, sizeof(err)));
	tdxmod_config_default(&cfg, 4 * GiB);
	cfg.busy_inject_prob = 1.5;
	assert_null(tdxmod_create(&cfg, err, sizeof(err)));
	/* no configuration at all, and no message buffer: refused, no crash */
	assert_null(tdxmod_create(NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "NULL"));
	assert_null(tdxmod_create(NULL, NULL, 0));
	assert_null(tdxmod_create(&cfg, NULL, 0));
}

static void test_static_areas_marked(void **state)
{
	struct tdxmod *m = tm_model(4 * GiB, true);
	struct tdxmod_page_info pi;
	uint64_t end_static = 3 * GiB + 3 * PG; /* array, 1G, 2M areas */

	for (uint64_t pa = 3 * GiB + PG; pa < end_static; pa += PG) {
		assert_int_equal(tdxmod_page_info(m, pa, &pi), 0);
		assert_true(pi.bitmap_bit);
	}
	/* tdxmod_setup_simple reserves its whole block, TDMR_INFOs too */
	tdxmod_page_info(m, 3 * GiB, &pi);
	assert_true(pi.bitmap_bit);
	tdxmod_page_info(m, 3 * GiB + 64 * MiB, &pi); /* past the block */
	assert_false(pi.bitmap_bit);
	tm_check_ok(m);
	tdxmod_destroy(m);

	m = tm_model(4 * GiB, false);
	tdxmod_page_info(m, 3 * GiB + 2 * PG, &pi);
	assert_int_equal(pi.type, DPAMT_TDX_PT_RSVD);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, 3 * GiB + 2 * PG, 1, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

/* Memory use: proportional to pages touched, not to memory size. */
static void test_footprint(void **state)
{
	struct tdxmod *m = tm_model(1024 * GiB, true);
	uint64_t f0 = tdxmod_footprint_bytes(m), f1;

	/* 1 TiB simulated: the model itself holds well under 1% of the
	 * 4K array a classic PAMT would need (4 GiB) */
	assert_true(f0 < 8 * MiB);
	for (unsigned i = 0; i < 64; i++)
		TM_EXPECT(tm_pamt_add(m, (uint64_t)i * GiB,
				      900 * GiB + i * 2 * PG,
				      900 * GiB + i * 2 * PG + PG),
			  DPAMT_TDX_SUCCESS);
	for (unsigned i = 0; i < 60; i++)
		TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, (uint64_t)i * GiB,
				1 + i, 0, NULL),
			  DPAMT_TDX_SUCCESS);
	f1 = tdxmod_footprint_bytes(m);
	assert_true(f1 > f0);
	assert_true(f1 - f0 < 64 * 64 * 1024);
	tdxmod_destroy(m);

	/* pair storage handed back by PAMT.REMOVE is reused: 100 cycles of
	 * ADD, a TDR in the range (storage written), teardown, REMOVE over 8
	 * ranges keep the page buffers of the first 8 (the reclaimed TDR
	 * pages keep their contents, as host memory does); the pair pages
	 * share a 2 MiB block whose index takes its first 8 in keyed slots
	 * and gets its overflow with the ninth (i == 8, src/tdxmod/mem.c):
	 * from there on nothing is added at all */
	m = tm_model(16 * GiB, true);
	for (unsigned i = 0; i < 100; i++) {
		uint64_t r = (uint64_t)(i % 8) * 2 * MiB, p = 8 * GiB + i * 2 * PG;

		TM_EXPECT(tm_pamt_add(m, r, p, p + PG), DPAMT_TDX_SUCCESS);
		TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, r, 5, 0, NULL),
			  DPAMT_TDX_SUCCESS);
		TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_VPFLUSHDONE, r, 0, 0, NULL),
			  DPAMT_TDX_SUCCESS);
		TM_EXPECT(tm_sc(m, DPAMT_TDH_PHYMEM_CACHE_WB, 0, 0, 0, NULL),
			  DPAMT_TDX_SUCCESS);
		TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_KEY_FREEID, r, 0, 0, NULL),
			  DPAMT_TDX_SUCCESS);
		TM_EXPECT(
			tm_sc(m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, r, 0, 0, NULL),
			DPAMT_TDX_SUCCESS);
		TM_EXPECT(tm_pamt_remove(m, r, NULL, NULL), DPAMT_TDX_SUCCESS);
		if (i == 8)
			f0 = tdxmod_footprint_bytes(m);
	}
	f1 = tdxmod_footprint_bytes(m);
	assert_int_equal(f1, f0);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sys_rd),
		cmocka_unit_test(test_not_ready),
		cmocka_unit_test(test_config_registers),
		cmocka_unit_test(test_config_tdmrs),
		cmocka_unit_test(test_reserved_covers_hole),
		cmocka_unit_test(test_create_rejects),
		cmocka_unit_test(test_static_areas_marked),
		cmocka_unit_test(test_footprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
