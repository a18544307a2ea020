/*
 * test_host_fault.c - fault injection through ops on the model: the k-th
 * physical allocation failing for every k (during create, and over a
 * scripted get/put/alloc_page workload), the model answering BUSY with
 * high probability, and PAMT.REMOVE answering BUSY N times (a seamcall
 * filter).  After each run: the allocator's used bytes are back to the
 * baseline (no page leaked), and the section 7 check passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/host_test_util.h"

#define MEM (4 * GiB)

/* ---- create with the k-th allocation failing ------------------------- */
static void test_create_alloc_fail_every_k(void **state)
{
	unsigned failed_runs = 0;

	(void)state;
	for (uint64_t k = 1; k < 64; k++) {
		struct tdxmod_config mc;
		struct phys_range pr = { 0, MEM };
		struct dpamt_config c = ht_cfg(MEM, DPAMT_STRATEGY_GLOBAL_LOCK);
		struct model_host h;
		char msg[128];
		int err;

		memset(&h, 0, sizeof(h));
		tdxmod_config_default(&mc, MEM);
		h.mod = tdxmod_create(&mc, msg, sizeof(msg));
		h.alloc = phys_alloc_create(&pr, 1);
		assert_non_null(h.mod);
		assert_non_null(h.alloc);
		model_ops_init(&h.mo, h.mod, h.alloc, false);
		c.global_hkid = mc.hkid_max;
		phys_alloc_fail_nth(h.alloc, k);
		err = dpamt_create(&c, &h.mo.ops, &h.dp);
		phys_alloc_fail_nth(h.alloc, 0);
		if (err) {
			assert_int_equal(err, DPAMT_ENOMEM);
			assert_int_equal(phys_used_bytes(h.alloc), 0);
			assert_int_equal(
				atomic_load_explicit(&h.mo.mem_bytes,
						     memory_order_relaxed),
				0);
			h.dp = NULL;
			failed_runs++;
			model_host_destroy(&h);
			continue;
		}
		model_host_destroy(&h);
		break;
	}
	/* 3 arrays for the one TDMR + the TDMR_INFO array. */
	assert_int_equal(failed_runs, 4);
}

/* ---- a scripted workload with the k-th allocation failing ------------ */
struct held_list {
	uint64_t pa[64];
	bool page[64]; /* from dpamt_alloc_page: free it too */
	unsigned n;
};

static void hold(struct held_list *l, uint64_t pa, bool page)
{
	l->pa[l->n] = pa;
	l->page[l->n++] = page;
}

static void workload(struct model_host *h, struct held_list *l,
		     struct dpamt_cache *c)
{
	uint64_t p;

	for (unsigned i = 0; i < 6; i++) {
		uint64_t pa = (100 + 3 * i) * MiB2 + i * 4096;

		if (i % 2 == 0) {
			if (dpamt_cache_topup(h->dp, c, 2 * i % 5 + 2) == 0 &&
			    dpamt_get(h->dp, pa, c) == 0)
				hold(l, pa, false);
		} else if (dpamt_get(h->dp, pa, NULL) == 0) {
			hold(l, pa, false);
		}
		if (dpamt_get(h->dp, pa + 4096, NULL) == 0)
			hold(l, pa + 4096, false);
		if (dpamt_alloc_page(h->dp, i % 2 ? c : NULL, &p) == 0)
			hold(l, p, true);
	}
	/* Drop half now, the rest after the check. */
	while (l->n > 6) {
		l->n--;
		if (l->page[l->n])
			dpamt_free_page(h->dp, l->pa[l->n], c);
		else
			assert_int_equal(dpamt_put(h->dp, l->pa[l->n], c), 0);
	}
}

static uint32_t list_held(void *arg, uint64_t pa_2m)
{
	const struct held_list *l = arg;
	uint32_t n = 0;

	for (unsigned i = 0; i < l->n; i++)
		n += l->pa[i] / MiB2 == pa_2m / MiB2;
	return n;
}

