/*
 * test_sim_engine.c - end-to-end runs of the simulation engine on small
 * scenarios: TDs boot on vCPU threads against the module model and the
 * host manager, then shut down.  Each run asserts the report: no leak, no
 * invariant violation, as many PAMT.REMOVEs as PAMT.ADDs, dynamic bytes
 * above 0 while TDs live and 0 after, plus what each scenario is about
 * (huge pages, conversion, cycles, legacy VMs, static mode, BUSY,
 * allocation failures, --threads 1 determinism).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim.h"
#include "sim/sim_run_check.h"
#include "strategies/broken/broken.h"
#include "util/prng.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct watch {
	uint64_t max_dynamic, max_pairs, events, booted, destroyed;
	uint64_t last_dynamic;
	uint64_t progress_calls, progress_done, progress_total;
};

static void on_event(void *arg, const struct sim_event *ev)
{
	struct watch *w = arg;

	w->events++;
	if (ev->dynamic_bytes > w->max_dynamic)
		w->max_dynamic = ev->dynamic_bytes;
	if (ev->pairs > w->max_pairs)
		w->max_pairs = ev->pairs;
	w->last_dynamic = ev->dynamic_bytes;
	if (!strcmp(ev->what, "td_booted"))
		w->booted++;
	if (!strcmp(ev->what, "td_destroyed"))
		w->destroyed++;
}

static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct watch *w = arg;

	w->progress_calls++;
	w->progress_done = done;
	w->progress_total = total;
}

static void add_td(struct sim_scenario *sc, uint64_t size, unsigned vcpus,
		   unsigned huge, unsigned touch, unsigned convert)
{
	struct sim_guest_spec *g = &sc->guests[sc->n_guests++];

	memset(g, 0, sizeof(*g));
	g->size = size;
	g->vcpus = vcpus;
	g->huge_pct = huge;
	g->touch_pct = touch;
	g->convert_pct = convert;
}

static void add_vm(struct sim_scenario *sc, uint64_t size, unsigned vcpus)
{
	add_td(sc, size, vcpus, 0, 100, 0);
	sc->guests[sc->n_guests - 1].legacy = true;
}

static void print_errors(const struct sim_report *r)
{
	for (unsigned i = 0; i < r->n_errors; i++)
		printf("  error: %s\n", r->errors[i]);
}

/* What every clean run must show (sim_run_check.h), and no dynamic
 * bytes left. */
static void assert_clean(const struct sim_report *r, int rc)
{
	const struct sim_leaf_report *add =
		&r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD];
	const struct sim_leaf_report *rem =
		&r->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE];

	printf("  PAMT.ADD %llu/%llu/%llu REMOVE %llu/%llu/%llu (calls/busy/"
	       "errors), add_ok %llu remove_ok %llu not_free %llu\n",
	       (unsigned long long)add->calls, (unsigned long long)add->busy,
	       (unsigned long long)add->errors, (unsigned long long)rem->calls,
	       (unsigned long long)rem->busy, (unsigned long long)rem->errors,
	       (unsigned long long)r->pamt.pamt_add_ok,
	       (unsigned long long)r->pamt.pamt_remove_ok,
	       (unsigned long long)r->pamt.add_not_free);
	sim_assert_clean_run(r, rc);
	assert_int_equal(r->pamt.dynamic_bytes_now, 0);
}

static int run(const struct sim_scenario *sc, struct watch *w,
	       struct sim_report *r)
{
	struct sim_callbacks cb = { w, on_event, on_progress };

	memset(w, 0, sizeof(*w));
	return sim_run(sc, &cb, r);
}

static struct sim_report *new_report(void)
{
	struct sim_report *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	return r;
}

/* The default scenario's shape, scaled down: 3 TDs x 256 MiB, 4 vCPUs,
 * all memory at 4K. */
