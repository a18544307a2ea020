/*
 * module.pml - the abstract TDX module for ONE 2 MiB range, as the host's
 * install/remove protocol sees it, plus the ghost state and the properties
 * every protocol model is checked against.
 *
 * Module state: is the range's PAMT page pair installed, and the module's
 * own page_count (4K pages of the range in TD use).  Each leaf is one atomic
 * step (the real module holds its 2 MiB entry lock for the whole leaf).
 * BUSY is over-approximated: PAMT.ADD and PAMT.REMOVE may nondeterministically
 * answer BUSY, at most MAXBUSY times in a run (a bound that keeps the state
 * space finite while still exhausting the host's retry budget).
 *
 * Properties (a ghost flag per property, so a failing assertion names it):
 *   double_add        PAMT.ADD issued while the pair is installed
 *                     (module answers HPA_RANGE_NOT_FREE)
 *   double_remove     PAMT.REMOVE issued while no pair is installed
 *                     (module answers NO_PAMT_PAGE_PAIR)
 *   aug_without_pair  PAGE.AUG at 4K while no pair is installed
 *                     (module answers MISSING_PAMT_PAGE_PAIR)
 *   remove_in_use     PAMT.REMOVE issued while some CPU holds a reference
 *                     (got the range and has not started its put yet),
 *                     whether or not its page is mapped yet
 *   pages_not_empty   PAMT.REMOVE answered PAMT_PAGE_NOT_EMPTY
 * A model may tolerate one by defining ALLOW_<NAME> before including this
 * file (the broken designs rely on some of these answers by design).
 */

/*
 * MSC(...) prints one line of the story a trail replay tells (spin -t).
 * The printf steps cost states, so exhaustive runs of the correct models
 * define NO_MSC; a trail must be replayed with the same definitions.
 */
#ifdef NO_MSC
#define MSC(...) skip
#else
#define MSC(...) printf(__VA_ARGS__)
#endif

#ifndef MAXBUSY
#define MAXBUSY 2
#endif

mtype = { SUCCESS, BUSY, HPA_RANGE_NOT_FREE, NO_PAMT_PAGE_PAIR,
	  PAMT_PAGE_NOT_EMPTY, MISSING_PAMT_PAGE_PAIR };

/* module state */
bool installed;
byte page_count;
byte busy_left = MAXBUSY;

/* ghost state: CPUs holding a reference (between get's success and put) */
byte held;
byte cpus_done;
bool double_add, double_remove, aug_without_pair, remove_in_use;
bool pages_not_empty;

#ifdef ALLOW_DOUBLE_ADD
#define CHECK_DOUBLE_ADD skip
#else
#define CHECK_DOUBLE_ADD assert(!double_add)
#endif
#ifdef ALLOW_DOUBLE_REMOVE
#define CHECK_DOUBLE_REMOVE skip
#else
#define CHECK_DOUBLE_REMOVE assert(!double_remove)
#endif
#ifdef ALLOW_REMOVE_IN_USE
#define CHECK_REMOVE_IN_USE skip
#else
#define CHECK_REMOVE_IN_USE assert(!remove_in_use)
#endif
#ifdef ALLOW_PAGES_NOT_EMPTY
#define CHECK_PAGES_NOT_EMPTY skip
#else
#define CHECK_PAGES_NOT_EMPTY assert(!pages_not_empty)
#endif

/* The nondeterministic BUSY answer of the two PAMT leaves. */
#define MAY_BE_BUSY (busy_left > 0) -> busy_left--; st = BUSY

/* TDH.PHYMEM.PAMT.ADD */
inline pamt_add(st)
{
	atomic {
		if
		:: MAY_BE_BUSY
		:: installed -> st = HPA_RANGE_NOT_FREE; double_add = true
		:: !installed -> installed = true; st = SUCCESS
		fi;
		MSC("MSC: proc %d PAMT.ADD -> %e\n", _pid, st);
		CHECK_DOUBLE_ADD
	}
}

/* TDH.PHYMEM.PAMT.REMOVE */
inline pamt_remove(st)
{
	atomic {
		remove_in_use = remove_in_use || held > 0;
		CHECK_REMOVE_IN_USE;
		if
		:: MAY_BE_BUSY
		:: !installed -> st = NO_PAMT_PAGE_PAIR; double_remove = true
		:: installed && page_count > 0 ->
			st = PAMT_PAGE_NOT_EMPTY; pages_not_empty = true
		:: installed && page_count == 0 ->
			installed = false; st = SUCCESS
		fi;
		MSC("MSC: proc %d PAMT.REMOVE -> %e\n", _pid, st);
		CHECK_DOUBLE_REMOVE;
		CHECK_PAGES_NOT_EMPTY
	}
}

/* TDH.MEM.PAGE.AUG of one 4K page of the range: needs the pair. */
inline page_aug(st)
{
	atomic {
		if
		:: !installed ->
			st = MISSING_PAMT_PAGE_PAIR; aug_without_pair = true
		:: else -> page_count++; st = SUCCESS
		fi;
		MSC("MSC: proc %d PAGE.AUG -> %e\n", _pid, st);
		assert(!aug_without_pair)
	}
}

/* TDH.MEM.PAGE.REMOVE: hint = the removal hint (page_count reached 0). */
inline page_remove(hint)
{
	atomic {
		assert(page_count > 0);
		page_count--;
		hint = (page_count == 0);
		MSC("MSC: proc %d PAGE.REMOVE -> SUCCESS, hint %d\n", _pid,
		       hint)
	}
}
