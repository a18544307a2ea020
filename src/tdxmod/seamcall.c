/*
 * seamcall.c - the SEAMCALL entry point: dispatch, fatal state, per-leaf
 * statistics, configured latency, and the single exit path that releases
 * every lock a leaf took.
 *
 * Concurrency: tdxmod_seamcall() may run on any number of threads at once
 * (each is a logical CPU).  No lock is held between calls and none is ever
 * waited for inside one.
 */
#include <sched.h>
#include <time.h>

#include "tdxmod/model.h"

typedef uint64_t (*leaf_fn)(struct call *c);

static const leaf_fn leaf_table[DPAMT_TDX_LEAF_MAX] = {
	[DPAMT_TDH_MNG_ADDCX] = leaf_mng_addcx,
	[DPAMT_TDH_MEM_PAGE_ADD] = leaf_page_add,
	[DPAMT_TDH_MEM_SEPT_ADD] = leaf_sept_add,
	[DPAMT_TDH_VP_ADDCX] = leaf_vp_addcx,
	[DPAMT_TDH_MEM_PAGE_AUG] = leaf_page_aug,
	[DPAMT_TDH_MEM_RANGE_BLOCK] = leaf_range_block,
	[DPAMT_TDH_MNG_KEY_CONFIG] = leaf_mng_key_config,
	[DPAMT_TDH_MNG_CREATE] = leaf_mng_create,
	[DPAMT_TDH_MR_FINALIZE] = leaf_mr_finalize,
	[DPAMT_TDH_PHYMEM_CACHE_WB] = leaf_phymem_cache_wb,
	[DPAMT_TDH_VP_CREATE] = leaf_vp_create,
	[DPAMT_TDH_MEM_PAGE_DEMOTE] = leaf_page_demote,
	[DPAMT_TDH_MNG_VPFLUSHDONE] = leaf_mng_vpflushdone,
	[DPAMT_TDH_MNG_KEY_FREEID] = leaf_mng_key_freeid,
	[DPAMT_TDH_MNG_INIT] = leaf_mng_init,
	[DPAMT_TDH_VP_INIT] = leaf_vp_init,
	[DPAMT_TDH_MEM_PAGE_PROMOTE] = leaf_page_promote,
	[DPAMT_TDH_PHYMEM_PAGE_RECLAIM] = leaf_page_reclaim,
	[DPAMT_TDH_MEM_PAGE_REMOVE] = leaf_page_remove,
	[DPAMT_TDH_MEM_SEPT_REMOVE] = leaf_sept_remove,
	[DPAMT_TDH_SYS_RD] = leaf_sys_rd,
	[DPAMT_TDH_SYS_TDMR_INIT] = leaf_sys_tdmr_init,
	[DPAMT_TDH_MEM_TRACK] = leaf_mem_track,
	[DPAMT_TDH_SYS_CONFIG] = leaf_sys_config,
	[DPAMT_TDH_PHYMEM_PAMT_ADD] = leaf_pamt_add,
	[DPAMT_TDH_PHYMEM_PAMT_REMOVE] = leaf_pamt_remove,
};

/* Output registers each leaf sets to 0 at entry, as the module's handler
 * does before its first check (bit i = register i of struct dpamt_tdx_regs). */
#define OUT_RCX (1u << 1)
#define OUT_RDX (1u << 2)
#define OUT_R8 (1u << 3)
#define OUT_R9 (1u << 4)
#define OUT_R10 (1u << 5)
#define OUT_R11 (1u << 6)
static const unsigned leaf_clears[DPAMT_TDX_LEAF_MAX] = {
	[DPAMT_TDH_MEM_PAGE_REMOVE] = OUT_RCX | OUT_RDX,
	[DPAMT_TDH_MEM_RANGE_BLOCK] = OUT_RCX | OUT_RDX,
	[DPAMT_TDH_MEM_SEPT_REMOVE] = OUT_RCX | OUT_RDX,
	[DPAMT_TDH_MEM_PAGE_PROMOTE] = OUT_RCX | OUT_RDX,
	[DPAMT_TDH_PHYMEM_PAGE_RECLAIM] = OUT_RCX | OUT_RDX | OUT_R8 | OUT_R9 |
				    OUT_R10 | OUT_R11,
};

