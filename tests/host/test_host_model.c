/*
 * test_host_model.c - the host manager against the TDX-module model:
 * every 0->1 / 1->0 transition issues exactly one PAMT.ADD / REMOVE (the
 * model's own leaf counters), the static fallback issues none, the pair
 * pages are the model's and come back to the allocator, the consistency
 * checker passes on a correct host and catches a lying one, the stats
 * JSON has every field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host/host_test_util.h"

#define MEM (4 * GiB)

/* Five pages of the range at r: one 0->1, then four fast gets. */
static void get_five(struct model_host *h, struct dpamt_cache *c,
		     struct ht_held *held, uint64_t r)
{
	for (unsigned k = 0; k < 5; k++) {
		assert_int_equal(dpamt_cache_topup(h->dp, c,
						   dpamt_pages_per_get(h->dp)),
				 0);
		assert_int_equal(dpamt_get(h->dp, r + k * 4096, c), 0);
		held->refs[r / MiB2]++;
	}
}

static void put_five(struct model_host *h, struct dpamt_cache *c,
		     struct ht_held *held, uint64_t r)
{
	for (unsigned k = 0; k < 5; k++) {
		assert_int_equal(dpamt_put(h->dp, r + k * 4096, c), 0);
		held->refs[r / MiB2]--;
	}
}

static void test_transitions_exact(void **state)
{
	struct dpamt_config c = ht_cfg(MEM, DPAMT_STRATEGY_GLOBAL_LOCK);
	struct dpamt_check_opts o = { 0 };
	struct dpamt_cache cache = { 0 };
	struct model_host h;
	struct ht_held held;
	uint64_t base_used, r[3] = { 10 * MiB2, 11 * MiB2, 700 * MiB2 };
	struct tdxmod_range_info ri;

	(void)state;
	ht_host(&h, MEM, &c, NULL, NULL);
	ht_held_init(&held, MEM);
	o.held = ht_held_cb;
	o.held_arg = &held;
	assert_true(dpamt_is_dynamic(h.dp));
	base_used = phys_used_bytes(h.alloc);
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 3; i++)
			get_five(&h, &cache, &held, r[i]);
		assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD),
				 3 * (round + 1));
		assert_int_equal(tdxmod_pairs_installed(h.mod), 3);
		assert_int_equal(tdxmod_range_info(h.mod, r[2], &ri), 0);
		assert_true(ri.has_pair);
		assert_false(phys_is_free(h.alloc, ri.pair[0]));
		assert_int_equal(ht_check(&h, &o), 0);
		for (unsigned i = 0; i < 3; i++)
			put_five(&h, &cache, &held, r[i]);
		assert_int_equal(
			ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE),
			3 * (round + 1));
		assert_int_equal(tdxmod_pairs_installed(h.mod), 0);
	}
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_ADD), 0);
	assert_int_equal(ht_leaf_errors(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
	dpamt_cache_drain(h.dp, &cache);
	assert_int_equal(phys_used_bytes(h.alloc), base_used);
	o.all_gone = true;
	assert_int_equal(ht_check(&h, &o), 0);
	ht_held_fini(&held);
	model_host_destroy(&h);
}

static void no_dpamt(struct tdxmod_config *mc, void *arg)
{
	(void)arg;
	mc->dpamt_supported = false;
}

static void test_static_no_seamcalls(void **state)
{
	(void)state;
	for (unsigned forced = 0; forced < 2; forced++) {
		struct dpamt_config c = ht_cfg(MEM, DPAMT_STRATEGY_GLOBAL_LOCK);
		struct dpamt_check_opts o = { 0 };
		struct model_host h;
		uint64_t used;
		struct dpamt_stats s;

		c.mode = forced ? DPAMT_MODE_STATIC : DPAMT_MODE_AUTO;
		ht_host(&h, MEM, &c, forced ? NULL : no_dpamt, NULL);
		assert_false(dpamt_is_dynamic(h.dp));
		used = phys_used_bytes(h.alloc);
		for (unsigned i = 0; i < 100; i++)
			assert_int_equal(dpamt_get(h.dp, i * 4096 * 37, NULL),
					 0);
		assert_int_equal(ht_check(&h, &o), 0);
		for (unsigned i = 0; i < 100; i++)
			assert_int_equal(dpamt_put(h.dp, i * 4096 * 37, NULL),
					 0);
		assert_int_equal(ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_ADD),
				 0);
		assert_int_equal(
			ht_leaf_calls(&h, DPAMT_TDH_PHYMEM_PAMT_REMOVE), 0);
		assert_int_equal(phys_used_bytes(h.alloc), used);
		dpamt_stats(h.dp, &s);
		assert_int_equal(s.static_bytes, s.classic_bytes);
		assert_int_equal(s.gets, 100);
		o.all_gone = true;
		assert_int_equal(ht_check(&h, &o), 0);
		model_host_destroy(&h);
	}
}

