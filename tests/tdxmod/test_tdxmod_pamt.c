/*
 * test_tdxmod_pamt.c - PHYMEM.PAMT.ADD and PHYMEM.PAMT.REMOVE: every step
 * of both ladders in docs/design.md §2 order with its operand id, the state
 * unchanged after each failure, the bitmap, zeroing of the pair, classic
 * mode, and deterministic BUSY injection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tm_util.h"

#define MEM (4 * GiB)
#define R1 0x40000000ULL  /* target range */
#define R2 0x40200000ULL  /* neighbour */
#define P 0x20000000ULL   /* pair pages (a range without pair) */
#define INV(op) (DPAMT_TDX_OPERAND_INVALID | (op))
#define RNG(op) (DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR | (op))

static struct tdxmod *dyn(void)
{
	return tm_model(MEM, true);
}

static void test_classic_rejects(void **state)
{
	struct tdxmod *m = tm_model(MEM, false);
	struct tdxmod_leaf_stats ls;

	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), INV(DPAMT_TDX_OPERAND_ID_RAX));
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL),
		  INV(DPAMT_TDX_OPERAND_ID_RAX));
	/* classic: TD pages need no pair */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R1, 3, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	tdxmod_leaf_stats(m, DPAMT_TDH_PHYMEM_PAMT_ADD, &ls);
	assert_int_equal(ls.calls, 1);
	assert_int_equal(ls.errors, 1);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

