/*
 * test_tdxmod_hazard.c - the module's fatal hazard window, modelled.
 * tdh_mem_page_remove.c locks only the removed page's 4K PAMT entry, sets
 * it free, and only then decrements the range's page_count
 * (pamt_dec_nl_page_count_and_get_hint()).  A PAMT.REMOVE of the range in
 * between finds every 4K entry free while page_count is still 1: the
 * module's fatal error.  A host whose put issues PAMT.REMOVE before its
 * REMOVE returned (a put-side bug) gets there; the model used to answer
 * PAMT_PAGE_NOT_EMPTY instead, hiding the bug.  PAGE.REMOVE's configured
 * latency is spent inside the window, so the test can step into it.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tm_util.h"

#define CTL (1 * GiB)
#define POOL (2 * GiB)
#define DATA (512 * MiB)

struct remover {
	struct tdxmod *m;
	uint64_t tdr, st;
};

static void *remove_page(void *p)
{
	struct remover *rm = p;

	rm->st = tm_sc(rm->m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x1000, rm->tdr, 0,
		       NULL);
	return NULL;
}

static void test_put_before_remove_returns_is_fatal(void **state)
{
	struct tdxmod_config cfg;
	struct tdxmod_page_info pi;
	struct tdxmod_range_info ri;
	struct remover rm;
	struct tm_td td;
	pthread_t t;

	(void)state;
	tdxmod_config_default(&cfg, 4 * GiB);
	cfg.leaf_latency_ns[DPAMT_TDH_MEM_PAGE_REMOVE] = 300000000; /* 300 ms */
	rm.m = tm_model_cfg(&cfg, true);
	tm_td_build(rm.m, &td, CTL, POOL, 5);
	rm.tdr = td.tdr;
	TM_EXPECT(tm_pamt_add(rm.m, DATA, POOL + 2 * PG, POOL + 3 * PG),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(
		tm_sc(rm.m, DPAMT_TDH_MEM_PAGE_AUG, 0x1000, td.tdr, DATA, NULL),
		DPAMT_TDX_SUCCESS);
	assert_int_equal(pthread_create(&t, NULL, remove_page, &rm), 0);
	/* the remover is in the window: entry free, page_count still 1 */
	do {
		tdxmod_page_info(rm.m, DATA, &pi);
		tdxmod_range_info(rm.m, DATA, &ri);
	} while (pi.type != DPAMT_TDX_PT_NDA);
	assert_int_equal(ri.page_count, 1);
	/* the buggy put: PAMT.REMOVE now */
	TM_EXPECT(tm_pamt_remove(rm.m, DATA, NULL, NULL),
		  DPAMT_TDX_MODEL_FATAL);
	assert_true(tdxmod_is_fatal(rm.m));
	assert_non_null(strstr(tdxmod_fatal_reason(rm.m),
			       "all 4K entries free but page_count is 1"));
	assert_int_equal(pthread_join(t, NULL), 0);
	TM_EXPECT(rm.st, DPAMT_TDX_MODEL_FATAL);
	tdxmod_destroy(rm.m);
}

/* The correct order: PAMT.REMOVE after REMOVE returned succeeds, and a
 * busy (locked) 4K entry alone does not make PAMT.REMOVE refuse: the
 * module tests the entries' type only. */
static void test_after_remove_returns_is_fine(void **state)
{
	struct tdxmod *m = tm_model(4 * GiB, true);
	struct tm_td td;
	struct dpamt_tdx_regs r;

	(void)state;
	tm_td_build(m, &td, CTL, POOL, 5);
	TM_EXPECT(tm_pamt_add(m, DATA, POOL + 2 * PG, POOL + 3 * PG),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_AUG, 0x1000, td.tdr, DATA, NULL),
		  DPAMT_TDX_SUCCESS);
	TM_EXPECT(tm_sc(m, DPAMT_TDH_MEM_PAGE_REMOVE, 0x1000, td.tdr, 0, &r),
		  DPAMT_TDX_SUCCESS);
	assert_true(dpamt_tdx_removal_hint(r.rcx));
	tm_entry_lock_bit(m, tm_entry_4k_pa(m, DATA + PG), true);
	TM_EXPECT(tm_pamt_remove(m, DATA, NULL, NULL), DPAMT_TDX_SUCCESS);
	assert_false(tdxmod_is_fatal(m));
	tdxmod_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_before_remove_returns_is_fatal),
		cmocka_unit_test(test_after_remove_returns_is_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