static void clear_outputs(struct dpamt_tdx_regs *o, unsigned mask)
{
	uint64_t *reg[] = { &o->rax, &o->rcx, &o->rdx, &o->r8,
			    &o->r9,  &o->r10, &o->r11 };

	for (unsigned i = 1; i < sizeof(reg) / sizeof(reg[0]); i++)
		if (mask & (1u << i))
			*reg[i] = 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Busy-wait until the leaf's configured latency has passed since t0. */
void call_hold_latency(struct call *c)
{
	uint64_t ns = c->m->cfg.leaf_latency_ns[c->leaf];

	if (!ns)
		return;
	if (c->m->cfg.hold) {
		c->m->cfg.hold(c->m->cfg.hold_arg, ns);
		return;
	}
	while (now_ns() - c->t0 < ns)
		;
}

/*
 * The calling thread's stripe: the CPU it first called the model from
 * (sched_getcpu(), cached per thread: a call costs ~5 ns and the model
 * asks several times per SEAMCALL), so threads pinned to distinct CPUs
 * never share a stripe; a stack-address hash, used before, let two
 * threads collide by chance (1 in 16), and then every SEAMCALL of both
 * bounced the stripe's lines and its page-buffer pool's mutex.  A
 * thread that migrates keeps its stripe: correct (the counters are
 * atomics, the pools mutexed), at worst a shared line.  The cache is
 * per thread, not per model: it names a CPU, which every model reads
 * alike.
 */
static _Thread_local unsigned stripe_cached; /* stripe + 1; 0: not yet */

unsigned stat_stripe_of(void)
{
	int cpu;

	if (stripe_cached)
		return stripe_cached - 1;
	cpu = sched_getcpu();
	stripe_cached = (cpu < 0 ? 0u : (unsigned)cpu) % STAT_STRIPES + 1;
	return stripe_cached - 1;
}

void stat_pairs_add(struct tdxmod *m, int64_t d)
{
	atomic_fetch_add_explicit(&m->stats[stat_stripe_of()].pairs, d,
				  memory_order_relaxed);
}

static void count(struct tdxmod *m, unsigned leaf, uint64_t st)
{
	struct leaf_ctr *lc = &m->stats[stat_stripe_of()].leaf[leaf];

	atomic_fetch_add_explicit(&lc->calls, 1, memory_order_relaxed);
	if (dpamt_tdx_is_busy(st))
		atomic_fetch_add_explicit(&lc->busy, 1, memory_order_relaxed);
	else if (dpamt_tdx_is_error(st))
		atomic_fetch_add_explicit(&lc->errors, 1,
					  memory_order_relaxed);
}

static uint64_t dispatch(struct call *c, unsigned leaf)
{
	struct tdxmod *m = c->m;
	unsigned st;

	/* The module's dispatcher: an unknown leaf (or a version the leaf
	 * does not have) is OPERAND_INVALID|RAX. */
	if (leaf >= DPAMT_TDX_LEAF_MAX || !leaf_table[leaf])
		return st_err(DPAMT_TDX_OPERAND_INVALID,
			      DPAMT_TDX_OPERAND_ID_RAX);
	if (leaf == DPAMT_TDH_SYS_RD || leaf == DPAMT_TDH_SYS_CONFIG ||
	    leaf == DPAMT_TDH_SYS_TDMR_INIT)
		return leaf_table[leaf](c);
	st = atomic_load_explicit(&m->sys_state, memory_order_acquire);
	if (st != SYS_READY)
		return DPAMT_TDX_SYS_NOT_READY;
	return leaf_table[leaf](c);
}

/* Highest version of each leaf the model runs (RAX bits 23:16); 0 for
 * every leaf not listed.  VP.INIT v1 takes the x2APIC id in R8, which the
 * model ignores (Linux calls it with version 1). */
static unsigned leaf_max_version(unsigned leaf)
{
	return leaf == DPAMT_TDH_VP_INIT ? 1 : 0;
}

/* RAX's leaf number, or DPAMT_TDX_LEAF_MAX when RAX has bits beyond the leaf
 * and version fields or a version the leaf does not have. */
static uint64_t leaf_of(uint64_t rax)
{
	uint64_t leaf = rax & DPAMT_TDX_LEAF_NUM_MASK;
	unsigned ver = (unsigned)((rax & DPAMT_TDX_LEAF_VERSION_MASK) >>
				  DPAMT_TDX_LEAF_VERSION_SHIFT);

	if ((rax & ~(DPAMT_TDX_LEAF_NUM_MASK | DPAMT_TDX_LEAF_VERSION_MASK)) ||
	    leaf >= DPAMT_TDX_LEAF_MAX ||
	    ver > leaf_max_version((unsigned)leaf))
		return DPAMT_TDX_LEAF_MAX;
	return leaf;
}

void tdxmod_seamcall(struct tdxmod *m, struct dpamt_tdx_regs *regs)
{
	struct call c;
	struct dpamt_tdx_regs in = *regs, out = *regs;
	uint64_t leaf = leaf_of(regs->rax), st;

	if (tdxmod_is_fatal(m)) {
		regs->rax = DPAMT_TDX_MODEL_FATAL;
		return;
	}
	c.m = m;
	c.r = &in;
	c.o = &out;
	c.leaf = leaf < DPAMT_TDX_LEAF_MAX ? (unsigned)leaf : 0;
	if (leaf < DPAMT_TDX_LEAF_MAX && leaf_table[leaf])
		clear_outputs(&out, leaf_clears[leaf]);
	c.nlocks = 0;
	c.busy_drawn = false;
	c.t0 = m->cfg.leaf_latency_ns[c.leaf] && !m->cfg.hold ? now_ns() : 0;
	c.latency_spent = false;
	st = dispatch(&c, leaf < DPAMT_TDX_LEAF_MAX ? (unsigned)leaf
						    : DPAMT_TDX_LEAF_MAX);
	/* A BUSY answer gives up at its first failed try-lock: it does not
	 * do the leaf's work, so it does not cost the leaf's latency. */
	if (!dpamt_tdx_is_busy(st) && !c.latency_spent)
		call_hold_latency(&c);
	call_release_all(&c);
	if (tdxmod_is_fatal(m))
		st = DPAMT_TDX_MODEL_FATAL;
	if (leaf < DPAMT_TDX_LEAF_MAX)
		count(m, (unsigned)leaf, st);
	*regs = out;
	regs->rax = st;
}

void tdxmod_seamcall_ops(void *m, struct dpamt_tdx_regs *regs)
{
	tdxmod_seamcall(m, regs);
}

void tdxmod_leaf_stats(const struct tdxmod *m, unsigned leaf,
		       struct tdxmod_leaf_stats *out)
{
	out->calls = out->busy = out->errors = 0;
	if (leaf >= DPAMT_TDX_LEAF_MAX)
		return;
	for (unsigned s = 0; s < STAT_STRIPES; s++) {
		const struct leaf_ctr *lc = &m->stats[s].leaf[leaf];

		out->calls += atomic_load_explicit(&lc->calls,
						   memory_order_relaxed);
		out->busy += atomic_load_explicit(&lc->busy,
						  memory_order_relaxed);
		out->errors += atomic_load_explicit(&lc->errors,
						    memory_order_relaxed);
	}
}
