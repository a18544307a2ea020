/*
 * test_sim_virtual.c - the virtual clock of dpamt sim: the same scenario
 * and seed give the same JSON report (wall_ns aside) under every policy;
 * the virtual figures add up (busy + spin + idle = pCPUs x makespan); the
 * cost model moves the figures the way docs/cost-model.md says (a longer
 * PAMT.ADD holds the install lock longer, a dearer fault costs every vCPU
 * its faults' worth of busy time, a dearer AUG / DEMOTE / PROMOTE costs
 * its calls' worth); more vCPUs than pCPUs time-share; the
 * wall clock still runs.  Seed: DPAMT_SEED or 42, printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sim/report.h"
#include "sim/sim.h"
#include "sim_run_check.h"

#define MiB (1ull << 20)

static void add_td(struct sim_scenario *sc, uint64_t size, unsigned vcpus,
		   unsigned huge)
{
	struct sim_guest_spec *g = &sc->guests[sc->n_guests++];

	memset(g, 0, sizeof(*g));
	g->size = size;
	g->vcpus = vcpus;
	g->huge_pct = huge;
	g->touch_pct = 100;
}

/* Two TDs booting at once on 8 pCPUs: contention on the global lock. */
static void small(struct sim_scenario *sc)
{
	sim_scenario_empty(sc);
	sc->seed = sim_test_seed();
	sc->pcpus = 8;
	add_td(sc, 128 * MiB, 4, 0);
	add_td(sc, 96 * MiB, 4, 30);
}

static struct sim_report *run(const struct sim_scenario *sc)
{
	struct sim_report *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	sim_assert_clean_run(r, sim_run(sc, NULL, r));
	return r;
}

/* The report as JSON text without the wall-clock fields. */
static char *json_text(const struct sim_report *r)
{
	json_object *o = sim_report_json(r);
	char *s;

	assert_non_null(o);
	assert_non_null(json_object_object_get(o, "wall_ns"));
	json_object_object_del(o, "wall_ns");
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	assert_non_null(s);
	return s;
}

static void same_twice(struct sim_scenario *sc)
{
	struct sim_report *a = run(sc), *b = run(sc);
	char *ja = json_text(a), *jb = json_text(b);

	assert_int_equal(a->clock, SIM_CLOCK_VIRTUAL);
	assert_true(a->makespan_ns > 0);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	free(a);
	free(b);
}

static void test_deterministic(void **state)
{
	struct sim_scenario sc;

	(void)state;
	small(&sc);
	same_twice(&sc);
	sc.sched = SIM_SCHED_RANDOM;
	same_twice(&sc);
	sc.sched = SIM_SCHED_PCT;
	sc.pct_depth = 3;
	same_twice(&sc);
}

/* A different seed under random gives a different schedule somewhere. */
static void test_random_differs(void **state)
{
	struct sim_scenario sc;
	struct sim_report *a, *b;

	(void)state;
	small(&sc);
	sc.sched = SIM_SCHED_RANDOM;
	a = run(&sc);
	sc.seed ^= 0x5555;
	b = run(&sc);
	assert_true(a->makespan_ns != b->makespan_ns ||
		    a->lock_hold_ns != b->lock_hold_ns ||
		    a->pamt.lock_wait_ns != b->pamt.lock_wait_ns);
	free(a);
	free(b);
}

static void test_figures_add_up(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r;
	uint64_t busy = 0, spin = 0, idle = 0;

	(void)state;
	small(&sc);
	r = run(&sc);
	assert_int_equal(r->pcpus, 8);
	for (unsigned c = 0; c < r->pcpus; c++) {
		assert_int_equal(r->cpu_busy_ns[c] + r->cpu_spin_ns[c] +
				 r->cpu_idle_ns[c], r->makespan_ns);
		assert_true(r->cpu_busy_ns[c] > 0);
		busy += r->cpu_busy_ns[c];
		spin += r->cpu_spin_ns[c];
		idle += r->cpu_idle_ns[c];
	}
	assert_int_equal(busy, r->busy_ns);
	assert_int_equal(spin, r->spin_ns);
	assert_int_equal(idle, r->idle_ns);
	/* Every lock wait is spin on some pCPU (mmu_lock and relax too). */
	assert_true(r->spin_ns >= r->pamt.lock_wait_ns);
	assert_true(r->pamt.lock_contentions > 0);
	assert_true(r->lock_wait_max_ns >= r->lock_wait_p99_ns);
	assert_true(r->lock_wait_p99_ns >= r->lock_wait_p50_ns);
	assert_true(r->lock_wait_p50_ns > 0);
	/* Each install holds the lock for at least PAMT.ADD's latency. */
	assert_true(r->lock_hold_ns >=
		    3000 * (r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].calls -
			    r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].busy));
	assert_true(sim_report_wait_share(r) > 0.0);
	assert_true(sim_report_wait_share(r) < 1.0);
	assert_int_equal(r->cost.fault_ns, 1500);
	assert_int_equal(r->seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_ADD], 3000);
	free(r);
}