static void test_default_shaped(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;
	uint64_t pages = 3 * 256 * MiB / 4096;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	for (int i = 0; i < 3; i++)
		add_td(&sc, 256 * MiB, 4, 0, 100, 0);
	assert_clean(r, run(&sc, &w, r));
	assert_int_equal(r->mode, DPAMT_MODE_DYNAMIC);
	assert_true(w.max_dynamic > 0);
	assert_int_equal(w.last_dynamic, 0);
	assert_int_equal(w.booted, 3);
	assert_int_equal(w.destroyed, 3);
	assert_int_equal(w.progress_done, pages);
	assert_int_equal(w.progress_total, pages);
	assert_int_equal(r->leaves[DPAMT_TDH_MEM_PAGE_AUG].calls -
				 r->leaves[DPAMT_TDH_MEM_PAGE_AUG].busy, pages);
	assert_true(r->pamt.pamt_add_ok >= 3 * 128); /* >= 1 per 2 MiB */
	assert_true(r->pamt.dynamic_bytes_peak >= 3 * 256 * MiB / 256);
	for (int i = 0; i < 3; i++) {
		const struct sim_guest_report *g = &r->guests[i];

		assert_int_equal(g->pages_4k, 256 * MiB / 4096);
		assert_int_equal(g->pages_2m, 0);
		/* 128 level-1 tables + 1 level-2 + 1 level-3 */
		assert_int_equal(g->sept_pages, 128 + 2);
		assert_true(g->control_pages > 1 + 4);
		assert_true(g->pairs_peak >= 128);
	}
	assert_int_equal(r->leaves[DPAMT_TDH_PHYMEM_PAGE_RECLAIM].errors, 0);
	free(r);
}

/* Half the memory at 2M, a quarter converted: DEMOTE, REMOVE, re-AUG,
 * PROMOTE. */
static void test_huge_mix(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	add_td(&sc, 256 * MiB, 4, 50, 100, 25);
	add_td(&sc, 128 * MiB, 2, 100, 100, 0);
	assert_clean(r, run(&sc, &w, r));
	assert_true(r->guests[0].pages_2m > 0);
	assert_true(r->guests[0].demotes > 0);
	assert_true(r->guests[0].promotes > 0);
	assert_true(r->guests[0].promotes <= r->guests[0].demotes);
	assert_true(r->guests[0].conversions > 0);
	assert_int_equal(r->guests[1].pages_2m, 64);
	assert_int_equal(r->guests[1].pages_4k, 0);
	assert_int_equal(r->guests[1].demotes, 0);
	assert_true(r->leaves[DPAMT_TDH_MEM_PAGE_DEMOTE].calls > 0);
	assert_true(r->leaves[DPAMT_TDH_MEM_PAGE_PROMOTE].calls > 0);
	assert_true(w.max_dynamic > 0);
	free(r);
}

/* Conversion of a whole 2M page (no split) and of 4K memory. */
static void test_convert_back_and_forth(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	add_td(&sc, 128 * MiB, 4, 0, 100, 60);
	add_td(&sc, 64 * MiB, 2, 100, 100, 100);
	assert_clean(r, run(&sc, &w, r));
	assert_int_equal(r->guests[0].conversions,
			 64 * (512 * 60 / 100));
	assert_int_equal(r->guests[1].conversions, 32 * 512);
	assert_int_equal(r->guests[1].demotes, 0);
	assert_true(r->leaves[DPAMT_TDH_MEM_PAGE_REMOVE].calls > 0);
	free(r);
}

/* Partly touched memory, five create/destroy cycles. */
static void test_many_cycles(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	sc.cycles = 5;
	add_td(&sc, 64 * MiB, 3, 25, 50, 10);
	add_td(&sc, 32 * MiB, 2, 0, 30, 0);
	assert_clean(r, run(&sc, &w, r));
	assert_int_equal(w.booted, 10);
	assert_int_equal(w.destroyed, 10);
	/* boot + after each destroy + at the end, per cycle */
	assert_int_equal(r->invariant_checks, 5 * (1 + 2 + 1));
	free(r);
}

/* Legacy VMs next to a TD, and legacy VMs alone: no PAMT traffic. */
static void test_legacy(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	add_vm(&sc, 128 * MiB, 2);
	add_td(&sc, 64 * MiB, 2, 0, 100, 0);
	add_vm(&sc, 64 * MiB, 1);
	assert_clean(r, run(&sc, &w, r));
	assert_int_equal(r->guests[0].pages_4k, 128 * MiB / 4096);
	assert_int_equal(r->guests[0].pairs_peak, 0);
	assert_int_equal(r->guests[0].sept_pages, 0);
	assert_true(r->guests[1].pairs_peak > 0);

	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	add_vm(&sc, 128 * MiB, 2);
	add_vm(&sc, 64 * MiB, 2);
	assert_clean(r, run(&sc, &w, r));
	assert_int_equal(w.max_dynamic, 0);
	assert_int_equal(r->pamt.pamt_add_calls, 0);
	assert_int_equal(r->pamt.pamt_remove_calls, 0);
	assert_int_equal(r->pamt.gets, 0);
	assert_int_equal(r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].calls, 0);
	assert_int_equal(r->leaves[DPAMT_TDH_MEM_PAGE_AUG].calls, 0);
	assert_int_equal(r->leaves[DPAMT_TDH_MNG_CREATE].calls, 0);
	free(r);
}

