/*
 * v3_put.pml - variant (b), BROKEN ON PURPOSE: the v3 series' put.  The
 * last reference is dropped with a lock-free decrement; only the REMOVE is
 * under the global lock, after re-checking the count there.  get is the
 * same as in global_lock.pml and, as in v3, treats HPA_RANGE_NOT_FREE from
 * PAMT.ADD as "still installed" (so double_add is tolerated here).
 *
 * Expected: spin finds a double REMOVE (NO_PAMT_PAGE_PAIR): put A drops the
 * count to 0; a get takes the lock, sees 0, gets HPA_RANGE_NOT_FREE from
 * ADD and sets 1; its put B drops to 0 again; A and B both find 0 under the
 * lock and both REMOVE.  BUSY plays no part in it, so MAXBUSY is 0 here.
 */
#define ALLOW_DOUBLE_ADD
#ifndef MAXBUSY
#define MAXBUSY 0
#endif
#include "module.pml"

byte cnt;
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
	atomic {  /* inc_not_zero */
		if
		:: cnt > 0 -> cnt++; held++; ok = true
		:: else -> ok = false
		fi
	}
	if
	:: !ok ->
		lock();
		if
		:: cnt == 0 ->
			MSC("MSC: proc %d get: locked, count 0\n", _pid);
			add_with_retry(st, tries);
			if
			:: st == SUCCESS || st == HPA_RANGE_NOT_FREE ->
				atomic { cnt++; held++ }; ok = true
			:: else -> ok = false
			fi
		:: else -> atomic { cnt++; held++ }; ok = true
		fi;
		unlock()
	:: else -> skip
	fi
}

inline host_put()
{
	atomic { cnt--; held--; ok = (cnt == 0) };  /* dec_and_test, no lock */
	if
	:: ok ->
		MSC("MSC: proc %d put: count 1 -> 0 outside the lock\n", _pid);
		lock();
		if
		:: cnt == 0 ->  /* re-check */
			MSC("MSC: proc %d put: locked, count 0\n", _pid);
			remove_with_retry(st, tries)
		:: else -> skip
		fi;
		unlock()
	:: else -> skip
	fi
}

inline host_retry_deferred()
{
	skip  /* this design never defers */
}

inline final_check()
{
	assert(installed == (cnt > 0))
}

#include "harness.pml"
