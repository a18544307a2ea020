/*
 * strat_global_lock.c - the seed's design with the later refinements:
 * the lock-based protocol of strat_locked.c (zoned word, one-atomic fast
 * path) with one lock, the manager's global m->lock, for every range.
 * All installs and removes of all ranges are serialised; reclaiming an
 * idle pair takes that lock once per range.
 */
#include "host/strategy.h"

const struct dp_strategy dp_strat_global_lock = {
	.name = "global-lock",
	.get = dp_locked_get,
	.put = dp_locked_put,
	.reclaim = dp_locked_reclaim,
	.count = dp_rc_count,
	.adopt = dp_zone_adopt,
	.release = dp_zone_release,
	.zoned = true,
	.lock_for = dp_lock_global,
};
