/*
 * test_tdxmod_td.c - TD life in the model: the page-assigning leaves'
 * PAMT walk (MISSING_PAMT_PAGE_PAIR, PAGE_METADATA_INCORRECT, page_count),
 * the S-EPT ladders, removal hints, 2M pages, demote/promote, teardown and
 * reclaim order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tm_util.h"

#define CTL 0x10000000ULL  /* control pages of the TD */
#define POOL 0x20000000ULL /* pair pages */
#define DATA 0x40000000ULL /* TD private pages */
#define HUGE 0x48000000ULL /* 2M-aligned blocks for 2M pages */

struct fx {
	struct tdxmod *m;
	struct tm_td td;
	uint64_t pool;
};

static uint64_t next_pair(struct fx *f)
{
	uint64_t p = f->pool;

	f->pool += 2 * PG;
	return p;
}

static uint64_t add_pair(struct fx *f, uint64_t range)
{
	uint64_t p = next_pair(f);

	return tm_pamt_add(f->m, range, p, p + PG);
}

static int setup_dyn(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->m = tm_model(4 * GiB, true);
	f->pool = POOL;
	tm_td_build(f->m, &f->td, CTL, next_pair(f), 5);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	tdxmod_destroy(f->m);
	free(f);
	return 0;
}

static uint64_t aug(struct fx *f, uint64_t gpa, unsigned lvl, uint64_t pa)
{
	return tm_sc(f->m, DPAMT_TDH_MEM_PAGE_AUG, gpa | lvl, f->td.tdr, pa,
		     NULL);
}

/* The TD's control pages are tracked at 4K with owner and page_count. */
static void test_build_counts(void **state)
{
	struct fx *f = *state;
	struct tdxmod_range_info ri;
	struct tdxmod_page_info pi;
	unsigned n = 1 + f->td.ntdcs + 1 + f->td.ntdcx + 3;

	assert_int_equal(tdxmod_range_info(f->m, CTL, &ri), 0);
	assert_true(ri.has_pair);
	assert_int_equal(ri.type_2m, DPAMT_TDX_PT_PAMT);
	assert_int_equal(ri.page_count, n);
	assert_int_equal(ri.pair[0], POOL);
	assert_int_equal(tdxmod_page_info(f->m, f->td.tdr, &pi), 0);
	assert_int_equal(pi.type, DPAMT_TDX_PT_TDR);
	assert_int_equal(pi.owner, 0); /* tdh_mng_create.c: TDR owner 0 */
	tdxmod_page_info(f->m, f->td.sept[0], &pi);
	assert_int_equal(pi.type, DPAMT_TDX_PT_EPT);
	tdxmod_page_info(f->m, f->td.tdcx[0], &pi);
	assert_int_equal(pi.type, DPAMT_TDX_PT_TDCX);
	tdxmod_page_info(f->m, POOL, &pi);
	assert_true(pi.bitmap_bit);
	tm_check_ok(f->m);
}

