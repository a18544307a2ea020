/*
 * test_phys_alloc.c - unit tests of the host's physical page allocator:
 * pages, 2 MiB blocks, contiguous runs, reservations, fault injection,
 * byte counters, bad-free detection, and concurrent use from threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "glue/phys_alloc.h"
#include "test_seed.h"
#include "util/prng.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static struct phys_alloc *make(uint64_t base, uint64_t size)
{
	struct phys_range r = { base, size };
	struct phys_alloc *a = phys_alloc_create(&r, 1);

	assert_non_null(a);
	return a;
}

static void test_bad_create(void **state)
{
	struct phys_range r1 = { 4096, 2 * MiB };
	struct phys_range r2 = { 0, 3 * MiB };
	struct phys_range ov[2] = { { 0, 4 * MiB }, { 2 * MiB, 2 * MiB } };

	(void)state;
	assert_null(phys_alloc_create(&r1, 1));
	assert_null(phys_alloc_create(&r2, 1));
	assert_null(phys_alloc_create(ov, 2));
	assert_null(phys_alloc_create(NULL, 0));
}

/* Every page of a small host comes out exactly once, then -1. */
static void test_pages_exhaust(void **state)
{
	struct phys_alloc *a = make(1 * GiB, 8 * MiB);
	uint64_t n = 8 * MiB / 4096, pa;
	uint8_t *seen = calloc(n, 1);

	(void)state;
	assert_int_equal(phys_total_bytes(a), 8 * MiB);
	for (uint64_t i = 0; i < n; i++) {
		assert_int_equal(phys_alloc_page(a, (unsigned)i, &pa), 0);
		assert_true(pa >= 1 * GiB && pa < 1 * GiB + 8 * MiB);
		assert_int_equal(pa % 4096, 0);
		assert_false(phys_is_free(a, pa));
		assert_int_equal(seen[(pa - GiB) / 4096], 0);
		seen[(pa - GiB) / 4096] = 1;
	}
	assert_int_equal(phys_alloc_page(a, 0, &pa), -1);
	assert_int_equal(phys_free_bytes(a), 0);
	assert_int_equal(phys_used_bytes(a), 8 * MiB);
	for (uint64_t i = 0; i < n; i++)
		phys_free_page(a, GiB + i * 4096);
	assert_int_equal(phys_free_bytes(a), 8 * MiB);
	assert_int_equal(phys_bad_frees(a), 0);
	free(seen);
	phys_alloc_destroy(a);
}

/* Page allocations fill partly used blocks first, keeping whole blocks. */
static void test_2m_kept_whole(void **state)
{
	struct phys_alloc *a = make(0, 64 * MiB);
	uint64_t pa, blk[32];

	(void)state;
	for (int i = 0; i < 511; i++)
		assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	for (int i = 0; i < 31; i++) {
		assert_int_equal(phys_alloc_2m(a, (unsigned)i, &blk[i]), 0);
		assert_int_equal(blk[i] % (2 * MiB), 0);
		for (uint64_t p = blk[i]; p < blk[i] + 2 * MiB; p += 4096)
			assert_false(phys_is_free(a, p));
	}
	/* The last free page is in the partly used block: no 2M left. */
	assert_int_equal(phys_alloc_2m(a, 0, &pa), -1);
	assert_int_equal(phys_free_bytes(a), 4096);
	phys_free_2m(a, blk[3]);
	assert_int_equal(phys_free_bytes(a), 4096 + 2 * MiB);
	assert_int_equal(phys_alloc_2m(a, 5, &pa), 0);
	assert_int_equal(pa, blk[3]);
	assert_int_equal(phys_bad_frees(a), 0);
	phys_alloc_destroy(a);
}

static void test_contig_and_reserve(void **state)
{
	struct phys_range r[2] = { { 0, 16 * MiB }, { 1 * GiB, 32 * MiB } };
	struct phys_alloc *a = phys_alloc_create(r, 2);
	uint64_t pa, pb;

	(void)state;
	assert_non_null(a);
	assert_int_equal(phys_total_bytes(a), 48 * MiB);
	/* reserve the top 16 MiB of the second range */
	assert_int_equal(phys_alloc_reserve(a, GiB + 16 * MiB, 16 * MiB), 0);
	assert_int_equal(phys_alloc_reserve(a, GiB + 30 * MiB, 4096), -1);
	assert_int_equal(phys_alloc_reserve(a, 17 * MiB, 4096), -1);
	assert_int_equal(phys_free_bytes(a), 32 * MiB);
	/* 20 MiB fits only in the second range, which now has 16 MiB */
	assert_int_equal(phys_alloc_contig(a, 20 * MiB, 4096, &pa), -1);
	assert_int_equal(phys_alloc_contig(a, 12 * MiB + 1, 4 * MiB, &pa), 0);
	assert_int_equal(pa % (4 * MiB), 0);
	for (uint64_t p = pa; p < pa + 12 * MiB + 4096; p += 4096)
		assert_false(phys_is_free(a, p));
	assert_true(phys_is_free(a, pa + 12 * MiB + 4096) ||
		    pa + 12 * MiB + 4096 >= 16 * MiB);
	/* A page-aligned run around a used page */
	assert_int_equal(phys_alloc_page(a, 0, &pb), 0);
	assert_int_equal(phys_alloc_contig(a, 3 * 4096, 4096, &pb), 0);
	phys_free_contig(a, pb, 3 * 4096);
	phys_free_contig(a, pa, 12 * MiB + 1);
	phys_free_contig(a, GiB + 16 * MiB, 16 * MiB);
	assert_int_equal(phys_used_bytes(a), 4096);
	assert_int_equal(phys_bad_frees(a), 0);
	phys_alloc_destroy(a);
}

