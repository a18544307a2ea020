/*
 * harness.pml - the CPUs that drive a host protocol model, and the final
 * check.  Included last by every model, after it has defined:
 *   host_get(ok)     take a reference on the range (ok: got it)
 *   host_put()       drop it
 *   host_retry_deferred()  one pass over a REMOVE deferred by BUSY (the
 *                    core's dpamt_retry_deferred); runs concurrently with
 *                    the CPUs once, and again in the final check
 *   final_check()    run at quiescence (every CPU and the reclaimer done)
 * and the ghost rule: the atomic step that takes a reference does held++,
 * the one that drops it does held-- (so remove_in_use is exact).
 *
 * Each of NCPU CPUs, ITER times: get; on success PAGE.AUG one 4K page of
 * the range, PAGE.REMOVE it, put.  A failed get (BUSY budget spent) maps
 * nothing and puts nothing.  A reclaimer process runs one deferred-retry
 * pass at an arbitrary moment.  At quiescence the checker asserts that no
 * page is mapped and no reference held, runs the model's final check.
 */

#ifndef NCPU
#define NCPU 2
#endif
#ifndef ITER
#define ITER 2
#endif
#ifndef RETRIES
#define RETRIES 1 /* host retries per SEAMCALL after BUSY */
#endif

/* Issue a PAMT leaf, retrying BUSY up to RETRIES times. */
inline add_with_retry(st, tries)
{
	tries = 0;
	do
	:: pamt_add(st);
		if
		:: st == BUSY && tries < RETRIES -> tries++
		:: else -> break
		fi
	od
}

inline remove_with_retry(st, tries)
{
	tries = 0;
	do
	:: pamt_remove(st);
		if
		:: st == BUSY && tries < RETRIES -> tries++
		:: else -> break
		fi
	od
}

proctype cpu()
{
	byte i, v, tries;
	mtype st;
	bool ok, hint;

	for (i : 1 .. ITER) {
		host_get(ok);
		if
		:: ok ->
			page_aug(st);
			page_remove(hint);
			host_put()
		:: else -> skip
		fi
	}
	cpus_done++
}

proctype reclaimer()
{
	byte v, tries;
	mtype st;
	bool ok;

	host_retry_deferred();
	cpus_done++
}

active proctype checker()
{
	byte v, tries;
	mtype st;
	bool ok;

	(cpus_done == NCPU + 1);
	assert(page_count == 0 && held == 0);
	final_check()
}

init
{
	byte n;

	atomic {
		for (n : 1 .. NCPU) {
			run cpu()
		}
		run reclaimer()
	}
}