static void test_add_operand_ladder(void **state)
{
	struct tdxmod *m = dyn();
	uint64_t pas[4] = {R1, P, P + PG, R2};
	struct tm_snap s;
	const uint64_t key = 1ULL << 46, maxpa = 1ULL << 52;

	tm_snap_take(m, &s, 4, pas);
	/* RCX: level, alignment, reserved, key-id bits */
	TM_EXPECT(tm_pamt_add(m, R1 - 1, P, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_sc(m, DPAMT_TDH_PHYMEM_PAMT_ADD, R1 | 2, P, P + PG, NULL),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_sc(m, DPAMT_TDH_PHYMEM_PAMT_ADD, R1, P, P + PG, NULL),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_pamt_add(m, R1 + PG, P, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_pamt_add(m, R1 | 0x8, P, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_pamt_add(m, R1 | key, P, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	/* RCX is checked before RDX */
	TM_EXPECT(tm_pamt_add(m, R1 + PG, 1, 1), INV(DPAMT_TDX_OPERAND_ID_RCX));
	/* RDX */
	TM_EXPECT(tm_pamt_add(m, R1, P + 8, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RDX));
	TM_EXPECT(tm_pamt_add(m, R1, P | key, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RDX));
	TM_EXPECT(tm_pamt_add(m, R1, maxpa, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RDX));
	TM_EXPECT(tm_pamt_add(m, R1, UINT64_MAX & ~0xFFFULL, P + PG),
		  INV(DPAMT_TDX_OPERAND_ID_RDX));
	TM_EXPECT(tm_pamt_add(m, R1, MEM, P + PG),
		  RNG(DPAMT_TDX_OPERAND_ID_RDX));
	TM_EXPECT(tm_pamt_add(m, R1, MEM, 1), RNG(DPAMT_TDX_OPERAND_ID_RDX));
	/* R8 */
	TM_EXPECT(tm_pamt_add(m, R1, P, P + 1), INV(DPAMT_TDX_OPERAND_ID_R8));
	TM_EXPECT(tm_pamt_add(m, R1, P, (P + PG) | key),
		  INV(DPAMT_TDX_OPERAND_ID_R8));
	TM_EXPECT(tm_pamt_add(m, R1, P, 2 * MEM), RNG(DPAMT_TDX_OPERAND_ID_R8));
	/* target outside every TDMR, checked after both pages */
	TM_EXPECT(tm_pamt_add(m, 2 * MEM, P, 2 * MEM),
		  RNG(DPAMT_TDX_OPERAND_ID_R8));
	TM_EXPECT(tm_pamt_add(m, 2 * MEM, P, P + PG),
		  RNG(DPAMT_TDX_OPERAND_ID_RCX));
	tm_snap_same(m, &s);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

static void test_add_state_ladder(void **state)
{
	struct tdxmod *m = dyn();
	uint64_t e1 = tm_entry_2m_pa(m, MEM, R1);
	uint64_t ep = tm_entry_2m_pa(m, MEM, P);
	uint64_t pas[5] = {R1, P, P + PG, R2, R2 + PG};
	struct tdxmod_page_info pi;
	struct tm_snap s;

	/* a pair on R2 whose pages are R1's first two pages */
	TM_EXPECT(tm_pamt_add(m, R2, R1, R1 + PG), DPAMT_TDX_SUCCESS);
	/* a TDR in R2 (needs R2's pair) */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R2 + 4 * PG, 9, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	tm_snap_take(m, &s, 5, pas);
	/* exclusive try-lock of the target fails */
	tm_entry_lock_bit(m, e1, true);
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(m, e1, false);
	/* target not free: a pair is installed */
	TM_EXPECT(tm_pamt_add(m, R2, P, P + PG),
		  DPAMT_TDX_HPA_RANGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RCX);
	/* hpa0 in another range: its entry is locked -> BUSY|RDX */
	tm_entry_lock_bit(m, ep, true);
	TM_EXPECT(tm_pamt_add(m, R1, P, R1 + 9 * PG),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_pamt_add(m, R1, R1 + 9 * PG, P),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R8);
	tm_entry_lock_bit(m, ep, false);
	/* hpa0 / hpa1 in use by the module (the TDR) */
	TM_EXPECT(tm_pamt_add(m, R1, R2 + 4 * PG, P),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_pamt_add(m, R1, P, R2 + 4 * PG),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_R8);
	/* bitmap: hpa0 / hpa1 already pair pages (of R2, lying in R1) */
	TM_EXPECT(tm_pamt_add(m, R1, R1, P), DPAMT_TDX_PAGE_NOT_FREE |
						     DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_pamt_add(m, R1, P, R1 + PG),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_R8);
	tdxmod_page_info(m, P, &pi);
	assert_false(pi.bitmap_bit); /* hpa0's bit was undone */
	TM_EXPECT(tm_pamt_add(m, R1, P, P), DPAMT_TDX_PAGE_NOT_FREE |
						  DPAMT_TDX_OPERAND_ID_R8);
	/* a page of the static PAMT areas is never a pair page */
	TM_EXPECT(tm_pamt_add(m, R1, P, MEM - GiB + 2 * PG),
		  DPAMT_TDX_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_R8);
	tm_snap_same(m, &s);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

static void test_add_success_zeroes(void **state)
{
	struct tdxmod *m = dyn();
	struct tdxmod_range_info ri;
	struct tdxmod_page_info pi;
	uint64_t junk = 0x5A5A5A5A5A5A5A5AULL, v = 1;

	tdxmod_phys_write(m, P + 64, &junk, 8);
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	tdxmod_phys_read(m, P + 64, &v, 8);
	assert_int_equal(v, 0);
	assert_int_equal(tdxmod_range_info(m, R1, &ri), 0);
	assert_true(ri.has_pair);
	assert_int_equal(ri.type_2m, DPAMT_TDX_PT_PAMT);
	assert_int_equal(ri.page_count, 0);
	assert_int_equal(ri.pair[0], P);
	assert_int_equal(ri.pair[1], P + PG);
	tdxmod_page_info(m, P + PG, &pi);
	assert_true(pi.bitmap_bit);
	assert_int_equal(tdxmod_pairs_installed(m), 1);
	/* pair pages inside the target range itself are allowed */
	TM_EXPECT(tm_pamt_add(m, R2, R2 + 100 * PG, R2 + 300 * PG),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R2 + 100 * PG, 2, 0, NULL),
		  DPAMT_TDX_PAGE_METADATA_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

static void test_remove_ladder(void **state)
{
	struct tdxmod *m = dyn();
	uint64_t e1 = tm_entry_2m_pa(m, MEM, R1), p0, p1;
	uint64_t pas[4] = {R1, P, P + PG, R1 + 300 * PG};
	struct tdxmod_page_info pi;
	struct tm_snap s;

	TM_EXPECT(tm_pamt_remove(m, R1 + PG, NULL, NULL),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_sc(m, DPAMT_TDH_PHYMEM_PAMT_REMOVE, R1, 0, 0, NULL),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_pamt_remove(m, R1 | (1ULL << 50), NULL, NULL),
		  INV(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_pamt_remove(m, MEM, NULL, NULL),
		  RNG(DPAMT_TDX_OPERAND_ID_RCX));
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL),
		  DPAMT_TDX_NO_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	tm_entry_lock_bit(m, e1, true);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	tm_entry_lock_bit(m, e1, false);
	/* a used page in the first half: operand 0; second half: 1 */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R1 + 300 * PG, 2, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	tm_snap_take(m, &s, 4, pas);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL),
		  DPAMT_TDX_PAMT_PAGE_NOT_EMPTY | 1);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R1 + 3 * PG, 4, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL),
		  DPAMT_TDX_PAMT_PAGE_NOT_EMPTY | 0);
	tm_snap_take(m, &s, 4, pas);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL),
		  DPAMT_TDX_PAMT_PAGE_NOT_EMPTY | 0);
	tm_snap_same(m, &s);
	tm_check_ok(m);
	tdxmod_destroy(m);

	m = dyn();
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_remove(m, R1, &p0, &p1), DPAMT_TDX_SUCCESS);
	assert_int_equal(p0, P);
	assert_int_equal(p1, P + PG);
	tdxmod_page_info(m, P, &pi);
	assert_false(pi.bitmap_bit);
	assert_int_equal(tdxmod_pairs_installed(m), 0);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL),
		  DPAMT_TDX_NO_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_RCX);
	/* the pages can be a pair again, for another range */
	TM_EXPECT(tm_pamt_add(m, R2, P + PG, P), DPAMT_TDX_SUCCESS);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