static void test_workload_alloc_fail_every_k(void **state)
{
	struct dpamt_config c = ht_cfg(MEM, DPAMT_STRATEGY_GLOBAL_LOCK);
	struct model_host h;
	uint64_t k, base;
	unsigned with_failures = 0;

	(void)state;
	ht_host(&h, MEM, &c, NULL, NULL);
	base = phys_used_bytes(h.alloc);
	for (k = 1; k < 1000; k++) {
		struct held_list l = { .n = 0 };
		struct dpamt_cache cache = { 0 };
		struct dpamt_check_opts o = { .held = list_held,
					      .held_arg = &l };
		uint64_t fails0 = atomic_load_explicit(
			&h.mo.page_alloc_failures, memory_order_relaxed);
		bool failed;

		phys_alloc_fail_nth(h.alloc, k);
		workload(&h, &l, &cache);
		phys_alloc_fail_nth(h.alloc, 0);
		failed = atomic_load_explicit(&h.mo.page_alloc_failures,
					      memory_order_relaxed) != fails0;
		assert_int_equal(ht_check(&h, &o), 0);
		while (l.n) {
			l.n--;
			if (l.page[l.n])
				dpamt_free_page(h.dp, l.pa[l.n], &cache);
			else
				assert_int_equal(dpamt_put(h.dp, l.pa[l.n],
							   &cache), 0);
		}
		dpamt_cache_drain(h.dp, &cache);
		o.all_gone = true;
		assert_int_equal(ht_check(&h, &o), 0);
		assert_int_equal(phys_used_bytes(h.alloc), base);
		if (!failed)
			break;
		with_failures++;
	}
	printf("workload: %u runs with the k-th allocation failing\n",
	       with_failures);
	assert_true(with_failures > 10);
	assert_true(k < 1000);
	model_host_destroy(&h);
}

/* ---- BUSY with high probability --------------------------------------- */
static void busy_high_probability(enum dpamt_strategy strat)
{
	struct dpamt_config c = ht_cfg(MEM, strat);
	struct ht_tweak tw = { .busy_prob = 0.9 };
	struct ht_held held;
	struct dpamt_check_opts o = { .held = ht_held_cb, .held_arg = &held,
				      .max_idle = 16 };
	struct dpamt_cache cache = { 0 };
	struct model_host h;
	struct dpamt_stats st;
	uint64_t rng, base, ebusy = 0;
	unsigned pending = 1, rounds = 0;

	tw.seed = rng = test_seed(dpamt_strategy_name(strat), 7);
	c.busy_retries = 8;
	ht_host_ex(&h, MEM, &c, &tw);
	ht_held_init(&held, MEM);
	base = phys_used_bytes(h.alloc);
	for (unsigned i = 0; i < 4000; i++) {
		uint64_t pa = (200 + prng_next(&rng) % 16) * MiB2;
		uint64_t r = pa / MiB2;
		uint32_t before = dpamt_refcount(h.dp, pa);
		int err;

		if (held.refs[r] && prng_next(&rng) % 2) {
			assert_int_equal(dpamt_put(h.dp, pa, &cache), 0);
			held.refs[r]--;
			continue;
		}
		assert_int_equal(dpamt_cache_topup(h.dp, &cache, 2), 0);
		err = dpamt_get(h.dp, pa, &cache);
		if (err == DPAMT_EBUSY) {
			ebusy++; /* clean failure: nothing changed */
			assert_int_equal(dpamt_refcount(h.dp, pa), before);
			continue;
		}
		assert_int_equal(err, 0);
		held.refs[r]++;
	}
	assert_int_equal(ht_check(&h, &o), 0);
	for (uint64_t r = 200; r < 216; r++)
		for (; held.refs[r]; held.refs[r]--)
			assert_int_equal(dpamt_put(h.dp, r * MiB2, &cache), 0);
	assert_int_equal(ht_check(&h, &o), 0);
	while (pending && rounds++ < 10000)
		pending = dpamt_retry_deferred(h.dp);
	assert_int_equal(pending, 0);
	dpamt_cache_drain(h.dp, &cache);
	dpamt_stats(h.dp, &st);
	printf("  busy_retries=%llu get EBUSY=%llu remove_deferred=%llu"
	       " retry rounds=%u\n", (unsigned long long)st.busy_retries,
	       (unsigned long long)ebusy,
	       (unsigned long long)st.remove_deferred, rounds);
	assert_true(st.busy_retries > 1000);
	assert_int_equal(st.get_failures, ebusy);
	assert_int_equal(st.remove_errors, 0);
	o.all_gone = true;
	o.max_idle = 0;
	assert_int_equal(ht_check(&h, &o), 0);
	assert_int_equal(phys_used_bytes(h.alloc), base);
	ht_held_fini(&held);
	model_host_destroy(&h);
}

