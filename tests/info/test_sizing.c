/*
 * test_sizing.c - dpamt_size() against hand-computed PAMT sizes for
 * several TDMR layouts and metadata variants, its EINVAL cases, and a
 * randomised cross-check of its totals (seed printed, DPAMT_SEED replays).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpamt/dpamt.h"
#include "test_seed.h"
#include "util/prng.h"

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

static int size1(const struct dpamt_metadata *md, uint64_t base,
		 uint64_t size, struct dpamt_sizing *out)
{
	struct dpamt_range r = {base, size};

	return dpamt_size(md, &r, 1, out);
}

static void test_metadata_default(void **state)
{
	struct dpamt_metadata md;

	(void)state;
	memset(&md, 0xA5, sizeof(md));
	dpamt_metadata_default(&md);
	assert_true(md.dpamt_supported);
	assert_int_equal(md.entry_size_4k, 16);
	assert_int_equal(md.entry_size_2m, 16);
	assert_int_equal(md.entry_size_1g, 16);
	assert_int_equal(md.bitmap_entry_bits, 1);
	assert_int_equal(md.pages_per_pair, 2);
	/* 512 entries of 16 B fill exactly the pair */
	assert_int_equal(512 * md.entry_size_4k, md.pages_per_pair * 4096);
}

/* 1 GiB: 1 x 16 B -> 4 KiB; 512 x 16 B = 8 KiB; 262144 x 16 B = 4 MiB;
 * bitmap 262144 bits = 32 KiB; refcounts 512 x 4 B = 2 KiB. */
static void test_single_1g(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;

	(void)state;
	dpamt_metadata_default(&md);
	assert_int_equal(size1(&md, 0, GiB, &s), DPAMT_OK);
	assert_int_equal(s.n_tdmrs, 1);
	assert_int_equal(s.tdmrs[0].base, 0);
	assert_int_equal(s.tdmrs[0].size, GiB);
	assert_int_equal(s.tdmrs[0].pamt_1g_bytes, 4096);
	assert_int_equal(s.tdmrs[0].pamt_2m_bytes, 8192);
	assert_int_equal(s.tdmrs[0].pamt_4k_bytes, 4 * MiB);
	assert_int_equal(s.tdmrs[0].bitmap_bytes, 32 * KiB);
	assert_int_equal(s.tdmrs[0].refcount_bytes, 2 * KiB);
	assert_int_equal(s.tdmrs[0].ranges_2m, 512);
	assert_int_equal(s.classic_bytes, 4096 + 8192 + 4 * MiB);
	assert_int_equal(s.dynamic_static_bytes, 4096 + 8192 + 32 * KiB);
	assert_int_equal(s.bitmap_bytes, 32 * KiB);
	assert_int_equal(s.refcount_bytes, 2 * KiB);
	assert_int_equal(s.pair_bytes_per_2m, 8192);
	assert_int_equal(s.dynamic_max_bytes, 45056 + 512 * 8192);
}

/* The public figures: ~0.4% classic (1 GiB) vs ~10 MiB, 0.0002% refs. */
static void test_256g_public_figures(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;

	(void)state;
	dpamt_metadata_default(&md);
	assert_int_equal(size1(&md, 0, 256 * GiB, &s), DPAMT_OK);
	assert_int_equal(s.tdmrs[0].pamt_1g_bytes, 4096);
	assert_int_equal(s.tdmrs[0].pamt_2m_bytes, 2 * MiB);
	assert_int_equal(s.tdmrs[0].pamt_4k_bytes, GiB);
	assert_int_equal(s.classic_bytes, 1075843072ULL);
	assert_int_equal(s.bitmap_bytes, 8 * MiB);
	assert_int_equal(s.dynamic_static_bytes, 10489856ULL);
	assert_int_equal(s.refcount_bytes, 512 * KiB);
	assert_int_equal(s.dynamic_max_bytes, 10489856ULL + 131072ULL * 8192);
	/* classic ~ 1.0 GiB: within 0.5% */
	assert_in_range(s.classic_bytes, GiB, GiB + GiB / 200);
	/* dynamic static ~ 10 MiB: within one page-rounded 1G array */
	assert_in_range(s.dynamic_static_bytes, 10 * MiB, 10 * MiB + 4096);
	/* refcounts ~ 0.0002% of covered memory (< 0.0002%, > 0.00019%) */
	assert_true(s.refcount_bytes * 1000000ULL <= 2 * 256 * GiB);
	assert_true(s.refcount_bytes * 1000000ULL >= 19 * 256 * GiB / 10);
}

