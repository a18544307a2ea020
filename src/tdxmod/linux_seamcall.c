/*
 * linux_seamcall.c - Linux's SEAMCALL entry points over the model
 * (include/dpamt/linux_seamcall.h): copy struct tdx_module_args into the
 * model's registers, run tdxmod_seamcall() on the model the calling thread
 * is bound to, and copy back what the kernel's assembly copies back.
 *
 * The binding is the one piece of per-thread state here: the kernel's
 * calls carry no context.  It is thread-local, so threads bound to
 * different models never see each other's binding.
 *
 * Concurrency: every function may run on any number of threads at once
 * (each thread uses its own binding; the model is thread safe).
 */
/* tdxmod.h first: its enum of leaf names must be parsed before
 * linux_seamcall.h defines the kernel's leaf macros of the same names. */
#include "dpamt/tdxmod.h"

#include "dpamt/linux_seamcall.h"

static _Thread_local struct tdxmod *bound;

void tdxmod_bind_thread(struct tdxmod *m)
{
	bound = m;
}

struct tdxmod *tdxmod_bound_thread(void)
{
	return bound;
}

enum copy_back { OUT_RAX, OUT_RET, OUT_SAVED };

static uint64_t call(uint64_t fn, struct tdx_module_args *a,
		     enum copy_back back)
{
	struct dpamt_tdx_regs r = {
		.rax = fn, .rcx = a->rcx, .rdx = a->rdx, .r8 = a->r8,
		.r9 = a->r9, .r10 = a->r10, .r11 = a->r11, .r12 = a->r12,
		.r13 = a->r13,
	};

	if (!bound)
		return TDX_SEAMCALL_VMFAILINVALID;
	tdxmod_seamcall(bound, &r);
	if (back >= OUT_RET) {
		a->rcx = r.rcx;
		a->rdx = r.rdx;
		a->r8 = r.r8;
		a->r9 = r.r9;
		a->r10 = r.r10;
		a->r11 = r.r11;
	}
	if (back == OUT_SAVED) {
		/* R14, R15, RBX, RDI, RSI: no modelled leaf writes them */
		a->r12 = r.r12;
		a->r13 = r.r13;
	}
	return r.rax;
}

uint64_t __seamcall(uint64_t fn, struct tdx_module_args *args)
{
	return call(fn, args, OUT_RAX);
}

uint64_t __seamcall_ret(uint64_t fn, struct tdx_module_args *args)
{
	return call(fn, args, OUT_RET);
}

uint64_t __seamcall_saved_ret(uint64_t fn, struct tdx_module_args *args)
{
	return call(fn, args, OUT_SAVED);
}

uint64_t seamcall(uint64_t fn, struct tdx_module_args *args)
{
	return __seamcall(fn, args);
}

uint64_t seamcall_ret(uint64_t fn, struct tdx_module_args *args)
{
	return __seamcall_ret(fn, args);
}

uint64_t seamcall_saved_ret(uint64_t fn, struct tdx_module_args *args)
{
	return __seamcall_saved_ret(fn, args);
}
