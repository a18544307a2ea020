/*
 * test_info_map_cli.c - `dpamt info --iomem/--memmap` run as a process on
 * the recorded fixtures of tests/info/fixtures: one node, two nodes with
 * a hole (iomem and memmap give the same layout), more than 64 ranges
 * (merged when touching, an error past the module's TDMR or
 * reserved-area limits), and every malformed file exiting 2 with
 * FILE:LINE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include "cli/cli_json.h"

#define GIB (1ULL << 30)
#define FIX DPAMT_FIXTURES "/"

static json_object *json_of(const char *opt, const char *path)
{
	const char *args[] = { "info", opt, path, "--json", "-", NULL };

	return cli_run_json(args, NULL, NULL);
}

static json_object *tdmr(json_object *j, size_t i)
{
	assert_true(i < jpath_len(j, "tdmrs"));
	return json_object_array_get_idx(jpath_get(j, "tdmrs"), i);
}

static void test_one_node(void **state)
{
	json_object *j = json_of("--iomem", FIX "one_node.iomem");

	(void)state;
	assert_true(jpath_has(j, "tool_version"));
	assert_int_equal(jpath_len(j, "tdmrs"), 2);
	assert_int_equal(jpath_u64(tdmr(j, 0), "base"), 0);
	assert_int_equal(jpath_u64(tdmr(j, 0), "size"), 2 * GIB);
	/* [0, 1M) and the tail [0x7fe90000, 2G) */
	assert_int_equal(jpath_u64(tdmr(j, 0), "reserved_areas"), 2);
	assert_int_equal(jpath_u64(tdmr(j, 1), "base"), 4 * GIB);
	assert_int_equal(jpath_u64(tdmr(j, 1), "size"), 62 * GIB);
	assert_int_equal(jpath_u64(tdmr(j, 1), "reserved_areas"), 0);
	assert_int_equal(jpath_u64(j, "covered_bytes"), 64 * GIB);
	assert_int_equal(jpath_u64(j, "ram_ranges"), 3);
	json_object_put(j);
}

/* Two nodes with a hole: 4 TDMRs, 256 GiB covered, same from memmap. */
static void check_two_nodes(json_object *j)
{
	static const uint64_t base[] = {0, 4, 65, 256}, size[] = {2, 61, 65,
								 128};
	static const uint64_t rsvd[] = {1, 0, 1, 0};

	assert_int_equal(jpath_len(j, "tdmrs"), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(jpath_u64(tdmr(j, i), "base"), base[i] * GIB);
		assert_int_equal(jpath_u64(tdmr(j, i), "size"), size[i] * GIB);
		assert_int_equal(jpath_u64(tdmr(j, i), "reserved_areas"),
				 rsvd[i]);
	}
	assert_int_equal(jpath_u64(j, "covered_bytes"), 256 * GIB);
	/* 4K arrays 1 GiB + 2M arrays 2 MiB + four 4 KiB 1G arrays */
	assert_int_equal(jpath_u64(j, "classic_bytes"),
			 (1ULL << 30) + (2ULL << 20) + 4 * 4096);
	assert_int_equal(jpath_u64(j, "dynamic_static_bytes"),
			 (2ULL << 20) + 4 * 4096 + (8ULL << 20));
}

static void test_two_nodes_iomem_and_memmap(void **state)
{
	json_object *a = json_of("--iomem", FIX "two_nodes_hole.iomem");
	json_object *b = json_of("--memmap", FIX "memmap_two_nodes");

	(void)state;
	check_two_nodes(a);
	check_two_nodes(b);
	assert_int_equal(jpath_u64(a, "host_mem_bytes"),
			 jpath_u64(b, "host_mem_bytes"));
	json_object_put(a);
	json_object_put(b);
}

static void test_many_touching_ranges_merge(void **state)
{
	json_object *j = json_of("--iomem", FIX "many_ranges_touching.iomem");

	(void)state;
	assert_int_equal(jpath_u64(j, "ram_ranges"), 1); /* 70 touching: one */
	assert_int_equal(jpath_len(j, "tdmrs"), 1);
	assert_int_equal(jpath_u64(tdmr(j, 0), "base"), 4 * GIB);
	assert_int_equal(jpath_u64(tdmr(j, 0), "size"), 5 * GIB);
	/* 70 x 64 MiB ends at 4G + 4480M: the tail is one reserved area */
	assert_int_equal(jpath_u64(tdmr(j, 0), "reserved_areas"), 1);
	json_object_put(j);
}

static void expect_exit2(const char *opt, const char *path,
			 const char *needle)
{
	const char *args[] = { "info", opt, path, NULL };

	cli_run_expect(args, NULL, 2, needle, NULL);
}

static void test_limits(void **state)
{
	(void)state;
	expect_exit2("--iomem", FIX "many_ranges_tdmrs.iomem",
		     "needs TDMR 65, the module allows 64");
	expect_exit2("--iomem", FIX "many_ranges_holes.iomem",
		     "more than 16 holes needing reserved areas");
}

static void test_malformed(void **state)
{
	(void)state;
	expect_exit2("--iomem", FIX "bad_hex.iomem",
		     "bad_hex.iomem:2: bad hex end address");
	expect_exit2("--iomem", FIX "end_before_start.iomem",
		     "end_before_start.iomem:2: end 0x9ffff < start 0x100000");
	expect_exit2("--iomem", FIX "missing_colon.iomem",
		     "missing_colon.iomem:2: missing ':'");
	expect_exit2("--iomem", FIX "overlapping.iomem",
		     "overlapping.iomem:3: range 0x70000000-0x8fffffff "
		     "overlaps");
	expect_exit2("--iomem", FIX "all_zero.iomem",
		     "all_zero.iomem:1: every address is zero");
	expect_exit2("--iomem", FIX "no_such_file.iomem",
		     "no_such_file.iomem:0: cannot open: No such file");
	expect_exit2("--memmap", FIX "memmap_bad_hex",
		     "memmap_bad_hex/0/start:1: bad hex '0x10zz'");
	expect_exit2("--memmap", FIX "no_such_dir",
		     "no_such_dir:0: cannot open directory");
}

static void test_exclusive_options(void **state)
{
	const char *args[] = {"info", "--iomem", FIX "one_node.iomem",
			      "--tdmr", "0:1G", NULL};
	struct cli_out r;

	(void)state;
	cli_run_expect(args, NULL, 2, "no --tdmr or --host-mem with it", &r);
	cli_out_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_node),
		cmocka_unit_test(test_two_nodes_iomem_and_memmap),
		cmocka_unit_test(test_many_touching_ranges_merge),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_exclusive_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
