/*
 * host_test_util.h - shared helpers of the model-backed host tests: the
 * seed (test_seed.h), the PRNG (util/prng.h), per-range "held"
 * counts for the consistency check, and a set-up that builds a model host.
 */
#ifndef DPAMT_TESTS_HOST_TEST_UTIL_H
#define DPAMT_TESTS_HOST_TEST_UTIL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdxmod.h"
#include "glue/dpamt_check.h"
#include "glue/model_ops.h"
#include "util/prng.h"
#include "test_seed.h"

#define GiB (1ULL << 30)
#define MiB2 (2ULL << 20)



/* References the test believes it holds, per 2 MiB range of [0, mem). */
struct ht_held {
	uint64_t n_ranges;
	_Atomic uint32_t *refs;
};
void ht_held_init(struct ht_held *h, uint64_t mem_bytes);
void ht_held_fini(struct ht_held *h);
uint32_t ht_held_cb(void *arg, uint64_t pa_2m);

/* Model host over [0, mem) with one TDMR covering it all. */
struct dpamt_config ht_cfg(uint64_t mem, enum dpamt_strategy s);
void ht_host(struct model_host *h, uint64_t mem, const struct dpamt_config *c,
	     void (*tweak)(struct tdxmod_config *mc, void *arg), void *arg);

/* Variations: model BUSY injection, the core's own spin lock. */
struct ht_tweak {
	double busy_prob;
	uint64_t seed;
	bool core_lock;
	bool no_dpamt;
};
void ht_host_ex(struct model_host *h, uint64_t mem,
		const struct dpamt_config *c, const struct ht_tweak *tw);
/* ht_host_ex in two steps, for hosts built around other ops: the module
 * (as tw says) and allocator over [0, mem) with model ops over them in
 * mo, returning the module's hkid_max; then dpamt_create over ops (global
 * HKID = hkid unless c sets one).  Both fail the test on error. */
unsigned ht_model_up(struct tdxmod **mod, struct phys_alloc **alloc,
		     struct model_ops *mo, uint64_t mem,
		     const struct ht_tweak *tw);
struct dpamt *ht_dpamt_up(const struct dpamt_config *c,
			  const struct dpamt_ops *ops, unsigned hkid);

/* dpamt_check with opts; prints the messages and returns the count. */
unsigned ht_check(struct model_host *h, const struct dpamt_check_opts *o);

/* Model leaf counters. */
uint64_t ht_leaf_calls(struct model_host *h, unsigned leaf);
uint64_t ht_leaf_errors(struct model_host *h, unsigned leaf);
uint64_t ht_leaf_busy(struct model_host *h, unsigned leaf);

#endif
