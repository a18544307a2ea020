/*
 * test_strat_basic.c - the `hashed` and `lockless` strategies, one thread,
 * on the module model: exactly one PAMT.ADD per 0->1 and one PAMT.REMOVE
 * per 1->0; a REMOVE stuck BUSY leaves an idle pair that the next get
 * reuses without a SEAMCALL and dpamt_retry_deferred() removes; a failed
 * ADD or allocation changes nothing and gives the pages back; DEMOTE /
 * PROMOTE bookkeeping; and which locks each strategy takes (global-lock
 * takes the global lock, hashed only its stripes, lockless none).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "strat_util.h"

#define MEM (4 * GiB)
#define BASE_R (256 * MiB2) /* first range used, clear of static areas */

static uint64_t rpa(unsigned r)
{
	return BASE_R + (uint64_t)r * 7 * MiB2; /* spread over stripes */
}

static struct dpamt_stats stats(struct model_host *h)
{
	struct dpamt_stats s;

	dpamt_stats(h->dp, &s);
	return s;
}

/* k references on range r (k gets on different pages), then k puts. */
static void cycle(struct model_host *h, struct dpamt_cache *c, unsigned r,
		  unsigned k)
{
	struct dpamt_stats s0 = stats(h), s1;
	uint64_t adds0 = st_adds_ok(h), rems0 = st_removes_ok(h);

	for (unsigned i = 0; i < k; i++) {
		assert_int_equal(dpamt_cache_topup(h->dp, c, 2), 0);
		assert_int_equal(dpamt_get(h->dp, rpa(r) + i * 4096, c), 0);
		assert_int_equal(dpamt_refcount(h->dp, rpa(r)), i + 1);
		assert_true(dpamt_range_installed(h->dp, rpa(r)));
		assert_int_equal(st_adds_ok(h), adds0 + 1); /* only the 1st */
	}
	for (unsigned i = 0; i < k; i++) {
		assert_int_equal(st_removes_ok(h), rems0); /* not before 1->0 */
		assert_int_equal(dpamt_put(h->dp, rpa(r) + i * 4096, c), 0);
		assert_int_equal(dpamt_refcount(h->dp, rpa(r)), k - i - 1);
	}
	assert_int_equal(st_removes_ok(h), rems0 + 1);
	assert_false(dpamt_range_installed(h->dp, rpa(r)));
	s1 = stats(h);
	assert_int_equal(s1.pamt_add_ok - s0.pamt_add_ok, 1);
	assert_int_equal(s1.pamt_remove_ok - s0.pamt_remove_ok, 1);
	assert_int_equal(s1.pamt_add_calls - s0.pamt_add_calls, 1);
	assert_int_equal(s1.pamt_remove_calls - s0.pamt_remove_calls, 1);
}

static void test_one_add_one_remove(void **state)
{
	struct dpamt_config cfg = ht_cfg(MEM, st_of(state));
	struct dpamt_check_opts o = { .all_gone = true };
	struct dpamt_cache c = { 0 };
	struct model_host h;
	uint64_t used;

	ht_host(&h, MEM, &cfg, NULL, NULL);
	used = phys_used_bytes(h.alloc);
	for (unsigned r = 0; r < 40; r++)
		cycle(&h, &c, r % 13, 1 + r % 5);
	/* Two ranges held at once, interleaved. */
	assert_int_equal(dpamt_cache_topup(h.dp, &c, 4), 0);
	assert_int_equal(dpamt_get(h.dp, rpa(1), &c), 0);
	assert_int_equal(dpamt_get(h.dp, rpa(2), &c), 0);
	assert_int_equal(tdxmod_pairs_installed(h.mod), 2);
	assert_int_equal(dpamt_put(h.dp, rpa(1), &c), 0);
	assert_int_equal(tdxmod_pairs_installed(h.mod), 1);
	assert_int_equal(dpamt_put(h.dp, rpa(2), &c), 0);
	assert_int_equal(tdxmod_pairs_installed(h.mod), 0);
	/* An unbalanced put is refused and changes nothing. */
	assert_int_equal(dpamt_put(h.dp, rpa(3), &c), DPAMT_EINVAL);
	assert_int_equal(dpamt_refcount(h.dp, rpa(3)), 0);
	dpamt_cache_drain(h.dp, &c);
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(stats(&h).fast_gets, stats(&h).gets - 42);
	assert_int_equal(phys_used_bytes(h.alloc), used);
	model_host_destroy(&h);
}

