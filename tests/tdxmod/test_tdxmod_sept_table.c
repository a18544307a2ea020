/*
 * test_tdxmod_sept_table.c - the compact level-0 S-EPT table (model.h,
 * src/tdxmod/sept_table.c): entries read back as the 8-byte entries a
 * plain page would hold, through the leaves, the host's loads and stores
 * and tdxmod_sept_4k, whatever their storage -- a byte coding a run of
 * the table's dictionary, a 16-bit code near the first page outside the
 * runs, a full value -- with each storage's edges: the last run that
 * fits, the first that does not, the farthest near page each way, values
 * no code spells; blocked bits and the entries' locks, which share a word
 * eight at a time, survive; a table costs less than a page; a table given
 * back is reused clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tdxmod/model.h"
#include "tm_util.h"

#define MEM (4 * GiB)
#define CTL 0x10000000ULL  /* control pages, S-EPT pages: range + pair */
#define POOL 0x20000000ULL /* pair pages */
#define NEAR (CTL + MiB)   /* inside CTL's range: a code */
#define FAR 0x70000000ULL  /* 1.75 GiB away from the table: a full value */
#define SE_P SE_PRESENT
#define SE_L SE_LEAF
#define SE_B SE_BLOCKED
#define LEAF(pa) ((pa) | SE_P | SE_L)

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

static void put(struct tdxmod *m, uint64_t table, unsigned i, uint64_t v)
{
	tdxmod_phys_write(m, table + i * 8, &v, 8);
}

static uint64_t get(struct tdxmod *m, uint64_t table, unsigned i)
{
	uint64_t v;

	tdxmod_phys_read(m, table + i * 8, &v, 8);
	return v;
}

/* Store v at entry i, read it back exactly, and check what the table's
 * side storage grew by. */
static void put_is(struct tdxmod *m, uint64_t table, unsigned i,
		   uint64_t v, uint64_t grew)
{
	uint64_t before = tdxmod_footprint_bytes(m);

	put(m, table, i, v);
	assert_int_equal(get(m, table, i), v);
	assert_int_equal(tdxmod_footprint_bytes(m) - before, grew);
}

/* SLT_RUNS runs of pages take no storage beyond the table; a page outside
 * them takes the near array, whose base it becomes; pages up to 32 Ki
 * below / 32 Ki - 1 above that base stay there, one farther and any
 * value that is not a present 4K leaf take wide[]. */
static void test_runs_near_wide(void **state)
{
	struct tm_td td;
	struct tdxmod *m = build(&td);
	const uint64_t t = td.sept[2], near_pa = FAR;
	const uint64_t bias = SLT_NEAR_BIAS * PG;
	uint64_t pa[512];
	unsigned i = 0;

	(void)state;
	/* run r: entries 8r..8r+7 at pages NEAR + 100r.. (pfn - i differs) */
	for (unsigned r = 0; r < SLT_RUNS; r++)
		for (unsigned j = 0; j < 8; j++, i++)
			put_is(m, t, i, LEAF(NEAR + (100 * r + j) * PG) |
					 (j == 3 ? SE_B : 0), 0);
	/* a page of the first run, entry 500: pfn - i is new: near */
	put_is(m, t, 500, LEAF(near_pa), sizeof(struct sept_near));
	put_is(m, t, 501, LEAF(near_pa - bias) | SE_B, 0);
	put_is(m, t, 502, LEAF(near_pa + bias - PG), 0);
	put_is(m, t, 503, LEAF(near_pa + bias), SLT_ENTRIES * 8);
	put_is(m, t, 504, LEAF(near_pa - bias - PG) | SE_B, 0);
	/* values no code spells */
	put_is(m, t, 505, near_pa | SE_P, 0);        /* a table pointer */
	put_is(m, t, 506, SE_B, 0);                  /* blocked, not present */
	put_is(m, t, 507, LEAF(NEAR) | (1ULL << 62), 0); /* reserved bit */
	put_is(m, t, 508, LEAF(SE_PA_MASK), 0);      /* pfn beyond 32 bits */
	/* the runs are all still read right, and by the host's S-EPT read */
	i = 0;
	for (unsigned r = 0; r < SLT_RUNS; r++)
		for (unsigned j = 0; j < 8; j++, i++)
			assert_int_equal(get(m, t, i),
					 LEAF(NEAR + (100 * r + j) * PG) |
						 (j == 3 ? SE_B : 0));
	/* leaves: the runs, 500..504, 507 and 508 (present, leaf) */
	assert_int_equal(tdxmod_sept_4k(m, td.tdr, 0, 512, pa),
			 8 * SLT_RUNS + 5 + 2);
	assert_int_equal(pa[9], NEAR + 101 * PG);
	assert_int_equal(pa[500], near_pa);
	assert_int_equal(pa[503], near_pa + bias);
	assert_int_equal(pa[508], SE_PA_MASK);
	assert_int_equal(pa[505], 0);
	assert_int_equal(pa[506], 0);
	/* back to 0, and from one storage to another */
	put_is(m, t, 503, 0, 0);
	put_is(m, t, 500, LEAF(NEAR + 100 * PG + 500 * PG - 8 * PG), 0);
	put_is(m, t, 9, LEAF(near_pa + PG), 0);
	put_is(m, t, 501, LEAF(NEAR) | 0x0700, 0);
	tdxmod_destroy(m);
}

