/*
 * sept_read.c - a TD's S-EPT read from outside a SEAMCALL: the 4K pages
 * mapped at a run of GPAs (tdxmod_sept_4k, include/dpamt/tdxmod.h).
 *
 * Concurrency: no lock, no storage created; every load is an acquire of
 * an entry (sept_table.c), so an entry being rewritten reads as its old or
 * new value.  Tables are never freed while the model lives, so a table
 * unlinked under the reader is still memory.
 */
#include <string.h>

#include "tdxmod/model.h"

/* The level-0 table that maps gpa, or 0 when the walk ends above it. */
static uint64_t leaf_table(struct tdxmod *m, uint64_t tdr, uint64_t gpa)
{
	uint64_t table = mem_load(m, tdr + TDW_TDCS0 * 8);

	for (unsigned l = 3; l >= 1 && table; l--) {
		uint64_t v = sept_load(m, table,
				       (unsigned)(gpa >> (12 + 9 * l)) & 511);

		if (!(v & SE_PRESENT) || (v & SE_LEAF))
			return 0;
		table = v & SE_PA_MASK;
	}
	return table;
}

unsigned tdxmod_sept_4k(struct tdxmod *m, uint64_t tdr, uint64_t gpa,
			unsigned n, uint64_t *pa)
{
	unsigned first = (unsigned)(gpa >> 12) & 511, k = 0;
	uint64_t table;
	struct se_ref r;

	memset(pa, 0, n * sizeof(*pa));
	if (!n || first + n > SLT_ENTRIES || tdr >= m->cfg.mem_bytes ||
	    !(table = leaf_table(m, tdr, gpa)) ||
	    !se_ref_get(m, table, first, false, &r))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		struct se_ref e = r; /* words of one page are contiguous */
		uint64_t v;

		if (e.w)
			e.w = r.w + i;
		else
			e.i = first + i;
		v = se_load(&e);
		if ((v & SE_PRESENT) && (v & SE_LEAF)) {
			pa[i] = v & SE_PA_MASK;
			k++;
		}
	}
	return k;
}
