/*
 * test_seed.h - the seed of a randomised test: DPAMT_SEED from the
 * environment when set, else the test's own default; printed before use
 * so a failing run can be replayed (DPAMT_SEED=N).  The draws themselves
 * come from src/util/prng.h.
 */
#ifndef DPAMT_TESTS_TEST_SEED_H
#define DPAMT_TESTS_TEST_SEED_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Concurrency: call from the test's main thread (reads the environment,
 * writes stdout). */
static inline uint64_t test_seed(const char *test, uint64_t dflt)
{
	const char *e = getenv("DPAMT_SEED");
	uint64_t s = e && *e ? strtoull(e, NULL, 0) : dflt;

	printf("%s: seed=%llu (DPAMT_SEED=%llu to replay)\n", test,
	       (unsigned long long)s, (unsigned long long)s);
	fflush(stdout);
	return s;
}

#endif /* DPAMT_TESTS_TEST_SEED_H */
