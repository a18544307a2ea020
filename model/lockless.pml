/*
 * lockless.pml - variant (d), the `lockless` strategy (docs/design.md §9):
 * no lock at all; one atomic word per range holds the count and two
 * flags, P (the pair is present) and T (a transition, ADD or REMOVE, is in
 * flight and owned by whoever set T).  Every change of the word is a CAS
 * (one atomic step here); the owner of T publishes with a plain store,
 * because nobody else may change a word with T set.
 *   fast get:  P, !T, count>0  -> count + 1
 *   fast put:  P, !T, count>1  -> count - 1
 *   0 -> 1:    "0"  -> "T", PAMT.ADD, publish "P, 1" (ADD failed: "0")
 *   revive:    "P, 0" -> "P, T", clear idle bit, publish "P, 1" (an idle
 *              pair reused with no SEAMCALL)
 *   1 -> 0:    "P, 1" -> "P, T", PAMT.REMOVE, publish "0"
 *              (BUSY past the budget: set idle bit, publish "P, 0")
 *   retry:     "P, 0" -> "P, T", PAMT.REMOVE, clear idle bit, publish "0"
 *              (still BUSY: publish "P, 0")
 *   T seen:    wait until T clears, then start over.
 * The idle bit (the core's idle bitmap, read by introspection and the
 * consistency check) is written only by T's owner.  This is the code of
 * src/host/strat_lockless.c step for step.
 * Expected: every property holds, and no process is left waiting; at
 * quiescence the idle bit is set exactly when the word is "P, 0".
 *
 * MUTANT_EARLY_PUBLISH (a check of the checker): the 0->1 path publishes
 * "P, 1" before its PAMT.ADD, without T; spin must then find a get that
 * took the fast path and AUGs before the pair exists (aug_without_pair).
 */
#include "module.pml"

#define CNT_MASK 15
#define PBIT 16
#define TBIT 32
#define CNT(x) ((x) & CNT_MASK)

byte w;
bool idle_bit;

/* CAS w: old -> new; ghost held moves by dh in the same atomic step. */
inline cas(old, new, dh, ok)
{
	atomic {
		if
		:: w == old -> w = new; held = held + dh; ok = true
		:: else -> ok = false
		fi
	}
}

inline host_get(ok)
{
	do
	:: v = w;
		if
		:: (v & TBIT) -> (w & TBIT) == 0  /* wait: relax, yield hook */
		:: (v & (PBIT | TBIT)) == PBIT && CNT(v) > 0 ->
			cas(v, v + 1, 1, ok);
			if
			:: ok -> break
			:: else -> skip
			fi
		:: v == PBIT ->
			cas(PBIT, PBIT | TBIT, 0, ok);
			if
			:: ok ->
				idle_bit = false;
				atomic { w = PBIT | 1; held++ }
				ok = true;
				break
			:: else -> skip
			fi
		:: v == 0 ->
#ifndef MUTANT_EARLY_PUBLISH
			cas(0, TBIT, 0, ok);
			if
			:: ok ->
				add_with_retry(st, tries);
				if
				:: st == SUCCESS ->
					atomic { w = PBIT | 1; held++ }
					ok = true
				:: else -> w = 0; ok = false
				fi;
				break
			:: else -> skip
			fi
#else
			/* mutant: publish "P, 1" first, ADD after (no T) */
			cas(0, PBIT | 1, 1, ok);
			if
			:: ok ->
				do
				:: pamt_add(st);
					if
					:: st == BUSY -> skip
					:: else -> break
					fi
				od;
				break
			:: else -> skip
			fi
#endif
		:: else -> assert(false)  /* count without P: impossible */
		fi
	od
}

inline host_put()
{
	do
	:: v = w;
		/* we hold a reference: P set, no transition, count >= 1 */
		assert((v & (PBIT | TBIT)) == PBIT && CNT(v) > 0);
		if
		:: CNT(v) > 1 ->
			cas(v, v - 1, -1, ok);
			if
			:: ok -> break
			:: else -> skip
			fi
		:: CNT(v) == 1 ->
			cas(v, PBIT | TBIT, -1, ok);
			if
			:: ok ->
				remove_with_retry(st, tries);
				if
				:: st == SUCCESS -> w = 0
				:: else ->  /* idle; retried later */
					idle_bit = true;
					w = PBIT
				fi;
				break
			:: else -> skip
			fi
		fi
	od
}

inline host_retry_deferred()
{
	cas(PBIT, PBIT | TBIT, 0, ok);  /* only an idle pair */
	if
	:: ok ->
		assert(idle_bit);
		remove_with_retry(st, tries);
		if
		:: st == SUCCESS -> idle_bit = false; w = 0
		:: else -> w = PBIT
		fi
	:: else -> skip
	fi
}

inline final_check()
{
	assert((w & TBIT) == 0);
	assert(installed == ((w & PBIT) != 0));
	assert(CNT(w) == 0 || installed);
	assert(idle_bit == (w == PBIT));
	busy_left = 0;  /* nothing contends any more */
	host_retry_deferred();
	assert(installed == (CNT(w) > 0) && installed == ((w & PBIT) != 0));
	assert(!idle_bit)
}

#include "harness.pml"
