/*
 * test_tdxmod_mem.c - the model's sparse memory index (model.h,
 * src/tdxmod/mem.c): a 2 MiB block's leaf keeps MEM_LEAF_KEYS pages in
 * keyed slots and the rest in its dense overflow.  Checked: what each
 * step costs in the footprint (the first page of a block, the last keyed
 * one, the first in the overflow), that a dropped page keeps its slot and
 * a page rewritten reuses it, that pages read back wherever they live,
 * and that threads writing the pages of one block at once (the same pages
 * in different orders) never give a page two slots: every thread's word
 * survives in every page.  Run in the TSan build too.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tdxmod/model.h"
#include "tm_util.h"

#define MEM (4 * GiB)
#define BLOCK 0x40000000ULL /* a 2 MiB block nothing else uses */
#define NEXT (BLOCK + 2 * MiB)
#define THREADS 2
#ifdef DPAMT_TSAN
#define ROUNDS 300
#else
#define ROUNDS 2000
#endif

static uint64_t peek(struct tdxmod *m, uint64_t pa)
{
	uint64_t v;

	tdxmod_phys_read(m, pa, &v, 8);
	return v;
}

/* Write v at pa; the footprint must grow by exactly grew. */
static void poke_costs(struct tdxmod *m, uint64_t pa, uint64_t v,
		       uint64_t grew)
{
	uint64_t before = tdxmod_footprint_bytes(m);

	tdxmod_phys_write(m, pa, &v, 8);
	assert_int_equal(peek(m, pa), v);
	assert_int_equal(tdxmod_footprint_bytes(m) - before, grew);
}

/* Keyed slots, then the overflow; a dropped page's slot stays its own. */
static void test_keyed_then_overflow(void **state)
{
	struct tdxmod *m = tm_model(MEM, true);
	const uint64_t page = sizeof(struct mem_page);
	/* keys are claimed in write order, whatever the page's index */
	const unsigned idx[] = {500, 3, 499, 17, 16, 250, 511, 1,
				0,   9, 300, 40, 41,  42, 43,  44, 45, 46};

	(void)state;
	assert_true(sizeof(idx) / sizeof(idx[0]) >= MEM_LEAF_KEYS + 2);
	/* a block in a GiB not touched yet: its mid node, the leaf, a page */
	poke_costs(m, BLOCK + idx[0] * PG, 1, sizeof(struct mem_mid) +
					     sizeof(struct mem_leaf) + page);
	for (unsigned k = 1; k < MEM_LEAF_KEYS; k++)
		poke_costs(m, BLOCK + idx[k] * PG + 8 * k, k + 1, page);
	/* the first page past the keyed slots: the overflow and a page */
	poke_costs(m, BLOCK + idx[MEM_LEAF_KEYS] * PG, 100,
		   sizeof(struct mem_over) + page);
	/* the next one: a page */
	poke_costs(m, BLOCK + idx[MEM_LEAF_KEYS + 1] * PG, 101, page);
	/* the next block: a leaf and a page (the GiB's mid node exists) */
	poke_costs(m, NEXT, 7, sizeof(struct mem_leaf) + page);
	for (unsigned k = 0; k < MEM_LEAF_KEYS; k++)
		assert_int_equal(peek(m, BLOCK + idx[k] * PG + 8 * k), k + 1);
	assert_int_equal(peek(m, BLOCK + idx[MEM_LEAF_KEYS] * PG), 100);
	assert_int_equal(peek(m, BLOCK + idx[MEM_LEAF_KEYS + 1] * PG), 101);
	/* pages never written read as 0, keyed block or not */
	assert_int_equal(peek(m, BLOCK + 4 * PG), 0);
	assert_int_equal(peek(m, BLOCK + 502 * PG), 0);
	assert_int_equal(peek(m, NEXT + PG), 0);
	tdxmod_destroy(m);
}

/* The module zeroing a page drops its buffer but the key stays: writing
 * it again takes the pooled buffer into the same slot (no growth), and a
 * page not yet keyed still finds a free keyed slot. */
