/*
 * test_host_interleave.c - deterministic interleavings forced with the
 * manager's yield hooks (threads parked at chosen yield points on
 * semaphores, released in a chosen order), on the module model:
 *  - docs/design.md §1's double-REMOVE trap: put A drops the last
 *    reference, a get comes and goes, put B drops it again.  global-lock
 *    (and hashed, lockless when built) survives (one ADD, one REMOVE, no
 *    error); broken-v3-put issues a
 *    second REMOVE that gets NO_PAMT_PAGE_PAIR.
 *  - the v3 cover letter's CPU0/CPU1 race: CPU0's get finds the pair present, CPU1
 *    puts the range's other page, CPU0 hands its page to the module.
 *    global-lock keeps the pair (MNG.CREATE succeeds); broken-hint removes
 *    it and the module answers MISSING_PAMT_PAGE_PAIR.
 *  - a put dropping to 0 while a get is between its check and its ADD,
 *    and two gets racing to install one range: one ADD per 0->1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host/ht_sched.h"
#include "strategies/broken/broken.h"

#define MEM (4 * GiB)
#define R (500 * MiB2)     /* the contested 2 MiB range */
#define PY (R + 0x3000)    /* page Y */
#define PZ (R + 0x7000)    /* page Z */

static void host_with_hook(struct model_host *h, enum dpamt_strategy s,
			   struct ht_sched *sc)
{
	struct dpamt_config c = ht_cfg(MEM, s);

	ht_host(h, MEM, &c, NULL, NULL);
	ht_sched_attach(h, sc);
}

/* ---- the double-REMOVE trap ------------------------------------------- */
static void double_remove_schedule(enum dpamt_strategy strat, int *a_result,
				   struct model_host *h)
{
	struct ht_sched sc = { .n = 0 };
	struct ht_stop *a_stop;
	struct ht_op a;

	host_with_hook(h, strat, &sc);
	assert_int_equal(dpamt_get(h->dp, PY, NULL), 0); /* A's reference */
	a_stop = ht_add_stop(&sc, 1, DPAMT_YP_PUT_FAST_MISS);
	ht_op_start(&a, h, 1, true, PY);  /* put A: drops the last ref */
	ht_wait_reached(a_stop);          /* ...parked before the lock */
	assert_int_equal(dpamt_get(h->dp, PZ, NULL), 0); /* a get */
	assert_int_equal(dpamt_put(h->dp, PZ, NULL), 0); /* put B */
	sem_post(&a_stop->go);                  /* A takes the lock now */
	*a_result = ht_op_join(&a);
	ht_sched_fini(&sc);
	h->mo.yield_hook = NULL;
}

/* The strategies that claim to be correct, when built. */
static const enum dpamt_strategy correct[] = {
	DPAMT_STRATEGY_GLOBAL_LOCK, DPAMT_STRATEGY_HASHED,
	DPAMT_STRATEGY_LOCKLESS,
};
#define N_CORRECT (sizeof(correct) / sizeof(correct[0]))

/* Production strategies are always built: a missing one fails. */
static void strat_announce(enum dpamt_strategy s)
{
	assert_true(dpamt_strategy_available(s));
	printf("  strategy %s\n", dpamt_strategy_name(s));
}

static void test_double_remove_correct(void **state)
{
	(void)state;
	for (unsigned i = 0; i < N_CORRECT; i++) {
		struct dpamt_check_opts o = { .all_gone = true };
		struct model_host h;
		struct dpamt_stats st;
		int a_result;

		strat_announce(correct[i]);
		double_remove_schedule(correct[i], &a_result, &h);
		assert_int_equal(a_result, 0);
		assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD),
				 1);
		assert_int_equal(
			ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 1);
		assert_int_equal(
			ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
		dpamt_stats(h.dp, &st);
		assert_int_equal(st.remove_errors, 0);
		assert_int_equal(st.add_not_free, 0);
		assert_int_equal(ht_check(&h, &o), 0);
		model_host_destroy(&h);
	}
}

static void test_double_remove_broken_v3_put(void **state)
{
	struct model_host h;
	struct dpamt_stats st;
	int a_result;

	(void)state;
	double_remove_schedule(DPAMT_TEST_STRATEGY_BROKEN_V3_PUT, &a_result, &h);
	/* The get met HPA_RANGE_NOT_FREE, both puts issued REMOVE, and the
	 * second one got NO_PAMT_PAGE_PAIR. */
	assert_int_equal(a_result, DPAMT_EIO);
	dpamt_stats(h.dp, &st);
	assert_int_equal(st.add_not_free, 1);
	assert_int_equal(st.remove_errors, 1);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 2);
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 1);
	model_host_destroy(&h);
}

/* ---- the v3 cover letter's CPU0/CPU1 race ---------------------------------------- */
static uint64_t mng_create(struct model_host *h, uint64_t tdr)
{
	struct dpamt_tdx_regs r = { .rax = DPAMT_TDH_MNG_CREATE,
				    .rcx = tdr,
				    .rdx = 1 };

	tdxmod_seamcall(h->mod, &r);
	return r.rax;
}

static uint64_t seed_race(struct model_host *h, enum dpamt_strategy strat)
{
	struct ht_sched sc = { .n = 0 };

	host_with_hook(h, strat, &sc);
	/* Page Y of range X is in use (e.g. a private page, reference held). */
	assert_int_equal(dpamt_get(h->dp, PY, NULL), 0);
	/* CPU0: about to use page Z of X: get -> ADD says "already there". */
	assert_int_equal(dpamt_get(h->dp, PZ, NULL), 0);
	/* CPU1: page Y goes away (its removal hint: count 0): put. */
	assert_int_equal(dpamt_put(h->dp, PY, NULL), 0);
	/* CPU0: hands Z to the module. */
	return mng_create(h, PZ);
}

