/*
 * test_host_td.c - the manager under a real TD workload on the model:
 * one TD (TDR, TDCS pages, S-EPT tables: all through dpamt_alloc_page),
 * N vCPU-like threads mapping and unmapping 4K private pages (page from
 * the allocator, dpamt_get, TDH.MEM.PAGE.AUG / TDH.MEM.PAGE.REMOVE,
 * dpamt_put) at random GPAs of their own.  Their physical pages share 2
 * MiB ranges, so get/put collide.  At a quiescent point mid-run: the
 * section 7 check with the module's page_count *equal* to every refcount
 * (each reference is a page the module really uses) and to what the test
 * holds; at the end, after teardown with TDH.PHYMEM.PAGE.RECLAIM: no
 * pair, no refcount, no page leaked.  Randomised: seed=N, DPAMT_SEED.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/host_test_util.h"

#define MEM (8 * GiB)
#define VCPUS 4
#define SLOTS 8     /* 4K GPAs each vCPU maps at most at once */
#define BLOCKS 16   /* 2 MiB blocks the private pages come from */
#define PER_VCPU (512 / VCPUS) /* pages of a block a vCPU may use */
#ifdef DPAMT_TSAN
#define OPS 20000
#else
#define OPS 40000
#endif

struct td {
	struct model_host h;
	struct ht_held held;
	uint64_t tdr, seed;
	uint64_t ctl[64];   /* TDCS and S-EPT pages */
	unsigned n_ctl;
	uint64_t block[BLOCKS]; /* vCPU v uses pages v, v+VCPUS, ... */
	pthread_barrier_t start, half, go_on;
	_Atomic uint64_t errors, busy;
};

struct vcpu {
	struct td *td;
	unsigned id;
	uint64_t page[SLOTS]; /* 0: slot unmapped */
	bool used[BLOCKS][PER_VCPU];
};

/* A free page of this vCPU's share, in a random block: the vCPUs share
 * every 2 MiB range, and ranges keep emptying (few pages each). */
static uint64_t pick_page(struct vcpu *v, uint64_t *rng)
{
	for (;;) {
		unsigned b = (unsigned)(prng_next(rng) % BLOCKS);
		unsigned k = (unsigned)(prng_next(rng) % PER_VCPU);

		if (v->used[b][k])
			continue;
		v->used[b][k] = true;
		return v->td->block[b] + (uint64_t)(v->id + VCPUS * k) * 4096;
	}
}

static void unpick_page(struct vcpu *v, uint64_t pa)
{
	for (unsigned b = 0; b < BLOCKS; b++)
		if (pa - v->td->block[b] < MiB2)
			v->used[b][(pa - v->td->block[b]) / 4096 / VCPUS] =
				false;
}

/* One SEAMCALL, BUSY retried (the module never waits). */
static uint64_t call(struct td *td, struct dpamt_tdx_regs *r)
{
	struct dpamt_tdx_regs in = *r;

	for (unsigned i = 0;; i++) {
		*r = in;
		tdxmod_seamcall(td->h.mod, r);
		if (!dpamt_tdx_is_busy(r->rax) || i > 100000)
			return r->rax;
		atomic_fetch_add_explicit(&td->busy, 1, memory_order_relaxed);
		sched_yield();
	}
}

static void expect_ok(struct td *td, struct dpamt_tdx_regs *r, const char *what)
{
	uint64_t st = call(td, r);
	char buf[64];

	if (!dpamt_tdx_is_success(st)) {
		atomic_fetch_add_explicit(&td->errors, 1, memory_order_relaxed);
		printf("%s: %s\n", what,
		       dpamt_tdx_status_name(st, buf, sizeof(buf)));
	}
}

static void held_add(struct td *td, uint64_t pa, int d)
{
	atomic_fetch_add_explicit(&td->held.refs[pa / MiB2], (uint32_t)d,
				  memory_order_relaxed);
}

static uint64_t ctl_page(struct td *td)
{
	uint64_t pa;

	assert_int_equal(dpamt_alloc_page(td->h.dp, NULL, &pa), 0);
	held_add(td, pa, 1);
	return pa;
}

