/*
 * test_phys_frag.c - unit tests of the allocator's fragmented-host region
 * (phys_alloc_fragment): the host's pages are exactly pct% of each block,
 * never handed out and never freeable; the byte counters add up; 4K pages
 * come from the region first and a freed one comes back first; homes
 * keep callers apart; 2 MiB blocks still come from clean memory; fault
 * injection still counts; bad arguments change nothing.  The region's
 * seed is printed (DPAMT_SEED replays it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "glue/phys_alloc.h"
#include "test_seed.h"

#define MiB (1ull << 20)
#define PAGE 4096ull
/* 64 MiB: 32 blocks, 16 arenas of 2; the region is the top 32 MiB
 * (arenas 8..15), the clean half below. */
#define HOST (64 * MiB)
#define REGION (32 * MiB)
#define PCT 90u
#define HOST_PER_BLOCK 461u /* 512 x 90% to the nearest page */

static uint64_t seed;

static struct phys_alloc *make_frag(unsigned homes)
{
	struct phys_range r = { 0, HOST };
	struct phys_alloc *a = phys_alloc_create(&r, 1);

	assert_non_null(a);
	assert_int_equal(phys_alloc_fragment(a, HOST - REGION, REGION, PCT,
					     seed, homes), 0);
	return a;
}

static bool in_region(uint64_t pa)
{
	return pa >= HOST - REGION && pa < HOST;
}

/* Exactly HOST_PER_BLOCK host pages per region block, none outside; the
 * host's pages are not free; free + used + host = total. */
static void test_host_pages_counted(void **state)
{
	struct phys_alloc *a = make_frag(1);
	uint64_t blocks = REGION / (2 * MiB);

	(void)state;
	for (uint64_t b = 0; b < HOST / (2 * MiB); b++) {
		unsigned n = 0;

		for (uint64_t p = 0; p < 512; p++) {
			uint64_t pa = b * 2 * MiB + p * PAGE;

			n += phys_is_host(a, pa);
			if (phys_is_host(a, pa))
				assert_false(phys_is_free(a, pa));
		}
		assert_int_equal(n, in_region(b * 2 * MiB) ?
			HOST_PER_BLOCK : 0);
	}
	assert_int_equal(phys_host_bytes(a), blocks * HOST_PER_BLOCK * PAGE);
	assert_int_equal(phys_used_bytes(a), 0);
	assert_int_equal(phys_free_bytes(a) + phys_host_bytes(a), HOST);
	assert_int_equal(phys_total_bytes(a), HOST);
	phys_alloc_destroy(a);
}

/* Every page the allocator hands out, to the last one, is not the
 * host's; the region's go first; all given back, nothing is used. */
static void test_exhaust_never_host(void **state)
{
	struct phys_alloc *a = make_frag(1);
	uint64_t room = REGION / (2 * MiB) * (512 - HOST_PER_BLOCK);
	uint64_t n = HOST / PAGE - phys_host_bytes(a) / PAGE, pa;
	uint64_t *all = calloc(n, sizeof(*all));

	(void)state;
	assert_non_null(all);
	for (uint64_t i = 0; i < n; i++) {
		assert_int_equal(phys_alloc_page(a, (unsigned)i, &all[i]), 0);
		assert_false(phys_is_host(a, all[i]));
		assert_false(phys_is_free(a, all[i]));
		if (i < room) /* the region first, whatever the hint */
			assert_true(in_region(all[i]));
		else
			assert_false(in_region(all[i]));
	}
	assert_int_equal(phys_alloc_page(a, 0, &pa), -1);
	assert_int_equal(phys_free_bytes(a), 0);
	assert_int_equal(phys_used_bytes(a), HOST - phys_host_bytes(a));
	phys_free_pages(a, all, (unsigned)n);
	assert_int_equal(phys_used_bytes(a), 0);
	assert_int_equal(phys_free_bytes(a), HOST - phys_host_bytes(a));
	assert_int_equal(phys_bad_frees(a), 0);
	free(all);
	phys_alloc_destroy(a);
}

/* A page given back is the next one its home hands out, in a batch as
 * alone; a batch fills the lowest free pages of the region's blocks. */
