/*
 * global_lock.pml - variant (a), the real design of the `global-lock`
 * strategy: the v3 series' global lock refined with an inc_not_zero fast path
 * for get and a dec_and_lock put (the last reference is dropped under the
 * lock).  Expected: every property holds.
 *
 * Host state: cnt (the range's atomic refcount), the lock, and deferred
 * (a REMOVE that stayed BUSY past the budget left the pair installed and
 * idle at cnt 0; the next 0->1 reuses it, the final pass removes it).
 */
#include "module.pml"

byte cnt;
byte lock_owner;   /* 0: free, else _pid + 1 */
bool deferred;

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
	/* fast path: atomic inc_not_zero */
	atomic {
		if
		:: cnt > 0 -> cnt++; held++; ok = true
		:: else -> ok = false
		fi
	}
	if
	:: !ok ->
		lock();
		if
		:: cnt == 0 && deferred ->  /* idle pair: reuse, no SEAMCALL */
			atomic { deferred = false; cnt++; held++ }; ok = true
		:: cnt == 0 && !deferred ->
			add_with_retry(st, tries);
			if
			:: st == SUCCESS ->
				atomic { cnt++; held++ }; ok = true
			:: else -> ok = false  /* BUSY past budget: no change */
			fi
		:: cnt > 0 -> atomic { cnt++; held++ }; ok = true
		fi;
		unlock()
	:: else -> skip
	fi
}

inline host_put()
{
	/* fast path: atomic dec unless the count is 1 */
	atomic {
		if
		:: cnt > 1 -> cnt--; held--; ok = true
		:: else -> ok = false
		fi
	}
	if
	:: !ok ->
		lock();
		atomic { assert(cnt > 0); cnt--; held--; ok = (cnt == 0) };
		if
		:: ok ->
			remove_with_retry(st, tries);
			if
			:: st == SUCCESS -> skip
			:: else -> deferred = true  /* BUSY past budget */
			fi
		:: else -> skip
		fi;
		unlock()
	:: else -> skip
	fi
}

inline host_retry_deferred()
{
	lock();
	if
	:: deferred && cnt == 0 ->
		remove_with_retry(st, tries);
		if
		:: st == SUCCESS -> deferred = false
		:: else -> skip
		fi
	:: else -> skip
	fi;
	unlock()
}

inline final_check()
{
	/* at quiescence: installed <=> cnt > 0, except an idle deferred pair */
	assert(installed == (cnt > 0) || (installed && cnt == 0 && deferred));
	/* nothing contends any more, so the module answers BUSY no more */
	busy_left = 0;
	host_retry_deferred();
	assert(installed == (cnt > 0) && !deferred)
}

#include "harness.pml"
