/*
 * zoned.pml - the zoned refcount word every production strategy uses
 * (src/host/rczone.h, rczone.c, shrink.c; docs/refcount.md), and the
 * steps global_lock.pml and lockless.pml share.  Included after
 * module.pml.  Values scaled down, same zones:
 *   ABSENT  0..31    no pair; low bits = strays (gets in flight)
 *   OWNED   32..63   ABSENT + a transition owned by one thread
 *   LIVE    64..95   pair installed, count = w - LIVE (64: idle)
 * A get is one fetch_add(1) (done if it returned a LIVE value), a put
 * one fetch_sub(1) (done if a reference stays): each one atomic step
 * here, the ghost held moving in the same step.  Strays become
 * references when an owner converts ABSENT/OWNED + k to LIVE + k: held
 * moves by k in that step, so remove_in_use stays exact.
 *
 * Idle pairs: with MAXIDLE > 0 a 1->0 put may keep the pair installed at
 * LIVE + 0 (nondeterministically: the budget may be full), setting the
 * idle bit after the word is LIVE + 0; the reclaimer clears the bit
 * first, then must win the CAS LIVE -> OWNED before it REMOVEs.
 *
 * MUTANT_NO_CAS (the planted bug): the 1->0 put checks "still LIVE + 0"
 * and then stores OWNED, two steps instead of one CAS; a get reviving
 * the pair in between is wiped out and the pair removed under it.
 */
#define OWNED 32
#define LIVE 64
#define STRAYS(x) ((x) & 31)

#ifndef MAXIDLE
#define MAXIDLE 0
#endif
#ifndef NOMEM
#define NOMEM 1 /* gets that may find no pages for the pair (ENOMEM) */
#endif

byte w;
bool idle_bit;
byte nomem_left = NOMEM;

/* The fast paths' one atomic RMW each. */
inline get_rmw(v)
{
	atomic {
		v = w;
		w++;
		if
		:: v >= LIVE -> held++
		:: else -> skip
		fi;
		MSC("MSC: proc %d get: fetch_add, word %d -> %d\n", _pid, v, w)
	}
}

inline put_rmw(v)
{
	atomic {
		v = w;
		assert(v > LIVE);  /* we hold a reference */
		w--;
		held--;
		MSC("MSC: proc %d put: fetch_sub, word %d -> %d\n", _pid, v, w)
	}
}

inline cas(old, new, ok)
{
	atomic {
		if
		:: w == old -> w = new; ok = true
		:: else -> ok = false
		fi
	}
}

/* ABSENT/OWNED + k -> LIVE + k: every stray a reference (from: 0 or
 * OWNED, the zone the word is in). */
inline convert(from)
{
	atomic { held = held + STRAYS(w); w = w - from + LIVE }
}

/* We own the word at OWNED + k: REMOVE, publish ABSENT + k, or LIVE + k
 * with the idle bit set afterwards when k == 0. */
inline remove_owned()
{
	remove_with_retry(st, tries);
	if
	:: st == SUCCESS || st == NO_PAMT_PAGE_PAIR ->
		idle_bit = false;
		w = w - OWNED
	:: else ->
		atomic { ok = (w == OWNED); convert(OWNED) };
		if
		:: ok -> idle_bit = true
		:: else -> skip
		fi
	fi
}

/* The put that took the word to LIVE + 0 (the strategy holds what its
 * protocol needs: global-lock the lock, lockless nothing). */
inline put_last()
{
	if
	:: w != LIVE -> skip  /* revived (or someone else's transition) */
	:: else ->
		if
		:: MAXIDLE > 0 -> idle_bit = true  /* keep it for reuse */
		:: true ->
#ifndef MUTANT_NO_CAS
			cas(LIVE, OWNED, ok);
#else
			ok = (w == LIVE);
			MSC("MSC: proc %d put: saw LIVE + 0, stores OWNED\n",
			    _pid);
			if
			:: ok -> w = OWNED
			:: else -> skip
			fi;
#endif
			if
			:: ok -> remove_owned()
			:: else -> skip
			fi
		fi
	fi
}

/* One idle range seen in the bitmap: clear its bit, then reclaim it if
 * it is still LIVE + 0. */
inline reclaim()
{
	atomic { ok = idle_bit; idle_bit = false };
	if
	:: ok ->
		cas(LIVE, OWNED, ok);
		if
		:: ok -> remove_owned()
		:: else -> skip
		fi
	:: else -> skip
	fi
}

inline zoned_final_check()
{
	/* quiescent: no stray, no owner, no reference */
	assert(w == 0 || w == LIVE);
	assert(installed == (w == LIVE));
	assert(w != LIVE || idle_bit);  /* every idle pair has its bit */
	busy_left = 0;  /* nothing contends any more: shrink(0) */
	host_retry_deferred();
	assert(w == 0 && !installed && !idle_bit)
}