/* Static PAMT: the same workload never has a dynamic byte. */
static void test_static_mode(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	sc.mode = DPAMT_MODE_STATIC;
	add_td(&sc, 128 * MiB, 4, 50, 100, 20);
	add_td(&sc, 64 * MiB, 2, 0, 100, 0);
	assert_clean(r, run(&sc, &w, r));
	assert_int_equal(r->mode, DPAMT_MODE_STATIC);
	assert_int_equal(w.max_dynamic, 0);
	assert_int_equal(w.max_pairs, 0);
	assert_int_equal(r->pamt.dynamic_bytes_peak, 0);
	assert_int_equal(r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].calls, 0);
	assert_int_equal(r->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE].calls, 0);
	assert_true(r->pamt.static_bytes >= r->pamt.classic_bytes);
	assert_true(r->guests[0].demotes > 0);
	free(r);
}

/* The module answers BUSY on 0.5% of its lock attempts (PROMOTE takes
 * 512 locks, so it is often BUSY and the chunk may stay split). */
static void test_busy_injected(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;
	uint64_t busy = 0;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	sc.busy_inject = 0.005;
	add_td(&sc, 128 * MiB, 4, 25, 100, 20);
	add_td(&sc, 64 * MiB, 2, 0, 100, 0);
	assert_clean(r, run(&sc, &w, r));
	for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++)
		busy += r->leaves[l].busy;
	assert_true(busy > 0);
	assert_true(r->busy_retries_vmm + r->pamt.busy_retries > 0);
	free(r);
}

/* A BUSY storm (60% of lock attempts): calls may give up and the run may
 * report errors, but teardown retries its reclaims, so nothing leaks and
 * no invariant breaks (seed 5 leaked 6 pages when it did not). */
static void test_busy_storm_no_leak(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = 5; /* a run whose teardown meets long BUSY streaks */
	sc.threads = 1;
	sc.busy_inject = 0.6;
	add_td(&sc, 32 * MiB, 2, 50, 100, 50);
	run(&sc, &w, r);
	assert_int_equal(r->leaked_pages, 0);
	assert_int_equal(r->invariant_violations, 0);
	assert_int_equal(r->pamt.pairs_now, 0);
	free(r);
}

/* The k-th page allocation fails, for several k: the run may report an
 * error but never leaks or breaks an invariant. */
static void test_alloc_failures(void **state)
{
	struct sim_report *r = new_report();
	uint64_t seed = test_seed(__func__, 42), s = seed, hit = 0;
	struct watch w;

	(void)state;
	for (int it = 0; it < 12; it++) {
		struct sim_scenario sc;
		int rc;

		sim_scenario_empty(&sc);
		sc.seed = seed;
		add_td(&sc, 32 * MiB, 2, 25, 100, 25);
		add_td(&sc, 16 * MiB, 1, 0, 100, 0);
		sc.alloc_fail_nth =
			it < 4 ? (uint64_t)it + 1 : 5 + prng_below(&s, 400);
		sc.threads = it % 2 ? 1 : 0;
		rc = run(&sc, &w, r);
		printf("fail_nth=%llu rc=%d errors=%u fault_retries=%llu\n",
		       (unsigned long long)sc.alloc_fail_nth, rc, r->n_errors,
		       (unsigned long long)r->fault_retries_vmm);
		print_errors(r);
		assert_true(rc == 0 || rc == 1);
		assert_true(rc == 0 || r->n_errors > 0);
		hit += r->n_errors > 0 || r->fault_retries_vmm > 0;
		assert_int_equal(r->leaked_pages, 0);
		assert_int_equal(r->invariant_violations, 0);
		assert_int_equal(r->pamt.pairs_now, 0);
		assert_int_equal(r->pamt.pamt_add_ok + r->guests[0].demotes,
				 r->pamt.pamt_remove_ok + r->guests[0].promotes);
	}
	assert_true(hit >= 4); /* the first four always hit something */
	free(r);
}

/* Wall clock, --threads 1: the same seed gives the same counters, twice
 * (real threads, one at a time: no contention at all). */