/* AUG 4K: operand ladder, MISSING_PAMT_PAGE_PAIR, metadata, S-EPT. */
static void test_aug_4k_ladder(void **state)
{
	struct fx *f = *state;
	uint64_t pa = DATA, snap_pa[3] = {DATA, CTL, POOL};
	struct tm_snap s;
	struct tdxmod_range_info ri;

	tm_snap_take(f->m, &s, 3, snap_pa);
	TM_EXPECT(aug(f, 0x1000 | 0x8, 0, pa) & ~0ULL,
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(aug(f, 0x1000, 2, pa),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(aug(f, 1ULL << 48, 0, pa),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(aug(f, 0x1000, 0, pa + 8),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(aug(f, 0x1000, 0, pa | (1ULL << 46)),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(aug(f, 0x1000, 0, 8 * GiB),
		  DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR | DPAMT_TDX_OPERAND_ID_R8);
	/* a TDR operand of the wrong page type: PAGE_METADATA_INCORRECT
	 * (helpers.c, non_shared_hpa_metadata_check_and_lock()) */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_AUG, 0x1000, f->td.tdcs[0], pa,
			NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(aug(f, 0x1000, 0, pa),
		  DPAMT_TDX_MISSING_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_R8);
	tm_snap_same(f->m, &s);
	/* the pool range has no pair: the walk stops at its 2M entry */
	TM_EXPECT(aug(f, 0x1000, 0, POOL),
		  DPAMT_TDX_MISSING_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_R8);
	/* a pair page in a range with a pair: free entry, bitmap bit set */
	TM_EXPECT(tm_pamt_add(f->m, DATA + 2 * MiB, CTL + 0x100000,
			      CTL + 0x101000), DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x1000, 0, CTL + 0x101000),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_R8);
	snap_pa[2] = CTL + 0x101000;
	tm_snap_take(f->m, &s, 3, snap_pa);
	TM_EXPECT(add_pair(f, DATA),
		  DPAMT_TDX_SUCCESS);
	tm_snap_take(f->m, &s, 3, snap_pa);
	/* GPA beyond the level-1 table: walk fails */
	TM_EXPECT(aug(f, 4 * MiB, 0, pa),
		  DPAMT_TDX_EPT_WALK_FAILED | DPAMT_TDX_OPERAND_ID_RCX);
	/* a page in use */
	TM_EXPECT(aug(f, 0x1000, 0, f->td.tdcs[1]),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_R8);
	tm_snap_same(f->m, &s);
	TM_EXPECT(aug(f, 0x1000, 0, pa), DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x1000, 0, pa + PG),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	/* the module's order: TDR, GPA, S-EPT, then the page */
	TM_EXPECT(aug(f, 0x1000, 0, HUGE), DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
						   DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(aug(f, 0x1008, 0, pa + 8),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(
		tm_sc(f->m, DPAMT_TDH_MEM_PAGE_AUG, 0x1008, DATA, pa + 8, NULL),
		DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(aug(f, 4 * MiB, 0, 8 * GiB),
		  DPAMT_TDX_EPT_WALK_FAILED | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(aug(f, 0x2000, 0, pa),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_R8);
	tdxmod_range_info(f->m, DATA, &ri);
	assert_int_equal(ri.page_count, 1);
	tm_check_ok(f->m);
}

/* PAGE.REMOVE gives the removal hint when the range's count drops to 0;
 * AUG never does. */
static void test_remove_hint(void **state)
{
	struct fx *f = *state;
	uint64_t st;
	struct dpamt_tdx_regs r;

	TM_EXPECT(add_pair(f, DATA),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x1000, 0, DATA), DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x2000, 0, DATA + PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x3000, f->td.tdr, 0,
			NULL),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	/* tdh_mem_page_remove.c: RAX is plain SUCCESS; RCX returns the
	 * removed page's HPA with bit 62 ORed in when the range's
	 * page_count reached 0; RDX is cleared. */
	st = tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x1000, f->td.tdr, 0, &r);
	TM_EXPECT(st, DPAMT_TDX_SUCCESS);
	assert_int_equal(r.rcx, DATA);
	assert_int_equal(r.rdx, 0);
	TM_EXPECT(tm_pamt_remove(f->m, DATA, NULL, NULL),
		  DPAMT_TDX_PAMT_PAGE_NOT_EMPTY | 0);
	st = tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x2000, f->td.tdr, 0, &r);
	TM_EXPECT(st, DPAMT_TDX_SUCCESS);
	assert_int_equal(r.rcx, (DATA + PG) | DPAMT_TDX_PAMT_REMOVAL_HINT);
	assert_int_equal(r.rdx, 0);
	TM_EXPECT(tm_pamt_remove(f->m, DATA, NULL, NULL), DPAMT_TDX_SUCCESS);
	tm_check_ok(f->m);
}

/* PAGE.ADD copies the source page into the target. */
static void test_page_add_copies(void **state)
{
	struct fx *f = *state;
	struct dpamt_tdx_regs r = {.rcx = 0x5000, .rdx = f->td.tdr, .r8 = DATA,
			     .r9 = 0x30000000};
	char buf[16] = "measured page!", out[16] = {0};

	tdxmod_phys_write(f->m, 0x30000000, buf, sizeof(buf));
	TM_EXPECT(add_pair(f, DATA),
		  DPAMT_TDX_SUCCESS);
	r.r9 = 0x30000001;
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_ADD, &r),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R9);
	/* the source is checked before R8 (a bad R8 is not reported) */
	r = (struct dpamt_tdx_regs){ .rcx = 0x5000,
				     .rdx = f->td.tdr,
				     .r8 = DATA + 1,
				     .r9 = 0x30000001 };
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_ADD, &r),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R9);
	/* R9 is a shared page: it need not lie in a TDMR
	 * (tdh_mem_page_add.c uses shared_hpa_check()) */
	r = (struct dpamt_tdx_regs){
		.rcx = 0x6000, .rdx = f->td.tdr, .r8 = DATA + PG, .r9 = 64 * GiB
	};
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_ADD, &r),
		  DPAMT_TDX_SUCCESS);
	r = (struct dpamt_tdx_regs){.rcx = 0x5000, .rdx = f->td.tdr, .r8 = DATA,
			      .r9 = 0x30000000};
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_ADD, &r),
		  DPAMT_TDX_SUCCESS);
	tdxmod_phys_read(f->m, DATA, out, sizeof(out));
	assert_memory_equal(out, buf, sizeof(buf));
	tm_check_ok(f->m);
}

/* SEPT.ADD / SEPT.REMOVE ladders. */
static void test_sept_ladder(void **state)
{
	struct fx *f = *state;
	uint64_t tdr = f->td.tdr, st, pg = CTL + 0x100000;
	struct dpamt_tdx_regs r;

	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, 0x200000 | 0, tdr, pg,
			NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, 0x201000 | 1, tdr, pg,
			NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, 0x200000 | 1, tdr, pg + 1,
			NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, 0x200000 | 1, tdr, DATA,
			NULL),
		  DPAMT_TDX_MISSING_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_R8);
	/* parent (level-2 table for GPA 1 GiB) missing */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, GiB | 1, tdr, pg, NULL),
		  DPAMT_TDX_EPT_WALK_FAILED | DPAMT_TDX_OPERAND_ID_RCX);
	/* already present */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, 0 | 1, tdr, pg, NULL),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, 0x200000 | 1, tdr, pg,
			NULL),
		  DPAMT_TDX_SUCCESS);
	/* remove a table that still has children */
	TM_EXPECT(add_pair(f, DATA),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x200000, 0, DATA), DPAMT_TDX_SUCCESS);
	/* tdh_mem_sept_remove.c: a table still mapping something is
	 * EPT_PAGE_NOT_FREE */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0x200000 | 1, tdr, 0,
			NULL),
		  DPAMT_TDX_EPT_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x200000, tdr, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(r.rcx, DATA | DPAMT_TDX_PAMT_REMOVAL_HINT);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0x400000 | 1, tdr, 0,
			NULL),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	st = tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0x200000 | 1, tdr, 0, NULL);
	TM_EXPECT(st, DPAMT_TDX_SUCCESS);
	tm_check_ok(f->m);
}