/* SEAMCALL filter: answer BUSY to PAMT.REMOVE / PAMT.ADD while armed, or
 * an error to PAMT.ADD. */
struct filt {
	bool remove_busy, add_busy, add_invalid;
	unsigned answered;
};

static bool filter(void *arg, struct dpamt_tdx_regs *r)
{
	struct filt *f = arg;

	if (r->rax == DPAMT_TDH_PHYMEM_PAMT_REMOVE && f->remove_busy)
		r->rax = DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX;
	else if (r->rax == DPAMT_TDH_PHYMEM_PAMT_ADD && f->add_busy)
		r->rax = DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX;
	else if (r->rax == DPAMT_TDH_PHYMEM_PAMT_ADD && f->add_invalid)
		r->rax = DPAMT_TDX_OPERAND_INVALID | DPAMT_TDX_OPERAND_ID_RCX;
	else
		return false;
	f->answered++;
	return true;
}

static void test_deferred_remove_and_revive(void **state)
{
	struct dpamt_config cfg = ht_cfg(MEM, st_of(state));
	struct dpamt_check_opts o = { .max_idle = 1 };
	struct filt f = { .remove_busy = true };
	struct model_host h;
	uint64_t used, pa = rpa(5), adds;

	cfg.busy_retries = 3;
	ht_host(&h, MEM, &cfg, NULL, NULL);
	h.mo.seamcall_filter = filter;
	h.mo.filter_arg = &f;
	used = phys_used_bytes(h.alloc);
	assert_int_equal(dpamt_get(h.dp, pa, NULL), 0);
	assert_int_equal(dpamt_put(h.dp, pa, NULL), 0); /* deferred, not err */
	assert_int_equal(f.answered, 4);                /* 1 + 3 retries */
	assert_int_equal(stats(&h).remove_deferred, 1);
	assert_true(dpamt_range_idle(h.dp, pa));
	assert_true(dpamt_range_installed(h.dp, pa));
	assert_int_equal(dpamt_refcount(h.dp, pa), 0);
	assert_int_equal(tdxmod_pairs_installed(h.mod), 1);
	assert_int_equal(dpamt_idle_ranges(h.dp), 1);
	assert_int_equal(ht_check(&h, &o), 0);
	/* The module still owns the pair: its pages are not freed. */
	assert_int_equal(phys_used_bytes(h.alloc), used + 2 * 4096);

	/* The next get reuses the idle pair: no ADD at all. */
	adds = stats(&h).pamt_add_calls;
	assert_int_equal(dpamt_get(h.dp, pa + 4096, NULL), 0);
	assert_int_equal(stats(&h).pamt_add_calls, adds);
	assert_false(dpamt_range_idle(h.dp, pa));
	assert_int_equal(dpamt_refcount(h.dp, pa), 1);
	assert_int_equal(dpamt_idle_ranges(h.dp), 0);
	assert_int_equal(dpamt_put(h.dp, pa + 4096, NULL), 0);
	assert_true(dpamt_range_idle(h.dp, pa));

	/* Still BUSY: the retry pass keeps it pending. */
	assert_int_equal(dpamt_retry_deferred(h.dp), 1);
	assert_true(dpamt_range_idle(h.dp, pa));
	f.remove_busy = false;
	assert_int_equal(dpamt_retry_deferred(h.dp), 0);
	assert_false(dpamt_range_installed(h.dp, pa));
	assert_int_equal(tdxmod_pairs_installed(h.mod), 0);
	o.max_idle = 0;
	o.all_gone = true;
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(phys_used_bytes(h.alloc), used);
	assert_int_equal(stats(&h).remove_errors, 0);
	model_host_destroy(&h);
}

