/*
 * strategy.c - the table of built-in strategies, their names, and the
 * error strings.  A strategy that is not built has a NULL slot, so
 * dpamt_strategy_available() tells the truth.
 */
#include "host/strategy.h"

static const struct dp_strategy *const
dp_strategy_table[DPAMT_STRATEGY_COUNT] = {
	[DPAMT_STRATEGY_GLOBAL_LOCK] = &dp_strat_global_lock,
	[DPAMT_STRATEGY_BROKEN_V3_PUT] = &dp_strat_broken_v3_put,
	[DPAMT_STRATEGY_BROKEN_HINT] = &dp_strat_broken_hint,
	[DPAMT_STRATEGY_HASHED] = &dp_strat_hashed,
	[DPAMT_STRATEGY_LOCKLESS] = &dp_strat_lockless,
};

static const char *const dp_strategy_names[DPAMT_STRATEGY_COUNT] = {
#define DP_STRAT_NAME(sym, name) [DPAMT_STRATEGY_##sym] = name,
	DPAMT_STRATEGIES(DP_STRAT_NAME)
#undef DP_STRAT_NAME
};

const struct dp_strategy *dp_strategy_lookup(enum dpamt_strategy s)
{
	if ((unsigned)s >= DPAMT_STRATEGY_COUNT)
		return 0;
	return dp_strategy_table[s];
}

/* Concurrency: pure; any time. */
const char *dpamt_strategy_name(enum dpamt_strategy s)
{
	if ((unsigned)s >= DPAMT_STRATEGY_COUNT)
		return 0;
	return dp_strategy_names[s];
}

static bool dp_str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Concurrency: pure; any time. */
int dpamt_strategy_from_name(const char *name)
{
	if (!name)
		return -1;
	for (unsigned i = 0; i < DPAMT_STRATEGY_COUNT; i++)
		if (dp_str_eq(name, dp_strategy_names[i]))
			return (int)i;
	return -1;
}

/* Concurrency: pure; any time. */
bool dpamt_strategy_available(enum dpamt_strategy s)
{
	return dp_strategy_lookup(s) != 0;
}

/* Concurrency: pure; any time. */
const char *dpamt_strerror(int err)
{
	switch (err) {
	case DPAMT_OK:
		return "success";
	case DPAMT_ENOMEM:
		return "out of memory (allocator or page cache empty)";
	case DPAMT_EBUSY:
		return "TDX module stayed busy past the retry budget";
	case DPAMT_EINVAL:
		return "invalid argument";
	case DPAMT_EIO:
		return "unexpected TDX module error";
	case DPAMT_EFATAL:
		return "TDX module is in its fatal state";
	default:
		return "unknown error";
	}
}