/* 2M AUG: needs a free, pair-less range with no pair page in it. */
static void test_aug_2m(void **state)
{
	struct fx *f = *state;
	struct tdxmod_page_info pi;
	uint64_t gpa = 0x400000, st;

	TM_EXPECT(aug(f, gpa, 1, HUGE + PG),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(aug(f, gpa + PG, 1, HUGE),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	/* the pair pool range holds pair pages: not mappable at 2M */
	TM_EXPECT(aug(f, gpa, 1, POOL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_R8);
	/* a range with a pair installed whose 2M entry the call itself
	 * holds shared (the TDR lives there): the promotion to exclusive
	 * fails on its own lock, as promote_sharex_lock_hp() would -> BUSY */
	TM_EXPECT(aug(f, gpa, 1, CTL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R8);
	/* GPA 0 is a table (4K mappings) */
	TM_EXPECT(aug(f, 0, 1, HUGE), DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
					      DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(aug(f, gpa, 1, HUGE), DPAMT_TDX_SUCCESS);
	tdxmod_page_info(f->m, HUGE + 5 * PG, &pi);
	assert_int_equal(pi.type, DPAMT_TDX_PT_REG);
	assert_int_equal(pi.level, DPAMT_TDX_PS_2M);
	TM_EXPECT(add_pair(f, HUGE),
		  DPAMT_TDX_HPA_RANGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, gpa | 1, f->td.tdr,
			CTL + 0x100000, NULL),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	tm_check_ok(f->m);
	st = tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, gpa | 1, f->td.tdr, 0,
		   NULL);
	TM_EXPECT(st, DPAMT_TDX_SUCCESS);
	tdxmod_page_info(f->m, HUGE, &pi);
	assert_int_equal(pi.type, DPAMT_TDX_PT_NDA);
	tm_check_ok(f->m);
}

/* Demote a 2M page with a new pair, then promote it back. */
static void test_demote_promote(void **state)
{
	struct fx *f = *state;
	struct dpamt_tdx_regs r = {0};
	struct tdxmod_range_info ri;
	uint64_t gpa = 0x600000, sept = CTL + 0x100000, pair;

	TM_EXPECT(aug(f, gpa, 1, HUGE), DPAMT_TDX_SUCCESS);
	pair = next_pair(f);
	/* pamt_demote() (pamt_manager.c) holds the demoted page's 2M entry
	 * exclusive and R8's 4K entry exclusive while it walks R12/R13
	 * shared: a pair page inside the demoted page, or equal to R8, is
	 * BUSY from the call's own lock, whatever the host retries. */
	r = (struct dpamt_tdx_regs){ .rcx = gpa | 1,
				     .rdx = f->td.tdr,
				     .r8 = sept,
				     .r12 = pair,
				     .r13 = HUGE + PG };
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R13);
	r = (struct dpamt_tdx_regs){ .rcx = gpa | 1,
				     .rdx = f->td.tdr,
				     .r8 = sept,
				     .r12 = sept,
				     .r13 = pair };
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R12);
	r = (struct dpamt_tdx_regs){ .rcx = gpa | 1,
				     .rdx = f->td.tdr,
				     .r8 = sept,
				     .r12 = POOL,
				     .r13 = pair };
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_R12);
	r = (struct dpamt_tdx_regs){ .rcx = gpa | 1,
				     .rdx = f->td.tdr,
				     .r8 = sept,
				     .r12 = pair,
				     .r13 = pair + PG };
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_SUCCESS);
	tdxmod_range_info(f->m, HUGE, &ri);
	assert_true(ri.has_pair);
	assert_int_equal(ri.page_count, 512);
	assert_int_equal(ri.pair[0], pair);
	tm_check_ok(f->m);
	/* one 4K page out and back: promote needs all 512 */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, gpa + 7 * PG,
			f->td.tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	/* is_sept_page_valid_for_merge() (tdh_mem_page_promote.c) */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, f->td.tdr, 0,
			NULL),
		  DPAMT_TDX_EPT_INVALID_PROMOTE_CONDITIONS |
			  DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(aug(f, gpa + 7 * PG, 0, HUGE + 7 * PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, f->td.tdr, 0,
			&r),
		  DPAMT_TDX_SUCCESS);
	/* tdh_mem_page_promote.c: RCX = the freed S-EPT page (| hint),
	 * RDX = 0, R12/R13 = the pair (pamt_promote()). */
	assert_int_equal(r.r12, pair);
	assert_int_equal(r.r13, pair + PG);
	assert_int_equal(dpamt_tdx_hint_strip(r.rcx), sept);
	assert_int_equal(r.rdx, 0);
	tdxmod_range_info(f->m, HUGE, &ri);
	assert_false(ri.has_pair);
	assert_int_equal(ri.type_2m, DPAMT_TDX_PT_REG);
	tm_check_ok(f->m);
}

/* DEMOTE and PROMOTE ladders, including a failed PROMOTE releasing the
 * 4K locks it took. */
