/*
 * strat_util.c - see strat_util.h.
 */
#include "strat_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

const enum dpamt_strategy st_hashed = DPAMT_STRATEGY_HASHED;
const enum dpamt_strategy st_lockless = DPAMT_STRATEGY_LOCKLESS;
const enum dpamt_strategy st_global = DPAMT_STRATEGY_GLOBAL_LOCK;

enum dpamt_strategy st_of(void **state)
{
	enum dpamt_strategy s = *(const enum dpamt_strategy *)*state;

	printf("strategy=%s\n", dpamt_strategy_name(s));
	assert_true(dpamt_strategy_available(s));
	return s;
}

static void spy_count(struct st_spy *s, void *lock)
{
	if (lock == s->global)
		atomic_fetch_add_explicit(&s->global_taken, 1,
					  memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&s->other_taken, 1,
					  memory_order_relaxed);
}

static void *spy_new(void *ctx)
{
	struct st_spy *s = ctx;
	void *l = s->orig.lock_new(ctx);

	if (atomic_fetch_add_explicit(&s->locks_made, 1,
				      memory_order_relaxed) == 0)
		s->global = l; /* dp_setup makes the global lock first */
	return l;
}

static bool spy_try(void *ctx, void *lock)
{
	struct st_spy *s = ctx;
	bool ok = s->orig.lock_try(ctx, lock);

	if (ok)
		spy_count(s, lock);
	return ok;
}

static void spy_acquire(void *ctx, void *lock)
{
	struct st_spy *s = ctx;

	s->orig.lock_acquire(ctx, lock);
	spy_count(s, lock);
}

void st_spy_create(struct st_spy *s, uint64_t mem,
		   const struct dpamt_config *c)
{
	struct ht_tweak tw = { 0 };
	unsigned hkid;

	memset(s, 0, sizeof(*s));
	hkid = ht_model_up(&s->mod, &s->alloc, &s->mo, mem, &tw);
	assert_ptr_equal(s->mo.ops.ctx, s);
	assert_non_null(s->mo.ops.lock_new);
	s->orig = s->mo.ops;
	s->mo.ops.lock_new = spy_new;
	s->mo.ops.lock_try = spy_try;
	s->mo.ops.lock_acquire = spy_acquire;
	s->dp = ht_dpamt_up(c, &s->mo.ops, hkid);
	assert_true(atomic_load_explicit(&s->locks_made,
					 memory_order_relaxed) >= 1);
}

void st_spy_destroy(struct st_spy *s)
{
	dpamt_destroy(s->dp);
	tdxmod_destroy(s->mod);
	phys_alloc_destroy(s->alloc);
	memset(s, 0, sizeof(*s));
}

uint64_t st_adds_ok(struct model_host *h)
{
	return ht_leaf_calls(h, DPAMT_TDH_PHYMEM_PAMT_ADD) -
	       ht_leaf_busy(h, DPAMT_TDH_PHYMEM_PAMT_ADD) -
	       ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_ADD);
}

uint64_t st_removes_ok(struct model_host *h)
{
	return ht_leaf_calls(h, DPAMT_TDH_PHYMEM_PAMT_REMOVE) -
	       ht_leaf_busy(h, DPAMT_TDH_PHYMEM_PAMT_REMOVE) -
	       ht_leaf_errors(h, DPAMT_TDH_PHYMEM_PAMT_REMOVE);
}