static void test_seed_race_correct(void **state)
{
	(void)state;
	for (unsigned i = 0; i < N_CORRECT; i++) {
		struct model_host h;
		struct ht_held held;
		struct dpamt_check_opts o = { .held = ht_held_cb,
					      .held_arg = &held,
					      .exact_page_count = true };

		strat_announce(correct[i]);
		assert_int_equal(seed_race(&h, correct[i]), DPAMT_TDX_SUCCESS);
		assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD),
				 1);
		assert_int_equal(
			ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
		ht_held_init(&held, MEM);
		held.refs[R / MiB2] = 1; /* Z, now the module's TDR page */
		assert_int_equal(ht_check(&h, &o), 0);
		ht_held_fini(&held);
		model_host_destroy(&h);
	}
}

static void test_seed_race_broken_hint(void **state)
{
	struct model_host h;
	uint64_t st;

	(void)state;
	st = seed_race(&h, DPAMT_TEST_STRATEGY_BROKEN_HINT);
	assert_int_equal(dpamt_tdx_status_class(st),
			 DPAMT_TDX_MISSING_PAMT_PAGE_PAIR);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD), 2);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 1);
	assert_false(tdxmod_range_info(h.mod, R, &(struct tdxmod_range_info){
		0 }) != 0);
	model_host_destroy(&h);
}

/* ---- put to 0 while a get is between its check and its ADD ------------ */
static void put_during_get_window(enum dpamt_strategy strat)
{
	struct ht_sched sc = { .n = 0 };
	struct dpamt_check_opts o = { 0 };
	struct model_host h;
	struct ht_stop *p_stop, *g_stop;
	struct ht_op p, g;

	host_with_hook(&h, strat, &sc);
	assert_int_equal(dpamt_get(h.dp, PY, NULL), 0);
	p_stop = ht_add_stop(&sc, 1, DPAMT_YP_PUT_LOCKED);
	g_stop = ht_add_stop(&sc, 2, DPAMT_YP_GET_FAST_MISS);
	ht_op_start(&p, &h, 1, true, PY);  /* 1 -> 0 decided, before REMOVE */
	ht_wait_reached(p_stop);
	ht_op_start(&g, &h, 2, false, PZ); /* sees no usable pair: slow path */
	ht_wait_reached(g_stop);
	sem_post(&g_stop->go);          /* get waits for the transition */
	sem_post(&p_stop->go);          /* put REMOVEs */
	assert_int_equal(ht_op_join(&p), 0);
	assert_int_equal(ht_op_join(&g), 0);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD), 2);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 1);
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_ADD), 0);
	assert_int_equal(dpamt_refcount(h.dp, R), 1);
	assert_int_equal(mng_create(&h, PZ), DPAMT_TDX_SUCCESS);
	assert_int_equal(ht_check(&h, &o), 0);
	ht_sched_fini(&sc);
	model_host_destroy(&h);
}

static void test_put_during_get_window(void **state)
{
	(void)state;
	for (unsigned i = 0; i < N_CORRECT; i++) {
		strat_announce(correct[i]);
		put_during_get_window(correct[i]);
	}
}

/* ---- two gets racing to install the same range ------------------------ */
static void two_gets_one_add(enum dpamt_strategy strat)
{
	struct ht_sched sc = { .n = 0 };
	struct dpamt_check_opts o = { 0 };
	struct model_host h;
	struct ht_stop *g1_stop, *g2_stop;
	struct ht_op g1, g2;

	host_with_hook(&h, strat, &sc);
	g1_stop = ht_add_stop(&sc, 1, DPAMT_YP_GET_LOCKED);
	g2_stop = ht_add_stop(&sc, 2, DPAMT_YP_GET_FAST_MISS);
	ht_op_start(&g1, &h, 1, false, PY); /* owns the install, before ADD */
	ht_wait_reached(g1_stop);
	ht_op_start(&g2, &h, 2, false, PZ); /* fast path missed too */
	ht_wait_reached(g2_stop);
	sem_post(&g2_stop->go);
	sem_post(&g1_stop->go);
	assert_int_equal(ht_op_join(&g1), 0);
	assert_int_equal(ht_op_join(&g2), 0);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD), 1);
	assert_int_equal(dpamt_refcount(h.dp, R), 2);
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(dpamt_put(h.dp, PY, NULL), 0);
	assert_int_equal(dpamt_put(h.dp, PZ, NULL), 0);
	assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 1);
	o.all_gone = true;
	assert_int_equal(ht_check(&h, &o), 0);
	ht_sched_fini(&sc);
	model_host_destroy(&h);
}

static void test_two_gets_one_add(void **state)
{
	(void)state;
	for (unsigned i = 0; i < N_CORRECT; i++) {
		strat_announce(correct[i]);
		two_gets_one_add(correct[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_double_remove_correct),
		cmocka_unit_test(test_double_remove_broken_v3_put),
		cmocka_unit_test(test_seed_race_correct),
		cmocka_unit_test(test_seed_race_broken_hint),
		cmocka_unit_test(test_put_during_get_window),
		cmocka_unit_test(test_two_gets_one_add),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