/* Injected BUSY is deterministic for a seed and counted per leaf. */
static void run_injected(uint64_t seed, uint64_t *trace, unsigned n,
			 uint64_t *busy)
{
	struct tdxmod_config cfg;
	struct tdxmod_leaf_stats ls;
	struct tdxmod *m;

	tdxmod_config_default(&cfg, MEM);
	/* set-up takes no entry locks, so injection does not disturb it */
	cfg.busy_inject_prob = 0.3;
	cfg.busy_inject_seed = seed;
	m = tm_model_cfg(&cfg, true);
	for (unsigned i = 0; i < n; i++) {
		uint64_t r = R1 + (i % 4) * 2 * MiB;
		uint64_t st = i & 4 ? tm_pamt_remove(m, r, NULL, NULL)
				    : tm_pamt_add(m, r, P + i * 2 * PG,
						  P + i * 2 * PG + PG);

		trace[i] = st;
		assert_true(dpamt_tdx_is_busy(st) || dpamt_tdx_is_success(st) ||
			    dpamt_tdx_status_class(st) ==
				    DPAMT_TDX_HPA_RANGE_NOT_FREE ||
			    dpamt_tdx_status_class(st) ==
				    DPAMT_TDX_NO_PAMT_PAGE_PAIR);
	}
	tdxmod_leaf_stats(m, DPAMT_TDH_PHYMEM_PAMT_ADD, &ls);
	*busy = ls.busy;
	tdxmod_leaf_stats(m, DPAMT_TDH_PHYMEM_PAMT_REMOVE, &ls);
	*busy += ls.busy;
	tm_check_ok(m);
	tdxmod_destroy(m);
}

/* Walks hold a free 1G entry shared without writing it (src/tdxmod/
 * pamt.c, pe_hold_1g), but a 1G entry found locked is still respected:
 * the target's (BUSY|RCX) and a pair page's (BUSY|RDX). */
static void test_1g_entry_lock(void **state)
{
	struct tdxmod *m = dyn();
	uint64_t e1 = tm_entry_1g_pa(m, MEM, R1);
	uint64_t far = R1 + GiB; /* a range in the next GiB */
	uint64_t hdr = 1;

	tm_entry_lock_bit(m, e1, true);
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_pamt_add(m, far, R2, P),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RDX);
	TM_EXPECT(tm_pamt_add(m, far, P, R2 + PG),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_R8);
	tm_entry_lock_bit(m, e1, false);
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_add(m, far, R2, R2 + PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_pamt_remove(m, far, NULL, NULL), DPAMT_TDX_SUCCESS);
	tdxmod_phys_read(m, e1, &hdr, sizeof(hdr));
	assert_int_equal(hdr, 0); /* free, unlocked, no reader left */
	tm_check_ok(m);
	tdxmod_destroy(m);
}

static void test_busy_injection(void **state)
{
	uint64_t seed = test_seed(__func__, 42), a[64], b[64], busy_a, busy_b, nb = 0;

	run_injected(seed, a, 64, &busy_a);
	run_injected(seed, b, 64, &busy_b);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(busy_a, busy_b);
	for (unsigned i = 0; i < 64; i++)
		nb += dpamt_tdx_is_busy(a[i]);
	assert_int_equal(nb, busy_a);
	assert_true(busy_a > 0 && busy_a < 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic_rejects),
		cmocka_unit_test(test_add_operand_ladder),
		cmocka_unit_test(test_add_state_ladder),
		cmocka_unit_test(test_add_success_zeroes),
		cmocka_unit_test(test_remove_ladder),
		cmocka_unit_test(test_1g_entry_lock),
		cmocka_unit_test(test_busy_injection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