/* 0-64G and 4T-4T+64G: each 64 GiB TDMR costs the same; refcounts for
 * 128 GiB of ranges (65536 x 4 B), not for 4 TiB. */
static void test_sparse(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;
	struct dpamt_range r[2] = {{0, 64 * GiB}, {4 * TiB, 64 * GiB}};

	(void)state;
	dpamt_metadata_default(&md);
	assert_int_equal(dpamt_size(&md, r, 2, &s), DPAMT_OK);
	assert_int_equal(s.n_tdmrs, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(s.tdmrs[i].base, r[i].base);
		assert_int_equal(s.tdmrs[i].pamt_1g_bytes, 4096);
		assert_int_equal(s.tdmrs[i].pamt_2m_bytes, 512 * KiB);
		assert_int_equal(s.tdmrs[i].pamt_4k_bytes, 256 * MiB);
		assert_int_equal(s.tdmrs[i].bitmap_bytes, 2 * MiB);
		assert_int_equal(s.tdmrs[i].refcount_bytes, 128 * KiB);
		assert_int_equal(s.tdmrs[i].ranges_2m, 32768);
	}
	assert_int_equal(s.refcount_bytes, 256 * KiB);
	assert_int_equal(s.refcount_bytes, (128 * GiB / (2 * MiB)) * 4);
	assert_int_equal(s.classic_bytes, 2 * (4096 + 512 * KiB + 256 * MiB));
	assert_int_equal(s.dynamic_static_bytes,
			 2 * (4096 + 512 * KiB + 2 * MiB));
	assert_int_equal(s.dynamic_max_bytes,
			 s.dynamic_static_bytes + 65536ULL * 8192);
}

/* 3 GiB at 5 GiB, 100 GiB at 8 GiB, 300 GiB at 1 TiB: the 1G array's
 * page rounding (48 B, 1600 B -> 4 KiB; 4800 B -> 8 KiB). */
static void test_non_power_of_two(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;
	struct dpamt_range r[3] = {
		{5 * GiB, 3 * GiB}, {8 * GiB, 100 * GiB}, {TiB, 300 * GiB}};

	(void)state;
	dpamt_metadata_default(&md);
	assert_int_equal(dpamt_size(&md, r, 3, &s), DPAMT_OK);
	assert_int_equal(s.tdmrs[0].pamt_1g_bytes, 4096);
	assert_int_equal(s.tdmrs[0].pamt_2m_bytes, 24576);
	assert_int_equal(s.tdmrs[0].pamt_4k_bytes, 12582912);
	assert_int_equal(s.tdmrs[0].bitmap_bytes, 98304);
	assert_int_equal(s.tdmrs[0].refcount_bytes, 6144);
	assert_int_equal(s.tdmrs[1].pamt_1g_bytes, 4096);
	assert_int_equal(s.tdmrs[1].pamt_2m_bytes, 819200);
	assert_int_equal(s.tdmrs[1].pamt_4k_bytes, 419430400);
	assert_int_equal(s.tdmrs[1].bitmap_bytes, 3276800);
	assert_int_equal(s.tdmrs[1].refcount_bytes, 204800);
	assert_int_equal(s.tdmrs[2].pamt_1g_bytes, 8192);
	assert_int_equal(s.tdmrs[2].pamt_2m_bytes, 153600 * 16);
	assert_int_equal(s.tdmrs[2].pamt_4k_bytes, 300 * GiB / 4096 * 16);
	assert_int_equal(s.tdmrs[2].bitmap_bytes, 300 * GiB / 4096 / 8);
	assert_int_equal(s.classic_bytes,
			 4096 + 24576 + 12582912 + 4096 + 819200 + 419430400 +
				 8192 + 2457600 + 1258291200ULL);
	assert_int_equal(s.refcount_bytes, (3 + 100 + 300) * 512 * 4);
}

