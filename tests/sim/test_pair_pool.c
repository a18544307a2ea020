/*
 * test_pair_pool.c - the pair-page pool (src/glue/pair_pool.c) on its own
 * (whole blocks in, pages out, a block back once empty, foreign pages
 * refused, threads never given one page twice) and in the simulation:
 * with the pool on and off a run is clean (no leak, no violation, pairs
 * balance), the pool leaves fewer 2 MiB ranges blocked by pair pages, and
 * with huge pages it maps at least as many 2M pages.  Also the flag
 * --pair-pool on|off and the JSON key pair_pool.
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
#include <stdatomic.h>

#include "glue/pair_pool.h"
#include "glue/phys_alloc.h"
#include "sim/scenario_parse.h"
#include "sim/sim.h"
#include "sim/sim_run_check.h"
#include "util/prng.h"

#define MiB (1ull << 20)
#define MiB2 (2ull << 20)
#define POOL_MEM (64 * MiB)
#define THREADS 4
#define ROUNDS 3000

static void test_pool_blocks(void **state)
{
	struct phys_range pr = { 0, POOL_MEM };
	struct phys_alloc *a = phys_alloc_create(&pr, 1);
	struct pair_pool *p = pair_pool_create(a, POOL_MEM, 0);
	static uint64_t pa[513];
	struct pair_pool_stats s;
	uint64_t other;

	(void)state;
	assert_non_null(p);
	for (unsigned i = 0; i < 513; i++) {
		assert_int_equal(pair_pool_alloc(p, &pa[i]), 0);
		assert_int_equal(pa[i] / MiB2, (i < 512 ? pa[0] : pa[512]) /
						       MiB2);
	}
	assert_true(pa[0] / MiB2 != pa[512] / MiB2);
	pair_pool_stats(p, &s);
	assert_int_equal(s.blocks_now, 2);
	assert_int_equal(s.pages_out, 513);
	assert_int_equal(s.pages_idle, 511);
	assert_int_equal(phys_used_bytes(a), 2 * MiB2);
	/* A page the pool does not hold is refused and left alone. */
	assert_int_equal(phys_alloc_page(a, 0, &other), 0);
	assert_false(pair_pool_free(p, other));
	assert_false(phys_is_free(a, other));
	phys_free_page(a, other);
	assert_true(pair_pool_free(p, pa[512]));
	assert_false(pair_pool_free(p, pa[512])); /* twice: refused */
	pair_pool_stats(p, &s);
	assert_int_equal(s.blocks_now, 1); /* the emptied block went back */
	for (unsigned i = 0; i < 512; i++)
		assert_true(pair_pool_free(p, pa[i]));
	pair_pool_stats(p, &s);
	assert_int_equal(s.blocks_now, 0);
	assert_int_equal(s.blocks_peak, 2);
	assert_int_equal(s.blocks_taken, 2);
	assert_int_equal(phys_used_bytes(a), 0);
	assert_int_equal(phys_bad_frees(a), 0);
	pair_pool_destroy(p);
	phys_alloc_destroy(a);
}

static void test_pool_no_block(void **state)
{
	struct phys_range pr = { 0, 2 * MiB2 };
	struct phys_alloc *a = phys_alloc_create(&pr, 1);
	struct pair_pool *p = pair_pool_create(a, 2 * MiB2, 0);
	struct pair_pool_stats s;
	uint64_t x, y;

	(void)state;
	assert_int_equal(phys_alloc_page(a, 0, &x), 0);     /* block A */
	assert_int_equal(phys_alloc_2m(a, 0, &y), 0);       /* block B */
	assert_int_equal(pair_pool_alloc(p, &x), -1);
	pair_pool_stats(p, &s);
	assert_int_equal(s.no_block, 1);
	assert_int_equal(s.blocks_now, 0);
	pair_pool_destroy(p);
	phys_alloc_destroy(a);
}

struct thr {
	struct pair_pool *p;
	_Atomic uint8_t *taken; /* per page of POOL_MEM */
	uint64_t seed;
	unsigned dups;
};

static void *churn(void *arg)
{
	struct thr *t = arg;
	uint64_t held[64], s = t->seed;
	unsigned n = 0;

	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t d = prng_next(&s);

		if (n < 64 && (n == 0 || d % 3)) {
			if (pair_pool_alloc(t->p, &held[n]))
				continue;
			if (atomic_exchange_explicit(&t->taken[held[n] / 4096],
						     1, memory_order_relaxed))
				t->dups++;
			n++;
		} else {
			unsigned k = (unsigned)(prng_next(&s) % n);
			uint64_t pa = held[k];

			held[k] = held[--n];
			atomic_store_explicit(&t->taken[pa / 4096], 0,
					      memory_order_relaxed);
			if (!pair_pool_free(t->p, pa))
				t->dups++;
		}
	}
	while (n) {
		uint64_t pa = held[--n];

		atomic_store_explicit(&t->taken[pa / 4096], 0,
				      memory_order_relaxed);
		if (!pair_pool_free(t->p, pa))
			t->dups++;
	}
	return NULL;
}

static void test_pool_threads(void **state)
{
	struct phys_range pr = { 0, POOL_MEM };
	struct phys_alloc *a = phys_alloc_create(&pr, 1);
	struct pair_pool *p = pair_pool_create(a, POOL_MEM, 0);
	_Atomic uint8_t *taken = calloc(POOL_MEM / 4096, 1);
	struct thr t[THREADS];
	pthread_t th[THREADS];
	struct pair_pool_stats s;
	uint64_t seed = test_seed(__func__, 42);

	(void)state;
	assert_non_null(taken);
	for (unsigned i = 0; i < THREADS; i++) {
		t[i] = (struct thr){ p, taken, seed + i, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, churn, &t[i]), 0);
	}
	for (unsigned i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].dups, 0);
	}
	pair_pool_stats(p, &s);
	assert_int_equal(s.pages_out, 0);
	assert_int_equal(s.blocks_now, 0);
	assert_true(s.blocks_peak >= 1);
	assert_int_equal(phys_used_bytes(a), 0);
	assert_int_equal(phys_bad_frees(a), 0);
	free((void *)taken);
	pair_pool_destroy(p);
	phys_alloc_destroy(a);
}