static void test_huge_ladders(void **state)
{
	struct fx *f = *state;
	uint64_t gpa = 0x800000, sept = CTL + 0x100000, pair, st;
	uint64_t pas[4] = {HUGE, HUGE + 300 * PG, sept, POOL + 0x10000};
	struct dpamt_tdx_regs r;
	struct tm_snap s;
	struct tdxmod_page_info pi;

	TM_EXPECT(aug(f, gpa, 1, HUGE), DPAMT_TDX_SUCCESS);
	pair = next_pair(f);
	tm_snap_take(f->m, &s, 4, pas);
#define DEMOTE(rcx_, r8_, r12_, r13_)                                          \
	(r = (struct dpamt_tdx_regs){ .rcx = (rcx_),                           \
				      .rdx = f->td.tdr,                        \
				      .r8 = (r8_),                             \
				      .r12 = (r12_),                           \
				      .r13 = (r13_) },                         \
	 tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r))
	TM_EXPECT(DEMOTE(gpa | 0, sept, pair, pair + PG),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(DEMOTE(gpa | 1, sept + 4, pair, pair + PG),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(DEMOTE(gpa | 1, sept, 16 * GiB, pair + PG),
		  DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR |
			  DPAMT_TDX_OPERAND_ID_R12);
	TM_EXPECT(DEMOTE(gpa | 1, sept, pair, (pair + PG) | (1ULL << 47)),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R13);
	TM_EXPECT(DEMOTE(gpa | 1, sept, pair, sept),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R13);
	/* pamt_demote()'s order: fields of R12 and R13, then the address
	 * ranges of both: R13's bad field wins over R12's bad range */
	TM_EXPECT(DEMOTE(gpa | 1, sept, 16 * GiB, (pair + PG) | (1ULL << 47)),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_R13);
	/* ... and both ranges before either walk: R13 out of range wins
	 * over R12 inside the demoted page */
	TM_EXPECT(DEMOTE(gpa | 1, sept, HUGE + PG, 16 * GiB),
		  DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR |
			  DPAMT_TDX_OPERAND_ID_R13);
	/* level 2 is a valid DEMOTE level; it fails on the S-EPT state
	 * (the level-2 entry is a table, not a 1 GiB leaf) */
	TM_EXPECT(DEMOTE(0 | 2, sept, pair, pair + PG),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(DEMOTE(gpa | 1, DATA, pair, pair + PG),
		  DPAMT_TDX_MISSING_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(DEMOTE(0 | 1, sept, pair, pair + PG),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(DEMOTE(0x1000000 | 1, sept, pair, pair + PG),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tm_entry_2m_pa(f->m, 4 * GiB, HUGE), true);
	TM_EXPECT(DEMOTE(gpa | 1, sept, pair, pair + PG),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tm_entry_2m_pa(f->m, 4 * GiB, HUGE), false);
	tm_entry_lock_bit(f->m, tm_entry_2m_pa(f->m, 4 * GiB, POOL), true);
	TM_EXPECT(DEMOTE(gpa | 1, sept, pair, pair + PG),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R12);
	tm_entry_lock_bit(f->m, tm_entry_2m_pa(f->m, 4 * GiB, POOL), false);
	TM_EXPECT(DEMOTE(gpa | 1, sept, pair, POOL + PG),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_R13);
	tdxmod_page_info(f->m, pair, &pi);
	assert_false(pi.bitmap_bit); /* R12's bit undone */
	tm_snap_same(f->m, &s);
	TM_EXPECT(DEMOTE(gpa | 1, sept, pair, pair + PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(DEMOTE(gpa | 1, sept + PG, next_pair(f), f->pool - PG),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
#undef DEMOTE
	/* PROMOTE */
	pas[3] = pair;
	tm_snap_take(f->m, &s, 4, pas);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 0, f->td.tdr, 0,
			NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, 0x400000 | 1,
			f->td.tdr, 0, NULL),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tm_entry_2m_pa(f->m, 4 * GiB, HUGE), true);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, f->td.tdr, 0,
			NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tm_entry_2m_pa(f->m, 4 * GiB, HUGE), false);
	/* the S-EPT table page's own 4K entry (implicit, exclusive) */
	tm_entry_lock_bit(f->m, tm_entry_4k_pa(f->m, sept), true);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, f->td.tdr, 0,
			NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tm_entry_4k_pa(f->m, sept), false);
	tm_snap_same(f->m, &s);
	tdxmod_page_info(f->m, HUGE + 299 * PG, &pi);
	assert_false(pi.locked); /* PROMOTE released what it had locked */
	tm_check_ok(f->m);
	/* pamt_promote() under Dynamic PAMT locks only the 2M entry: a 4K
	 * entry of a merged page held by someone does not stop it (the pair
	 * holding it is handed back) */
	tm_entry_lock_bit(f->m, tm_entry_4k_pa(f->m, HUGE + 300 * PG), true);
	st = tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, f->td.tdr, 0, &r);
	TM_EXPECT(st, DPAMT_TDX_SUCCESS);
	assert_int_equal(dpamt_tdx_hint_strip(r.rcx), sept);
	assert_int_equal(r.rdx, 0);
	tm_check_ok(f->m);
}

/* Teardown: reclaim needs FREEID; the TDR goes last. */
static void test_teardown_reclaim(void **state)
{
	struct fx *f = *state;
	struct tm_td *td = &f->td;
	struct dpamt_tdx_regs r;
	uint64_t st;
	unsigned hints = 0;

	TM_EXPECT(add_pair(f, DATA),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x1000, 0, DATA), DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x400000, 1, HUGE), DPAMT_TDX_SUCCESS);
	/* tdh_phymem_page_reclaim.c / tdh_mng_key_freeid.c: life-cycle
	 * errors carry no operand id */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, DATA, 0, 0, &r),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT);
	/* RCX/RDX/R8 are already written when the TD state is checked */
	assert_int_equal(r.rcx, DPAMT_TDX_PT_REG);
	assert_int_equal(r.rdx, td->tdr);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_FREEID, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT);
	/* the key's end in KVM's order (tdh_mng_vpflushdone.c,
	 * tdh_phymem_cache_wb.c, tdh_mng_key_freeid.c) */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_CACHE_WB, 0, 0, 0, NULL),
		  DPAMT_TDX_NO_HKID_READY_TO_WBCACHE);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_VPFLUSHDONE, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	/* blocked: a second VPFLUSHDONE fails, memory leaves see no keys */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_VPFLUSHDONE, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_AUG, 0x2000, td->tdr,
			DATA + PG, NULL),
		  DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x1000, td->tdr, 0,
			NULL),
		  DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	/* the HKID stays taken until CACHE.WB and FREEID */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_FREEID, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_WBCACHE_NOT_COMPLETE);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, CTL + 0x80000, 5, 0, NULL),
		  DPAMT_TDX_HKID_NOT_FREE);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_CACHE_WB, 2, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_CACHE_WB, 1, 0, 0, NULL),
		  DPAMT_TDX_WBCACHE_RESUME_ERROR);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_CACHE_WB, 0, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_FREEID, td->tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_AUG, 0x2000, td->tdr,
			DATA + PG, NULL),
		  DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	TM_EXPECT(
		tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, td->tdr, 0, 0, NULL),
		DPAMT_TDX_TD_ASSOCIATED_PAGES_EXIST);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, DATA + PG, 0, 0,
			NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	/* tdh_phymem_page_reclaim.c: RCX type, RDX owner, R8 level, and
	 * the removal hint ORed into R9 (cleared at entry). */
	st = tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, DATA, 0, 0, &r);
	TM_EXPECT(st, DPAMT_TDX_SUCCESS);
	assert_int_equal(r.rcx, DPAMT_TDX_PT_REG);
	assert_int_equal(r.rdx, td->tdr);
	assert_int_equal(r.r8, DPAMT_TDX_PS_4K);
	assert_int_equal(r.r9, DPAMT_TDX_PAMT_REMOVAL_HINT);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, HUGE, 0, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(r.r8, DPAMT_TDX_PS_2M);
	for (unsigned i = 0; i < 3; i++) {
		TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
				td->sept[i], 0, 0, &r),
			  DPAMT_TDX_SUCCESS);
		hints += dpamt_tdx_removal_hint(r.r9);
	}
	for (unsigned i = 0; i < td->ntdcx; i++)
		TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
				td->tdcx[i], 0, 0, NULL),
			  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, td->tdvpr, 0, 0,
			NULL),
		  DPAMT_TDX_SUCCESS);
	for (unsigned i = 0; i < td->ntdcs; i++)
		TM_EXPECT(tm_sc(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
				td->tdcs[i], 0, 0, NULL),
			  DPAMT_TDX_SUCCESS);
	assert_int_equal(hints, 0);
	/* The TDR's PAMT owner field is 0 (tdh_mng_create.c), so RECLAIM
	 * of a TDR returns RDX = 0. */
	r = (struct dpamt_tdx_regs){.rcx = td->tdr, .rdx = 77, .r9 = 0x1234};
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, &r),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(r.rcx, DPAMT_TDX_PT_TDR);
	assert_int_equal(r.rdx, 0);
	/* R9 is cleared at entry, then the hint is ORed in */
	assert_int_equal(r.r9, DPAMT_TDX_PAMT_REMOVAL_HINT);
	TM_EXPECT(tm_pamt_remove(f->m, CTL, NULL, NULL), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_remove(f->m, DATA, NULL, NULL), DPAMT_TDX_SUCCESS);
	assert_int_equal(tdxmod_pairs_installed(f->m), 0);
	/* HKID is free again */
	TM_EXPECT(add_pair(f, CTL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, CTL, 5, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	tm_check_ok(f->m);
}

/* TD life-cycle ladders: CREATE, ADDCX, INIT, VP.*. */
static void test_lifecycle_ladder(void **state)
{
	struct fx *f = *state;
	uint64_t t2 = CTL + 0x80000, s;

	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, t2 + 1, 6, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, 8 * GiB, 6, 0, NULL),
		  DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR |
			  DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, t2, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, t2, 64, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, DATA, 6, 0, NULL),
		  DPAMT_TDX_MISSING_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, f->td.tdr, 6, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	/* tdh_mng_create.c: the HKID is checked before the TDR page (RCX
	 * bad and HKID out of range -> |RDX); one in use by a TD (5, the
	 * fixture's) or by the module (63, the global key) is
	 * HKID_NOT_FREE, without an operand id. */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, t2 + 1, 64, 0, NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, t2, 5, 0, NULL),
		  DPAMT_TDX_HKID_NOT_FREE);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, t2, 63, 0, NULL),
		  DPAMT_TDX_HKID_NOT_FREE);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_CREATE, t2, 6, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	/* tdh_mng_add_cx.c: before MNG.KEY.CONFIG -> TD_KEYS_NOT_CONFIGURED;
	 * the TDR (RDX) is checked fully before RCX */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_ADDCX, t2 + PG, t2, 0, NULL),
		  DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_ADDCX, t2 + 1, t2 + PG, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_CREATE, t2 + PG, t2, 0, NULL),
		  DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	/* tdh_mng_key_config.c: once; a second call is a life-cycle
	 * error without operand id */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_CONFIG, t2, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_CONFIG, t2, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT);
	/* check_td_in_correct_build_state() (helpers.c): too few TDCS
	 * pages -> TDCS_NOT_ALLOCATED; then OP_STATE_INCORRECT carrying the
	 * OP_STATE (0, uninitialised) as its low bits */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_INIT, t2, 0, 0, NULL),
		  DPAMT_TDX_TDCS_NOT_ALLOCATED);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_ADDCX, t2 + PG, t2 + PG, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RDX);
	for (unsigned i = 0; i < f->td.ntdcs; i++)
		TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_ADDCX, t2 + (i + 1) * PG,
				t2, 0, NULL),
			  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_CREATE, t2 + 10 * PG, t2, 0, NULL),
		  DPAMT_TDX_OP_STATE_INCORRECT | 0);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_INIT, t2, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	/* more TDCS pages than configured once initialised; a second INIT
	 * reports OP_STATE 1 (initialised) */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_ADDCX, t2 + 9 * PG, t2, 0, NULL),
		  DPAMT_TDX_OP_STATE_INCORRECT);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_INIT, t2, 0, 0, NULL),
		  DPAMT_TDX_OP_STATE_INCORRECT | 1);
	s = t2 + 10 * PG;
	/* VP.CREATE checks its TDR (RDX) before the new page (RCX) */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_CREATE, s + 1, t2 + PG, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_CREATE, s, t2, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_INIT, s, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	/* VP.ADDCX: the TDVPR (RDX) fully before RCX */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_ADDCX, s + 1, t2, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_ADDCX, DATA, s, 0, NULL),
		  DPAMT_TDX_MISSING_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_RCX);
	for (unsigned i = 0; i < f->td.ntdcx; i++)
		TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_ADDCX, s + (i + 1) * PG, s,
				0, NULL),
			  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_ADDCX, s + 20 * PG, s, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_INIT, s, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_TRACK, t2, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, 0x1000, t2, 0, NULL),
		  DPAMT_TDX_EPT_WALK_FAILED | DPAMT_TDX_OPERAND_ID_RCX);
	tm_check_ok(f->m);
}

