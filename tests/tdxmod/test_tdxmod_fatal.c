/*
 * test_tdxmod_fatal.c - broken invariants put the model in its fatal
 * state (host corruption of live pair pages, page_count that disagrees
 * with the entries, S-EPT and PAMT that disagree), the consistency check
 * notices corruption, and hostile operands never reach memory out of
 * bounds (run under ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tm_util.h"

#define MEM (4 * GiB)
#define R1 0x40000000ULL
#define P 0x20000000ULL

static void assert_fatal_sticks(struct tdxmod *m)
{
	struct dpamt_tdx_regs r = {.rdx = DPAMT_TDX_MD_FEATURES0};

	assert_true(tdxmod_is_fatal(m));
	assert_true(strlen(tdxmod_fatal_reason(m)) > 0);
	TM_EXPECT(tm_sc_regs(m, DPAMT_TDH_SYS_RD, &r), DPAMT_TDX_MODEL_FATAL);
	TM_EXPECT(tm_pamt_add(m, R1 + 2 * MiB, P + 8 * PG, P + 9 * PG),
		  DPAMT_TDX_MODEL_FATAL);
	assert_true(tdxmod_check(m, NULL, 0) > 0);
}

/* Garbage written over a live pair page: REMOVE finds a corrupt entry. */
static void test_garbage_in_pair(void **state)
{
	struct tdxmod *m = tm_model(MEM, true);
	uint8_t junk[64];

	assert_false(tdxmod_is_fatal(m));
	assert_string_equal(tdxmod_fatal_reason(m), "");
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R1 + 2 * PG, 1, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	memset(junk, 0xA7, sizeof(junk));
	tdxmod_phys_write(m, P + 2 * 16, junk, sizeof(junk));
	assert_true(tdxmod_check(m, NULL, 0) > 0);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL), DPAMT_TDX_MODEL_FATAL);
	assert_non_null(strstr(tdxmod_fatal_reason(m), "corrupt"));
	assert_fatal_sticks(m);
	tdxmod_destroy(m);
}

/* The host zeroes a live pair page: every 4K entry reads free but the
 * range's page_count is 1 -> REMOVE is fatal. */
static void test_page_count_mismatch(void **state)
{
	struct tdxmod *m = tm_model(MEM, true);
	uint8_t zero[4096] = {0};

	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R1 + 2 * PG, 1, 0, NULL),
		  DPAMT_TDX_SUCCESS);
	tdxmod_phys_write(m, P, zero, sizeof(zero));
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL), DPAMT_TDX_MODEL_FATAL);
	assert_non_null(strstr(tdxmod_fatal_reason(m), "page_count"));
	assert_fatal_sticks(m);
	tdxmod_destroy(m);
}

/* A page the S-EPT maps whose PAMT entry was wiped: PAGE.REMOVE is
 * fatal (S-EPT and PAMT disagree). */
static void test_sept_pamt_disagree(void **state)
{
	struct tdxmod *m = tm_model(MEM, true);
	struct tm_td td;
	uint8_t zero[4096] = {0};

	tm_td_build(m, &td, 0x10000000, P, 3);
	TM_EXPECT(tm_pamt_add(m, R1, P + 2 * PG, P + 3 * PG),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 0x3000, td.tdr, R1 + 5 * PG,
			NULL), DPAMT_TDX_SUCCESS);
	tm_check_ok(m);
	tdxmod_phys_write(m, P + 2 * PG, zero, sizeof(zero));
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x3000, td.tdr, 0, NULL),
		  DPAMT_TDX_MODEL_FATAL);
	assert_fatal_sticks(m);
	tdxmod_destroy(m);
}

/* The host overwrites S-EPT pages with PAs outside memory: the leaves
 * that follow them go fatal instead of touching anything out of bounds. */
static void test_garbage_in_sept(void **state)
{
	const unsigned leaves[] = { DPAMT_TDH_MEM_PAGE_REMOVE,
				    DPAMT_TDH_MEM_SEPT_REMOVE,
				    DPAMT_TDH_MEM_PAGE_AUG,
				    DPAMT_TDH_MEM_PAGE_DEMOTE,
				    DPAMT_TDH_MEM_PAGE_PROMOTE };

	/* which entry to overwrite, with what, and the GPA to act on */
	const struct {
		unsigned table; /* td.sept[table] */
		unsigned idx;
		bool leaf;
		uint64_t rcx;
	} how[] = {
		{2, 3, true, 0x3000},     /* PAGE.REMOVE follows a leaf */
		{1, 0, false, 0 | 1},     /* SEPT.REMOVE follows a table */
		{0, 0, false, 0x5000},    /* AUG walks through a table */
		{1, 0, true, 0 | 1},      /* DEMOTE follows a 2M leaf */
		{1, 0, false, 0 | 1},     /* PROMOTE follows a table */
	};

	for (unsigned k = 0; k < 5; k++) {
		struct tdxmod *m = tm_model(MEM, true);
		struct tm_td td;
		uint64_t junk = 0x000FFFFFFFFFF001ULL | (how[k].leaf ? 2 : 0);

		tm_td_build(m, &td, 0x10000000, P, 3);
		tdxmod_phys_write(m, td.sept[how[k].table] + how[k].idx * 8,
				  &junk, 8);
		TM_EXPECT(tm_sc(m, leaves[k], how[k].rcx, td.tdr,
				0x10100000, NULL),
			  DPAMT_TDX_MODEL_FATAL);
		assert_non_null(strstr(tdxmod_fatal_reason(m), "S-EPT"));
		tdxmod_destroy(m);
	}
}

