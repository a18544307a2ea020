/*
 * test_sim_explore.c - `dpamt sim --explore N` on a small shared-ranges
 * scenario: a broken strategy is caught, with its seed and a replay
 * command that fails again when run; the production strategies and
 * linux-v6 pass every seed; the verdicts repeat; bad values exit 2.
 * The small version of bench/explore.sh (which runs the full counts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli_run.h"

/* DPAMT_BIN sim ARGS... */
static const struct cli_env SIM_ENV = { .sub = "sim" };
/* DPAMT_TEST_BIN (test-only strategies linked in) sim ARGS... */
static const struct cli_env TEST_SIM_ENV = { .bin = DPAMT_TEST_BIN,
					      .sub = "sim" };

#define SCENARIO "--td", "32M,vcpus=2", "--td", "32M,vcpus=2", \
		 "--shared-ranges", "on", "--cycles", "2", "--quiet"

/* The seed a failing exploration names, or -1. */
static long failed_seed(const char *err)
{
	const char *p = strstr(err, "seed ");

	return p && strstr(err, "failed") ? strtol(p + 5, NULL, 10) : -1;
}

static void test_broken_caught_and_replayed(void **state)
{
	const char *a[] = {SCENARIO, "--strategy", "broken-hint", "--seed",
			   "100", "--explore", "20", NULL};
	struct cli_out r, again;
	char seed[32];
	long s;

	(void)state;
	cli_run_expect(a, &TEST_SIM_ENV, 1, NULL, &r);
	printf("%s", r.err);
	s = failed_seed(r.err);
	assert_true(s >= 100 && s < 120);
	assert_non_null(strstr(r.err, "replay it with:"));
	snprintf(seed, sizeof(seed), "--seed %ld\n", s);
	assert_non_null(strstr(r.err, seed));
	assert_null(strstr(strstr(r.err, "replay it with:"), "--explore"));
	/* The same exploration again: the same verdict at the same seed. */
	cli_run_expect(a, &TEST_SIM_ENV, 1, NULL, &again);
	assert_int_equal(failed_seed(again.err), s);
	cli_out_free(&again);
	/* The printed command (same arguments, that seed) fails again. */
	snprintf(seed, sizeof(seed), "%ld", s);
	{
		const char *b[] = {SCENARIO, "--strategy", "broken-hint",
				   "--seed", seed, NULL};

		cli_run_expect(b, &TEST_SIM_ENV, 1, NULL, &again);
		cli_out_free(&again);
	}
	cli_out_free(&r);
}

/* The put-outside-the-lock race of broken-v3-put and linux-v3 needs a
 * get and two puts on one range at the right moments: churn refaults
 * shared ranges while PCT on the virtual clock varies the interleaving. */
static void test_v3_races_caught(void **state)
{
	static const char *const strats[] = {"broken-v3-put", "linux-v3"};
	static const char *const from[] = {"65", "50"}; /* catches: 71, 57 */

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		const char *a[] = {"--td", "4M,vcpus=4,churn=100", "--td",
				   "4M,vcpus=4,churn=100", "--shared-ranges",
				   "on", "--sched", "pct", "--quiet",
				   "--strategy", strats[i], "--seed", from[i],
				   "--explore", "40", NULL};
		struct cli_out r;

		cli_run_expect(a, &TEST_SIM_ENV, 1, "--sched pct", &r);
		printf("%s: %s", strats[i], r.err);
		assert_true(failed_seed(r.err) >= atol(from[i]));
		cli_out_free(&r);
	}
}

static void test_sound_strategies_pass(void **state)
{
	static const char *const strats[] = {"global-lock", "hashed",
					     "lockless", "linux-v6"};

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		const char *a[] = {SCENARIO, "--strategy", strats[i],
				   "--explore", "4", NULL};
		struct cli_out r;

		cli_run_expect(a, &SIM_ENV, 0, "all 4 seeds passed (1..4)", &r);
		printf("%s: %s", strats[i], r.err);
		cli_out_free(&r);
	}
}

static void test_bad(void **state)
{
	static const struct {
		const char *args[3];
		const char *expect;
	} bad[] = {
		{{"--explore", "0"}, "--explore: '0'"},
		{{"--explore", "10000001"}, "--explore: '10000001'"},
		{{"--explore", "x"}, "--explore: 'x'"},
		{{"--explore=3", "--timeline", "t.csv"}, "no --timeline"},
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *a[] = {"--td", "32M", bad[i].args[0],
				   bad[i].args[1], bad[i].args[2], NULL};
		struct cli_out r;

		cli_run_expect(a, &SIM_ENV, 2, bad[i].expect, &r);
		printf("%s", r.err);
		cli_out_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_broken_caught_and_replayed),
		cmocka_unit_test(test_v3_races_caught),
		cmocka_unit_test(test_sound_strategies_pass),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