static void td_build(struct td *td)
{
	unsigned ntdcs = dpamt_metadata(td->h.dp)->num_tdcs_pages;
	struct dpamt_tdx_regs r;

	td->tdr = ctl_page(td);
	r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_MNG_CREATE,
				     .rcx = td->tdr,
				     .rdx = 1 };
	expect_ok(td, &r, "MNG.CREATE");
	r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_MNG_KEY_CONFIG,
				     .rcx = td->tdr };
	expect_ok(td, &r, "MNG.KEY.CONFIG");
	for (unsigned i = 0; i < ntdcs; i++) {
		td->ctl[td->n_ctl] = ctl_page(td);
		r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_MNG_ADDCX,
				       .rcx = td->ctl[td->n_ctl++],
				       .rdx = td->tdr };
		expect_ok(td, &r, "MNG.ADDCX");
	}
	r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_MNG_INIT,
				     .rcx = td->tdr };
	expect_ok(td, &r, "MNG.INIT");
	for (unsigned lvl = 3; lvl >= 1; lvl--)
		for (unsigned v = 0; v < (lvl == 1 ? VCPUS : 1); v++) {
			td->ctl[td->n_ctl] = ctl_page(td);
			r = (struct dpamt_tdx_regs){
				.rax = DPAMT_TDH_MEM_SEPT_ADD,
				.rcx = (uint64_t)v * MiB2 | lvl,
				.rdx = td->tdr, .r8 = td->ctl[td->n_ctl++] };
			expect_ok(td, &r, "SEPT.ADD");
		}
	assert_int_equal(atomic_load_explicit(&td->errors,
					      memory_order_relaxed), 0);
}

static void map_slot(struct vcpu *v, struct dpamt_cache *c, unsigned s,
		     uint64_t *rng)
{
	struct td *td = v->td;
	uint64_t pa = pick_page(v, rng);
	struct dpamt_tdx_regs r;

	if (dpamt_cache_topup(td->h.dp, c, dpamt_pages_per_get(td->h.dp)) ||
	    dpamt_get(td->h.dp, pa, c)) {
		unpick_page(v, pa);
		atomic_fetch_add_explicit(&td->errors, 1, memory_order_relaxed);
		return;
	}
	r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_MEM_PAGE_AUG,
			       .rcx = (uint64_t)v->id * MiB2 + s * 4096ULL,
			       .rdx = td->tdr, .r8 = pa };
	expect_ok(td, &r, "PAGE.AUG");
	held_add(td, pa, 1);
	v->page[s] = pa;
}

static void unmap_slot(struct vcpu *v, struct dpamt_cache *c, unsigned s)
{
	struct td *td = v->td;
	struct dpamt_tdx_regs r = { .rax = DPAMT_TDH_MEM_PAGE_REMOVE,
			      .rcx = (uint64_t)v->id * MiB2 + s * 4096ULL,
			      .rdx = td->tdr };

	expect_ok(td, &r, "PAGE.REMOVE");
	held_add(td, v->page[s], -1);
	if (dpamt_put(td->h.dp, v->page[s], c))
		atomic_fetch_add_explicit(&td->errors, 1, memory_order_relaxed);
	unpick_page(v, v->page[s]);
	v->page[s] = 0;
}

static void *vcpu_main(void *arg)
{
	struct vcpu *v = arg;
	struct dpamt_cache c = { 0 };
	uint64_t rng = v->td->seed * 31 + v->id;

	pthread_barrier_wait(&v->td->start);
	for (unsigned i = 0; i < OPS; i++) {
		unsigned s = (unsigned)(prng_next(&rng) % SLOTS);

		if (v->page[s])
			unmap_slot(v, &c, s);
		else
			map_slot(v, &c, s, &rng);
	}
	dpamt_cache_flush_stats(v->td->h.dp, &c);
	pthread_barrier_wait(&v->td->half);
	pthread_barrier_wait(&v->td->go_on);
	for (unsigned s = 0; s < SLOTS; s++)
		if (v->page[s])
			unmap_slot(v, &c, s);
	dpamt_cache_drain(v->td->h.dp, &c);
	return NULL;
}

static void td_teardown(struct td *td)
{
	struct dpamt_tdx_regs r = { .rax = DPAMT_TDH_MNG_VPFLUSHDONE,
				    .rcx = td->tdr };

	expect_ok(td, &r, "VPFLUSHDONE");
	r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_PHYMEM_CACHE_WB,
				     .rcx = 0 };
	expect_ok(td, &r, "PHYMEM.CACHE.WB");
	r = (struct dpamt_tdx_regs){ .rax = DPAMT_TDH_MNG_KEY_FREEID,
				     .rcx = td->tdr };
	expect_ok(td, &r, "KEY.FREEID");
	for (unsigned i = td->n_ctl; i-- > 0;) {
		assert_int_equal(dpamt_reclaim_page(td->h.dp, td->ctl[i], NULL),
				 0);
		held_add(td, td->ctl[i], -1);
		phys_free_page(td->h.alloc, td->ctl[i]);
	}
	assert_int_equal(dpamt_reclaim_page(td->h.dp, td->tdr, NULL), 0);
	held_add(td, td->tdr, -1);
	phys_free_page(td->h.alloc, td->tdr);
}

