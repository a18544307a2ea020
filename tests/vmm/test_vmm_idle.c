/*
 * test_vmm_idle.c - a free 2 MiB block that still holds an idle pair (its
 * REMOVE stayed BUSY) is never mapped at 2M: the VMM drops the deferred
 * pair first, and keeps away from the block while the module stays BUSY.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "glue/model_ops.h"
#include "vmm/vmm.h"

#define GiB (1ULL << 30)
#define R (3 * (2ULL << 20)) /* the 2 MiB range under test */

struct fx {
	struct model_host h;
	struct vmm_host vh;
	bool remove_busy;
};

/* While armed, every PAMT.REMOVE is answered BUSY. */
static bool busy_remove(void *arg, struct dpamt_tdx_regs *regs)
{
	struct fx *x = arg;

	if (!x->remove_busy || regs->rax != DPAMT_TDH_PHYMEM_PAMT_REMOVE)
		return false;
	regs->rax = DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX;
	return true;
}

static void test_idle_pair_blocks_2m(void **state)
{
	struct fx *x = test_calloc(1, sizeof(*x));
	struct dpamt_config cfg;
	char msg[160];
	struct dpamt_tdx_regs r = { 0 };

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.n_tdmrs = 1;
	cfg.tdmrs[0].size = 4 * GiB;
	cfg.busy_retries = 1;
	assert_int_equal(model_host_create(&x->h, 4 * GiB, &cfg, NULL, NULL,
					   msg, sizeof(msg)), 0);
	x->h.mo.seamcall_filter = busy_remove;
	x->h.mo.filter_arg = x;
	assert_int_equal(vmm_host_init(&x->vh, x->h.dp, x->h.alloc, 4 * GiB,
				       tdxmod_seamcall_ops, x->h.mod), 0);
	/* Install R's pair for page R, then let its REMOVE stay BUSY. */
	assert_int_equal(phys_alloc_reserve(x->h.alloc, R, 4096), 0);
	assert_int_equal(dpamt_get(x->h.dp, R, NULL), 0);
	x->remove_busy = true;
	assert_int_equal(dpamt_put(x->h.dp, R, NULL), 0);
	phys_free_page(x->h.alloc, R);
	assert_true(dpamt_range_installed(x->h.dp, R));
	assert_true(phys_is_free(x->h.alloc, R)); /* all 512 pages free */
	/* Still BUSY: the block must not be used at 2M. */
	assert_false(vmm_block_pair_free(&x->vh, R));
	assert_int_equal(atomic_load_explicit(&x->vh.idle_blocks,
					      memory_order_relaxed), 1);
	/* BUSY over: the deferred REMOVE goes through, the block is clean. */
	x->remove_busy = false;
	assert_true(vmm_block_pair_free(&x->vh, R));
	assert_false(dpamt_range_installed(x->h.dp, R));
	/* ...and the module agrees: PAMT.REMOVE finds no pair there. */
	r.rax = DPAMT_TDH_PHYMEM_PAMT_REMOVE;
	r.rcx = R | DPAMT_TDX_PS_2M;
	tdxmod_seamcall(x->h.mod, &r);
	assert_int_equal(dpamt_tdx_status_class(r.rax),
			 DPAMT_TDX_NO_PAMT_PAGE_PAIR);
	vmm_host_fini(&x->vh);
	model_host_destroy(&x->h);
	test_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_pair_blocks_2m),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
