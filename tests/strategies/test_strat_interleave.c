/*
 * test_strat_interleave.c - deterministic interleavings of `hashed` and
 * `lockless` on the module model, forced with the manager's yield hooks
 * (a thread parks at a chosen yield point until the test releases it):
 *  - docs/design.md §1's double-REMOVE trap: put A is past its fast path
 *    with the last reference when a get comes; no second REMOVE, ever;
 *  - a get arriving while the last put is between its decision and its
 *    REMOVE (lockless: it is seen waiting on T) installs afresh after it;
 *  - a get arriving while another get is between its decision and its
 *    ADD: one ADD only;
 *  - a get arriving while the retry pass removes an idle pair (its REMOVE
 *    still BUSY): the pass finishes, the get installs afresh;
 *  - the v3 cover letter's CPU0/CPU1 race: the pair stays, MNG.CREATE succeeds;
 *  - a range whose install is stalled does not hold up another range
 *    (no global serialisation: would hang under global-lock).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host/ht_sched.h"
#include "strat_util.h"

#define MEM (4 * GiB)
#define R (600 * MiB2)   /* the contested range */
#define PY (R + 0x3000)  /* page Y of R */
#define PZ (R + 0x9000)  /* page Z of R */

static void host(struct model_host *h, void **state, struct ht_sched *s)
{
	struct dpamt_config c = ht_cfg(MEM, st_of(state));

	c.hash_locks = 4096;
	ht_host(h, MEM, &c, NULL, NULL);
	ht_sched_attach(h, s);
}

static uint64_t adds(struct model_host *h)
{
	return ht_leaf_calls(h, DPAMT_TDH_PHYMEM_PAMT_ADD);
}

static uint64_t removes(struct model_host *h)
{
	return ht_leaf_calls(h, DPAMT_TDH_PHYMEM_PAMT_REMOVE);
}

/* Everything put: clean module, no error SEAMCALL, no leak. */
static void finish(struct model_host *h, struct ht_sched *s)
{
	struct dpamt_check_opts o = { .all_gone = true };

	assert_int_equal(ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_ADD), 0);
	assert_int_equal(ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
	assert_int_equal(ht_check(h, &o), 0);
	model_host_destroy(h);
	ht_sched_fini(s);
}

/* Put A holds the last reference, past its fast path; a get comes. */
static void test_double_remove_trap(void **state)
{
	struct ht_sched s = { .n = 0 };
	struct model_host h;
	struct ht_stop *a_stop;
	struct ht_op a;

	host(&h, state, &s);
	assert_int_equal(dpamt_get(h.dp, PY, NULL), 0);
	a_stop = ht_add_stop(&s, 1, DPAMT_YP_PUT_FAST_MISS);
	ht_op_start(&a, &h, 1, true, PY);
	ht_wait_reached(a_stop);
	/* A's one RMW already dropped its reference: the word is LIVE + 0
	 * and the get revives the pair right there, no ADD. */
	assert_int_equal(dpamt_refcount(h.dp, R), 0);
	assert_int_equal(dpamt_get(h.dp, PZ, NULL), 0);
	assert_int_equal(dpamt_refcount(h.dp, R), 1);
	sem_post(&a_stop->go);
	assert_int_equal(ht_op_join(&a), 0);
	assert_int_equal(dpamt_refcount(h.dp, R), 1);
	assert_int_equal(removes(&h), 0); /* A was not the last after all */
	assert_true(dpamt_range_installed(h.dp, R));
	assert_int_equal(dpamt_put(h.dp, PZ, NULL), 0);
	assert_int_equal(adds(&h), 1);
	assert_int_equal(removes(&h), 1);
	finish(&h, &s);
}