static void add_td(struct sim_scenario *sc, uint64_t size, unsigned huge,
		   unsigned convert)
{
	struct sim_guest_spec *g = &sc->guests[sc->n_guests++];

	memset(g, 0, sizeof(*g));
	g->size = size;
	g->vcpus = 4;
	g->huge_pct = huge;
	g->touch_pct = 100;
	g->convert_pct = convert;
}

/* Clean (sim_run_check.h), and pair pages blocked some ranges. */
static void assert_clean(const struct sim_report *r, int rc)
{
	const struct sim_leaf_report *add =
		&r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD];

	printf("  pool %d: ADD %llu (busy %llu) blocked peak %llu, pool "
	       "blocks peak %llu, fallbacks %llu\n", r->pair_pool,
	       (unsigned long long)add->calls, (unsigned long long)add->busy,
	       (unsigned long long)r->ranges_blocked_by_pairs_peak,
	       (unsigned long long)r->pair_pool_blocks_peak,
	       (unsigned long long)r->pair_pool_fallbacks);
	sim_assert_clean_run(r, rc);
	assert_true(r->ranges_blocked_by_pairs_peak > 0);
}

static void run_pair(struct sim_scenario *sc, struct sim_report *off,
		     struct sim_report *on)
{
	sc->pair_pool = false;
	assert_clean(off, sim_run(sc, NULL, off));
	assert_false(off->pair_pool);
	assert_int_equal(off->pair_pool_blocks_peak, 0);
	sc->pair_pool = true;
	assert_clean(on, sim_run(sc, NULL, on));
	assert_true(on->pair_pool);
	assert_true(on->pair_pool_blocks_peak > 0);
	assert_int_equal(on->pair_pool_fallbacks, 0);
	/* Every blocked range is a pool block. */
	assert_true(on->ranges_blocked_by_pairs_peak <=
		    on->pair_pool_blocks_peak);
	assert_true(on->ranges_blocked_by_pairs_peak <
		    off->ranges_blocked_by_pairs_peak);
}

static void test_sim_on_off(void **state)
{
	struct sim_report *off = calloc(2, sizeof(*off));
	struct sim_scenario sc;

	(void)state;
	assert_non_null(off);
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	sc.cycles = 2;
	add_td(&sc, 256 * MiB, 0, 0);
	add_td(&sc, 128 * MiB, 0, 25);
	run_pair(&sc, &off[0], &off[1]);
	/* 384 MiB of TD memory at 4K needs ~192 pairs: a couple of blocks
	 * instead of pair pages scattered over dozens of ranges. */
	assert_true(off[1].ranges_blocked_by_pairs_peak * 10 <
		    off[0].ranges_blocked_by_pairs_peak);
	free(off);
}

static void test_sim_huge(void **state)
{
	struct sim_report *r = calloc(2, sizeof(*r));
	struct sim_scenario sc;
	uint64_t p2m[2] = { 0, 0 };

	(void)state;
	assert_non_null(r);
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	add_td(&sc, 256 * MiB, 50, 0);
	add_td(&sc, 256 * MiB, 50, 20);
	add_td(&sc, 128 * MiB, 0, 0);
	run_pair(&sc, &r[0], &r[1]);
	for (unsigned k = 0; k < 2; k++)
		for (unsigned i = 0; i < r[k].n_guests; i++)
			p2m[k] += r[k].guests[i].pages_2m;
	printf("  2M mappings: pool off %llu, on %llu\n",
	       (unsigned long long)p2m[0], (unsigned long long)p2m[1]);
	assert_true(p2m[0] > 0);
	assert_true(p2m[1] >= p2m[0]);
	free(r);
}

static void test_parse(void **state)
{
	char *on[] = { "sim", "--pair-pool", "on", NULL };
	char *off[] = { "sim", "--pair-pool=off", NULL };
	char *bad[] = { "sim", "--pair-pool", "yes", NULL };
	struct sim_cli cli;
	char msg[SIM_MSG_LEN];

	(void)state;
	memset(&cli, 0, sizeof(cli));
	assert_false(cli.sc.pair_pool); /* default off */
	assert_int_equal(sim_cli_parse(&cli, 3, on, msg, sizeof(msg)), 0);
	assert_true(cli.sc.pair_pool);
	assert_int_equal(sim_cli_parse(&cli, 2, off, msg, sizeof(msg)), 0);
	assert_false(cli.sc.pair_pool);
	assert_int_equal(sim_cli_parse(&cli, 3, bad, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "--pair-pool"));
	assert_false(cli.sc.pair_pool);
	assert_int_equal(sim_scenario_apply_json(&cli.sc, "{\"pair_pool\": "
						 "true}", "t", NULL, msg,
						 sizeof(msg)), 0);
	assert_true(cli.sc.pair_pool);
	assert_int_equal(sim_scenario_apply_json(&cli.sc, "{\"pair_pool\": "
						 "\"on\"}", "t", NULL, msg,
						 sizeof(msg)), -1);
	assert_non_null(strstr(msg, "pair_pool"));
	assert_true(cli.sc.pair_pool);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_pool_blocks),
		cmocka_unit_test(test_pool_no_block),
		cmocka_unit_test(test_pool_threads),
		cmocka_unit_test(test_sim_on_off),
		cmocka_unit_test(test_sim_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