static void test_add_failure_changes_nothing(void **state)
{
	struct dpamt_config cfg = ht_cfg(MEM, st_of(state));
	struct dpamt_check_opts o = { .all_gone = true };
	struct filt f = { .add_invalid = true };
	struct dpamt_cache c = { 0 };
	struct model_host h;
	uint64_t used, pa = rpa(9), retries;

	cfg.busy_retries = 3;
	ht_host(&h, MEM, &cfg, NULL, NULL);
	h.mo.seamcall_filter = filter;
	h.mo.filter_arg = &f;
	used = phys_used_bytes(h.alloc);
	assert_int_equal(dpamt_cache_topup(h.dp, &c, 2), 0);

	assert_int_equal(dpamt_get(h.dp, pa, &c), DPAMT_EIO);
	assert_int_equal(c.n, 2); /* the pair pages came back */
	assert_int_equal(dpamt_refcount(h.dp, pa), 0);
	assert_false(dpamt_range_installed(h.dp, pa));

	f.add_invalid = false;
	f.add_busy = true;
	retries = stats(&h).busy_retries;
	assert_int_equal(dpamt_get(h.dp, pa, &c), DPAMT_EBUSY);
	assert_int_equal(stats(&h).busy_retries - retries, 3);
	assert_int_equal(c.n, 2);
	assert_false(dpamt_range_installed(h.dp, pa));
	assert_int_equal(stats(&h).get_failures, 2);

	/* Without a cache the temporary pages go back to the allocator. */
	assert_int_equal(dpamt_get(h.dp, pa, NULL), DPAMT_EBUSY);
	assert_int_equal(phys_used_bytes(h.alloc), used + 2 * 4096);

	/* An empty cache or a failing allocator: ENOMEM, nothing changed. */
	f.add_busy = false;
	dpamt_cache_drain(h.dp, &c);
	assert_int_equal(dpamt_get(h.dp, pa, &c), DPAMT_ENOMEM);
	for (unsigned k = 1; k <= 2; k++) {
		phys_alloc_fail_nth(h.alloc, k);
		assert_int_equal(dpamt_get(h.dp, pa, NULL), DPAMT_ENOMEM);
		assert_int_equal(phys_used_bytes(h.alloc), used);
	}
	phys_alloc_fail_nth(h.alloc, 0);
	assert_int_equal(dpamt_refcount(h.dp, pa), 0);
	assert_int_equal(ht_check(&h, &o), 0);

	/* And then it works. */
	assert_int_equal(dpamt_get(h.dp, pa, NULL), 0);
	assert_int_equal(tdxmod_pairs_installed(h.mod), 1);
	assert_int_equal(dpamt_put(h.dp, pa, NULL), 0);
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(phys_used_bytes(h.alloc), used);
	model_host_destroy(&h);
}

/* DEMOTE/PROMOTE move a whole range's 512 references in and out. */
static void test_demote_promote_bookkeeping(void **state)
{
	struct dpamt_config cfg = ht_cfg(MEM, st_of(state));
	struct model_host h;
	uint64_t pair[2], pa = rpa(11);

	ht_host(&h, MEM, &cfg, NULL, NULL);
	assert_int_equal(dpamt_demote_prepare(h.dp, NULL, pair), 0);
	assert_int_equal(dpamt_demote_commit(h.dp, pa, pair), 0);
	assert_int_equal(dpamt_refcount(h.dp, pa), 512);
	assert_true(dpamt_range_installed(h.dp, pa));
	assert_int_equal(stats(&h).pairs_now, 1);
	/* A second pair for the same range is refused. */
	assert_int_equal(dpamt_demote_commit(h.dp, pa, pair), DPAMT_EINVAL);
	/* get/put on the 4K-tracked range take the fast path. */
	assert_int_equal(dpamt_get(h.dp, pa, NULL), 0);
	assert_int_equal(dpamt_refcount(h.dp, pa), 513);
	/* PROMOTE needs exactly the 512: refused at 513. */
	assert_int_equal(dpamt_promote_commit(h.dp, pa, pair), DPAMT_EINVAL);
	assert_int_equal(dpamt_put(h.dp, pa, NULL), 0);
	assert_int_equal(dpamt_promote_commit(h.dp, pa, pair), 0);
	assert_int_equal(dpamt_refcount(h.dp, pa), 0);
	assert_false(dpamt_range_installed(h.dp, pa));
	assert_int_equal(stats(&h).pairs_now, 0);
	assert_int_equal(stats(&h).pamt_add_calls, 0);
	assert_int_equal(stats(&h).pamt_remove_calls, 0);
	model_host_destroy(&h);
}

