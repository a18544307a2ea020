/*
 * hint.pml - variant (c), BROKEN ON PURPOSE: no host refcount; the host
 * trusts the module.  get = PAMT.ADD, where HPA_RANGE_NOT_FREE means
 * "already mapped, fine"; put = PAGE.REMOVE, and when it returns the
 * removal hint (page_count reached 0), PAMT.REMOVE.  The design relies on
 * the module refusing a REMOVE of a pair in use or already gone, so
 * double_add, double_remove, pages_not_empty and remove_in_use are all
 * tolerated here; only the property that breaks a fault path is checked.
 *
 * Expected: spin finds the cover letter's race, AUG without a pair
 * (MISSING_PAMT_PAGE_PAIR): CPU0's ADD answers "already mapped"; CPU1's
 * PAGE.REMOVE of the range's last page returns the hint and CPU1 removes
 * the pair; CPU0's PAGE.AUG then fails.
 */
#define ALLOW_DOUBLE_ADD
#define ALLOW_DOUBLE_REMOVE
#define ALLOW_PAGES_NOT_EMPTY
#define ALLOW_REMOVE_IN_USE
#ifndef MAXBUSY
#define MAXBUSY 0  /* the race needs no BUSY; keeps the trail clean */
#endif
#include "module.pml"

inline host_get(ok)
{
	add_with_retry(st, tries);
	if
	:: st == SUCCESS || st == HPA_RANGE_NOT_FREE -> held++; ok = true
	:: else -> ok = false
	fi
}

inline host_put()
{
	held--;
	if
	:: hint -> remove_with_retry(st, tries)  /* any answer accepted */
	:: else -> skip
	fi
}

inline host_retry_deferred()
{
	skip  /* this design never defers */
}

inline final_check()
{
	skip
}

#include "harness.pml"