static void test_freed_page_comes_back(void **state)
{
	struct phys_alloc *a = make_frag(1);
	uint64_t pa[200], again[3];

	(void)state;
	assert_int_equal(phys_alloc_pages(a, 0, 200, pa), 200);
	for (unsigned i = 1; i < 200; i++)
		assert_true(pa[i] / (2 * MiB) >= pa[i - 1] / (2 * MiB));
	phys_free_page(a, pa[150]);
	assert_int_equal(phys_alloc_page(a, 0, &again[0]), 0);
	assert_int_equal(again[0], pa[150]);
	phys_free_page(a, pa[120]);
	phys_free_page(a, pa[10]);
	assert_int_equal(phys_alloc_pages(a, 0, 3, again), 3);
	assert_int_equal(again[0], pa[10]);
	assert_int_equal(again[1], pa[120]);
	/* then the lowest block that still has room, after pa[199] */
	assert_true(again[2] / (2 * MiB) == pa[199] / (2 * MiB) ||
		    again[2] / (2 * MiB) == pa[199] / (2 * MiB) + 1);
	assert_true(in_region(again[2]));
	phys_alloc_destroy(a);
}

/* Two homes: hint 0 starts at the region's first arena, hint 1 half way
 * through; each keeps to its own until it is full. */
static void test_homes_apart(void **state)
{
	struct phys_alloc *a = make_frag(2);
	uint64_t half = HOST - REGION / 2, pa;
	uint64_t per_home = REGION / 2 / (2 * MiB) * (512 - HOST_PER_BLOCK);

	(void)state;
	for (uint64_t i = 0; i < per_home; i++) {
		assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
		assert_true(pa >= HOST - REGION && pa < half);
		assert_int_equal(phys_alloc_page(a, 3, &pa), 0); /* 3 % 2 */
		assert_true(pa >= half && pa < HOST);
	}
	/* both homes full: the clean half */
	assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	assert_false(in_region(pa));
	phys_alloc_destroy(a);
}

/* 2 MiB blocks come from the clean half only; a contiguous run holds
 * no host page; a region block, even with every free page of it taken,
 * given back as a 2 MiB block is a bad free and changes nothing. */
static void test_2m_from_clean(void **state)
{
	struct phys_alloc *a = make_frag(1);
	uint64_t pa, host = 0;

	(void)state;
	for (unsigned i = 0; i < (HOST - REGION) / (2 * MiB); i++) {
		assert_int_equal(phys_alloc_2m(a, i, &pa), 0);
		assert_false(in_region(pa));
	}
	assert_int_equal(phys_alloc_2m(a, 0, &pa), -1);
	if (phys_alloc_contig(a, 2 * PAGE, PAGE, &pa) == 0) {
		assert_false(phys_is_host(a, pa));
		assert_false(phys_is_host(a, pa + PAGE));
	}
	while (phys_alloc_page(a, 0, &pa) == 0)
		assert_true(in_region(pa));
	assert_int_equal(phys_free_bytes(a), 0);
	for (uint64_t p = HOST - REGION; !host; p += PAGE)
		if (phys_is_host(a, p))
			host = p;
	phys_free_2m(a, host & ~(2 * MiB - 1));
	assert_int_equal(phys_bad_frees(a), 1);
	assert_int_equal(phys_free_bytes(a), 0);
	assert_true(phys_is_host(a, host));
	assert_false(phys_is_free(a, host));
	phys_free_2m(a, 0);
	assert_int_equal(phys_bad_frees(a), 1);
	assert_int_equal(phys_alloc_contig(a, 64 * 1024, PAGE, &pa), 0);
	assert_int_equal(pa, 0);
	phys_alloc_destroy(a);
}

/* Giving back a host page is a bad free: it stays the host's and is
 * never handed out. */
static void test_host_page_free_is_bad(void **state)
{
	struct phys_alloc *a = make_frag(1);
	uint64_t host = 0, pa;

	(void)state;
	for (uint64_t p = HOST - REGION; !host; p += PAGE)
		if (phys_is_host(a, p))
			host = p;
	phys_free_page(a, host);
	phys_free_pages(a, &host, 1);
	phys_free_contig(a, host, PAGE);
	assert_int_equal(phys_bad_frees(a), 3);
	assert_true(phys_is_host(a, host));
	assert_false(phys_is_free(a, host));
	assert_int_equal(phys_used_bytes(a), 0);
	while (phys_alloc_page(a, 0, &pa) == 0)
		assert_true(pa != host);
	phys_alloc_destroy(a);
}

