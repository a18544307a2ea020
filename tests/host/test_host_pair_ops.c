/*
 * test_host_pair_ops.c - the optional pair_alloc/pair_free ops: every pair
 * page the manager uses comes from pair_alloc and goes back through
 * pair_free, on every path (ADD done, ADD answered HPA_RANGE_NOT_FREE, ADD
 * failed, REMOVE, cache drain, DEMOTE/PROMOTE pairs), and page_alloc is
 * never asked for one.  Runs against the exact fake module.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpamt/dpamt.h"
#include "host/fake_module.h"

#define GiB (1ULL << 30)
#define MiB2 (2ULL << 20)
#define PAIR_BASE (64 * GiB) /* pair pages live far from host memory */
#define PAIR_MAX 64

struct px {
	struct fake f; /* first: ops.ctx points at it */
	void (*fake_seamcall)(void *ctx, struct dpamt_tdx_regs *r);
	bool out[PAIR_MAX];   /* pair page i handed out */
	unsigned n_out, allocs, frees, bad_frees, bad_adds;
	struct dpamt *dp;
};

static int px_pair_alloc(void *ctx, uint64_t *pa)
{
	struct px *x = ctx;

	for (unsigned i = 0; i < PAIR_MAX; i++) {
		if (!x->out[i]) {
			x->out[i] = true;
			x->n_out++;
			x->allocs++;
			*pa = PAIR_BASE + i * 4096ULL;
			return 0;
		}
	}
	return -1;
}

static bool px_is_out(struct px *x, uint64_t pa)
{
	uint64_t i = (pa - PAIR_BASE) / 4096;

	return pa >= PAIR_BASE && i < PAIR_MAX && x->out[i];
}

static void px_pair_free(void *ctx, uint64_t pa)
{
	struct px *x = ctx;

	x->frees++;
	if (!px_is_out(x, pa)) {
		x->bad_frees++;
		return;
	}
	x->out[(pa - PAIR_BASE) / 4096] = false;
	x->n_out--;
}

/* Every PAMT.ADD must carry pages pair_alloc handed out. */
static void px_seamcall(void *ctx, struct dpamt_tdx_regs *r)
{
	struct px *x = ctx;

	if (r->rax == DPAMT_TDH_PHYMEM_PAMT_ADD &&
	    (!px_is_out(x, r->rdx) || !px_is_out(x, r->r8)))
		x->bad_adds++;
	x->fake_seamcall(ctx, r);
}

static struct px *px_new(void)
{
	struct px *x = test_calloc(1, sizeof(*x));
	struct dpamt_config c;

	fake_init(&x->f, 4 * GiB);
	x->f.dpamt_supported = true;
	x->f.pages_per_pair = 2;
	x->f.entry_size_4k = 16;
	x->fake_seamcall = x->f.ops.seamcall;
	x->f.ops.seamcall = px_seamcall;
	x->f.ops.pair_alloc = px_pair_alloc;
	x->f.ops.pair_free = px_pair_free;
	memset(&c, 0, sizeof(c));
	c.strategy = DPAMT_STRATEGY_GLOBAL_LOCK;
	c.n_tdmrs = 1;
	c.tdmrs[0].size = 4 * GiB;
	c.busy_retries = 3;
	assert_int_equal(dpamt_create(&c, &x->f.ops, &x->dp), 0);
	return x;
}

/* Nothing out, nothing freed twice, no ADD with a foreign page, and
 * page_alloc never served a pair. */
static void px_free(struct px *x)
{
	assert_int_equal(x->n_out, 0);
	assert_int_equal(x->allocs, x->frees);
	assert_int_equal(x->bad_frees, 0);
	assert_int_equal(x->bad_adds, 0);
	assert_int_equal(x->f.pages_out, 0);
	dpamt_destroy(x->dp);
	fake_fini(&x->f);
	test_free(x);
}

static void test_add_remove_cached(void **state)
{
	struct px *x = px_new();
	struct dpamt_cache c = { 0 };

	(void)state;
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 4), 0);
	assert_int_equal(x->allocs, 4);
	assert_int_equal(dpamt_get(x->dp, 3 * MiB2, &c), 0);
	assert_int_equal(x->f.add_ok, 1);
	assert_int_equal(c.n, 2);
	assert_int_equal(dpamt_put(x->dp, 3 * MiB2, &c), 0);
	assert_int_equal(x->f.remove_ok, 1);
	assert_int_equal(c.n, 4); /* REMOVE's pages back in the cache */
	assert_int_equal(x->frees, 0);
	dpamt_cache_drain(x->dp, &c);
	assert_int_equal(x->frees, 4);
	px_free(x);
}

static void test_add_remove_uncached(void **state)
{
	struct px *x = px_new();

	(void)state;
	assert_int_equal(dpamt_get(x->dp, 5 * MiB2, NULL), 0);
	assert_int_equal(x->n_out, 2); /* installed */
	assert_int_equal(dpamt_put(x->dp, 5 * MiB2, NULL), 0);
	assert_int_equal(x->frees, 2); /* REMOVE -> pair_free */
	px_free(x);
}

