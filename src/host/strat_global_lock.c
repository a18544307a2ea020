/*
 * strat_global_lock.c - the v3 series' design with the later refinements:
 * the lock-based protocol of strat_locked.c with one lock, the manager's
 * global m->lock, for every range.  All installs and removes of all
 * ranges are serialised; dpamt_retry_deferred() walks the idle ranges in
 * one pass under that lock.
 */
#include "host/strategy.h"

const struct dp_strategy dp_strat_global_lock = {
	.name = "global-lock",
	.get = dp_locked_get,
	.put = dp_locked_put,
	.retry_deferred = dp_retry_deferred_locked,
	.count = dp_count_plain,
	.adopt = dp_locked_adopt,
	.release = dp_locked_release,
	.plain_fast = true,
	.lock_for = dp_lock_global,
};