/* docs/cost-model.md: PAMT.ADD's latency is spent holding the lock. */
static void test_cost_pamt_add(void **state)
{
	struct sim_scenario sc;
	struct sim_report *a, *b;
	uint64_t adds_a, adds_b;

	(void)state;
	small(&sc);
	a = run(&sc);
	sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_ADD] = 6000;
	b = run(&sc);
	adds_a = a->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].calls -
		 a->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].busy;
	adds_b = b->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].calls -
		 b->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].busy;
	printf("hold %llu -> %llu ns, adds %llu -> %llu, wait %llu -> %llu\n",
	       (unsigned long long)a->lock_hold_ns,
	       (unsigned long long)b->lock_hold_ns,
	       (unsigned long long)adds_a, (unsigned long long)adds_b,
	       (unsigned long long)a->pamt.lock_wait_ns,
	       (unsigned long long)b->pamt.lock_wait_ns);
	assert_true(adds_b > 0 && adds_a > 0);
	assert_true(b->lock_hold_ns >= 6000 * adds_b);
	/* +3 us per install, give or take who installs what */
	assert_true(b->lock_hold_ns >= a->lock_hold_ns +
		    3000 * (adds_a < adds_b ? adds_a : adds_b) * 9 / 10);
	assert_true(b->pamt.lock_wait_ns > a->pamt.lock_wait_ns);
	free(a);
	free(b);
}

/* docs/cost-model.md: every fault costs its vCPU fault_ns of busy time. */
static void test_cost_fault(void **state)
{
	struct sim_scenario sc;
	struct sim_report *a, *b;
	uint64_t faults = 0;

	(void)state;
	small(&sc);
	a = run(&sc);
	sc.cost.fault_ns += 1000;
	b = run(&sc);
	for (unsigned i = 0; i < a->n_guests; i++)
		faults += a->guests[i].pages_4k + a->guests[i].pages_2m;
	printf("busy %llu -> %llu ns over %llu faults\n",
	       (unsigned long long)a->busy_ns, (unsigned long long)b->busy_ns,
	       (unsigned long long)faults);
	assert_int_equal(b->cost.fault_ns, a->cost.fault_ns + 1000);
	assert_true(b->busy_ns >= a->busy_ns + 1000 * faults * 99 / 100);
	assert_true(b->makespan_ns > a->makespan_ns);
	free(a);
	free(b);
}

/* Successful (not BUSY) calls of a leaf. */
static uint64_t done_calls(const struct sim_report *r, unsigned leaf)
{
	return r->leaves[leaf].calls - r->leaves[leaf].busy;
}

/*
 * docs/cost-model.md, "Leaf latencies": AUG, DEMOTE and PROMOTE have a
 * default latency, spent by the calling vCPU (busy time) while the leaf
 * holds its entries; raising one by 2 us adds 2 us of busy time per call
 * that was not answered BUSY (exactly, with one vCPU), and lengthens the
 * run by as much.
 */
static void test_cost_leaf_latency(void **state)
{
	static const unsigned leaves[] = { DPAMT_TDH_MEM_PAGE_AUG,
					   DPAMT_TDH_MEM_PAGE_DEMOTE,
					   DPAMT_TDH_MEM_PAGE_PROMOTE };
	static const uint64_t defaults[] = { 500, 3830, 3830 };
	struct sim_scenario sc;
	struct sim_report *a, *b;

	(void)state;
	/* One vCPU: nothing else moves when a leaf gets dearer. */
	sim_scenario_empty(&sc);
	sc.seed = sim_test_seed();
	sc.pcpus = 1;
	add_td(&sc, 64 * MiB, 1, 50);
	sc.guests[0].convert_pct = 20; /* DEMOTE and PROMOTE */
	a = run(&sc);
	for (unsigned i = 0; i < 3; i++) {
		unsigned l = leaves[i];
		uint64_t n;

		assert_int_equal(a->seamcall_ns[l], defaults[i]);
		sc.seamcall_ns[l] = defaults[i] + 2000;
		b = run(&sc);
		sc.seamcall_ns[l] = defaults[i];
		n = done_calls(b, l);
		printf("leaf %u +2000 ns: busy %llu -> %llu ns over %llu calls, "
		       "makespan %llu -> %llu\n", l,
		       (unsigned long long)a->busy_ns,
		       (unsigned long long)b->busy_ns, (unsigned long long)n,
		       (unsigned long long)a->makespan_ns,
		       (unsigned long long)b->makespan_ns);
		assert_true(n > 0);
		assert_int_equal(b->seamcall_ns[l], defaults[i] + 2000);
		assert_int_equal(n, done_calls(a, l));
		assert_int_equal(b->busy_ns, a->busy_ns + 2000 * n);
		assert_int_equal(b->makespan_ns, a->makespan_ns + 2000 * n);
		free(b);
	}
	free(a);
}

/* 8 vCPUs on 2 pCPUs: they take turns, every pCPU works. */
static void test_time_sharing(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r;

	(void)state;
	small(&sc);
	sc.pcpus = 2;
	r = run(&sc);
	assert_int_equal(r->pcpus, 2);
	assert_true(r->cpu_busy_ns[0] > 0 && r->cpu_busy_ns[1] > 0);
	/* 2 pCPUs busy most of the time */
	assert_true(r->idle_ns < r->busy_ns);
	free(r);
}

static void test_wall_clock(void **state)
{
	struct sim_scenario sc;
	struct sim_report *r;

	(void)state;
	small(&sc);
	sc.clock = SIM_CLOCK_WALL;
	sc.pcpus = 2;
	r = run(&sc);
	assert_int_equal(r->clock, SIM_CLOCK_WALL);
	assert_int_equal(r->makespan_ns, 0);
	assert_true(r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD].calls > 0);
	assert_true(r->wall_ns > 0);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_random_differs),
		cmocka_unit_test(test_figures_add_up),
		cmocka_unit_test(test_cost_pamt_add),
		cmocka_unit_test(test_cost_fault),
		cmocka_unit_test(test_cost_leaf_latency),
		cmocka_unit_test(test_time_sharing),
		cmocka_unit_test(test_wall_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