static void test_dynamic_static_bytes(void **state)
{
	struct dpamt_config c = ht_cfg(MEM, DPAMT_STRATEGY_GLOBAL_LOCK);
	struct model_host h;
	struct dpamt_stats s;

	(void)state;
	ht_host(&h, MEM, &c, NULL, NULL);
	dpamt_stats(h.dp, &s);
	/* 4 GiB: 1G array 1 page, 2M array 2048*16 = 32 KiB, bitmap 128 KiB;
	 * classic 4K array 16 MiB. */
	assert_int_equal(s.static_bytes, 4096 + 32768 + 131072);
	assert_int_equal(s.classic_bytes, 4096 + 32768 + 16 * 1048576);
	assert_int_equal(s.refcount_bytes, 2048 * 4);
	assert_int_equal(s.idle_bitmap_bytes, 32 * 8);
	model_host_destroy(&h);
}

static void test_checker_catches_lies(void **state)
{
	struct dpamt_config c = ht_cfg(MEM, DPAMT_STRATEGY_GLOBAL_LOCK);
	struct dpamt_check_opts o = { 0 };
	struct model_host h;
	struct ht_held held;

	(void)state;
	ht_host(&h, MEM, &c, NULL, NULL);
	ht_held_init(&held, MEM);
	o.held = ht_held_cb;
	o.held_arg = &held;
	assert_int_equal(dpamt_get(h.dp, 20 * MiB2, NULL), 0);
	assert_int_equal(ht_check(&h, &o), 1); /* host says it holds none */
	held.refs[20]++;
	assert_int_equal(ht_check(&h, &o), 0);
	o.all_gone = true;
	assert_true(ht_check(&h, &o) >= 1);
	o.all_gone = false;
	assert_int_equal(dpamt_put(h.dp, 20 * MiB2, NULL), 0);
	held.refs[20]--;
	assert_int_equal(ht_check(&h, &o), 0);
	ht_held_fini(&held);
	model_host_destroy(&h);
}

static void test_stats_json(void **state)
{
	struct dpamt_stats s;
	char buf[4096];
	int n;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.pamt_add_calls = 12345;
	s.dynamic_bytes_peak = 8192;
	n = dpamt_stats_json(&s, buf, sizeof(buf));
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	assert_int_equal(buf[0], '{');
	assert_int_equal(buf[n - 1], '}');
	assert_non_null(strstr(buf, "\"pamt_add_calls\": 12345"));
	assert_non_null(strstr(buf, "\"dynamic_bytes_peak\": 8192"));
#define HT_HAS_KEY(f) assert_non_null(strstr(buf, "\"" #f "\": "));
	DPAMT_STATS(HT_HAS_KEY)
#undef HT_HAS_KEY
	/* Truncation reports the full length and stays terminated. */
	assert_int_equal(dpamt_stats_json(&s, buf, 10), n);
	assert_int_equal(strlen(buf), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions_exact),
		cmocka_unit_test(test_static_no_seamcalls),
		cmocka_unit_test(test_dynamic_static_bytes),
		cmocka_unit_test(test_checker_catches_lies),
		cmocka_unit_test(test_stats_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