static void test_fail_nth(void **state)
{
	struct phys_alloc *a = make(0, 16 * MiB);
	uint64_t pa;

	(void)state;
	phys_alloc_fail_nth(a, 3);
	assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	assert_int_equal(phys_alloc_2m(a, 0, &pa), 0);
	assert_int_equal(phys_alloc_page(a, 0, &pa), -1);
	assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	phys_alloc_fail_nth(a, 1);
	assert_int_equal(phys_alloc_contig(a, 4096, 4096, &pa), -1);
	assert_int_equal(phys_alloc_contig(a, 4096, 4096, &pa), 0);
	phys_alloc_fail_nth(a, 5);
	phys_alloc_fail_nth(a, 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	assert_int_equal(phys_used_bytes(a), 2 * MiB + 13 * 4096);
	phys_alloc_destroy(a);
}

static void test_bad_frees(void **state)
{
	struct phys_alloc *a = make(0, 8 * MiB);
	uint64_t pa;

	(void)state;
	assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	phys_free_page(a, pa);
	phys_free_page(a, pa);
	assert_int_equal(phys_bad_frees(a), 1);
	phys_free_page(a, 64 * MiB);
	assert_int_equal(phys_bad_frees(a), 2);
	assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	phys_free_2m(a, pa & ~(2 * MiB - 1)); /* block not wholly used */
	assert_int_equal(phys_bad_frees(a), 3);
	assert_int_equal(phys_used_bytes(a), 4096);
	phys_alloc_destroy(a);
}

/* Random alloc/free against a shadow map. */
static void test_random_shadow(void **state)
{
	uint64_t seed = test_seed(__func__, 12345), s = seed;
	struct phys_alloc *a = make(2 * GiB, 32 * MiB);
	uint64_t n = 32 * MiB / 4096, held = 0, pa;
	uint8_t *used = calloc(n, 1);
	uint64_t *list = calloc(n, sizeof(*list));

	(void)state;
	for (int it = 0; it < 200000; it++) {
		if (held && (prng_next(&s) % 3 == 0 || held == n)) {
			uint64_t i = prng_next(&s) % held;

			phys_free_page(a, list[i]);
			used[(list[i] - 2 * GiB) / 4096] = 0;
			list[i] = list[--held];
		} else {
			assert_int_equal(phys_alloc_page(
				a, (unsigned)(prng_next(&s) % 7), &pa), 0);
			assert_int_equal(used[(pa - 2 * GiB) / 4096], 0);
			used[(pa - 2 * GiB) / 4096] = 1;
			list[held++] = pa;
		}
		assert_int_equal(phys_used_bytes(a), held * 4096);
	}
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(phys_is_free(a, 2 * GiB + i * 4096),
				 !used[i]);
	free(used);
	free(list);
	phys_alloc_destroy(a);
}

/* Batches: distinct pages, counted as one allocation for fail_nth, and
 * batch frees that cross arenas and catch bad pages. */
static void test_batches(void **state)
{
	struct phys_alloc *a = make(0, 64 * MiB);
	uint64_t pa[300], all[600];
	unsigned n, total = 0;

	(void)state;
	for (unsigned h = 0; h < 2; h++) {
		n = phys_alloc_pages(a, h * 7, 300, pa);
		assert_int_equal(n, 300);
		memcpy(all + total, pa, n * 8);
		total += n;
	}
	for (unsigned i = 0; i < total; i++) {
		assert_false(phys_is_free(a, all[i]));
		for (unsigned j = 0; j < i; j++)
			assert_true(all[i] != all[j]);
	}
	assert_int_equal(phys_used_bytes(a), 600 * 4096);
	phys_alloc_fail_nth(a, 2);
	assert_int_equal(phys_alloc_pages(a, 0, 1, pa), 1);
	assert_int_equal(phys_alloc_pages(a, 0, 50, pa), 0);
	assert_int_equal(phys_alloc_pages(a, 0, 0, pa), 0);
	phys_free_page(a, pa[0]);
	phys_free_pages(a, all, total);
	assert_int_equal(phys_bad_frees(a), 0);
	assert_int_equal(phys_used_bytes(a), 0);
	phys_free_pages(a, all, 2); /* already free */
	assert_int_equal(phys_bad_frees(a), 2);
	/* more than exist: everything, then nothing */
	n = 0;
	while (phys_alloc_pages(a, 3, 300, pa))
		n++;
	assert_int_equal(n, (64 * MiB / 4096 + 299) / 300);
	assert_int_equal(phys_free_bytes(a), 0);
	phys_alloc_destroy(a);
}

struct worker {
	struct phys_alloc *a;
	unsigned id;
	uint64_t seed;
	uint64_t *mine;
	uint64_t n, got;
};

/* Each thread allocates pages and 2M blocks, frees some, keeps the rest. */
static void *worker_main(void *p)
{
	struct worker *w = p;
	uint64_t s = w->seed + w->id * 7919 + 1, pa;

	for (uint64_t i = 0; i < w->n; i++) {
		if (prng_next(&s) % 64 == 0) {
			if (phys_alloc_2m(w->a, w->id, &pa) == 0)
				phys_free_2m(w->a, pa);
			continue;
		}
		if (prng_next(&s) % 256 == 2) {
			uint64_t bytes = 4096 * (1 + prng_next(&s) % 8);

			if (phys_alloc_contig(w->a, bytes, 4096, &pa) == 0)
				phys_free_contig(w->a, pa, bytes);
			continue;
		}
		if (prng_next(&s) % 64 == 1) {
			uint64_t b[16];
			unsigned n = phys_alloc_pages(w->a, w->id, 16, b);

			phys_free_pages(w->a, b, n);
			continue;
		}
		if (phys_alloc_page(w->a, w->id, &pa))
			break;
		(void)phys_is_free(w->a, pa);
		if (prng_next(&s) % 4 == 0)
			phys_free_page(w->a, pa);
		else
			w->mine[w->got++] = pa;
	}
	return NULL;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static void test_threads(void **state)
{
	enum { T = 4, N = 20000 };
	uint64_t seed = test_seed(__func__, 12345), total = 0;
	struct phys_alloc *a = make(0, 256 * MiB);
	struct worker w[T];
	pthread_t th[T];
	uint64_t *all = calloc(T * N, sizeof(*all));

	(void)state;
	for (unsigned i = 0; i < T; i++) {
		w[i] = (struct worker){ a, i, seed, calloc(N, 8), N, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, worker_main,
						&w[i]), 0);
	}
	for (unsigned i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		memcpy(all + total, w[i].mine, w[i].got * 8);
		total += w[i].got;
	}
	assert_int_equal(phys_used_bytes(a), total * 4096);
	qsort(all, total, 8, cmp_u64);
	for (uint64_t i = 1; i < total; i++)
		assert_true(all[i] != all[i - 1]);
	for (uint64_t i = 0; i < total; i++)
		phys_free_page(a, all[i]);
	assert_int_equal(phys_used_bytes(a), 0);
	assert_int_equal(phys_bad_frees(a), 0);
	for (unsigned i = 0; i < T; i++)
		free(w[i].mine);
	free(all);
	phys_alloc_destroy(a);
}

/* Lanes interleave inside blocks: lane k gets the pages at index k mod
 * lanes, block after block, and nothing else; frees make them reusable. */
static void test_lanes(void **state)
{
	struct phys_alloc *a = make(0, 8 * MiB);
	uint64_t cur[3] = { 0, 0, 0 }, pa, first[3];

	(void)state;
	for (unsigned k = 0; k < 3; k++) {
		assert_int_equal(phys_alloc_page_lane(a, k, 3, &cur[k], &pa), 0);
		assert_int_equal(pa, k * 4096ull); /* same block, own slot */
		first[k] = pa;
	}
	/* Lane 1 fills its slots of block 0 (171 of 512), then moves on. */
	for (unsigned n = 1; n < 171; n++) {
		assert_int_equal(phys_alloc_page_lane(a, 1, 3, &cur[1], &pa), 0);
		assert_int_equal(pa, (1 + 3ull * n) * 4096);
	}
	assert_int_equal(phys_alloc_page_lane(a, 1, 3, &cur[1], &pa), 0);
	assert_int_equal(pa, 2 * MiB + 4096);
	assert_int_equal(phys_used_bytes(a), (3 + 171) * 4096ull);
	phys_free_page(a, first[1] + 3 * 4096); /* a lane-1 slot again */
	cur[1] = 0;
	assert_int_equal(phys_alloc_page_lane(a, 1, 3, &cur[1], &pa), 0);
	assert_int_equal(pa, first[1] + 3 * 4096);
	/* More lanes than pages in a block: clamped, still one slot each. */
	assert_int_equal(phys_alloc_page_lane(a, 700, 1000, &cur[2], &pa), 0);
	assert_int_equal(pa % (2 * MiB), (700 % 512) * 4096ull);
	assert_int_equal(phys_bad_frees(a), 0);
	phys_alloc_destroy(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_create),
		cmocka_unit_test(test_pages_exhaust),
		cmocka_unit_test(test_2m_kept_whole),
		cmocka_unit_test(test_contig_and_reserve),
		cmocka_unit_test(test_fail_nth),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_random_shadow),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_lanes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
