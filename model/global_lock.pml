/*
 * global_lock.pml - variant (a), the `global-lock` strategy (and, per
 * range, `hashed`): the zoned word of zoned.pml with a one-atomic fast
 * path, installs and removes under the range's lock
 * (src/host/strat_locked.c step for step).
 *   get slow:  our stray is in the word; lock; LIVE now: our stray was
 *              converted, done; else PAMT.ADD and convert every stray
 *              (ABSENT + k -> LIVE + k), or withdraw ours (BUSY past the
 *              budget, or no pages: NOMEM)
 *   put last:  lock; put_last (keep idle, or CAS LIVE -> OWNED, REMOVE)
 *   reclaim:   lock; clear the idle bit, CAS LIVE -> OWNED, REMOVE
 * Expected: every property holds; at quiescence installed <=> a pair at
 * LIVE + 0 with its idle bit, and after shrink(0) nothing is installed.
 */
#include "module.pml"
#include "zoned.pml"

byte lock_owner;   /* 0: free, else _pid + 1 */

inline lock()
{
	atomic { lock_owner == 0 -> lock_owner = _pid + 1 }
}

inline unlock()
{
	assert(lock_owner == _pid + 1);
	lock_owner = 0
}

inline host_get(ok)
{
	get_rmw(v);
	if
	:: v >= LIVE -> ok = true
	:: else ->
		lock();
		if
		:: w >= LIVE -> ok = true  /* converted while we waited */
		:: w < LIVE && nomem_left > 0 ->  /* no pages: withdraw */
			nomem_left--; w--; ok = false
		:: w < LIVE ->
			add_with_retry(st, tries);
			if
			:: st == SUCCESS -> convert(0); ok = true
			:: else -> w--; ok = false  /* withdraw our stray */
			fi
		fi;
		unlock()
	fi
}

inline host_put()
{
	put_rmw(v);
	if
	:: v > LIVE + 1 -> skip
	:: else ->
		lock();
		put_last();
		unlock()
	fi
}

inline host_retry_deferred()
{
	lock();
	reclaim();
	unlock()
}

inline final_check()
{
	zoned_final_check()
}

#include "harness.pml"