/* The last put is between its decision and REMOVE when a get comes. */
static void test_get_during_remove(void **state)
{
	bool lockless = *(const enum dpamt_strategy *)*state ==
			DPAMT_STRATEGY_LOCKLESS;
	struct ht_sched s = { .n = 0 };
	struct ht_stop *a_stop, *b_stop;
	struct model_host h;
	struct ht_op a, b;

	host(&h, state, &s);
	assert_int_equal(dpamt_get(h.dp, PY, NULL), 0);
	a_stop = ht_add_stop(&s, 1, DPAMT_YP_PUT_LOCKED);
	b_stop = ht_add_stop(&s, 2, lockless ? DPAMT_YP_WAIT_TRANSITION
					  : DPAMT_YP_GET_FAST_MISS);
	ht_op_start(&a, &h, 1, true, PY);
	ht_wait_reached(a_stop); /* A owns the transition (T / stripe) */
	ht_op_start(&b, &h, 2, false, PZ);
	ht_wait_reached(b_stop); /* lockless: B saw T and waits */
	assert_int_equal(removes(&h), 0);
	sem_post(&b_stop->go);      /* B must keep waiting for A */
	sem_post(&a_stop->go);
	assert_int_equal(ht_op_join(&a), 0);
	assert_int_equal(ht_op_join(&b), 0);
	/* A removed the pair; B installed a fresh one afterwards. */
	assert_int_equal(removes(&h), 1);
	assert_int_equal(adds(&h), 2);
	assert_int_equal(dpamt_refcount(h.dp, R), 1);
	assert_true(dpamt_range_installed(h.dp, R));
	assert_int_equal(tdxmod_pairs_installed(h.mod), 1);
	assert_int_equal(dpamt_put(h.dp, PZ, NULL), 0);
	finish(&h, &s);
}

/* A get is between its decision and its ADD when another get comes. */
static void test_get_during_install(void **state)
{
	bool lockless = *(const enum dpamt_strategy *)*state ==
			DPAMT_STRATEGY_LOCKLESS;
	struct ht_sched s = { .n = 0 };
	struct ht_stop *a_stop, *b_stop;
	struct model_host h;
	struct ht_op a, b;

	host(&h, state, &s);
	a_stop = ht_add_stop(&s, 1, DPAMT_YP_GET_LOCKED);
	b_stop = ht_add_stop(&s, 2, lockless ? DPAMT_YP_WAIT_TRANSITION
					  : DPAMT_YP_GET_FAST_MISS);
	ht_op_start(&a, &h, 1, false, PY);
	ht_wait_reached(a_stop);
	assert_int_equal(adds(&h), 0);
	ht_op_start(&b, &h, 2, false, PZ);
	ht_wait_reached(b_stop);
	sem_post(&b_stop->go);
	sem_post(&a_stop->go);
	assert_int_equal(ht_op_join(&a), 0);
	assert_int_equal(ht_op_join(&b), 0);
	assert_int_equal(adds(&h), 1); /* one ADD for one 0->1 */
	assert_int_equal(dpamt_refcount(h.dp, R), 2);
	assert_int_equal(dpamt_put(h.dp, PY, NULL), 0);
	assert_int_equal(dpamt_put(h.dp, PZ, NULL), 0);
	assert_int_equal(removes(&h), 1);
	finish(&h, &s);
}

/* PAMT.REMOVE answers BUSY while armed. */
static bool remove_busy(void *arg, struct dpamt_tdx_regs *r)
{
	atomic_bool *armed = arg;

	if (r->rax != DPAMT_TDH_PHYMEM_PAMT_REMOVE ||
	    !atomic_load_explicit(armed, memory_order_acquire))
		return false;
	r->rax = DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX;
	return true;
}

