/*
 * test_sim_guests.c - many guests and the platform's private HKIDs: more
 * than 256 guests (TDs and legacy VMs) run clean at once when the
 * platform has the HKIDs for them (--hkids / hkids), and are refused up
 * front, before anything runs, when it has not; the HKID count is bounded
 * by what the module accepts (2..2047, its MAX_HKIDS is 2048).  Seed:
 * DPAMT_SEED or 42, printed.
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
#include "sim_run_check.h"

#define MiB (1ull << 20)
#define N_TDS 270u  /* HKIDs above 255 in use */
#define N_VMS 2u

/* A scenario of n_tds 2 MiB TDs and n_vms 2 MiB legacy VMs, one vCPU
 * each, 6% of each touched (TSan's clocks grow with the number of
 * vCPU fibers: few faults keep it fast); on the heap (the struct holds
 * SIM_MAX_GUESTS specs). */
static struct sim_scenario *many(unsigned n_tds, unsigned n_vms)
{
	struct sim_scenario *sc = malloc(sizeof(*sc));

	assert_non_null(sc);
	sim_scenario_empty(sc);
	sc->seed = sim_test_seed();
	for (unsigned i = 0; i < n_tds + n_vms; i++) {
		struct sim_guest_spec *g = &sc->guests[sc->n_guests++];

		memset(g, 0, sizeof(*g));
		g->legacy = i >= n_tds;
		g->size = 2 * MiB;
		g->vcpus = 1;
		g->touch_pct = 6;
	}
	return sc;
}

static void test_many_guests_run(void **state)
{
	struct sim_scenario *sc = many(N_TDS, N_VMS);
	struct sim_report *r = calloc(1, sizeof(*r));
	uint64_t td_pages = 0, vm_pages = 0, creates, each;

	(void)state;
	assert_non_null(r);
	sc->hkids = N_TDS + 1; /* exactly enough: one is the module's */
	sim_assert_clean_run(r, sim_run(sc, NULL, r));
	assert_int_equal(r->n_guests, N_TDS + N_VMS);
	assert_int_equal(r->hkids, N_TDS + 1);
	for (unsigned i = 0; i < r->n_guests; i++) {
		if (r->guests[i].spec.legacy)
			vm_pages += r->guests[i].pages_4k;
		else
			td_pages += r->guests[i].pages_4k;
	}
	/* every guest faulted its touched pages in (6% of 512, spread) */
	each = r->guests[0].pages_4k;
	assert_true(each >= 512 * 6 / 100 && each <= 512 * 6 / 100 + 1);
	assert_int_equal(td_pages, each * N_TDS);
	assert_int_equal(vm_pages, each * N_VMS);
	/* every TD got its own HKID: one MNG.CREATE each, none refused */
	creates = r->leaves[DPAMT_TDH_MNG_CREATE].calls;
	assert_int_equal(creates, N_TDS);
	assert_int_equal(r->leaves[DPAMT_TDH_MNG_CREATE].errors, 0);
	assert_int_equal(r->leaves[DPAMT_TDH_MNG_KEY_FREEID].calls, N_TDS);
	free(r);
	free(sc);
}

/* One TD more than the HKIDs allow: refused before anything runs. */
static void test_too_many_tds_refused(void **state)
{
	struct sim_scenario *sc = many(N_TDS, 0);
	struct sim_report *r = calloc(1, sizeof(*r));
	char msg[256];

	(void)state;
	assert_non_null(r);
	sc->hkids = N_TDS; /* N_TDS - 1 for TDs */
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), -1);
	printf("%s\n", msg);
	assert_non_null(strstr(msg, "raise --hkids"));
	assert_int_equal(sim_run(sc, NULL, r), 2);
	assert_int_equal(r->n_errors, 1);
	assert_non_null(strstr(r->errors[0], "270 TDs cannot run at once"));
	assert_int_equal(r->leaves[DPAMT_TDH_MNG_CREATE].calls, 0);
	/* default: 63 private HKIDs, 62 TDs */
	sim_scenario_empty(sc);
	assert_int_equal(sc->hkids, SIM_DEFAULT_HKIDS);
	sc->n_guests = 63;
	for (unsigned i = 0; i < 63; i++) {
		memset(&sc->guests[i], 0, sizeof(sc->guests[i]));
		sc->guests[i].size = 2 * MiB;
		sc->guests[i].vcpus = 1;
		sc->guests[i].touch_pct = 100;
	}
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), -1);
	sc->n_guests = 62;
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), 0);
	free(r);
	free(sc);
}

/* The module's bound: 2..2047 private HKIDs; guests up to the maximum. */
static void test_hkid_bounds(void **state)
{
	struct sim_scenario *sc = many(1, 0);
	char msg[256];

	(void)state;
	sc->hkids = SIM_MAX_HKIDS;
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), 0);
	sc->hkids = SIM_MAX_HKIDS + 1;
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "2..2047"));
	sc->hkids = SIM_MIN_HKIDS;
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), 0);
	sc->hkids = SIM_MIN_HKIDS - 1;
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), -1);
	/* SIM_MAX_GUESTS (1024) guests are accepted, one more is not */
	free(sc);
	sc = many(600, SIM_MAX_GUESTS - 600);
	sc->hkids = 601;
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), 0);
	sc->n_guests = SIM_MAX_GUESTS + 1;
	assert_int_equal(sim_validate(sc, msg, sizeof(msg)), -1);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_guests_run),
		cmocka_unit_test(test_too_many_tds_refused),
		cmocka_unit_test(test_hkid_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