/* Every try-lock on the way answers BUSY with its operand id (the lock
 * bit is set by writing the entry, as a stuck holder would), and nothing
 * changes. */
static void expect_busy(struct fx *f, uint64_t epa, bool sept,
			struct tm_snap *s, unsigned leaf,
			struct dpamt_tdx_regs r, uint64_t want)
{
	if (sept)
		tm_sept_lock_bit(f->m, epa, true);
	else
		tm_entry_lock_bit(f->m, epa, true);
	TM_EXPECT(tm_sc_regs(f->m, leaf, &r), want);
	if (sept)
		tm_sept_lock_bit(f->m, epa, false);
	else
		tm_entry_lock_bit(f->m, epa, false);
	tm_snap_same(f->m, s);
}

/* White-box: hold the TD's S-EPT tree lock exclusively (the TDR word
 * after the vCPU count, src/tdxmod/model.h), as a concurrent SEPT.REMOVE
 * would. */
static void tree_lock(struct tdxmod *m, uint64_t tdr, bool set)
{
	uint64_t v = set ? 1ULL << 15 : 0;

	tdxmod_phys_write(m, tdr + 7 * 8, &v, sizeof(v));
}

/* White-box: one reader on the TDR's 4K PAMT entry (the lock count in
 * bits 13:0 of the entry's first word). */