static void test_add_not_free(void **state)
{
	struct px *x = px_new();
	struct dpamt_cache c = { 0 };

	(void)state;
	x->f.pair[7] = true; /* someone left a pair there */
	assert_int_equal(dpamt_get(x->dp, 7 * MiB2, NULL), 0);
	assert_int_equal(x->allocs, 2);
	assert_int_equal(x->frees, 2); /* unused pair back at once */
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 2), 0);
	assert_int_equal(dpamt_get(x->dp, 7 * MiB2 + 4096, &c), 0);
	assert_int_equal(dpamt_refcount(x->dp, 7 * MiB2), 2);
	assert_int_equal(c.n, 2);
	dpamt_cache_drain(x->dp, &c);
	x->f.pair[7] = false; /* the test's pair, not the manager's */
	px_free(x);
}

static void test_add_fails(void **state)
{
	struct px *x = px_new();
	struct dpamt_cache c = { 0 };

	(void)state;
	x->f.add_busy_next = 4; /* past the budget of 3 retries */
	assert_int_equal(dpamt_get(x->dp, MiB2, NULL), DPAMT_EBUSY);
	assert_int_equal(x->allocs, 2);
	assert_int_equal(x->frees, 2);
	assert_int_equal(dpamt_cache_topup(x->dp, &c, 2), 0);
	x->f.add_busy_next = 4;
	assert_int_equal(dpamt_get(x->dp, MiB2, &c), DPAMT_EBUSY);
	assert_int_equal(c.n, 2);
	dpamt_cache_drain(x->dp, &c);
	px_free(x);
}

static void test_demote_promote(void **state)
{
	struct px *x = px_new();
	uint64_t pair[2];

	(void)state;
	assert_int_equal(dpamt_demote_prepare(x->dp, NULL, pair), 0);
	assert_true(px_is_out(x, pair[0]) && px_is_out(x, pair[1]));
	dpamt_demote_abort(x->dp, NULL, pair);
	assert_int_equal(x->n_out, 0);
	assert_int_equal(dpamt_demote_prepare(x->dp, NULL, pair), 0);
	assert_int_equal(dpamt_demote_commit(x->dp, 9 * MiB2, pair), 0);
	assert_int_equal(x->n_out, 2); /* the module's now */
	assert_int_equal(dpamt_promote_commit(x->dp, 9 * MiB2, pair), 0);
	assert_int_equal(x->n_out, 0); /* PROMOTE's pair -> pair_free */
	px_free(x);
}

/* A pair page inside the page being demoted, or equal to the new S-EPT
 * page, meets DEMOTE's own exclusive locks in the module (pamt_demote()
 * in pamt_manager.c): BUSY forever.  The host refuses such a pair first. */
static void test_demote_pair_inside(void **state)
{
	const uint64_t h = 0x60000000, sept = 0x10200000;

	(void)state;
	assert_int_equal(dpamt_demote_check_pair(
				 h, sept, (uint64_t[2]){0x80002000, 0x80003000}),
			 DPAMT_OK);
	assert_int_equal(dpamt_demote_check_pair(
				 h, sept, (uint64_t[2]){0x80002000, h + 0x1000}),
			 DPAMT_EINVAL);
	assert_int_equal(dpamt_demote_check_pair(
				 h, sept, (uint64_t[2]){h + 0x1ff000, 0x80003000}),
			 DPAMT_EINVAL);
	assert_int_equal(dpamt_demote_check_pair(
				 h, sept, (uint64_t[2]){sept, 0x80003000}),
			 DPAMT_EINVAL);
	/* the neighbouring 2 MiB ranges are fine */
	assert_int_equal(dpamt_demote_check_pair(
				 h, sept, (uint64_t[2]){h - 0x1000, h + 0x200000}),
			 DPAMT_OK);
	/* static mode: no pair (zeros) */
	assert_int_equal(dpamt_demote_check_pair(h, sept, (uint64_t[2]){0, 0}),
			 DPAMT_OK);
}

static void test_half_pair_ops_rejected(void **state)
{
	struct fake f;
	struct dpamt_config c;
	struct dpamt *dp = NULL;

	(void)state;
	fake_init(&f, 4 * GiB);
	f.ops.pair_alloc = px_pair_alloc; /* without pair_free */
	memset(&c, 0, sizeof(c));
	c.n_tdmrs = 1;
	c.tdmrs[0].size = 4 * GiB;
	assert_int_equal(dpamt_create(&c, &f.ops, &dp), DPAMT_EINVAL);
	assert_null(dp);
	fake_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_remove_cached),
		cmocka_unit_test(test_demote_pair_inside),
		cmocka_unit_test(test_add_remove_uncached),
		cmocka_unit_test(test_add_not_free),
		cmocka_unit_test(test_add_fails),
		cmocka_unit_test(test_demote_promote),
		cmocka_unit_test(test_half_pair_ops_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
