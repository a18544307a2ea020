/*
 * test_sizing_manager.c - dpamt_size() agrees with what the manager
 * really hands the module model: for several host sizes, the manager's
 * static_bytes (dynamic mode) equals dynamic_static_bytes, its
 * classic_bytes equals classic_bytes, static mode hands over exactly the
 * classic bytes, and its refcount table is at least the sized refcounts.
 * The host's metadata defaults (dpamt_metadata_default) are the model's
 * (tdxmod_config_default), field by field, and what a manager on the
 * default model reads back with TDH.SYS.RD.
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

/* Every field of the metadata the host assumes equals what it read. */
static void same_metadata(const struct dpamt_metadata *got,
			  const struct dpamt_metadata *want)
{
	assert_int_equal(got->dpamt_supported, want->dpamt_supported);
	assert_int_equal(got->entry_size_4k, want->entry_size_4k);
	assert_int_equal(got->entry_size_2m, want->entry_size_2m);
	assert_int_equal(got->entry_size_1g, want->entry_size_1g);
	assert_int_equal(got->bitmap_entry_bits, want->bitmap_entry_bits);
	assert_int_equal(got->pages_per_pair, want->pages_per_pair);
	assert_int_equal(got->num_tdcs_pages, want->num_tdcs_pages);
	assert_int_equal(got->num_tdcx_pages, want->num_tdcx_pages);
}

/* The two sets of defaults, side by side: one source (tdx_abi.h's
 * DPAMT_TDX_DEFAULT_*), so they cannot drift; this fails if either
 * function stops using it. */
static void test_defaults_agree(void **state)
{
	struct dpamt_metadata md, as_md;
	struct tdxmod_config mc;

	(void)state;
	memset(&md, 0xA5, sizeof(md)); /* a field left unset shows */
	dpamt_metadata_default(&md);
	tdxmod_config_default(&mc, 4 * GIB);
	as_md = (struct dpamt_metadata){
		.dpamt_supported = mc.dpamt_supported,
		.entry_size_4k = mc.pamt_entry_size_4k,
		.entry_size_2m = mc.pamt_entry_size_2m,
		.entry_size_1g = mc.pamt_entry_size_1g,
		.bitmap_entry_bits = mc.bitmap_entry_bits,
		.pages_per_pair = mc.pages_per_pair,
		.num_tdcs_pages = mc.num_tdcs_pages,
		.num_tdcx_pages = mc.num_tdcx_pages,
	};
	same_metadata(&md, &as_md);
	assert_int_equal(md.entry_size_4k,
			 DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_4K);
	assert_int_equal(md.num_tdcx_pages, DPAMT_TDX_DEFAULT_NUM_TDCX_PAGES);
}

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
	same_metadata(got, &md);
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
		cmocka_unit_test(test_defaults_agree),
		cmocka_unit_test(test_dynamic_hosts),
		cmocka_unit_test(test_static_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