static void tdr_reader(struct tdxmod *m, uint64_t tdr, bool set)
{
	uint64_t epa = tm_entry_4k_pa(m, tdr), v;

	tdxmod_phys_read(m, epa, &v, sizeof(v));
	v = set ? v + 1 : v - 1;
	tdxmod_phys_write(m, epa, &v, sizeof(v));
}

static void test_busy_ladders(void **state)
{
	struct fx *f = *state;
	uint64_t tdr = f->td.tdr, pa = DATA + 3 * PG, gpa = 0x7000;
	uint64_t pas[4] = {DATA, pa, tdr, HUGE};
	uint64_t tdr_e, pg_e, pg_e2, pg_e1, sept_t, sept_p;
	struct dpamt_tdx_regs aug = {.rcx = gpa, .rdx = tdr, .r8 = pa};
	struct dpamt_tdx_regs rm = {.rcx = gpa, .rdx = tdr};
	struct dpamt_tdx_regs rc = {.rcx = pa};
	struct tm_snap s;

	TM_EXPECT(add_pair(f, DATA), DPAMT_TDX_SUCCESS);
	tdr_e = tm_entry_4k_pa(f->m, tdr);
	pg_e = tm_entry_4k_pa(f->m, pa);
	pg_e2 = tm_entry_2m_pa(f->m, 4 * GiB, pa);
	pg_e1 = tm_entry_1g_pa(f->m, 4 * GiB, pa);
	sept_t = f->td.sept[2] + ((gpa >> 12) & 511) * 8;  /* level 0 */
	sept_p = f->td.sept[1] + ((gpa >> 21) & 511) * 8;  /* level 1 */
	tm_snap_take(f->m, &s, 4, pas);
	/* an explicit TDR operand is walked (helpers.c,
	 * check_lock_and_map_explicit_tdr()): BUSY carries its register,
	 * on its 4K entry and on the 1G/2M entries taken shared on the way */
	expect_busy(f, tdr_e, false, &s, DPAMT_TDH_MEM_PAGE_AUG, aug,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RDX);
	expect_busy(f, tm_entry_2m_pa(f->m, 4 * GiB, tdr), false, &s,
		    DPAMT_TDH_MEM_PAGE_AUG, aug,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RDX);
	expect_busy(f, pg_e1, false, &s, DPAMT_TDH_MEM_PAGE_AUG, aug,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R8);
	expect_busy(f, pg_e2, false, &s, DPAMT_TDH_MEM_PAGE_AUG, aug,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R8);
	expect_busy(f, pg_e, false, &s, DPAMT_TDH_MEM_PAGE_AUG, aug,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R8);
	/* the S-EPT entry's host-side lock: BUSY|RCX; the tree lock
	 * (secure_ept_lock, here a word of the TDR): BUSY|SEPT (0x92) */
	expect_busy(f, sept_p, true, &s, DPAMT_TDH_MEM_PAGE_AUG, aug,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	expect_busy(f, sept_t, true, &s, DPAMT_TDH_MEM_PAGE_AUG, aug,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tree_lock(f->m, tdr, true);
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_AUG, &aug),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_SEPT);
	tree_lock(f->m, tdr, false);
	/* PAGE.ADD takes the TDR exclusive: a reader makes it BUSY|RDX
	 * where AUG (shared) goes on */
	tdr_reader(f->m, tdr, true);
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_ADD,
			     &(struct dpamt_tdx_regs){.rcx = gpa, .rdx = tdr,
						.r8 = pa, .r9 = 0}),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RDX);
	tdr_reader(f->m, tdr, false);
	tm_snap_same(f->m, &s);
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_AUG, &aug),
		  DPAMT_TDX_SUCCESS);
	tm_snap_take(f->m, &s, 4, pas);
	expect_busy(f, tdr_e, false, &s, DPAMT_TDH_MEM_PAGE_REMOVE, rm,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RDX);
	expect_busy(f, sept_t, true, &s, DPAMT_TDH_MEM_PAGE_REMOVE, rm,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	expect_busy(f, pg_e, false, &s, DPAMT_TDH_MEM_PAGE_REMOVE, rm,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	/* a TDR held exclusively blocks MEM.TRACK's shared lock */
	expect_busy(f, tdr_e, false, &s, DPAMT_TDH_MEM_TRACK,
		    (struct dpamt_tdx_regs){.rcx = tdr},
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_td_freeid(f->m, &f->td);
	tm_snap_take(f->m, &s, 4, pas);
	expect_busy(f, pg_e, false, &s, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, rc,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	expect_busy(f, tdr_e, false, &s, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, rc,
		    DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_TDR);
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM, &rc),
		  DPAMT_TDX_SUCCESS);
	assert_true(dpamt_tdx_removal_hint(rc.r9));
	tm_check_ok(f->m);
}

/* VP.ADDCX / VP.INIT: a busy TDVPR is an explicit operand: BUSY with its
 * register (check_and_lock_explicit_4k_private_hpa() in helpers.c). */
static void test_busy_tdvpr(void **state)
{
	struct fx *f = *state;
	uint64_t vp_e = tm_entry_4k_pa(f->m, f->td.tdvpr);

	tm_entry_lock_bit(f->m, vp_e, true);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_INIT, f->td.tdvpr, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_ADDCX, CTL + 0x100000, f->td.tdvpr,
			0, NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RDX);
	tm_entry_lock_bit(f->m, vp_e, false);
	/* already initialised by the fixture */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_VP_INIT, f->td.tdvpr, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	tm_check_ok(f->m);
}

