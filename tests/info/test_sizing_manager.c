/*
 * test_sizing_manager.c - dpamt_size() agrees with what the manager
 * really hands the module model: for several host sizes, the manager's
 * static_bytes (dynamic mode) equals dynamic_static_bytes, its
 * classic_bytes equals classic_bytes, static mode hands over exactly the
 * classic bytes, and its refcount table is at least the sized refcounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdxmod.h"
#include "glue/model_ops.h"

#define GIB (1ULL << 30)

static void check_host(uint64_t mem, enum dpamt_mode mode)
{
	struct dpamt_config cfg;
	const struct dpamt_metadata *got;
	struct dpamt_metadata md;
	struct dpamt_sizing s;
	struct dpamt_stats st;
	struct tdxmod_config mc;
	struct model_host h;
	char msg[256] = "";

	memset(&cfg, 0, sizeof(cfg));
	cfg.mode = mode;
	cfg.strategy = DPAMT_STRATEGY_GLOBAL_LOCK;
	cfg.n_tdmrs = 1;
	cfg.tdmrs[0].size = mem;
	tdxmod_config_default(&mc, mem);
	cfg.global_hkid = mc.hkid_max; /* the model wants a private HKID */
	if (model_host_create(&h, mem, &cfg, NULL, NULL, msg, sizeof(msg)))
		fail_msg("model_host_create(%llu GiB): %s",
			 (unsigned long long)(mem / GIB), msg);
	dpamt_metadata_default(&md);
	/* the sizing uses the metadata the manager actually read */
	got = dpamt_metadata(h.dp);
	assert_int_equal(got->entry_size_4k, md.entry_size_4k);
	assert_int_equal(got->entry_size_2m, md.entry_size_2m);
	assert_int_equal(got->entry_size_1g, md.entry_size_1g);
	assert_int_equal(got->bitmap_entry_bits, md.bitmap_entry_bits);
	assert_int_equal(got->pages_per_pair, md.pages_per_pair);
	assert_int_equal(dpamt_size(&md, cfg.tdmrs, 1, &s), DPAMT_OK);
	dpamt_stats(h.dp, &st);
	printf("%3llu GiB %s: static %llu classic %llu refcounts %llu "
	       "(sized %llu)\n", (unsigned long long)(mem / GIB),
	       mode == DPAMT_MODE_STATIC ? "static " : "dynamic",
	       (unsigned long long)st.static_bytes,
	       (unsigned long long)st.classic_bytes,
	       (unsigned long long)st.refcount_bytes,
	       (unsigned long long)s.refcount_bytes);
	assert_int_equal(st.classic_bytes, s.classic_bytes);
	if (mode == DPAMT_MODE_STATIC)
		assert_int_equal(st.static_bytes, s.classic_bytes);
	else
		assert_int_equal(st.static_bytes, s.dynamic_static_bytes);
	/* the manager may keep more per range (e.g. an idle bitmap) */
	assert_true(st.refcount_bytes >= s.refcount_bytes);
	assert_true(st.refcount_bytes <= 2 * s.refcount_bytes);
	model_host_destroy(&h);
}

static void test_dynamic_hosts(void **state)
{
	(void)state;
	check_host(1 * GIB, DPAMT_MODE_DYNAMIC);
	check_host(6 * GIB, DPAMT_MODE_DYNAMIC);
	check_host(64 * GIB, DPAMT_MODE_DYNAMIC);
}

static void test_static_hosts(void **state)
{
	(void)state;
	check_host(1 * GIB, DPAMT_MODE_STATIC);
	check_host(6 * GIB, DPAMT_MODE_STATIC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dynamic_hosts),
		cmocka_unit_test(test_static_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