static void report(struct td *td)
{
	struct dpamt_stats st;

	dpamt_stats(td->h.dp, &st);
	printf("  gets=%llu fast=%llu adds=%llu removes=%llu pairs=%llu"
	       " peak=%llu busy_retries=%llu contentions=%llu wait_ns=%llu"
	       " test_busy=%llu\n",
	       (unsigned long long)st.gets, (unsigned long long)st.fast_gets,
	       (unsigned long long)st.pamt_add_ok,
	       (unsigned long long)st.pamt_remove_ok,
	       (unsigned long long)st.pairs_now,
	       (unsigned long long)st.pairs_peak,
	       (unsigned long long)st.busy_retries,
	       (unsigned long long)st.lock_contentions,
	       (unsigned long long)st.lock_wait_ns,
	       (unsigned long long)atomic_load_explicit(&td->busy,
							memory_order_relaxed));
	assert_int_equal(st.pamt_add_ok - st.pamt_remove_ok, st.pairs_now);
	assert_int_equal(st.pairs_now, tdxmod_pairs_installed(td->h.mod));
	assert_int_equal(st.remove_errors + st.add_not_free, 0);
}

static void td_workload(enum dpamt_strategy strat)
{
	struct td *td = calloc(1, sizeof(*td));
	struct dpamt_config c = ht_cfg(MEM, strat);
	struct dpamt_check_opts o = { .exact_page_count = true };
	struct vcpu *v = calloc(VCPUS, sizeof(*v));
	pthread_t t[VCPUS];
	uint64_t base;

	assert_non_null(td);
	assert_non_null(v);
	td->seed = test_seed(dpamt_strategy_name(strat), 1);
	ht_host(&td->h, MEM, &c, NULL, NULL);
	ht_held_init(&td->held, MEM);
	o.held = ht_held_cb;
	o.held_arg = &td->held;
	base = phys_used_bytes(td->h.alloc);
	for (unsigned b = 0; b < BLOCKS; b++)
		assert_int_equal(phys_alloc_2m(td->h.alloc, b, &td->block[b]),
				 0);
	td_build(td);
	assert_int_equal(ht_check(&td->h, &o), 0);
	pthread_barrier_init(&td->start, NULL, VCPUS);
	pthread_barrier_init(&td->half, NULL, VCPUS + 1);
	pthread_barrier_init(&td->go_on, NULL, VCPUS + 1);
	for (unsigned i = 0; i < VCPUS; i++) {
		v[i].td = td;
		v[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, vcpu_main, &v[i]),
				 0);
	}
	pthread_barrier_wait(&td->half);
	report(td);
	assert_int_equal(ht_check(&td->h, &o), 0);
	pthread_barrier_wait(&td->go_on);
	for (unsigned i = 0; i < VCPUS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(ht_check(&td->h, &o), 0);
	td_teardown(td);
	for (unsigned b = 0; b < BLOCKS; b++)
		phys_free_2m(td->h.alloc, td->block[b]);
	assert_int_equal(atomic_load_explicit(&td->errors,
					      memory_order_relaxed), 0);
	report(td);
	o.all_gone = true;
	assert_int_equal(ht_check(&td->h, &o), 0);
	assert_int_equal(phys_used_bytes(td->h.alloc), base);
	pthread_barrier_destroy(&td->start);
	pthread_barrier_destroy(&td->half);
	pthread_barrier_destroy(&td->go_on);
	ht_held_fini(&td->held);
	model_host_destroy(&td->h);
	free(v);
	free(td);
}

/* Every production strategy (always built). */
static void test_td_workload(void **state)
{
	static const enum dpamt_strategy s[] = {
		DPAMT_STRATEGY_GLOBAL_LOCK, DPAMT_STRATEGY_HASHED,
		DPAMT_STRATEGY_LOCKLESS,
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		assert_true(dpamt_strategy_available(s[i]));
		td_workload(s[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_td_workload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