/* ---- PAMT.REMOVE answering BUSY N times -------------------------------- */
struct remove_busy {
	_Atomic unsigned left;
	_Atomic unsigned answered;
};

static bool remove_busy_filter(void *arg, struct dpamt_tdx_regs *regs)
{
	struct remove_busy *rb = arg;
	unsigned n = atomic_load_explicit(&rb->left, memory_order_relaxed);

	if (regs->rax != DPAMT_TDH_PHYMEM_PAMT_REMOVE || n == 0)
		return false;
	atomic_store_explicit(&rb->left, n - 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&rb->answered, 1, memory_order_relaxed);
	regs->rax = DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX;
	return true;
}

static void remove_busy_n_times(enum dpamt_strategy strat)
{
	struct dpamt_config c = ht_cfg(MEM, strat);
	struct dpamt_check_opts o = { .max_idle = 0 };
	struct remove_busy rb = { 0 };
	struct model_host h;
	struct dpamt_stats st;
	uint64_t base, pa = 300 * MiB2;

	c.busy_retries = 4;
	ht_host(&h, MEM, &c, NULL, NULL);
	h.mo.seamcall_filter = remove_busy_filter;
	h.mo.filter_arg = &rb;
	base = phys_used_bytes(h.alloc);
	for (unsigned n = 0; n < 14; n++) {
		atomic_store_explicit(&rb.left, 0, memory_order_relaxed);
		assert_int_equal(dpamt_get(h.dp, pa, NULL), 0);
		atomic_store_explicit(&rb.left, n, memory_order_relaxed);
		assert_int_equal(dpamt_put(h.dp, pa, NULL), 0);
		/* Within the budget (n <= 4): removed now.  Beyond: idle. */
		assert_int_equal(dpamt_range_idle(h.dp, pa), n > 4);
		assert_int_equal(dpamt_range_installed(h.dp, pa), n > 4);
		o.max_idle = n > 4;
		assert_int_equal(ht_check(&h, &o), 0);
		if (n > 4) {
			/* The module still owns the pair: not freed. */
			assert_int_equal(phys_used_bytes(h.alloc),
					 base + 2 * 4096);
			/* Retries until the filter runs dry. */
			while (dpamt_retry_deferred(h.dp))
				;
		}
		assert_false(dpamt_range_installed(h.dp, pa));
		o.max_idle = 0;
		o.all_gone = true;
		assert_int_equal(ht_check(&h, &o), 0);
		o.all_gone = false;
		assert_int_equal(phys_used_bytes(h.alloc), base);
	}
	dpamt_stats(h.dp, &st);
	assert_int_equal(st.remove_deferred, 9);
	assert_int_equal(st.pamt_remove_ok, 14);
	assert_int_equal(st.remove_errors, 0);
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
	model_host_destroy(&h);
}

static const enum dpamt_strategy correct[] = {
	DPAMT_STRATEGY_GLOBAL_LOCK, DPAMT_STRATEGY_HASHED,
	DPAMT_STRATEGY_LOCKLESS,
};

/* Production strategies are always built: a missing one fails. */
static bool built(enum dpamt_strategy s)
{
	assert_true(dpamt_strategy_available(s));
	printf("  strategy %s\n", dpamt_strategy_name(s));
	return true;
}

static void test_busy_high_probability(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(correct) / sizeof(correct[0]); i++)
		if (built(correct[i]))
			busy_high_probability(correct[i]);
}

static void test_remove_busy_n_times(void **state)
{
	(void)state;
	for (unsigned i = 0; i < sizeof(correct) / sizeof(correct[0]); i++)
		if (built(correct[i]))
			remove_busy_n_times(correct[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_alloc_fail_every_k),
		cmocka_unit_test(test_workload_alloc_fail_every_k),
		cmocka_unit_test(test_busy_high_probability),
		cmocka_unit_test(test_remove_busy_n_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