/* The host overwrites the static 2M array: a pair pointing outside
 * memory makes PAMT.REMOVE fatal (the pages are not marked), and AUG
 * through it never reaches outside the model's storage. */
static void test_garbage_in_2m_array(void **state)
{
	struct tdxmod *m = tm_model(MEM, true);
	uint64_t e2 = tm_entry_2m_pa(m, MEM, R1);
	uint64_t junk = 0xFFFFFFF0FFFFFFF0ULL;

	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	tdxmod_phys_write(m, e2 + 8, &junk, 8);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MNG_CREATE, R1 + 5 * PG, 1, 0, NULL),
		  DPAMT_TDX_MODEL_FATAL);
	assert_non_null(strstr(tdxmod_fatal_reason(m), "outside memory"));
	tdxmod_destroy(m);

	m = tm_model(MEM, true);
	TM_EXPECT(tm_pamt_add(m, R1, P, P + PG), DPAMT_TDX_SUCCESS);
	tdxmod_phys_write(m, e2 + 8, &junk, 8);
	TM_EXPECT(tm_pamt_remove(m, R1, NULL, NULL), DPAMT_TDX_MODEL_FATAL);
	assert_non_null(strstr(tdxmod_fatal_reason(m), "bitmap"));
	tdxmod_destroy(m);
}

/* A stray bitmap bit is a violation the check reports. */
static void test_check_sees_bitmap(void **state)
{
	struct tdxmod *m = tm_model(MEM, true);
	struct dpamt_tdx_tdmr_info ti;
	uint64_t w;
	char err[256];

	tdxmod_phys_read(m, MEM - GiB, &ti, sizeof(ti));
	tdxmod_phys_read(m, ti.pamt_4k_base + 64, &w, 8);
	w |= 1;
	tdxmod_phys_write(m, ti.pamt_4k_base + 64, &w, 8);
	assert_int_equal(tdxmod_check(m, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "bitmap"));
	assert_false(tdxmod_is_fatal(m));
	tdxmod_destroy(m);
}

/* Every leaf with hostile values in every register: errors, never a
 * crash or an out-of-bounds access (ASan). */