static void test_drop_keeps_slot(void **state)
{
	struct tdxmod *m = tm_model(MEM, true);
	const uint64_t page = sizeof(struct mem_page);
	struct tm_td td;
	uint64_t before;

	(void)state;
	/* pages of BLOCK are a pair, dropped by PAMT.ADD and REMOVE */
	tm_td_build(m, &td, 0x10000000ULL, 0x20000000ULL, 5);
	poke_costs(m, BLOCK + 5 * PG, 42, sizeof(struct mem_mid) +
					     sizeof(struct mem_leaf) + page);
	poke_costs(m, BLOCK + 6 * PG, 43, page);
	TM_EXPECT(tm_pamt_add(m, NEXT, BLOCK + 5 * PG, BLOCK + 6 * PG),
		  DPAMT_TDX_SUCCESS);
	assert_int_equal(peek(m, BLOCK + 5 * PG), 0);
	TM_EXPECT(tm_pamt_remove(m, NEXT, NULL, NULL), DPAMT_TDX_SUCCESS);
	before = tdxmod_footprint_bytes(m);
	poke_costs(m, BLOCK + 5 * PG, 44, 0);
	poke_costs(m, BLOCK + 6 * PG, 45, 0);
	assert_int_equal(tdxmod_footprint_bytes(m), before);
	poke_costs(m, BLOCK + 9 * PG, 46, page);
	tm_check_ok(m);
	tdxmod_destroy(m);
}

struct writer {
	struct tdxmod *m;
	_Atomic unsigned *ready; /* a spinning start: a barrier's wake-ups
				  * come microseconds apart */
	unsigned id;
	uint64_t seed; /* 0: the pages in index order, as the others */
};

/* Write word id of each of the block's first 2 * MEM_LEAF_KEYS pages,
 * in an order of its own. */
static void *write_block(void *arg)
{
	struct writer *w = arg;
	unsigned order[2 * MEM_LEAF_KEYS], n = 2 * MEM_LEAF_KEYS;
	uint64_t s = w->seed;

	for (unsigned i = 0; i < n; i++)
		order[i] = i;
	for (unsigned i = n - 1; s && i > 0; i--) {
		unsigned j = (unsigned)prng_below(&s, i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	atomic_fetch_add_explicit(w->ready, 1, memory_order_acq_rel);
	while (atomic_load_explicit(w->ready, memory_order_acquire) < THREADS)
		sched_yield();
	for (unsigned i = 0; i < n; i++) {
		uint64_t v = 1000 * w->id + order[i];

		tdxmod_phys_write(w->m, BLOCK + order[i] * 7 * PG + 8 * w->id,
				  &v, 8);
	}
	return NULL;
}

/* Half the rounds every thread writes the pages in the same order (its
 * claims meet on one key), half in orders of their own. */
static void test_concurrent_claims(void **state)
{
	uint64_t seed = test_seed("test_concurrent_claims", 12);
	pthread_t t[THREADS];
	struct writer w[THREADS];

	(void)state;
	for (unsigned round = 0; round < ROUNDS; round++) {
		struct tdxmod *m = tm_model(MEM, true);
		_Atomic unsigned ready = 0;

		for (unsigned i = 0; i < THREADS; i++) {
			w[i] = (struct writer){
				m, &ready, i,
				round % 2 ? prng_at(seed + round * 64 + i) | 1
					  : 0};
			assert_int_equal(pthread_create(&t[i], NULL,
							write_block, &w[i]),
					 0);
		}
		for (unsigned i = 0; i < THREADS; i++)
			pthread_join(t[i], NULL);
		for (unsigned p = 0; p < 2 * MEM_LEAF_KEYS; p++)
			for (unsigned i = 0; i < THREADS; i++)
				assert_int_equal(
					peek(m, BLOCK + p * 7 * PG + 8 * i),
					1000 * i + p);
		tdxmod_destroy(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyed_then_overflow),
		cmocka_unit_test(test_drop_keeps_slot),
		cmocka_unit_test(test_concurrent_claims),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
