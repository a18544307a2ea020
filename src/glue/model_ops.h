/*
 * model_ops.h - a struct dpamt_ops backed by the TDX-module model and the
 * physical page allocator: what tests, the VMM model and the CLI hand to
 * dpamt_create().  Hosted (libc, pthreads).
 *
 * seamcall -> tdxmod_seamcall (through an optional test filter), pages and
 * contiguous areas -> phys_alloc, manager tables -> calloc/free (bytes
 * tracked), clock -> CLOCK_MONOTONIC, locks -> pthread mutexes (or the
 * core's spin lock), relax -> pause then sched_yield, yield -> an optional
 * test hook.  Hooks may be set or changed after dpamt_create() (the ops
 * read them at call time), but not while calls run.
 */
#ifndef DPAMT_GLUE_MODEL_OPS_H
#define DPAMT_GLUE_MODEL_OPS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdxmod.h"
#include "glue/pair_pool.h"
#include "glue/phys_alloc.h"

struct model_ops {
	struct dpamt_ops ops;  /* pass &mo->ops to dpamt_create */
	struct tdxmod *mod;
	struct phys_alloc *alloc;
	/* Test hook at the manager's yield points (NULL: none). */
	void (*yield_hook)(void *arg, enum dpamt_yield_point where,
			   uint64_t pa);
	void *yield_arg;
	/* SEAMCALL filter: return true if it answered regs itself (fault
	 * injection); false passes the call to the model.  NULL: none. */
	bool (*seamcall_filter)(void *arg, struct dpamt_tdx_regs *regs);
	void *filter_arg;
	/* Bytes the manager holds from mem_alloc now (leak checks). */
	_Atomic uint64_t mem_bytes;
	/* Page allocations through page_alloc that failed. */
	_Atomic uint64_t page_alloc_failures;
	/* Pair pages, once model_ops_pairs() ran: the pool (NULL: pair pages
	 * are ordinary page_alloc pages), live pair pages per 2 MiB range,
	 * the ranges holding at least one (now, peak), and pool allocations
	 * that found no block and fell back to page_alloc. */
	struct pair_pool *pair_pool;
	_Atomic uint32_t *pair_live;
	uint64_t pair_ranges;
	_Atomic uint64_t ranges_blocked, ranges_blocked_peak;
	_Atomic uint64_t pair_fallbacks;
	/* The low-watermark shrinker, once model_ops_shrinker() ran: the
	 * manager it shrinks, its runs and the pairs they gave back. */
	struct dpamt *shrink_dp;
	_Atomic uint64_t shrinker_runs, shrinker_pairs;
};

/*
 * Fill mo for a model and an allocator.  core_lock: leave the lock_* ops
 * NULL so the manager uses its own spin lock; otherwise pthread mutexes.
 * Concurrency: before the ops are used; mo must outlive the manager.
 */
void model_ops_init(struct model_ops *mo, struct tdxmod *mod,
		    struct phys_alloc *alloc, bool core_lock);

/*
 * Give the manager pair_alloc/pair_free ops over mo (before dpamt_create):
 * pages from a pair pool of whole 2 MiB blocks (taken from arena hint)
 * when pool is true, else from mo->ops.page_alloc as set at the time of
 * the call; either way every pair page is counted in its 2 MiB range of
 * [0, mem_bytes) (ranges_blocked*).  0, or -1 on ENOMEM (nothing set).
 * model_ops_pairs_fini (after dpamt_destroy, before the allocator goes)
 * gives back the pool's blocks and frees the counts; model_host_destroy
 * calls it.  Concurrency: like model_ops_init.
 */
int model_ops_pairs(struct model_ops *mo, uint64_t mem_bytes, bool pool,
		    unsigned hint);
void model_ops_pairs_fini(struct model_ops *mo);

/*
 * Register dp's idle pairs with the allocator's low watermark, as a
 * kernel host registers a struct shrinker: when an allocation leaves
 * fewer than low_pages free, the callback asks dpamt_shrink_count() and
 * gives back, with dpamt_shrink_scan(), enough idle pairs to bring free
 * memory back to high_pages (all of them if that is not enough).
 * Concurrency: after dpamt_create(dp) on &mo->ops, before allocations run;
 * dp must outlive the allocations (model_host_destroy turns it off).
 */
void model_ops_shrinker(struct model_ops *mo, struct dpamt *dp,
			uint64_t low_pages, uint64_t high_pages);

/*
 * A whole test host in one call: model of mem_bytes (default config, then
 * adjusted by tweak if non-NULL), allocator over [0, mem_bytes), ops, and
 * a manager created with cfg (its TDMRs must lie in the model's CMRs; a
 * global_hkid of 0 becomes the model's hkid_max, since the model accepts
 * only a private HKID).  0, or -1 with msg.  h must not move afterwards
 * (the ops point into it).  model_host_destroy tears it all down.
 */
struct model_host {
	struct tdxmod *mod;
	struct phys_alloc *alloc;
	struct model_ops mo;
	struct dpamt *dp;
};
int model_host_create(struct model_host *h, uint64_t mem_bytes,
		      const struct dpamt_config *cfg,
		      void (*tweak)(struct tdxmod_config *mc, void *arg),
		      void *arg, char *msg, size_t len);
void model_host_destroy(struct model_host *h);

#endif /* DPAMT_GLUE_MODEL_OPS_H */