/* Which locks a strategy takes, counted through the lock ops. */
static void test_locks_taken(void **state)
{
	enum dpamt_strategy s = st_of(state);
	struct dpamt_config cfg = ht_cfg(MEM, s);
	struct dpamt_cache c = { 0 };
	struct dpamt_stats st;
	struct st_spy spy;
	uint64_t pair[2];

	st_spy_create(&spy, MEM, &cfg);
	for (unsigned r = 0; r < 64; r++) {
		assert_int_equal(dpamt_cache_topup(spy.dp, &c, 2), 0);
		assert_int_equal(dpamt_get(spy.dp, rpa(r), &c), 0);
		assert_int_equal(dpamt_get(spy.dp, rpa(r) + 4096, &c), 0);
	}
	for (unsigned r = 0; r < 64; r++) {
		assert_int_equal(dpamt_put(spy.dp, rpa(r), &c), 0);
		assert_int_equal(dpamt_put(spy.dp, rpa(r) + 4096, &c), 0);
	}
	assert_int_equal(dpamt_demote_prepare(spy.dp, &c, pair), 0);
	assert_int_equal(dpamt_demote_commit(spy.dp, rpa(70), pair), 0);
	assert_int_equal(dpamt_promote_commit(spy.dp, rpa(70), pair), 0);
	dpamt_retry_deferred(spy.dp);
	dpamt_cache_drain(spy.dp, &c);
	dpamt_stats(spy.dp, &st);
	printf("locks made=%llu global taken=%llu other taken=%llu"
	       " stats: acquisitions=%llu contentions=%llu\n",
	       (unsigned long long)spy.locks_made,
	       (unsigned long long)spy.global_taken,
	       (unsigned long long)spy.other_taken,
	       (unsigned long long)st.lock_acquisitions,
	       (unsigned long long)st.lock_contentions);
	assert_int_equal(st.pamt_add_ok, 64);
	assert_int_equal(st.pamt_remove_ok, 64);
	switch (s) {
	case DPAMT_STRATEGY_GLOBAL_LOCK: /* the reference: it does take it */
		assert_true(spy.global_taken >= 128);
		assert_int_equal(st.lock_acquisitions, spy.global_taken);
		break;
	case DPAMT_STRATEGY_HASHED: /* stripes only, counted in lock_* */
		assert_int_equal(spy.global_taken, 0);
		assert_int_equal(spy.locks_made, 1 + 64);
		assert_true(spy.other_taken >= 128);
		assert_int_equal(st.lock_acquisitions, spy.other_taken);
		break;
	default: /* lockless: no lock at all */
		assert_int_equal(spy.global_taken, 0);
		assert_int_equal(spy.other_taken, 0);
		assert_int_equal(spy.locks_made, 1);
		assert_int_equal(st.lock_acquisitions, 0);
		assert_int_equal(st.lock_contentions, 0);
		assert_int_equal(st.lock_wait_ns, 0);
		break;
	}
	st_spy_destroy(&spy);
}

/* hash_locks is honoured (and an absurd count refused). */
static void test_hashed_stripe_count(void **state)
{
	struct dpamt_config cfg = ht_cfg(MEM, DPAMT_STRATEGY_HASHED);
	struct st_spy spy;
	struct model_host h;
	char msg[128];

	(void)state;
	cfg.hash_locks = 5;
	st_spy_create(&spy, MEM, &cfg);
	assert_int_equal(spy.locks_made, 1 + 5);
	assert_int_equal(dpamt_get(spy.dp, rpa(0), NULL), 0);
	assert_int_equal(dpamt_put(spy.dp, rpa(0), NULL), 0);
	st_spy_destroy(&spy);
	cfg.hash_locks = 1u << 20;
	assert_int_not_equal(model_host_create(&h, MEM, &cfg, NULL, NULL, msg,
					       sizeof(msg)), 0);
	printf("hash_locks=%u refused: %s\n", cfg.hash_locks, msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ST_PER_STRAT(test_one_add_one_remove),
		ST_PER_STRAT(test_deferred_remove_and_revive),
		ST_PER_STRAT(test_add_failure_changes_nothing),
		ST_PER_STRAT(test_demote_promote_bookkeeping),
		ST_PER_STRAT(test_locks_taken),
		cmocka_unit_test_prestate(test_locks_taken, (void *)&st_global),
		cmocka_unit_test(test_hashed_stripe_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