static void test_hostile_operands(void **state)
{
	const uint64_t vals[] = {
		0, 1, PG - 1, MEM - PG, MEM, MEM + PG, MEM - GiB, MEM - 8,
		1ULL << 46, (1ULL << 46) | R1, (1ULL << 52) - PG, 1ULL << 52,
		UINT64_MAX, UINT64_MAX & ~0xFFFULL, R1 | 1, R1 | 2, R1 | 7,
		P, 0x8000000000000000ULL, 0x10000000ULL | 3,
	};
	const unsigned n = sizeof(vals) / sizeof(vals[0]);
	uint64_t seed = test_seed(__func__, 7);
	struct tdxmod *m = tm_model(MEM, true);
	struct tm_td td;
	uint8_t buf[32];

	tm_td_build(m, &td, 0x10000000, P, 3);
	for (unsigned leaf = 0; leaf < 70; leaf++) {
		if (leaf == DPAMT_TDH_SYS_CONFIG ||
		    leaf == DPAMT_TDH_SYS_TDMR_INIT)
			continue;
		for (unsigned k = 0; k < 300; k++) {
			struct dpamt_tdx_regs r = {
				.rcx = vals[prng_next(&seed) % n],
				.rdx = vals[prng_next(&seed) % n],
				.r8 = vals[prng_next(&seed) % n],
				.r9 = vals[prng_next(&seed) % n],
				.r12 = vals[prng_next(&seed) % n],
				.r13 = vals[prng_next(&seed) % n],
			};

			tm_sc_regs(m, leaf, &r);
			assert_int_not_equal(r.rax, DPAMT_TDX_MODEL_FATAL);
		}
	}
	/* out-of-memory physical accesses are dropped / read as zero */
	memset(buf, 0xEE, sizeof(buf));
	tdxmod_phys_write(m, MEM - 16, buf, sizeof(buf));
	tdxmod_phys_write(m, UINT64_MAX - 8, buf, 8);
	tdxmod_phys_read(m, MEM - 16, buf, sizeof(buf));
	for (unsigned i = 16; i < 32; i++)
		assert_int_equal(buf[i], 0);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

/* Random host stores into the model's own metadata (static 2M array,
 * pair pages, S-EPT pages, control pages) between random SEAMCALLs with
 * plausible operands: whatever the answers, nothing is read or written
 * out of bounds (ASan) and nothing crashes; introspection still works. */
static void test_random_corruption(void **state)
{
	uint64_t seed = test_seed(__func__, 99);
	struct tdxmod *m = tm_model(MEM, true);
	struct tm_td td;
	uint64_t targets[16], n = 0, e2 = tm_entry_2m_pa(m, MEM, R1);
	const unsigned leaves[] = {
		DPAMT_TDH_MEM_PAGE_AUG,
		DPAMT_TDH_MEM_PAGE_REMOVE,
		DPAMT_TDH_MEM_SEPT_ADD,
		DPAMT_TDH_MEM_SEPT_REMOVE,
		DPAMT_TDH_PHYMEM_PAMT_ADD,
		DPAMT_TDH_PHYMEM_PAMT_REMOVE,
		DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
		DPAMT_TDH_MEM_PAGE_DEMOTE,
		DPAMT_TDH_MEM_PAGE_PROMOTE,
		DPAMT_TDH_MNG_ADDCX,
		DPAMT_TDH_VP_ADDCX,
		DPAMT_TDH_MNG_KEY_FREEID,
		DPAMT_TDH_MEM_RANGE_BLOCK,
	};
	char err[256];

	tm_td_build(m, &td, 0x10000000, P, 3);
	TM_EXPECT(tm_pamt_add(m, R1, P + 8 * PG, P + 9 * PG),
		  DPAMT_TDX_SUCCESS);
	for (unsigned i = 0; i < 8; i++)
		TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, (i + 1) * PG, td.tdr,
				R1 + i * PG, NULL), DPAMT_TDX_SUCCESS);
	targets[n++] = e2 & ~(PG - 1);
	targets[n++] = P;
	targets[n++] = P + 8 * PG;
	targets[n++] = P + 9 * PG;
	for (unsigned i = 0; i < 3; i++)
		targets[n++] = td.sept[i];
	targets[n++] = td.tdr;
	targets[n++] = td.tdcs[0];
	targets[n++] = td.tdvpr;
	for (unsigned k = 0; k < 400; k++) {
		uint64_t v = prng_next(&seed), pa;
		const uint64_t pick[] = {
			td.tdr, R1, R1 + (v % 512) * PG, td.sept[v % 3],
			(v % 16) * PG, ((v >> 8) % 4) * 2 * MiB | 1, P + PG,
			0x10100000, v & 0xFFFFF000ULL,
		};
		struct dpamt_tdx_regs r;

		pa = targets[prng_next(&seed) % n] + (prng_next(&seed) % 512) * 8;
		if (k % 3 == 0)
			tdxmod_phys_write(m, pa, &v, 8);
		r = (struct dpamt_tdx_regs){
			.rcx = pick[prng_next(&seed) % 9],
			.rdx = pick[prng_next(&seed) % 9],
			.r8 = pick[prng_next(&seed) % 9],
			.r12 = pick[prng_next(&seed) % 9],
			.r13 = pick[prng_next(&seed) % 9],
		};
		tm_sc_regs(m, leaves[prng_next(&seed) % 13], &r);
		/* whatever the corruption, the answer is a status the ABI
		 * knows (the ASan build checks the memory side) */
		assert_non_null(dpamt_tdx_class_name(r.rax));
		if (tdxmod_is_fatal(m)) {
			assert_int_equal(r.rax, DPAMT_TDX_MODEL_FATAL);
			assert_true(tdxmod_fatal_reason(m)[0] != '\0');
			break;
		}
	}
	/* introspection of a broken model must still be memory safe */
	tdxmod_check(m, err, sizeof(err));
	printf("after corruption: fatal=%d %s\n", tdxmod_is_fatal(m),
	       tdxmod_fatal_reason(m));
	for (unsigned i = 0; i < n; i++) {
		struct tdxmod_page_info pi;
		struct tdxmod_range_info ri;

		tdxmod_page_info(m, targets[i], &pi);
		tdxmod_range_info(m, targets[i], &ri);
	}
	tdxmod_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garbage_in_pair),
		cmocka_unit_test(test_page_count_mismatch),
		cmocka_unit_test(test_sept_pamt_disagree),
		cmocka_unit_test(test_garbage_in_sept),
		cmocka_unit_test(test_garbage_in_2m_array),
		cmocka_unit_test(test_check_sees_bitmap),
		cmocka_unit_test(test_hostile_operands),
		cmocka_unit_test(test_random_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
