/*
 * test_linux_seamcall.c - Linux's calling convention over the model
 * (include/dpamt/linux_seamcall.h): a kernel-style file (kvm_td_flow.c,
 * compiled through the shim) runs a TD's life against a bound model; the
 * three entry points copy back exactly what the kernel's assembly copies
 * back; leaf versions; an unbound thread; two threads on two models.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dpamt/tdxmod.h"

#include "dpamt/linux_seamcall.h"

#define GiB (1ULL << 30)
#define CTL 0x10000000ULL
#define DATA 0x40000000ULL
#define PAIRS 0x80000000ULL

int kvm_like_td_flow(uint64_t ctl, uint64_t ctl_pair, uint64_t data,
		     uint64_t data_pair, int *hints);

static struct tdxmod *model(void)
{
	struct tdxmod_config cfg;
	struct tdxmod *m;
	char err[256];

	tdxmod_config_default(&cfg, 4 * GiB);
	m = tdxmod_create(&cfg, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(tdxmod_setup_simple(m, true, 3 * GiB, NULL, err,
					     sizeof(err)), 0);
	return m;
}

/* KVM-style code runs a whole TD life: every status it checks with
 * err != 0 is 0, the removal hints come in RCX/R9 where it reads them. */
static void test_kernel_style_flow(void **state)
{
	struct tdxmod *m = model();
	char err[256];
	int hints = -1;

	(void)state;
	tdxmod_bind_thread(m);
	assert_ptr_equal(tdxmod_bound_thread(), m);
	assert_int_equal(kvm_like_td_flow(CTL, PAIRS, DATA, PAIRS + 0x2000,
					  &hints), 0);
	/* the control range's last page (the TDR) gave the hint */
	assert_int_equal(hints, 1);
	assert_int_equal(tdxmod_pairs_installed(m), 0);
	assert_int_equal(tdxmod_check(m, err, sizeof(err)), 0);
	tdxmod_bind_thread(NULL);
	tdxmod_destroy(m);
}

/* __seamcall writes nothing back, _ret RCX..R11, _saved_ret also
 * R12..RSI (the kernel's tdxcall.S); the struct is the kernel's. */
static void test_copy_back(void **state)
{
	struct tdxmod *m = model();
	struct tdx_module_args a = { .rcx = DATA | 1, .rdx = PAIRS,
				     .r8 = PAIRS + 0x1000 };

	(void)state;
	assert_int_equal(offsetof(struct tdx_module_args, rcx), 0);
	assert_int_equal(offsetof(struct tdx_module_args, r11), 40);
	assert_int_equal(offsetof(struct tdx_module_args, rsi), 96);
	tdxmod_bind_thread(m);
	assert_int_equal(seamcall(TDH_PHYMEM_PAMT_ADD, &a), 0);
	a = (struct tdx_module_args){ .rcx = DATA | 1, .r14 = 14, .rsi = 6 };
	assert_int_equal(__seamcall(TDH_PHYMEM_PAMT_REMOVE, &a), 0);
	assert_int_equal(a.rdx, 0); /* not copied back */
	a = (struct tdx_module_args){ .rcx = DATA | 1 };
	assert_int_equal(seamcall(TDH_PHYMEM_PAMT_ADD, &(struct tdx_module_args){
		.rcx = DATA | 1, .rdx = PAIRS, .r8 = PAIRS + 0x1000 }), 0);
	assert_int_equal(seamcall_ret(TDH_PHYMEM_PAMT_REMOVE, &a), 0);
	assert_int_equal(a.rdx, PAIRS);
	assert_int_equal(a.r8, PAIRS + 0x1000);
	/* saved_ret: SYS.RD's R8 out, R12..RSI as the model leaves them */
	a = (struct tdx_module_args){ .rdx = 0x9800000100000003ULL,
				      .r12 = 12, .r13 = 13, .r14 = 14,
				      .rbx = 3, .rdi = 7, .rsi = 6 };
	assert_int_equal(seamcall_saved_ret(TDH_SYS_RD, &a), 0);
	assert_int_equal(a.r8, 4);
	assert_int_equal(a.r12, 12);
	assert_int_equal(a.r14, 14);
	assert_int_equal(a.rsi, 6);
	tdxmod_bind_thread(NULL);
	tdxmod_destroy(m);
}

/* RAX bits 23:16 are the leaf's version: VP.INIT exists as version 1
 * (Linux's TDH_VP_INIT), other versions are OPERAND_INVALID|RAX as the
 * module's dispatcher answers; an unbound thread sees no module. */
static void test_versions_and_unbound(void **state)
{
	struct tdxmod *m = model();
	struct tdx_module_args a = { .rcx = CTL };

	(void)state;
	assert_int_equal(seamcall(TDH_SYS_RD, &a),
			 TDX_SEAMCALL_VMFAILINVALID);
	tdxmod_bind_thread(m);
	/* a page that is no TDVPR: the leaf ran its checks */
	assert_int_equal(seamcall(TDH_VP_INIT, &a), 0xC000030000000001ULL);
	assert_int_equal(seamcall(22 | (2ULL << 16), &a),
			 0xC000010000000000ULL);
	assert_int_equal(seamcall(TDH_SYS_RD | (1ULL << 16), &a),
			 0xC000010000000000ULL);
	assert_int_equal(seamcall(TDH_SYS_RD | (1ULL << 40), &a),
			 0xC000010000000000ULL);
	tdxmod_bind_thread(NULL);
	tdxmod_destroy(m);
}

static void *flow_thread(void *arg)
{
	struct tdxmod *m = arg;
	int hints, *ret = malloc(sizeof(*ret));

	tdxmod_bind_thread(m);
	*ret = kvm_like_td_flow(CTL, PAIRS, DATA, PAIRS + 0x2000, &hints);
	return ret;
}

/* The binding is per thread: two threads on two models at once. */
static void test_two_models(void **state)
{
	struct tdxmod *m[2] = { model(), model() };
	pthread_t t[2];
	char err[256];

	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, flow_thread,
						m[i]), 0);
	for (int i = 0; i < 2; i++) {
		void *ret;

		assert_int_equal(pthread_join(t[i], &ret), 0);
		assert_int_equal(*(int *)ret, 0);
		free(ret);
		assert_int_equal(tdxmod_check(m[i], err, sizeof(err)), 0);
		tdxmod_destroy(m[i]);
	}
	assert_null(tdxmod_bound_thread());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_style_flow),
		cmocka_unit_test(test_copy_back),
		cmocka_unit_test(test_versions_and_unbound),
		cmocka_unit_test(test_two_models),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