/* The injected failure counts region allocations like any other. */
static void test_fail_nth_region(void **state)
{
	struct phys_alloc *a = make_frag(1);
	uint64_t pa[4];

	(void)state;
	phys_alloc_fail_nth(a, 2);
	assert_int_equal(phys_alloc_page(a, 0, &pa[0]), 0);
	assert_int_equal(phys_alloc_pages(a, 0, 4, pa), 0);
	assert_int_equal(phys_alloc_pages(a, 0, 4, pa), 4);
	assert_true(in_region(pa[3]));
	assert_int_equal(phys_used_bytes(a), 5 * PAGE);
	phys_alloc_destroy(a);
}

/* Bad arguments, a second call, a used page in the region: -1 and no
 * change; pct 0 is no region at all. */
static void test_bad_args(void **state)
{
	struct phys_range r = { 0, HOST };
	struct phys_alloc *a = phys_alloc_create(&r, 1);
	uint64_t pa;

	(void)state;
	assert_non_null(a);
	assert_int_equal(phys_alloc_fragment(a, 0, REGION, 100, 1, 1), -1);
	assert_int_equal(phys_alloc_fragment(a, 0, REGION, 50, 1, 0), -1);
	assert_int_equal(phys_alloc_fragment(a, 4096, REGION, 50, 1, 1), -1);
	assert_int_equal(phys_alloc_fragment(a, 0, 3 * MiB, 50, 1, 1), -1);
	assert_int_equal(phys_alloc_fragment(a, 0, 0, 50, 1, 1), -1);
	assert_int_equal(phys_alloc_fragment(a, HOST, REGION, 50, 1, 1), -1);
	assert_int_equal(phys_alloc_fragment(a, 0, REGION, 0, 1, 1), 0);
	assert_int_equal(phys_alloc_page(a, 0, &pa), 0);
	assert_int_equal(phys_alloc_fragment(a, pa & ~(2 * MiB - 1), REGION,
					     50, 1, 1), -1);
	assert_int_equal(phys_host_bytes(a), 0);
	assert_int_equal(phys_free_bytes(a), HOST - PAGE);
	assert_int_equal(phys_alloc_fragment(a, HOST - REGION, REGION, 50, 1,
					     1), 0);
	assert_int_equal(phys_alloc_fragment(a, 0, 2 * MiB, 50, 1, 1), -1);
	assert_int_equal(phys_host_bytes(a),
			 REGION / (2 * MiB) * 256 * PAGE);
	phys_alloc_destroy(a);
}

/* The same seed draws the same host pages, another seed others. */
static void test_seeded(void **state)
{
	struct phys_alloc *a = make_frag(1), *b = make_frag(1), *c;
	struct phys_range r = { 0, HOST };
	unsigned differ = 0;

	(void)state;
	c = phys_alloc_create(&r, 1);
	assert_non_null(c);
	assert_int_equal(phys_alloc_fragment(c, HOST - REGION, REGION, PCT,
					     seed + 1, 1), 0);
	for (uint64_t p = HOST - REGION; p < HOST; p += PAGE) {
		assert_int_equal(phys_is_host(a, p), phys_is_host(b, p));
		differ += phys_is_host(a, p) != phys_is_host(c, p);
	}
	assert_true(differ > 0);
	phys_alloc_destroy(a);
	phys_alloc_destroy(b);
	phys_alloc_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_pages_counted),
		cmocka_unit_test(test_exhaust_never_host),
		cmocka_unit_test(test_freed_page_comes_back),
		cmocka_unit_test(test_homes_apart),
		cmocka_unit_test(test_2m_from_clean),
		cmocka_unit_test(test_host_page_free_is_bad),
		cmocka_unit_test(test_fail_nth_region),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_seeded),
	};

	seed = test_seed("test_phys_frag", 12);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
