/*
 * fake_module.h - a tiny, exact stand-in for the module and allocator
 * behind struct dpamt_ops, for unit tests of the host core that must not
 * depend on the full model: it answers TDH.SYS.RD, SYS.CONFIG, TDMR.INIT,
 * PAMT.ADD/REMOVE (pair present or not per 2 MiB range) and
 * PAGE.RECLAIM, counts every call, and can fail the k-th allocation or
 * answer BUSY to the next n REMOVEs.  Thread-safe (one mutex).
 */
#ifndef DPAMT_TESTS_FAKE_MODULE_H
#define DPAMT_TESTS_FAKE_MODULE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpamt/dpamt.h"

#define FAKE_MAX_RANGES 4096

struct fake {
	pthread_mutex_t mu;
	struct dpamt_ops ops;
	/* module */
	bool dpamt_supported;
	unsigned pages_per_pair, entry_size_4k;
	bool configured, dynamic;
	bool pair[FAKE_MAX_RANGES];
	uint64_t pair_pages[FAKE_MAX_RANGES][2];
	uint64_t adds, add_ok, removes, remove_ok, remove_no_pair;
	unsigned remove_busy_next;   /* answer BUSY to this many REMOVEs */
	unsigned add_busy_next;      /* ... and ADDs */
	/* allocator: pages above 'pool' */
	uint64_t pool, next_pa;
	uint64_t pages_out, contig_out_bytes, mem_out_bytes;
	uint64_t alloc_calls, fail_nth; /* 1-based: k-th alloc fails */
	uint64_t free_list[8192];
	unsigned n_free;
};

/* Host memory [0, mem) in the module; allocations come from above it. */
void fake_init(struct fake *f, uint64_t mem);
void fake_fini(struct fake *f);
unsigned fake_pairs(struct fake *f);

#endif
