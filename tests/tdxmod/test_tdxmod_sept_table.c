/*
 * test_tdxmod_sept_table.c - the compact level-0 S-EPT table (model.h,
 * src/tdxmod/sept_table.c): entries mapping pages near the table (a code)
 * and far from it (a full value) read back as the 8-byte entries a plain
 * page would hold, through the leaves, the host's loads and stores and
 * tdxmod_sept_4k; blocked bits survive; the table costs less than a page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tm_util.h"

#define MEM (4 * GiB)
#define CTL 0x10000000ULL  /* control pages, S-EPT pages: range + pair */
#define POOL 0x20000000ULL /* pair pages */
#define NEAR (CTL + MiB)   /* inside CTL's range: a code */
#define FAR 0x70000000ULL  /* 1.75 GiB away from the table: a full value */
#define SE_P 1ULL          /* present */
#define SE_L 2ULL          /* leaf */
#define SE_B 4ULL          /* blocked */

static uint64_t entry(struct tdxmod *m, const struct tm_td *td, unsigned i)
{
	uint64_t v;

	tdxmod_phys_read(m, td->sept[2] + i * 8, &v, 8);
	return v;
}

static struct tdxmod *build(struct tm_td *td)
{
	struct tdxmod *m = tm_model(MEM, true);

	tm_td_build(m, td, CTL, POOL, 5);
	TM_EXPECT(tm_pamt_add(m, FAR, POOL + 2 * PG, POOL + 3 * PG),
		  DPAMT_TDX_SUCCESS);
	return m;
}

/* The host's read of the S-EPT (tdxmod_sept_4k) with pages 3 and 4
 * mapped at 4K: whole chunk, one page, a chunk with no table. */
static void sept_4k_is(struct tdxmod *m, const struct tm_td *td)
{
	uint64_t pa[512];

	assert_int_equal(tdxmod_sept_4k(m, td->tdr, 0, 512, pa), 2);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(pa[i], i == 3 ? NEAR : i == 4 ? FAR : 0);
	assert_int_equal(tdxmod_sept_4k(m, td->tdr, 4 * PG, 1, pa), 1);
	assert_int_equal(pa[0], FAR);
	assert_int_equal(tdxmod_sept_4k(m, td->tdr, 2 * MiB, 512, pa), 0);
	assert_int_equal(pa[7], 0);
	/* past the end of the 2 MiB: refused, nothing mapped */
	assert_int_equal(tdxmod_sept_4k(m, td->tdr, 4 * PG, 510, pa), 0);
}

/* AUG near and far, BLOCK both, REMOVE both, then the table goes. */
static void test_near_and_far(void **state)
{
	struct tm_td td;
	struct tdxmod *m = build(&td);
	struct dpamt_tdx_regs o;

	(void)state;
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 3 * PG, td.tdr, NEAR, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 4 * PG, td.tdr, FAR, NULL),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(entry(m, &td, 3), NEAR | SE_P | SE_L);
	assert_int_equal(entry(m, &td, 4), FAR | SE_P | SE_L);
	assert_int_equal(entry(m, &td, 5), 0);
	sept_4k_is(m, &td);
	/* mapped twice: the entry's state, whatever its storage */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 4 * PG, td.tdr, FAR + PG, NULL),
		  DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_RANGE_BLOCK, 3 * PG, td.tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_RANGE_BLOCK, 4 * PG, td.tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(entry(m, &td, 3), NEAR | SE_P | SE_L | SE_B);
	assert_int_equal(entry(m, &td, 4), FAR | SE_P | SE_L | SE_B);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_RANGE_BLOCK, 4 * PG, td.tdr, 0, NULL),
		  DPAMT_TDX_GPA_RANGE_ALREADY_BLOCKED | DPAMT_TDX_OPERAND_ID_RCX);
	/* a table that still maps a page is not free */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_RANGE_BLOCK, 0 | 1, td.tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_SEPT_REMOVE, 0 | 1, td.tdr, 0, NULL),
		  DPAMT_TDX_EPT_PAGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RCX);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_REMOVE, 4 * PG, td.tdr, 0, &o),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(o.rcx & ~DPAMT_TDX_PAMT_REMOVAL_HINT, FAR);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_REMOVE, 3 * PG, td.tdr, 0, &o),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(o.rcx & ~DPAMT_TDX_PAMT_REMOVAL_HINT, NEAR);
	assert_int_equal(entry(m, &td, 3), 0);
	assert_int_equal(entry(m, &td, 4), 0);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_SEPT_REMOVE, 0 | 1, td.tdr, 0, &o),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(o.rcx & ~DPAMT_TDX_PAMT_REMOVAL_HINT, td.sept[2]);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

/* The host's stores: a full 8-byte value and a single byte read back as
 * written; the lock bit it writes is the entry's lock (BUSY), as in a
 * plain page. */
static void test_host_stores(void **state)
{
	struct tm_td td;
	struct tdxmod *m = build(&td);
	uint64_t junk = 0x000FFFFFFFFFF003ULL, v;
	uint8_t b = 0x07, lock[8] = {0};

	(void)state;
	tdxmod_phys_write(m, td.sept[2] + 9 * 8, &junk, 8);
	assert_int_equal(entry(m, &td, 9), junk);
	tdxmod_phys_write(m, td.sept[2] + 10 * 8 + 1, &b, 1);
	assert_int_equal(entry(m, &td, 10), 0x0700ULL);
	tdxmod_phys_read(m, td.sept[2] + 10 * 8 + 1, &b, 1);
	assert_int_equal(b, 0x07);
	lock[7] = 0x80; /* bit 63: exclusive */
	tdxmod_phys_write(m, td.sept[2] + 11 * 8, lock, 8);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 11 * PG, td.tdr, NEAR, NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	v = 0;
	tdxmod_phys_write(m, td.sept[2] + 11 * 8, &v, 8);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 11 * PG, td.tdr, NEAR, NULL),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(entry(m, &td, 11), NEAR | SE_P | SE_L);
	/* the junk entry is followed and found outside memory: fatal */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_REMOVE, 9 * PG, td.tdr, 0, NULL),
		  DPAMT_TDX_MODEL_FATAL);
	tdxmod_destroy(m);
}

/* A level-0 table is held in less than the page a plain one takes. */
static void test_smaller_than_a_page(void **state)
{
	struct tm_td td;
	struct tdxmod *m = build(&td);
	uint64_t before = tdxmod_footprint_bytes(m), table = CTL + 64 * PG;

	(void)state;
	/* a second level-0 table, GPA 2 MiB..4 MiB, in an indexed group */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_SEPT_ADD, (2 * MiB) | 1, td.tdr, table,
			NULL),
		  DPAMT_TDX_SUCCESS);
	assert_true(tdxmod_footprint_bytes(m) - before < PG / 2);
	for (unsigned i = 0; i < 512; i++) {
		uint64_t v = 1;

		tdxmod_phys_read(m, table + i * 8, &v, 8);
		assert_int_equal(v, 0);
	}
	tm_check_ok(m);
	tdxmod_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_near_and_far),
		cmocka_unit_test(test_host_stores),
		cmocka_unit_test(test_smaller_than_a_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
