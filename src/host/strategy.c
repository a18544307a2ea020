/*
 * strategy.c - the table of built-in strategies, the link-time seam for
 * extra (test-only) ones, their names, and the error strings.  A strategy
 * that is not built has a NULL slot, so dpamt_strategy_available() tells
 * the truth.
 */
#include "host/strategy.h"

static const struct dp_strategy *const
dp_strategy_table[DPAMT_STRATEGY_COUNT] = {
	[DPAMT_STRATEGY_GLOBAL_LOCK] = &dp_strat_global_lock,
	[DPAMT_STRATEGY_HASHED] = &dp_strat_hashed,
	[DPAMT_STRATEGY_LOCKLESS] = &dp_strat_lockless,
	/* References (strat_ref_*.c): the posted series, for comparison. */
	[DPAMT_STRATEGY_LINUX_V6] = &dp_strat_ref_linux_v6,
	[DPAMT_STRATEGY_LINUX_V3] = &dp_strat_ref_linux_v3,
};

static const char *const dp_strategy_names[DPAMT_STRATEGY_COUNT] = {
#define DP_STRAT_NAME(sym, name) [DPAMT_STRATEGY_##sym] = name,
	DPAMT_STRATEGIES(DP_STRAT_NAME)
#undef DP_STRAT_NAME
};

/* Concurrency: pure.  Overridden (strong symbol) by test binaries. */
__attribute__((__weak__)) const struct dp_strategy_set *dp_extra_strategies(void)
{
	static const struct dp_strategy_set none = { 0, 0 };

	return &none;
}

/* Concurrency: pure; any time. */
const struct dp_strategy *dp_strategy_lookup(enum dpamt_strategy s)
{
	const struct dp_strategy_set *x;
	unsigned i = (unsigned)s;

	if (i < DPAMT_STRATEGY_COUNT)
		return dp_strategy_table[i];
	x = dp_extra_strategies();
	if (i - DPAMT_STRATEGY_COUNT < x->n)
		return x->v[i - DPAMT_STRATEGY_COUNT];
	return 0;
}

/* Concurrency: pure; any time. */
const char *dpamt_strategy_name(enum dpamt_strategy s)
{
	const struct dp_strategy *st;

	if ((unsigned)s < DPAMT_STRATEGY_COUNT)
		return dp_strategy_names[s];
	st = dp_strategy_lookup(s);
	return st ? st->name : 0;
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
	unsigned end = DPAMT_STRATEGY_COUNT + dp_extra_strategies()->n;

	if (!name)
		return -1;
	for (unsigned i = 0; i < end; i++)
		if (dp_str_eq(name, dpamt_strategy_name(i)))
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
