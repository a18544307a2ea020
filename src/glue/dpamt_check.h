/*
 * dpamt_check.h - the docs/design.md §7 consistency check of a host
 * manager against the module model (and the allocator), at quiescence;
 * and the JSON form of struct dpamt_stats.  Hosted.
 */
#ifndef DPAMT_GLUE_DPAMT_CHECK_H
#define DPAMT_GLUE_DPAMT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdxmod.h"
#include "glue/phys_alloc.h"

struct dpamt_check_opts {
	/*
	 * How many 4K pages of the 2 MiB range at pa_2m the caller believes
	 * it holds (gets not yet put, 512 per demoted range).  NULL: skip
	 * invariant 2 against the caller, keep the module cross-check.
	 */
	uint32_t (*held)(void *arg, uint64_t pa_2m);
	void *held_arg;
	/* Idle pairs allowed (installed at refcount 0: kept for reuse under
	 * cfg.max_idle_pairs, or after a BUSY REMOVE).  Invariant 1 is
	 * "installed <=> refcount > 0 or idle", with idle <= max_idle; pass
	 * 0 after dpamt_shrink(m, 0) to demand the exact minimum. */
	uint64_t max_idle;
	/* Module page_count must equal the refcount (every get was followed
	 * by the page's use); otherwise page_count <= refcount. */
	bool exact_page_count;
	/* Every TD is gone: zero pairs, refcounts and dynamic bytes. */
	bool all_gone;
};

/*
 * Check, at quiescence (no call in flight on m, mod or alloc):
 *  1. pair installed <=> refcount > 0, idle pairs counted and bounded;
 *  2. refcount = pages the caller holds; module page_count consistent;
 *  3. every pair page is allocated (not free in alloc);
 *  4. bitmap bit <=> pair page (tdxmod_check, plus each pair's bits);
 *  5. all_gone: zero pairs, refcounts, dynamic bytes;
 *  and manager stats agree with the model (pairs_now, dynamic bytes).
 * alloc may be NULL (skips 3).  Returns the number of violations; the
 * first ones are written to msg, one per line.
 */
unsigned dpamt_check(struct dpamt *m, struct tdxmod *mod,
		     const struct phys_alloc *alloc,
		     const struct dpamt_check_opts *opts, char *msg,
		     size_t len);

/* JSON object of every field of struct dpamt_stats (X-macro).  Returns
 * what snprintf would (length without the NUL). */
int dpamt_stats_json(const struct dpamt_stats *s, char *buf, size_t len);

#endif /* DPAMT_GLUE_DPAMT_CHECK_H */
