/*
 * test_bitmap.c - src/util/bitmap.h, the one bitmap of the tree: set,
 * clear, test across word boundaries, the lowest-bit pop, the wrapping
 * find from a start word, take, and the word arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/bitmap.h"

static void test_words_and_masks(void **state)
{
	(void)state;
	assert_int_equal(BM_WORDS(0), 0);
	assert_int_equal(BM_WORDS(1), 1);
	assert_int_equal(BM_WORDS(64), 1);
	assert_int_equal(BM_WORDS(65), 2);
	assert_int_equal(bm_word(63), 0);
	assert_int_equal(bm_word(64), 1);
	assert_true(bm_mask(63) == 1ULL << 63);
	assert_true(bm_mask(64) == 1ULL);
}

static void test_set_clear_test(void **state)
{
	uint64_t bm[3] = { 0 };
	const uint64_t idx[] = { 0, 1, 63, 64, 127, 128, 191 };

	(void)state;
	for (size_t k = 0; k < sizeof(idx) / sizeof(idx[0]); k++) {
		assert_false(bm_test(bm, idx[k]));
		bm_set(bm, idx[k]);
		assert_true(bm_test(bm, idx[k]));
	}
	assert_true(bm[0] == (1ULL | 2ULL | 1ULL << 63));
	assert_true(bm[1] == (1ULL | 1ULL << 63));
	assert_true(bm[2] == (1ULL | 1ULL << 63));
	bm_clear(bm, 64);
	assert_false(bm_test(bm, 64));
	assert_true(bm_test(bm, 127));
	bm_fill(bm, 2);
	assert_true(bm[0] == ~0ULL && bm[1] == ~0ULL);
	assert_true(bm[2] == (1ULL | 1ULL << 63)); /* past words: untouched */
}

static void test_pop_visits_every_bit(void **state)
{
	uint64_t w = (1ULL << 3) | (1ULL << 17) | (1ULL << 63);
	unsigned order[3], n = 0;

	(void)state;
	while (w) {
		unsigned b = bm_pop(&w);

		assert_true(n < 3);
		order[n++] = b;
	}
	assert_int_equal(n, 3);
	assert_int_equal(order[0], 3); /* lowest first */
	assert_int_equal(order[1], 17);
	assert_int_equal(order[2], 63);
}

static void test_find_wraps_and_take(void **state)
{
	uint64_t bm[4] = { 0 };

	(void)state;
	assert_true(bm_find(bm, 4, 0) == UINT64_MAX);
	assert_true(bm_take(bm, 4) == UINT64_MAX);
	bm_set(bm, 70);  /* word 1 */
	bm_set(bm, 200); /* word 3 */
	assert_int_equal(bm_find(bm, 4, 0), 70);
	assert_int_equal(bm_find(bm, 4, 2), 200);
	assert_int_equal(bm_find(bm, 4, 3), 200);
	/* from word 2 the scan wraps past word 3 back to word 1 */
	bm_clear(bm, 200);
	assert_int_equal(bm_find(bm, 4, 2), 70);
	assert_int_equal(bm_take(bm, 4), 70);
	assert_false(bm_test(bm, 70));
	assert_true(bm_take(bm, 4) == UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_masks),
		cmocka_unit_test(test_set_clear_test),
		cmocka_unit_test(test_pop_visits_every_bit),
		cmocka_unit_test(test_find_wraps_and_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