/* The remaining small ladders: RANGE.BLOCK, MEM.TRACK, MNG.INIT,
 * VPFLUSHDONE, KEY.FREEID, SEPT.REMOVE's BUSY answers. */
static void test_small_ladders(void **state)
{
	struct fx *f = *state;
	uint64_t tdr = f->td.tdr, tdr_e = tm_entry_4k_pa(f->m, tdr);
	uint64_t sept = CTL + 0x100000, pas[3] = {tdr, sept, DATA};
	struct tm_snap s;
	struct dpamt_tdx_regs r;

	TM_EXPECT(add_pair(f, DATA), DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x3000, 0, DATA), DPAMT_TDX_SUCCESS);
	/* RANGE.BLOCK */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, 0x3000 | 2, tdr, 0,
			NULL),
		  DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, 0x4000, tdr, 0, NULL),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT |
			  DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, 0x3000, tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	/* tdh_mem_range_block.c: blocked already -> not an error */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, 0x3000, tdr, 0, NULL),
		  DPAMT_TDX_GPA_RANGE_ALREADY_BLOCKED |
			  DPAMT_TDX_OPERAND_ID_RCX);
	/* before MR.FINALIZE a blocked page is removed without TRACK */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x3000, tdr, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_true(dpamt_tdx_removal_hint(r.rcx));
	/* MNG.INIT on an initialised TD; BUSY on the TDR */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_INIT, tdr, 0, 0, NULL),
		  DPAMT_TDX_OP_STATE_INCORRECT | 1 /* OP_STATE initialised */);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_INIT, DATA, 0, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tdr_e, true);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_VPFLUSHDONE, tdr, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_FREEID, tdr, 0, 0, NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tdr_e, false);
	/* SEPT.REMOVE: a busy entry, a busy table page */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_ADD, 0x200000 | 1, tdr, sept,
			NULL), DPAMT_TDX_SUCCESS);
	tm_snap_take(f->m, &s, 3, pas);
	tm_sept_lock_bit(f->m, f->td.sept[1] + 8, true);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0x200000 | 1, tdr, 0,
			NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_sept_lock_bit(f->m, f->td.sept[1] + 8, false);
	tm_entry_lock_bit(f->m, tm_entry_4k_pa(f->m, sept), true);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0x200000 | 1, tdr, 0,
			NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(f->m, tm_entry_4k_pa(f->m, sept), false);
	tm_snap_same(f->m, &s);
	/* teardown order: FREEID needs VPFLUSHDONE and CACHE.WB; after
	 * it, TD leaves see no keys (check_td_in_correct_build_state()) */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_FREEID, tdr, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT);
	tm_td_freeid(f->m, &f->td);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_KEY_FREEID, tdr, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MNG_VPFLUSHDONE, tdr, 0, 0, NULL),
		  DPAMT_TDX_LIFECYCLE_STATE_INCORRECT);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_TRACK, tdr, 0, 0, NULL),
		  DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0x200000 | 1, tdr, 0,
			NULL), DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	TM_EXPECT(
		tm_sc(f->m, DPAMT_TDH_VP_CREATE, CTL + 0x101000, tdr, 0, NULL),
		DPAMT_TDX_TD_KEYS_NOT_CONFIGURED);
	tm_check_ok(f->m);
}

/* TLB tracking once the TD is runnable (tdh_mr_finalize.c,
 * tdh_mem_range_block.c, is_tlb_and_iotlb_tracked() in
 * tdh_mem_page_remove.c, tdh_mem_sept_remove.c, tdh_mem_page_demote.c,
 * tdh_mem_page_promote.c): each removal needs RANGE.BLOCK and a
 * MEM.TRACK after it; PAGE.ADD is over. */
