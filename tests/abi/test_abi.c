/*
 * test_abi.c - the ABI helpers: status classes, operand ids, names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dpamt/tdx_abi.h"

static void test_class_and_operand(void **state)
{
	uint64_t st = dpamt_tdx_status_make(DPAMT_TDX_HPA_RANGE_NOT_FREE,
				      DPAMT_TDX_OPERAND_ID_RCX);

	(void)state;
	assert_int_equal(dpamt_tdx_status_class(st),
			 DPAMT_TDX_HPA_RANGE_NOT_FREE);
	assert_int_equal(dpamt_tdx_status_operand(st),
			 DPAMT_TDX_OPERAND_ID_RCX);
	assert_true(dpamt_tdx_is_error(st));
	assert_false(dpamt_tdx_is_busy(st));
	assert_true(dpamt_tdx_is_busy(DPAMT_TDX_OPERAND_BUSY |
				      DPAMT_TDX_OPERAND_ID_RDX));
	assert_true(dpamt_tdx_is_busy(DPAMT_TDX_OPERAND_BUSY_HOST_PRIORITY));
	assert_false(dpamt_tdx_is_busy(DPAMT_TDX_SUCCESS));
	assert_true(dpamt_tdx_is_error(DPAMT_TDX_MISSING_PAMT_PAGE_PAIR));
}

/* The hint is bit 62 of an output register (RCX, or R9 of RECLAIM), as
 * pamt_dec_nl_page_count_and_get_hint() ORs it in the module's
 * tdh_mem_page_remove.c; a status with bit 62 is not a success. */
static void test_removal_hint(void **state)
{
	(void)state;
	assert_true(dpamt_tdx_removal_hint(0x80003000ULL |
					   DPAMT_TDX_PAMT_REMOVAL_HINT));
	assert_false(dpamt_tdx_removal_hint(0x80003000ULL));
	assert_int_equal(dpamt_tdx_hint_strip(0x80003000ULL |
					      DPAMT_TDX_PAMT_REMOVAL_HINT),
			 0x80003000ULL);
	assert_false(dpamt_tdx_is_success(DPAMT_TDX_PAMT_REMOVAL_HINT));
	assert_true(dpamt_tdx_is_success(DPAMT_TDX_SUCCESS));
	assert_false(dpamt_tdx_is_success(DPAMT_TDX_OPERAND_BUSY));
}

/* Status words and the names dpamt_tdx_status_name() gives them. */
static const struct {
	uint64_t status;
	const char *name;
} status_names[] = {
	{DPAMT_TDX_HPA_RANGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RCX,
	 "HPA_RANGE_NOT_FREE|RCX"},
	{DPAMT_TDX_SUCCESS, "SUCCESS"},
	{DPAMT_TDX_OPERAND_INVALID, "OPERAND_INVALID|RAX"},
	/* operand ids of the module's table (tdx_api_defs.h / OPERAND_ID_*) */
	{DPAMT_TDX_OPERAND_BUSY | 0x81, "OPERAND_BUSY|TDCX"},
	{DPAMT_TDX_OPERAND_BUSY | 0x82, "OPERAND_BUSY|TDVPR"},
	{DPAMT_TDX_OPERAND_BUSY | 0x90, "OPERAND_BUSY|TDCS"},
	{DPAMT_TDX_OPERAND_BUSY | 0x92, "OPERAND_BUSY|SEPT"},
	{DPAMT_TDX_OPERAND_BUSY | 0x77, "OPERAND_BUSY|0x77"},
	/* PAMT_PAGE_NOT_EMPTY carries the pair page's index, not a register */
	{DPAMT_TDX_PAMT_PAGE_NOT_EMPTY | 1, "PAMT_PAGE_NOT_EMPTY|1"},
	{DPAMT_TDX_PAMT_PAGE_NOT_EMPTY, "PAMT_PAGE_NOT_EMPTY|0"},
};

static void test_names(void **state)
{
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]);
	     i++)
		assert_string_equal(dpamt_tdx_status_name(status_names[i].status,
							  buf, sizeof(buf)),
				    status_names[i].name);
	/* truncation keeps the string terminated */
	dpamt_tdx_status_name(DPAMT_TDX_HPA_RANGE_NOT_FREE, buf, 5);
	assert_int_equal(strlen(buf), 4);
}

static void test_name_round_trip(void **state)
{
	uint64_t cls;
	uint32_t op;

	(void)state;
	assert_int_equal(dpamt_tdx_leaf_from_name("phymem.pamt.add"),
			 DPAMT_TDH_PHYMEM_PAMT_ADD);
	assert_int_equal(dpamt_tdx_leaf_from_name("TDH.MNG.CREATE"),
			 DPAMT_TDH_MNG_CREATE);
	assert_int_equal(dpamt_tdx_leaf_from_name("PHYMEM.PAMT"), -1);
	assert_string_equal(dpamt_tdx_leaf_name(DPAMT_TDH_PHYMEM_PAMT_REMOVE),
			    "PHYMEM.PAMT.REMOVE");
	assert_null(dpamt_tdx_leaf_name(63));
	assert_int_equal(
		dpamt_tdx_class_from_name("missing_pamt_page_pair", &cls), 0);
	assert_int_equal(cls, DPAMT_TDX_MISSING_PAMT_PAGE_PAIR);
	assert_int_equal(dpamt_tdx_class_from_name("NOPE", &cls), -1);
	assert_int_equal(dpamt_tdx_operand_from_name("r8", &op), 0);
	assert_int_equal(op, DPAMT_TDX_OPERAND_ID_R8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_and_operand),
		cmocka_unit_test(test_removal_hint),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_name_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