static void test_threads1_deterministic(void **state)
{
	struct sim_scenario sc;
	struct sim_report *a = new_report(), *b = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	sc.clock = SIM_CLOCK_WALL;
	sc.threads = 1;
	add_td(&sc, 64 * MiB, 4, 30, 80, 20);
	add_td(&sc, 32 * MiB, 2, 0, 100, 10);
	add_vm(&sc, 16 * MiB, 1);
	assert_clean(a, run(&sc, &w, a));
	assert_clean(b, run(&sc, &w, b));
	for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++) {
		assert_int_equal(a->leaves[l].calls, b->leaves[l].calls);
		assert_int_equal(a->leaves[l].busy, b->leaves[l].busy);
	}
	assert_int_equal(a->pamt.gets, b->pamt.gets);
	assert_int_equal(a->pamt.pamt_add_calls, b->pamt.pamt_add_calls);
	assert_int_equal(a->pamt.pairs_peak, b->pamt.pairs_peak);
	assert_int_equal(a->pamt.dynamic_bytes_peak,
			 b->pamt.dynamic_bytes_peak);
	assert_int_equal(a->pamt.lock_contentions, 0);
	assert_memory_equal(a->guests, b->guests,
			    sizeof(a->guests[0]) * a->n_guests);
	free(a);
	free(b);
}

/* Every production strategy (the linux-* references aside) runs clean. */
static void test_every_strategy(void **state)
{
	struct sim_report *r = new_report();
	unsigned ran = 0;
	struct watch w;

	(void)state;
	for (int st = 0; st < DPAMT_STRATEGY_COUNT; st++) {
		struct sim_scenario sc;

		if (!dpamt_strategy_available(st) ||
		    st == DPAMT_STRATEGY_LINUX_V6 ||
		    st == DPAMT_STRATEGY_LINUX_V3)
			continue;
		sim_scenario_empty(&sc);
		sc.seed = test_seed(__func__, 42);
		sc.strategy = st;
		add_td(&sc, 64 * MiB, 4, 25, 100, 20);
		add_td(&sc, 64 * MiB, 3, 0, 100, 0);
		printf("strategy %s\n", dpamt_strategy_name(st));
		assert_clean(r, run(&sc, &w, r));
		assert_int_equal(r->strategy, st);
		assert_true(w.max_dynamic > 0);
		ran++;
	}
	assert_true(ran >= 1);
	free(r);
}

/* broken-hint REMOVEs on every put and lets the module refuse: refcounts
 * and pages stay consistent, so only the protocol counters can show it,
 * and the run must fail on them. */
static void test_protocol_errors_fail_the_run(void **state)
{
	struct sim_report *r = new_report();
	struct sim_scenario sc;
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	sc.strategy = DPAMT_TEST_STRATEGY_BROKEN_HINT;
	add_td(&sc, 64 * MiB, 2, 0, 100, 0);
	assert_int_equal(run(&sc, &w, r), 1);
	assert_true(r->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE].errors > 0);
	assert_true(r->n_errors >= 1);
	assert_non_null(strstr(r->errors[r->n_errors - 1],
			       "install/remove protocol errors"));
	free(r);
}

/* Many vCPU threads on few cores: one TD with 16 vCPUs, one with 8. */
static void test_many_vcpus(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r = new_report();
	struct watch w;

	(void)state;
	sim_scenario_empty(&sc);
	sc.seed = test_seed(__func__, 42);
	add_td(&sc, 128 * MiB, 16, 20, 100, 10);
	add_td(&sc, 64 * MiB, 8, 0, 70, 0);
	assert_clean(r, run(&sc, &w, r));
	assert_int_equal(w.booted, 2);
	assert_true(w.progress_calls > 0);
	assert_int_equal(w.progress_done, w.progress_total);
	free(r);
}

static void expect_invalid(const struct sim_scenario *sc, const char *word)
{
	struct sim_report *r = new_report();
	char msg[200];

	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), -1);
	printf("  rejected: %s\n", msg);
	assert_non_null(strstr(msg, word));
	assert_null(strchr(msg, '\n'));
	assert_int_equal(sim_run(sc, NULL, r), 2);
	assert_int_equal(r->n_errors, 1);
	assert_string_equal(r->errors[0], msg);
	assert_int_equal(r->invariant_checks, 0);
	free(r);
}

