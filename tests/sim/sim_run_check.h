/*
 * sim_run_check.h - what every clean sim_run() report must show, shared by
 * the engine tests (tests/vmm) and the pair-pool tests (tests/sim).
 */
#ifndef DPAMT_TESTS_SIM_RUN_CHECK_H
#define DPAMT_TESTS_SIM_RUN_CHECK_H

#include "sim/sim.h"
#include "test_seed.h"

/*
 * cmocka assertions: rc 0, no error (printed if any), no leak, no
 * violation, at least one check, no pair left, and every pair that went
 * in came out: PAMT.ADD or DEMOTE in, PAMT.REMOVE or PROMOTE out (a chunk
 * left split loses its DEMOTE pair by PAMT.REMOVE at teardown), counted
 * both by the manager and by the module's successful calls.
 */
void sim_assert_clean_run(const struct sim_report *r, int rc);

/* The test's seed: test_seed(), default 42. */
#define sim_test_seed() test_seed(__func__, 42)

#endif