/* pages_per_pair 1 with 8 B 4K entries; 2 and 3 bitmap bits; odd sizes
 * of 1G/2M entries that need page rounding. */
static void test_metadata_variants(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;

	(void)state;
	dpamt_metadata_default(&md);
	md.pages_per_pair = 1;
	md.entry_size_4k = 8;
	assert_int_equal(size1(&md, 0, GiB, &s), DPAMT_OK);
	assert_int_equal(s.pair_bytes_per_2m, 4096);
	assert_int_equal(s.tdmrs[0].pamt_4k_bytes, 2 * MiB);
	assert_int_equal(s.dynamic_max_bytes, 45056 + 512 * 4096);

	dpamt_metadata_default(&md);
	md.bitmap_entry_bits = 2;
	assert_int_equal(size1(&md, 0, GiB, &s), DPAMT_OK);
	assert_int_equal(s.bitmap_bytes, 64 * KiB);
	assert_int_equal(s.dynamic_static_bytes, 4096 + 8192 + 64 * KiB);
	md.bitmap_entry_bits = 3;
	assert_int_equal(size1(&md, 0, GiB, &s), DPAMT_OK);
	assert_int_equal(s.bitmap_bytes, 96 * KiB);

	dpamt_metadata_default(&md);
	md.entry_size_1g = 24;
	md.entry_size_2m = 20; /* 512 x 20 = 10240 -> 12 KiB */
	assert_int_equal(size1(&md, 0, GiB, &s), DPAMT_OK);
	assert_int_equal(s.tdmrs[0].pamt_1g_bytes, 4096);
	assert_int_equal(s.tdmrs[0].pamt_2m_bytes, 12288);
	assert_int_equal(s.classic_bytes, 4096 + 12288 + 4 * MiB);
}

static void test_max_tdmrs_and_adjacent(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;
	struct dpamt_range r[DPAMT_MAX_TDMRS];

	(void)state;
	dpamt_metadata_default(&md);
	for (unsigned i = 0; i < DPAMT_MAX_TDMRS; i++)
		r[i] = (struct dpamt_range){i * GiB, GiB}; /* touching */
	assert_int_equal(dpamt_size(&md, r, DPAMT_MAX_TDMRS, &s), DPAMT_OK);
	assert_int_equal(s.n_tdmrs, DPAMT_MAX_TDMRS);
	assert_int_equal(s.classic_bytes,
			 DPAMT_MAX_TDMRS * (4096 + 8192 + 4 * MiB));
	assert_int_equal(s.tdmrs[63].base, 63 * GiB);
	/* the highest 1 GiB below 2^52 is accepted */
	assert_int_equal(size1(&md, (1ULL << 52) - GiB, GiB, &s), DPAMT_OK);
}

static void expect_einval(const struct dpamt_metadata *md,
			  const struct dpamt_range *r, unsigned n)
{
	struct dpamt_sizing s;

	s.n_tdmrs = 99;
	assert_int_equal(dpamt_size(md, r, n, &s), DPAMT_EINVAL);
	assert_int_equal(s.n_tdmrs, 0); /* nothing half-filled */
	assert_int_equal(s.classic_bytes, 0);
}

