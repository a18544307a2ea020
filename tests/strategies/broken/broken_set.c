/*
 * broken_set.c - the strong dp_extra_strategies(): the test-only broken
 * strategies, in the order of broken.h's ids.  Linked into test binaries
 * only (an object library), never into libdpamt.
 */
#include "host/strategy.h"
#include "strategies/broken/broken.h"

static const struct dp_strategy *const broken_list[] = {
	&dp_strat_broken_v3_put,
	&dp_strat_broken_hint,
};

_Static_assert(DPAMT_STRATEGY_COUNT + sizeof(broken_list) /
	       sizeof(broken_list[0]) == DPAMT_TEST_STRATEGY_END,
	       "broken.h ids match the table");

/* Concurrency: pure. */
const struct dp_strategy_set *dp_extra_strategies(void)
{
	static const struct dp_strategy_set set = {
		broken_list, sizeof(broken_list) / sizeof(broken_list[0])
	};

	return &set;
}
