/*
 * seamcall_retry.c - issuing SEAMCALLs: counting the PAMT leaves, retrying
 * BUSY a bounded number of times with backoff (every retry counted), and
 * mapping a final status to an enum dpamt_err.
 */
#include "host/dp_internal.h"

/* Spin a little, growing with attempt, when the caller gave no relax. */
void dp_relax(struct dpamt *m, unsigned attempt)
{
	unsigned spins;

	if (m->ops.relax) {
		m->ops.relax(m->ops.ctx, attempt);
		return;
	}
	spins = 16u << (attempt < 10 ? attempt : 10);
	for (unsigned i = 0; i < spins; i++)
		dp_compiler_barrier();
}

uint64_t dp_seamcall_once(struct dpamt *m, struct dpamt_tdx_regs *regs)
{
	if (regs->rax == DPAMT_TDH_PHYMEM_PAMT_ADD)
		dp_stat_inc(m, DP_ST_pamt_add_calls);
	else if (regs->rax == DPAMT_TDH_PHYMEM_PAMT_REMOVE)
		dp_stat_inc(m, DP_ST_pamt_remove_calls);
	/* Parenthesised: never Linux's function-like seamcall() macro when
	 * the kernel's asm/tdx.h is visible (docs/linux-interface.md). */
	(m->ops.seamcall)(m->ops.ctx, regs);
	return regs->rax;
}

/* Concurrency: any thread; touches only regs and atomic counters. */
uint64_t dp_seamcall_retry(struct dpamt *m, struct dpamt_tdx_regs *regs,
			   uint64_t yield_pa)
{
	return dp_seamcall_budget(m, regs, yield_pa, m->busy_budget);
}

/* Concurrency: as dp_seamcall_retry; budget 0 issues the call once. */
uint64_t dp_seamcall_budget(struct dpamt *m, struct dpamt_tdx_regs *regs,
			    uint64_t yield_pa, unsigned budget)
{
	struct dpamt_tdx_regs in = *regs;
	uint64_t st;

	for (unsigned attempt = 0;; attempt++) {
		*regs = in;
		st = dp_seamcall_once(m, regs);
		if (!dpamt_tdx_is_busy(st) || attempt >= budget)
			return st;
		dp_stat_inc(m, DP_ST_busy_retries);
		dp_yield(m, DPAMT_YP_BUSY_RETRY, yield_pa);
		dp_relax(m, attempt);
	}
}

int dp_status_to_err(uint64_t status)
{
	if (dpamt_tdx_is_success(status))
		return DPAMT_OK;
	if (dpamt_tdx_is_busy(status))
		return DPAMT_EBUSY;
	if (dpamt_tdx_status_class(status) == DPAMT_TDX_MODEL_FATAL)
		return DPAMT_EFATAL;
	return DPAMT_EIO;
}
