/*
 * sim_run_check.c - the clean-run assertions of sim_run_check.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim/sim_run_check.h"

void sim_assert_clean_run(const struct sim_report *r, int rc)
{
	const struct sim_leaf_report *add =
		&r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD];
	const struct sim_leaf_report *rem =
		&r->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE];
	uint64_t demotes = 0, promotes = 0;

	for (unsigned i = 0; i < r->n_errors; i++)
		printf("  error: %s\n", r->errors[i]);
	assert_int_equal(rc, 0);
	assert_int_equal(r->n_errors, 0);
	assert_int_equal(r->leaked_pages, 0);
	assert_int_equal(r->invariant_violations, 0);
	assert_true(r->invariant_checks > 0);
	for (unsigned i = 0; i < r->n_guests; i++) {
		demotes += r->guests[i].demotes;
		promotes += r->guests[i].promotes;
	}
	assert_int_equal(r->pamt.pamt_add_ok + demotes,
			 r->pamt.pamt_remove_ok + promotes);
	assert_int_equal(add->calls - add->busy - add->errors + demotes,
			 rem->calls - rem->busy - rem->errors + promotes);
	assert_int_equal(r->pamt.pairs_now, 0);
}
