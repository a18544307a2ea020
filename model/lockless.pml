/*
 * lockless.pml - variant (d), the `lockless` strategy: the zoned word of
 * zoned.pml and no lock at all; a transition belongs to whoever set the
 * OWNED bit by CAS (src/host/strat_lockless.c step for step).
 *   get slow:  our stray is in the word; until it is a reference: LIVE:
 *              converted, done; OWNED: wait; ABSENT + k: CAS to
 *              OWNED + k, PAMT.ADD, convert every stray (ADD failed:
 *              drop OWNED and our stray at once, the others retry); or,
 *              with no pages (NOMEM), CAS our stray away
 *   put last:  put_last (keep idle, or CAS LIVE -> OWNED, REMOVE)
 *   reclaim:   clear the idle bit, CAS LIVE -> OWNED, REMOVE
 * Expected: every property holds, nobody waits forever, and at
 * quiescence installed <=> a pair at LIVE + 0 with its idle bit.
 *
 * MUTANT_EARLY_PUBLISH (a check of the checker): the owner converts the
 * strays (publishes LIVE) before its PAMT.ADD; spin must find a get that
 * AUGs before the pair exists (aug_without_pair).
 */
#include "module.pml"
#include "zoned.pml"

inline host_get(ok)
{
	get_rmw(v);
	if
	:: v >= LIVE -> ok = true
	:: else ->
		do
		:: v = w;
			if
			:: v >= LIVE -> ok = true; break
			:: v >= OWNED && v < LIVE ->  /* wait for the owner */
				(w < OWNED || w >= LIVE)
			:: v < OWNED && nomem_left > 0 ->
				cas(v, v - 1, ok);
				if
				:: ok -> nomem_left--; ok = false; break
				:: else -> skip
				fi
			:: v < OWNED ->
				cas(v, v + OWNED, ok);
				if
				:: ok ->
#ifndef MUTANT_EARLY_PUBLISH
					add_with_retry(st, tries);
					if
					:: st == SUCCESS ->
						convert(OWNED); ok = true
					:: else ->
						w = w - OWNED - 1; ok = false
					fi;
#else
					convert(OWNED);
					do
					:: pamt_add(st);
						if
						:: st == BUSY -> skip
						:: else -> break
						fi
					od;
					ok = true;
#endif
					break
				:: else -> skip
				fi
			fi
		od
	fi
}

inline host_put()
{
	put_rmw(v);
	if
	:: v > LIVE + 1 -> skip
	:: else -> put_last()
	fi
}

inline host_retry_deferred()
{
	reclaim()
}

inline final_check()
{
	zoned_final_check()
}

#include "harness.pml"
