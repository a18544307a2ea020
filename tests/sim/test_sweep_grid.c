/*
 * test_sweep_grid.c - the grid check of `dpamt sweep` (sweep_check_points)
 * builds every point's scenario incrementally, reusing the scenario of
 * the axes that did not change; it must say exactly what checking each
 * point on its own (sweep_point_scenario) says: the same first refused
 * point with the same message, or every point valid.  Random grids over
 * valid and invalid values; the seed is printed (DPAMT_SEED replays).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/scenario_parse.h"
#include "sim/sweep.h"
#include "sim/sim_run_check.h"

/* Axis keys with valid and invalid values (an invalid one is refused
 * when applied, or only by sim_validate for some combinations). */
static const char *const axes[][6] = {
	{ "pcpus", "1", "2", "4", "100000", "x" },
	{ "strategy", "hashed", "global-lock", "lockless", "bogus", "1" },
	{ "huge", "0", "50", "100", "101", "-1" },
	{ "busy_inject", "0", "0.3", "0.99", "1", "2" },
	{ "seed", "1", "2", "3", "0x10", "" },
	{ "vcpus", "1", "2", "300", "0", "4" },
};
#define N_KEYS (sizeof(axes) / sizeof(axes[0]))

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* What checking each point on its own says: 0, or -1 and its message. */
static int check_one_by_one(const struct sweep *sw, char *msg, size_t len)
{
	struct sim_scenario *sc = malloc(sizeof(*sc));
	unsigned idx[SWEEP_MAX_AXES];
	int rc = 0;

	assert_non_null(sc);
	for (unsigned i = 0; i < sweep_n_points(sw) && !rc; i++) {
		sweep_point_index(sw, i, idx);
		rc = sweep_point_scenario(sw, idx, sc, msg, len);
	}
	free(sc);
	return rc;
}

/* A grid of 1..4 axes, 1..4 values each, mostly valid. */
static void random_grid(struct sweep *sw, uint64_t *s)
{
	unsigned n_axes = 1 + (unsigned)(rng(s) % 4);
	unsigned first = (unsigned)(rng(s) % N_KEYS);
	char msg[256], arg[128];

	memset(sw, 0, sizeof(*sw));
	sim_scenario_default(&sw->base);
	for (unsigned a = 0; a < n_axes; a++) {
		const char *const *ax = axes[(first + a) % N_KEYS];
		unsigned n = 1 + (unsigned)(rng(s) % 4), got = 0;
		size_t u = (size_t)snprintf(arg, sizeof(arg), "%s=", ax[0]);
		const char *had[4];

		/* distinct values: an axis refuses one given twice */
		for (unsigned tries = 0; got < n && tries < 32; tries++) {
			unsigned pick = rng(s) % 8 < 6 ? 1 + rng(s) % 3 :
							   4 + rng(s) % 2;
			const char *val = *ax[pick] ? ax[pick] : "1";
			bool dup = false;

			for (unsigned k = 0; k < got; k++)
				dup |= !strcmp(had[k], val);
			if (dup)
				continue;
			u += (size_t)snprintf(arg + u, sizeof(arg) - u, "%s%s",
					      got ? "," : "", val);
			had[got++] = val;
		}
		assert_int_equal(sweep_add_axis(sw, arg, msg, sizeof(msg)), 0);
	}
}

static void test_incremental_equals_pointwise(void **state)
{
	struct sweep *sw = malloc(sizeof(*sw));
	uint64_t s = sim_test_seed() | 1;
	unsigned refused = 0, clean = 0;

	(void)state;
	assert_non_null(sw);
	for (int it = 0; it < 200; it++) {
		char a[256] = "", b[256] = "";
		int ra, rb;

		random_grid(sw, &s);
		ra = sweep_check_points(sw, a, sizeof(a));
		rb = check_one_by_one(sw, b, sizeof(b));
		if (ra != rb || strcmp(a, b)) {
			print_error("grid %d: incremental %d '%s', pointwise "
				    "%d '%s'\n", it, ra, a, rb, b);
			fail();
		}
		refused += ra != 0;
		clean += ra == 0;
	}
	printf("  %u grids refused, %u clean\n", refused, clean);
	/* both outcomes were exercised */
	assert_true(refused >= 20 && clean >= 20);
	free(sw);
}

/* A grid whose last point alone is refused: every earlier point was
 * built from reused prefixes, the refusal names the last one. */
static void test_last_point_refused(void **state)
{
	struct sweep *sw = calloc(1, sizeof(*sw));
	char msg[256];

	(void)state;
	assert_non_null(sw);
	sim_scenario_default(&sw->base);
	assert_int_equal(sweep_add_axis(sw, "pcpus=1,2,3", msg, sizeof(msg)),
			 0);
	assert_int_equal(sweep_add_axis(sw, "huge=0,50,101", msg,
					sizeof(msg)), 0);
	assert_int_equal(sweep_check_points(sw, msg, sizeof(msg)), -1);
	assert_non_null(strstr(msg, "huge=101"));
	memset(sw, 0, sizeof(*sw));
	sim_scenario_default(&sw->base);
	assert_int_equal(sweep_add_axis(sw, "pcpus=1,2,3", msg, sizeof(msg)),
			 0);
	assert_int_equal(sweep_add_axis(sw, "huge=0,50,100", msg,
					sizeof(msg)), 0);
	assert_int_equal(sweep_check_points(sw, msg, sizeof(msg)), 0);
	free(sw);
}

/* A value is a literal only as a whole: json_tokener_parse read "2x" as
 * 2, so `dpamt sweep pcpus=2x` ran pcpus=2 and wrote "2x" in its CSV,
 * and seed=0x10 ran seed 0 (found by fuzz_flags).  Such a value is now
 * refused, naming it. */
static void test_value_read_whole(void **state)
{
	static const char *const bad[] = {
		"pcpus=2x", "huge=22hvge", "busy_inject=0.5.5", "pcpus=1e3",
		"seed=8]", "pair_pool=truex", "seed=0x10",
	};
	static const char *const good[] = {
		"pcpus=2", "busy_inject=0.5", "pair_pool=true,off",
		"strategy=hashed", "host_mem=256G", "seed=16",
	};
	struct sweep *sw = malloc(sizeof(*sw));
	char msg[256];

	(void)state;
	assert_non_null(sw);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(sw, 0, sizeof(*sw));
		sim_scenario_default(&sw->base);
		assert_int_equal(sweep_add_axis(sw, bad[i], msg, sizeof(msg)),
				 0);
		if (sweep_check_points(sw, msg, sizeof(msg)) != -1 ||
		    !strstr(msg, bad[i])) {
			print_error("%s: accepted or not named: '%s'\n", bad[i],
				    msg);
			fail();
		}
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(sw, 0, sizeof(*sw));
		sim_scenario_default(&sw->base);
		assert_int_equal(sweep_add_axis(sw, good[i], msg, sizeof(msg)),
				 0);
		if (sweep_check_points(sw, msg, sizeof(msg))) {
			print_error("%s: refused: '%s'\n", good[i], msg);
			fail();
		}
	}
	free(sw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incremental_equals_pointwise),
		cmocka_unit_test(test_last_point_refused),
		cmocka_unit_test(test_value_read_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