static void test_validation(void **state)
{
	struct sim_scenario sc;
	char msg[200];

	(void)state;
	sim_scenario_default(&sc);
	assert_int_equal(sim_validate(&sc, msg, sizeof(msg)), 0);
	assert_int_equal(sc.n_guests, 10);
	assert_int_equal(sc.guests[0].size, 16 * GiB);
	assert_int_equal(sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_ADD], 3000);
	assert_true(sim_host_mem_needed(&sc) >= 160 * GiB);
	assert_true(sim_host_mem_needed(&sc) <= 168 * GiB);

	sim_scenario_empty(&sc);
	expect_invalid(&sc, "nothing to run");
	add_td(&sc, 3 * MiB, 1, 0, 100, 0);
	expect_invalid(&sc, "2 MiB");
	sc.guests[0].size = 0;
	expect_invalid(&sc, "size");
	sc.guests[0].size = 64 * MiB;
	sc.guests[0].vcpus = 0;
	expect_invalid(&sc, "vcpus");
	sc.guests[0].vcpus = 65;
	expect_invalid(&sc, "vcpus");
	sc.guests[0].vcpus = 2;
	sc.guests[0].huge_pct = 101;
	expect_invalid(&sc, "100");
	sc.guests[0].huge_pct = 0;
	sc.guests[0].touch_pct = 120;
	expect_invalid(&sc, "100");
	sc.guests[0].touch_pct = 100;
	sc.host_mem = 1 * GiB + 4096;
	expect_invalid(&sc, "1 GiB");
	sc.host_mem = 1 * GiB;
	sc.guests[0].size = 2 * GiB;
	expect_invalid(&sc, "--host-mem");
	sc.host_mem = 0;
	sc.cycles = 0;
	expect_invalid(&sc, "cycles");
	sc.cycles = 1;
	sc.busy_inject = 1.5;
	expect_invalid(&sc, "busy");
	sc.busy_inject = 0;
	sc.strategy = DPAMT_TEST_STRATEGY_END;
	expect_invalid(&sc, "strategy");
	sc.strategy = DPAMT_STRATEGY_GLOBAL_LOCK;
	sc.seamcall_ns[DPAMT_TDH_MEM_PAGE_AUG] = 20000000;
	expect_invalid(&sc, "latency");
	sc.seamcall_ns[DPAMT_TDH_MEM_PAGE_AUG] = 0;
	add_vm(&sc, 64 * MiB, 1);
	sc.guests[1].huge_pct = 10;
	expect_invalid(&sc, "TDs only");
	sc.guests[1].huge_pct = 0;
	for (unsigned i = sc.n_guests; i < 70; i++)
		add_td(&sc, 2 * MiB, 1, 0, 100, 0);
	expect_invalid(&sc, "HKID");
}

/* --shared-ranges: the guests' 4K pages interleave in 2 MiB ranges (off:
 * each vCPU fills its own blocks), and the run stays clean. */
static void test_shared_ranges(void **state)
{
	struct sim_report *r = new_report();
	uint64_t shared[2];
	struct watch w;

	(void)state;
	for (int on = 0; on < 2; on++) {
		struct sim_scenario sc;

		sim_scenario_empty(&sc);
		sc.seed = test_seed(__func__, 42);
		sc.shared_ranges = on;
		add_td(&sc, 32 * MiB, 2, 0, 100, 0);
		add_td(&sc, 32 * MiB, 2, 0, 100, 0);
		add_td(&sc, 32 * MiB, 2, 0, 100, 0);
		assert_clean(r, run(&sc, &w, r));
		assert_int_equal(r->shared_ranges, on);
		shared[on] = r->ranges_shared_peak;
		printf("shared_ranges %s: %llu of %llu ranges shared by "
		       "guests\n", on ? "on" : "off",
		       (unsigned long long)shared[on],
		       (unsigned long long)r->pamt.pairs_peak);
		if (on) /* equal lanes: nearly every range has all TDs */
			assert_true(shared[on] * 10 >= r->pamt.pairs_peak * 8);
	}
	assert_true(shared[1] >= 4 * (shared[0] + 1));
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_default_shaped),
		cmocka_unit_test(test_huge_mix),
		cmocka_unit_test(test_convert_back_and_forth),
		cmocka_unit_test(test_many_cycles),
		cmocka_unit_test(test_legacy),
		cmocka_unit_test(test_static_mode),
		cmocka_unit_test(test_busy_injected),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_threads1_deterministic),
		cmocka_unit_test(test_every_strategy),
		cmocka_unit_test(test_protocol_errors_fail_the_run),
		cmocka_unit_test(test_busy_storm_no_leak),
		cmocka_unit_test(test_many_vcpus),
		cmocka_unit_test(test_shared_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
