/*
 * test_skip.h - a cmocka check that cannot run on this machine (a tool
 * missing, the machine too big for the scenario): it says why, and the
 * test binary then exits 77, which ctest shows as "Skipped" (every
 * dpamt_test has SKIP_RETURN_CODE 77) instead of "Passed".  With CI set
 * (not "", "false" or "0") a skip is a failure: CI machines have every
 * dependency (scripts/install-deps.sh).
 *
 * Use: test_skip_because("gnuplot not installed") inside the test; main
 * returns test_exit(cmocka_run_group_tests(...)).
 * Concurrency: the test's main thread only (one flag per test binary).
 */
#ifndef DPAMT_TESTS_TEST_SKIP_H
#define DPAMT_TESTS_TEST_SKIP_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool test_skipped_any;

static inline bool test_on_ci(void)
{
	const char *ci = getenv("CI");

	return ci && *ci && strcmp(ci, "false") && strcmp(ci, "0");
}

/* Skip the running test (cmocka skip()), remembered for test_exit(). */
#define test_skip_because(why)                                               \
	do {                                                                 \
		if (test_on_ci())                                            \
			fail_msg("cannot run under CI: %s", (why));          \
		print_message("SKIPPED: %s\n", (why));                       \
		test_skipped_any = true;                                     \
		skip();                                                      \
	} while (0)

/* main's exit status: failures as cmocka counted them, else 77 if a
 * check was skipped, else 0. */
static inline int test_exit(int failed)
{
	if (failed)
		return failed;
	return test_skipped_any ? 77 : 0;
}

#endif /* DPAMT_TESTS_TEST_SKIP_H */
