/*
 * test_sim_hazard.c - the module's fatal hazard window is never reached
 * by the production strategies.  PAGE.REMOVE, SEPT.REMOVE and PROMOTE
 * free the page's 4K entry before decrementing its range's page_count
 * (tdh_mem_page_remove.c; release_commit_4k() in src/tdxmod/pamt.c); a
 * PAMT.REMOVE of that range in between is a whole-module fatal error.
 * Here PAGE.REMOVE spends 20 us inside that window while vCPUs of three
 * TDs convert pages back and forth in shared 2 MiB ranges (put/put and
 * get/put races), for every strategy of the public enum: every run must
 * end clean (a fatal model is an error in the report).  The put-side bug
 * that does reach it is in tests/tdxmod/test_tdxmod_hazard.c.
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

#define MiB (1ull << 20)

static void test_no_strategy_reaches_the_window(void **state)
{
	uint64_t seed = test_seed(__func__, 7);
	struct sim_report *r = calloc(1, sizeof(*r));

	(void)state;
	assert_non_null(r);
	for (int st = 0; st < DPAMT_STRATEGY_COUNT; st++) {
		struct sim_scenario sc;

		sim_scenario_empty(&sc);
		sc.seed = seed;
		sc.strategy = (enum dpamt_strategy)st;
		sc.shared_ranges = true;
		/* real threads: the window is a real busy-wait that other
		 * vCPUs' puts can run into */
		sc.clock = SIM_CLOCK_WALL;
		sc.quiet = true;
		sc.seamcall_ns[DPAMT_TDH_MEM_PAGE_REMOVE] = 20000;
		for (int g = 0; g < 3; g++) {
			struct sim_guest_spec *gs = &sc.guests[sc.n_guests++];

			memset(gs, 0, sizeof(*gs));
			gs->size = 16 * MiB;
			gs->vcpus = 2;
			gs->touch_pct = 100;
			gs->convert_pct = 50;
		}
		memset(r, 0, sizeof(*r));
		sim_assert_clean_run(r, sim_run(&sc, NULL, r));
		printf("%s: %llu PAGE.REMOVE, %llu PAMT.REMOVE, clean\n",
		       dpamt_strategy_name((enum dpamt_strategy)st),
		       (unsigned long long)r->leaves[DPAMT_TDH_MEM_PAGE_REMOVE]
			       .calls,
		       (unsigned long long)r
			       ->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE]
			       .calls);
		assert_true(r->leaves[DPAMT_TDH_MEM_PAGE_REMOVE].calls > 0);
	}
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_strategy_reaches_the_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