/* A get arrives while the retry pass is removing the idle pair. */
static void test_get_during_retry(void **state)
{
	bool lockless = *(const enum dpamt_strategy *)*state ==
			DPAMT_STRATEGY_LOCKLESS;
	struct dpamt_check_opts o = { 0 };
	struct ht_sched s = { .n = 0 };
	struct ht_stop *a_stop, *b_stop;
	atomic_bool armed = true;
	struct model_host h;
	struct ht_op a, b;

	host(&h, state, &s);
	h.mo.seamcall_filter = remove_busy;
	h.mo.filter_arg = &armed;
	assert_int_equal(dpamt_get(h.dp, PY, NULL), 0);
	assert_int_equal(dpamt_put(h.dp, PY, NULL), 0); /* BUSY: idle */
	assert_true(dpamt_range_idle(h.dp, R));
	a_stop = ht_add_stop(&s, 1, DPAMT_YP_BUSY_RETRY);
	b_stop = ht_add_stop(&s, 2, lockless ? DPAMT_YP_WAIT_TRANSITION
					  : DPAMT_YP_GET_FAST_MISS);
	ht_op_start_retry(&a, &h, 1);
	ht_wait_reached(a_stop); /* A owns R's REMOVE, still BUSY */
	atomic_store_explicit(&armed, false, memory_order_release);
	ht_op_start(&b, &h, 2, false, PZ);
	ht_wait_reached(b_stop);
	sem_post(&b_stop->go);
	sem_post(&a_stop->go);
	assert_int_equal(ht_op_join(&a), 0); /* nothing left pending */
	assert_int_equal(ht_op_join(&b), 0);
	/* A removed the idle pair, B installed a fresh one after it. */
	assert_int_equal(st_removes_ok(&h), 1);
	assert_int_equal(adds(&h), 2);
	assert_int_equal(dpamt_refcount(h.dp, R), 1);
	assert_false(dpamt_range_idle(h.dp, R));
	assert_int_equal(dpamt_idle_ranges(h.dp), 0);
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(dpamt_put(h.dp, PZ, NULL), 0);
	finish(&h, &s);
}

/* The v3 cover letter's CPU0/CPU1 race: CPU1's put must not take CPU0's pair. */
static void test_seed_race(void **state)
{
	struct ht_sched s = { .n = 0 };
	struct model_host h;
	struct dpamt_tdx_regs r = { .rax = DPAMT_TDH_MNG_CREATE,
				    .rcx = PZ,
				    .rdx = 1 };
	struct ht_held held;
	struct dpamt_check_opts o = { .held = ht_held_cb, .held_arg = &held,
				      .exact_page_count = true };

	host(&h, state, &s);
	assert_int_equal(dpamt_get(h.dp, PY, NULL), 0);  /* Y in use */
	assert_int_equal(dpamt_get(h.dp, PZ, NULL), 0);  /* CPU0: Z */
	assert_int_equal(dpamt_put(h.dp, PY, NULL), 0);  /* CPU1: Y gone */
	tdxmod_seamcall(h.mod, &r);                      /* CPU0 uses Z */
	assert_int_equal(r.rax, DPAMT_TDX_SUCCESS);
	assert_int_equal(adds(&h), 1);
	assert_int_equal(removes(&h), 0);
	ht_held_init(&held, MEM);
	held.refs[R / MiB2] = 1; /* Z is now the module's TDR page */
	assert_int_equal(ht_check(&h, &o), 0);
	ht_held_fini(&held);
	model_host_destroy(&h);
	ht_sched_fini(&s);
}

/* An install stalled on one range does not hold up another range. */
static void test_other_range_proceeds(void **state)
{
	struct ht_sched s = { .n = 0 };
	struct model_host h;
	struct ht_stop *a_stop;
	struct ht_op a;
	uint64_t other = R + MiB2;

	host(&h, state, &s);
	/* the hashed strategy's stripe function (strat_hashed.c) */
	while (prng_bucket(other / MiB2, 4096) == prng_bucket(R / MiB2, 4096))
		other += MiB2;
	a_stop = ht_add_stop(&s, 1, DPAMT_YP_GET_LOCKED);
	ht_op_start(&a, &h, 1, false, PY);
	ht_wait_reached(a_stop); /* A holds R's transition */
	/* Meanwhile a full 0->1->0 on another range, on this thread. */
	assert_int_equal(dpamt_get(h.dp, other, NULL), 0);
	assert_true(dpamt_range_installed(h.dp, other));
	assert_int_equal(dpamt_put(h.dp, other, NULL), 0);
	assert_false(dpamt_range_installed(h.dp, other));
	assert_int_equal(adds(&h), 1);
	assert_int_equal(removes(&h), 1);
	sem_post(&a_stop->go);
	assert_int_equal(ht_op_join(&a), 0);
	assert_int_equal(dpamt_put(h.dp, PY, NULL), 0);
	finish(&h, &s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ST_PER_STRAT(test_double_remove_trap),
		ST_PER_STRAT(test_get_during_remove),
		ST_PER_STRAT(test_get_during_install),
		ST_PER_STRAT(test_get_during_retry),
		ST_PER_STRAT(test_seed_race),
		ST_PER_STRAT(test_other_range_proceeds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