static void test_tlb_tracking(void **state)
{
	struct fx *f = *state;
	uint64_t tdr = f->td.tdr, gpa = 0x600000, pair, sept = CTL + 0x100000;
	struct dpamt_tdx_regs r;

	TM_EXPECT(add_pair(f, DATA), DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, 0x3000, 0, DATA), DPAMT_TDX_SUCCESS);
	TM_EXPECT(aug(f, gpa, 1, HUGE), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MR_FINALIZE, tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_ADD,
			     &(struct dpamt_tdx_regs){.rcx = 0x4000, .rdx = tdr,
						.r8 = DATA + PG}),
		  DPAMT_TDX_OP_STATE_INCORRECT | 2);
	/* PAGE.REMOVE */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x3000, tdr, 0, NULL),
		  DPAMT_TDX_GPA_RANGE_NOT_BLOCKED | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, 0x3000, tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x3000, tdr, 0, NULL),
		  DPAMT_TDX_TLB_TRACKING_NOT_DONE | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_TRACK, tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x3000, tdr, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(dpamt_tdx_hint_strip(r.rcx), DATA);
	/* DEMOTE of the 2M page, then PROMOTE of its table */
	pair = next_pair(f);
	r = (struct dpamt_tdx_regs){.rcx = gpa | 1, .rdx = tdr, .r8 = sept,
			      .r12 = pair, .r13 = pair + PG};
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_GPA_RANGE_NOT_BLOCKED | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, gpa | 1, tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	r = (struct dpamt_tdx_regs){.rcx = gpa | 1, .rdx = tdr, .r8 = sept,
			      .r12 = pair, .r13 = pair + PG};
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_TLB_TRACKING_NOT_DONE | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_TRACK, tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	r = (struct dpamt_tdx_regs){.rcx = gpa | 1, .rdx = tdr, .r8 = sept,
			      .r12 = pair, .r13 = pair + PG};
	TM_EXPECT(tm_sc_regs(f->m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_SUCCESS);
	/* the 4K mappings DEMOTE wrote are not blocked */
	TM_EXPECT(
		tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, tdr, 0, NULL),
		DPAMT_TDX_GPA_RANGE_NOT_BLOCKED | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, gpa | 1, tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(
		tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, tdr, 0, NULL),
		DPAMT_TDX_TLB_TRACKING_NOT_DONE | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_TRACK, tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_PAGE_PROMOTE, gpa | 1, tdr, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(dpamt_tdx_hint_strip(r.rcx), sept);
	/* SEPT.REMOVE of the level-1 table under GPA 0 (now empty) */
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0 | 1, tdr, 0, NULL),
		  DPAMT_TDX_GPA_RANGE_NOT_BLOCKED | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_RANGE_BLOCK, 0 | 1, tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0 | 1, tdr, 0, NULL),
		  DPAMT_TDX_TLB_TRACKING_NOT_DONE | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_TRACK, tdr, 0, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(f->m, DPAMT_TDH_MEM_SEPT_REMOVE, 0 | 1, tdr, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(dpamt_tdx_hint_strip(r.rcx), f->td.sept[2]);
	tm_check_ok(f->m);
}

/* Classic PAMT: no pairs, static 4K entries, no removal hints; 2M pages
 * need every 4K entry of the range free; demote/promote keep the static
 * entries. */
static void test_classic_td(void **state)
{
	struct tdxmod *m = tm_model(4 * GiB, false);
	struct tm_td td;
	struct tdxmod_range_info ri;
	struct tdxmod_page_info pi;
	struct dpamt_tdx_regs r;
	uint64_t st;

	tm_td_build(m, &td, CTL, 0, 4);
	tdxmod_range_info(m, CTL, &ri);
	assert_false(ri.has_pair);
	assert_int_equal(ri.type_2m, DPAMT_TDX_PT_NDA);
	assert_int_equal(ri.page_count, 1 + td.ntdcs + 1 + td.ntdcx + 3);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 0x1000, td.tdr, DATA, NULL),
		  DPAMT_TDX_SUCCESS);
	st = tm_sc(m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x1000, td.tdr, 0, NULL);
	TM_EXPECT(st, DPAMT_TDX_SUCCESS); /* no hint without Dynamic PAMT */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 0x1000, td.tdr,
			HUGE + 5 * PG, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 0x400000 | 1, td.tdr, HUGE,
			NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_R8);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 0x400000 | 1, td.tdr,
			HUGE + 2 * MiB, NULL), DPAMT_TDX_SUCCESS);
	r = (struct dpamt_tdx_regs){.rcx = 0x400000 | 1, .rdx = td.tdr,
			      .r8 = CTL + 0x100000};
	TM_EXPECT(tm_sc_regs(m, DPAMT_TDH_MEM_PAGE_DEMOTE, &r),
		  DPAMT_TDX_SUCCESS);
	tdxmod_range_info(m, HUGE + 2 * MiB, &ri);
	assert_int_equal(ri.page_count, 512);
	tdxmod_page_info(m, HUGE + 2 * MiB + 7 * PG, &pi);
	assert_int_equal(pi.type, DPAMT_TDX_PT_REG);
	assert_int_equal(pi.level, DPAMT_TDX_PS_4K);
	tm_check_ok(m);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_PROMOTE, 0x400000 | 1, td.tdr, 0,
			&r),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(r.r12, 0);
	tdxmod_range_info(m, HUGE + 2 * MiB, &ri);
	assert_int_equal(ri.type_2m, DPAMT_TDX_PT_REG);
	assert_int_equal(ri.page_count, 0);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_build_counts, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_aug_4k_ladder, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_tlb_tracking, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_remove_hint, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_page_add_copies,
						setup_dyn, teardown),
		cmocka_unit_test_setup_teardown(test_sept_ladder, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_aug_2m, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_demote_promote,
						setup_dyn, teardown),
		cmocka_unit_test_setup_teardown(test_teardown_reclaim,
						setup_dyn, teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle_ladder,
						setup_dyn, teardown),
		cmocka_unit_test_setup_teardown(test_busy_ladders, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_busy_tdvpr, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_huge_ladders, setup_dyn,
						teardown),
		cmocka_unit_test_setup_teardown(test_small_ladders, setup_dyn,
						teardown),
		cmocka_unit_test(test_classic_td),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
