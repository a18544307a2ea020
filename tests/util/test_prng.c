/*
 * test_prng.c - src/util/prng.h, the tree's one PRNG family: the stream
 * is splitmix64 (its published first outputs from seed 0), prng_next and
 * prng_at agree state for state, prng_below stays below its bound and
 * reaches every value of a small one, and prng_bucket spreads consecutive
 * keys over all stripes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "test_seed.h"
#include "util/prng.h"

static void test_splitmix64_reference(void **state)
{
	uint64_t s = 0;

	(void)state;
	/* SplitMix64 from seed 0, as published with the algorithm. */
	assert_true(prng_next(&s) == 0xE220A8397B1DCDAFULL);
	assert_true(prng_next(&s) == 0x6E789E6AA1B965F4ULL);
	assert_true(prng_next(&s) == 0x06C45D188009454FULL);
	assert_true(s == 3 * PRNG_STEP);
}

static void test_next_is_at(void **state)
{
	uint64_t seed = test_seed(__func__, 0xD1CEULL), s = seed;

	(void)state;
	for (unsigned i = 0; i < 1000; i++) {
		uint64_t before = s;

		assert_true(prng_next(&s) == prng_at(before));
		assert_true(s == before + PRNG_STEP);
	}
	/* Neighbouring seeds: unrelated first draws. */
	assert_true(prng_at(seed) != prng_at(seed + 1));
}

static void test_below_covers_range(void **state)
{
	uint64_t s = test_seed(__func__, 7);
	unsigned hits[10] = { 0 };

	(void)state;
	for (unsigned i = 0; i < 10000; i++) {
		uint64_t v = prng_below(&s, 10);

		assert_true(v < 10);
		hits[v]++;
	}
	for (unsigned v = 0; v < 10; v++)
		assert_true(hits[v] > 800 && hits[v] < 1200); /* ~1000 each */
}

static void test_bucket_spreads(void **state)
{
	unsigned hits[8] = { 0 };

	(void)state;
	for (uint64_t k = 0; k < 800; k++) {
		unsigned b = prng_bucket(k, 8);

		assert_true(b < 8);
		hits[b]++;
	}
	for (unsigned b = 0; b < 8; b++)
		assert_true(hits[b] > 50); /* every stripe used */
	assert_true(prng_bucket(12345, 1) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splitmix64_reference),
		cmocka_unit_test(test_next_is_at),
		cmocka_unit_test(test_below_covers_range),
		cmocka_unit_test(test_bucket_spreads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