/* Entry locks share a word eight at a time: a lock held on one entry
 * (a host's stuck SE_EXCL) leaves its neighbours free and its value as it
 * was; values set in the same word keep each other. */
static void test_locks_in_one_word(void **state)
{
	struct tm_td td;
	struct tdxmod *m = build(&td);
	const uint64_t t = td.sept[2];

	(void)state;
	put(m, t, 17, SE_EXCL);
	assert_int_equal(get(m, t, 17), SE_EXCL);
	for (unsigned i = 16; i < 24; i++)
		if (i != 17)
			TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, i * PG,
					td.tdr, NEAR + i * PG, NULL),
				  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 17 * PG, td.tdr,
			NEAR + 17 * PG, NULL),
		  DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX);
	for (unsigned i = 16; i < 24; i++)
		assert_int_equal(get(m, t, i),
				 i == 17 ? SE_EXCL : LEAF(NEAR + i * PG));
	put(m, t, 17, 0);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 17 * PG, td.tdr,
			NEAR + 17 * PG, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_RANGE_BLOCK, 18 * PG, td.tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	for (unsigned i = 16; i < 24; i++)
		assert_int_equal(get(m, t, i), LEAF(NEAR + i * PG) |
						       (i == 18 ? SE_B : 0));
	tm_check_ok(m);
	tdxmod_destroy(m);
}

/* A table given back (SEPT.REMOVE) and made again reuses its storage:
 * no new memory, every entry 0, its dictionary and its near base chosen
 * anew: the old base, 1.75 GiB away from the new pages, would send them
 * to wide[], which this table never needed. */
static void test_reused_clean(void **state)
{
	struct tm_td td;
	struct tdxmod *m = build(&td);
	const uint64_t t = td.sept[2];
	uint64_t before;

	(void)state;
	for (unsigned i = 0; i < SLT_RUNS; i++)
		put(m, t, i, LEAF(NEAR + 50 * i * PG));
	before = tdxmod_footprint_bytes(m);
	put(m, t, 100, LEAF(FAR)); /* near's base */
	assert_int_equal(tdxmod_footprint_bytes(m) - before,
			 sizeof(struct sept_near));
	for (unsigned i = 0; i < SLT_RUNS; i++)
		put(m, t, i, 0);
	put(m, t, 100, 0);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_RANGE_BLOCK, 0 | 1, td.tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_SEPT_REMOVE, 0 | 1, td.tdr, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	before = tdxmod_footprint_bytes(m);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_SEPT_ADD, 0 | 1, td.tdr, t, NULL),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(tdxmod_footprint_bytes(m), before);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(get(m, t, i), 0);
	/* SLT_RUNS new runs, then near pages around a new base (the first
	 * AUG writes the range's second pair page: counted before) */
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 0, td.tdr, NEAR, NULL),
		  DPAMT_TDX_SUCCESS);
	before = tdxmod_footprint_bytes(m);
	for (unsigned i = 1; i < SLT_RUNS + 4; i++)
		TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, i * PG, td.tdr,
				NEAR + 7 * i * PG +
					(i >= SLT_RUNS ? 3 * PG : 0),
				NULL),
			  DPAMT_TDX_SUCCESS);
	for (unsigned i = 0; i < SLT_RUNS + 4; i++)
		assert_int_equal(get(m, t, i),
				 LEAF(NEAR + 7 * i * PG +
				      (i >= SLT_RUNS ? 3 * PG : 0)));
	assert_int_equal(tdxmod_footprint_bytes(m), before);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_near_and_far),
		cmocka_unit_test(test_host_stores),
		cmocka_unit_test(test_smaller_than_a_page),
		cmocka_unit_test(test_runs_near_wide),
		cmocka_unit_test(test_locks_in_one_word),
		cmocka_unit_test(test_reused_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
