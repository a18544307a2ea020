/*
 * strat_util.h - helpers of the strategy tests: the strategies under test
 * (as cmocka prestates), a model host whose lock ops are spied on (which
 * lock was taken how often: the manager's global lock is the first one
 * it creates), and small assertions shared by the test files.
 */
#ifndef DPAMT_TESTS_STRAT_UTIL_H
#define DPAMT_TESTS_STRAT_UTIL_H

#include <stdatomic.h>
#include <stdint.h>

#include "host/host_test_util.h"

/* The strategies these tests cover, as prestates for cmocka. */
extern const enum dpamt_strategy st_hashed, st_lockless, st_global;
enum dpamt_strategy st_of(void **state);
/* Two cmocka tests: f under hashed, f under lockless. */
#define ST_PER_STRAT(f)                                                      \
	cmocka_unit_test_prestate(f, (void *)&st_hashed),                   \
	cmocka_unit_test_prestate(f, (void *)&st_lockless)

/*
 * A model host whose ops->lock_* are wrapped.  mo must stay first: the
 * ops' ctx is &mo, and the wrappers find the spy from it.
 */
struct st_spy {
	struct model_ops mo;
	struct dpamt_ops orig;
	struct tdxmod *mod;
	struct phys_alloc *alloc;
	struct dpamt *dp;
	void *global;                 /* the first lock the manager made */
	_Atomic uint64_t locks_made;
	_Atomic uint64_t global_taken; /* acquisitions of the global lock */
	_Atomic uint64_t other_taken;  /* acquisitions of any other lock */
};
void st_spy_create(struct st_spy *s, uint64_t mem,
		   const struct dpamt_config *c);
void st_spy_destroy(struct st_spy *s);

/* Model PAMT.ADD / PAMT.REMOVE calls that succeeded. */
uint64_t st_adds_ok(struct model_host *h);
uint64_t st_removes_ok(struct model_host *h);

#endif