static void test_einval_layouts(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_sizing s;
	struct dpamt_range one = {0, GiB};
	struct dpamt_range r[DPAMT_MAX_TDMRS + 1];

	(void)state;
	dpamt_metadata_default(&md);
	assert_int_equal(dpamt_size(NULL, &one, 1, &s), DPAMT_EINVAL);
	assert_int_equal(dpamt_size(&md, NULL, 1, &s), DPAMT_EINVAL);
	assert_int_equal(dpamt_size(&md, &one, 1, NULL), DPAMT_EINVAL);
	expect_einval(&md, &one, 0);                        /* no TDMR */
	expect_einval(&md, (struct dpamt_range[]){{2 * MiB, GiB}}, 1);
	expect_einval(&md, (struct dpamt_range[]){{0, GiB + 2 * MiB}}, 1);
	expect_einval(&md, (struct dpamt_range[]){{GiB, 0}}, 1); /* empty */
	expect_einval(&md, (struct dpamt_range[]){{0, 2 * GiB},
						  {GiB, GiB}}, 2);
	expect_einval(&md, (struct dpamt_range[]){{4 * GiB, GiB},
						  {0, GiB}}, 2); /* unsorted */
	expect_einval(&md, (struct dpamt_range[]){{0, GiB}, {0, GiB}}, 2);
	expect_einval(&md, (struct dpamt_range[]){{1ULL << 52, GiB}}, 1);
	expect_einval(&md, (struct dpamt_range[]){{(1ULL << 52) - GiB,
						   2 * GiB}}, 1);
	expect_einval(&md, (struct dpamt_range[]){{GiB, UINT64_MAX -
						   (GiB - 1)}}, 1);
	for (unsigned i = 0; i <= DPAMT_MAX_TDMRS; i++)
		r[i] = (struct dpamt_range){i * GiB, GiB};
	expect_einval(&md, r, DPAMT_MAX_TDMRS + 1);
}

static void test_einval_metadata(void **state)
{
	struct dpamt_metadata md;
	struct dpamt_range one = {0, GiB};
	unsigned *fields[] = {&md.entry_size_4k, &md.entry_size_2m,
			      &md.entry_size_1g, &md.bitmap_entry_bits,
			      &md.pages_per_pair};

	(void)state;
	for (unsigned f = 0; f < 5; f++) {
		dpamt_metadata_default(&md);
		*fields[f] = 0;
		expect_einval(&md, &one, 1);
		dpamt_metadata_default(&md);
		*fields[f] = 100000; /* past every bound */
		expect_einval(&md, &one, 1);
	}
}

/* Random layouts: totals equal the per-TDMR sums and the closed forms. */
static void test_random_layouts(void **state)
{
	uint64_t x = test_seed(__func__, 0x5eed1234ULL);
	struct dpamt_metadata md;
	struct dpamt_range r[DPAMT_MAX_TDMRS];
	struct dpamt_sizing s;

	(void)state;
	dpamt_metadata_default(&md);
	for (int round = 0; round < 200; round++) {
		unsigned n = 1 + prng_next(&x) % DPAMT_MAX_TDMRS;
		uint64_t base = 0, cov = 0, one_g = 0;

		for (unsigned i = 0; i < n; i++) {
			base += (prng_next(&x) % 8) * GiB;
			r[i].base = base;
			r[i].size = (1 + prng_next(&x) % 512) * GiB;
			base += r[i].size;
			cov += r[i].size;
			one_g += (r[i].size / GiB * 16 + 4095) / 4096 * 4096;
		}
		assert_int_equal(dpamt_size(&md, r, n, &s), DPAMT_OK);
		assert_int_equal(s.n_tdmrs, n);
		/* 2M array, 4K array and bitmap are page multiples already */
		assert_int_equal(s.classic_bytes,
				 one_g + cov / (2 * MiB) * 16 + cov / 256);
		assert_int_equal(s.bitmap_bytes, cov / 4096 / 8);
		assert_int_equal(s.dynamic_static_bytes,
				 one_g + cov / (2 * MiB) * 16 + cov / 32768);
		assert_int_equal(s.refcount_bytes, cov / (2 * MiB) * 4);
		assert_int_equal(s.dynamic_max_bytes,
				 s.dynamic_static_bytes +
					 cov / (2 * MiB) * 8192);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metadata_default),
		cmocka_unit_test(test_single_1g),
		cmocka_unit_test(test_256g_public_figures),
		cmocka_unit_test(test_sparse),
		cmocka_unit_test(test_non_power_of_two),
		cmocka_unit_test(test_metadata_variants),
		cmocka_unit_test(test_max_tdmrs_and_adjacent),
		cmocka_unit_test(test_einval_layouts),
		cmocka_unit_test(test_einval_metadata),
		cmocka_unit_test(test_random_layouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
