/*
 * broken.h - the test-only broken strategies (tests/strategies/broken/),
 * kept out of libdpamt and its public enum.  Linking this object library
 * into a binary makes them selectable by id or by name ("broken-v3-put",
 * "broken-hint") through the library's extra-strategy seam
 * (dp_extra_strategies() in src/host/strategy.h).
 */
#ifndef DPAMT_TESTS_BROKEN_H
#define DPAMT_TESTS_BROKEN_H

#include "dpamt/dpamt.h"

/* The order of the table in broken_set.c. */
#define DPAMT_TEST_STRATEGY_BROKEN_V3_PUT \
	((enum dpamt_strategy)(DPAMT_STRATEGY_COUNT + 0))
#define DPAMT_TEST_STRATEGY_BROKEN_HINT \
	((enum dpamt_strategy)(DPAMT_STRATEGY_COUNT + 1))
#define DPAMT_TEST_STRATEGY_END (DPAMT_STRATEGY_COUNT + 2)

/* The vtables (strat_broken_*.c), internal to the test library. */
struct dp_strategy;
extern const struct dp_strategy dp_strat_broken_v3_put;
extern const struct dp_strategy dp_strat_broken_hint;

#endif /* DPAMT_TESTS_BROKEN_H */
