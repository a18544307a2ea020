/*
 * test_info_cli.c - `dpamt info` run as a process: the human table for
 * the default 256 GiB host, JSON parsed back with json-c (default, sparse
 * and unsorted layouts, --json FILE), --help, and every bad-input case
 * exiting 2 with a message that says what is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include "cli/cli_json.h"

#define GIB (1ULL << 30)

/* The line of out that starts with label must contain every needle. */
static void line_has(const char *out, const char *label, const char *n1,
		     const char *n2)
{
	const char *p = out;

	while (p && strncmp(p, label, strlen(label))) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (!p)
		fail_msg("no line starting with '%s' in:\n%s", label, out);
	size_t len = strcspn(p, "\n");
	char *line = strndup(p, len);

	if (!strstr(line, n1) || (n2 && !strstr(line, n2)))
		fail_msg("line '%s' lacks '%s'/'%s'", line, n1, n2 ? n2 : "");
	free(line);
}

static void test_default_human(void **state)
{
	const char *args[] = {"info", NULL};
	struct cli_out r;

	(void)state;
	cli_run_ok(args, NULL, &r);
	assert_string_equal(r.err, "");
	line_has(r.out, "dpamt info: host memory", "256.00 GiB", "1 TDMR ");
	line_has(r.out, "classic PAMT", " 1075843072 ", "1.00 GiB");
	line_has(r.out, "dynamic static", " 10489856 ", "10.00 MiB");
	line_has(r.out, "  of which bitmap", " 8388608 ", "8.00 MiB");
	line_has(r.out, "host refcounts", " 524288 ", "0.0002%");
	line_has(r.out, "pair per 2 MiB range", " 8192 ", "8.00 KiB");
	line_has(r.out, "dynamic worst case", " 1084231680 ", NULL);
	line_has(r.out, "TDMR  base", "refcounts", "2M ranges");
	line_has(r.out, "   0  0x00000000000000", "256.00 GiB", " 131072");
	cli_out_free(&r);
}

/* stdout is JSON and nothing else; stderr is empty. */
static json_object *json_of(const char *const *args)
{
	struct cli_out r;
	json_object *j = cli_run_json(args, NULL, &r);

	assert_string_equal(r.err, "");
	cli_out_free(&r);
	return j;
}

static void test_default_json(void **state)
{
	const char *args[] = {"info", "--json", "-", NULL};
	json_object *j = json_of(args), *t;

	(void)state;
	assert_int_equal(jpath_u64(j, "classic_bytes"), 1075843072ULL);
	assert_int_equal(jpath_u64(j, "dynamic_static_bytes"), 10489856ULL);
	assert_int_equal(jpath_u64(j, "bitmap_bytes"), 8388608ULL);
	assert_int_equal(jpath_u64(j, "refcount_bytes"), 524288);
	assert_int_equal(jpath_u64(j, "pair_bytes_per_2m"), 8192);
	assert_int_equal(jpath_u64(j, "dynamic_max_bytes"), 1084231680ULL);
	assert_int_equal(jpath_u64(j, "host_mem_bytes"), 256 * GIB);
	assert_int_equal(jpath_len(j, "tdmrs"), 1);
	t = jpath_get(j, "tdmrs[0]");
	assert_int_equal(jpath_u64(t, "base"), 0);
	assert_int_equal(jpath_u64(t, "size"), 256 * GIB);
	assert_int_equal(jpath_u64(t, "pamt_1g_bytes"), 4096);
	assert_int_equal(jpath_u64(t, "pamt_2m_bytes"), 2ULL << 20);
	assert_int_equal(jpath_u64(t, "pamt_4k_bytes"), GIB);
	assert_int_equal(jpath_u64(t, "bitmap_bytes"), 8ULL << 20);
	assert_int_equal(jpath_u64(t, "refcount_bytes"), 524288);
	json_object_put(j);
}

/* Given out of order: sorted; refcounts for 128 GiB of ranges only. */
static void test_sparse_unsorted_json(void **state)
{
	const char *args[] = {"info", "--tdmr", "4T:64G", "--tdmr=0:0x10G",
			      "--tdmr", "0x1000000000:64g", "--json", "-",
			      NULL};
	json_object *j = json_of(args);

	(void)state;
	assert_int_equal(jpath_len(j, "tdmrs"), 3);
	assert_int_equal(jpath_u64(j, "tdmrs[0].base"), 0);
	assert_int_equal(jpath_u64(j, "tdmrs[1].base"), 64 * GIB);
	assert_int_equal(jpath_u64(j, "tdmrs[2].base"), 4ULL << 40);
	assert_int_equal(jpath_u64(j, "refcount_bytes"), 144 * 512 * 4);
	assert_int_equal(jpath_u64(j, "host_mem_bytes"),
			 (4ULL << 40) + 64 * GIB);
	assert_int_equal(jpath_u64(j, "classic_bytes"),
			 3 * 4096 + 144 * 512 * 16 + 144 * GIB / 256);
	json_object_put(j);
}

static void test_json_file_and_human(void **state)
{
	char path[] = "/tmp/dpamt-info-XXXXXX";
	int fd = mkstemp(path);
	const char *args[] = {"info", "--host-mem", "1536M", "--json", path,
			      NULL};
	struct cli_out r;
	json_object *j;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	cli_run_ok(args, NULL, &r);
	line_has(r.out, "dpamt info: host memory", "1.50 GiB",
		 "covering 2.00 GiB"); /* TDMR rounded up to 1 GiB */
	j = cli_json_file(path);
	assert_int_equal(jpath_u64(j, "host_mem_bytes"), 1536ULL << 20);
	assert_int_equal(jpath_u64(j, "covered_bytes"), 2 * GIB);
	assert_int_equal(jpath_u64(j, "refcount_bytes"), 1024 * 4);
	json_object_put(j);
	unlink(path);
	cli_out_free(&r);
}

static void test_help(void **state)
{
	const char *args[] = {"info", "--help", NULL};
	struct cli_out r;

	(void)state;
	cli_run_ok(args, NULL, &r);
	assert_non_null(strstr(r.out, "usage: dpamt info"));
	assert_non_null(strstr(r.out, "--tdmr BASE:SIZE"));
	cli_out_free(&r);
}

struct bad_case {
	const char *args[8];
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{{"info", "--host-mem", NULL}, "--host-mem needs a value"},
	{{"info", "--host-mem", "0", NULL}, "must not be 0"},
	{{"info", "--host-mem", "", NULL}, "empty value"},
	{{"info", "--host-mem", "-16G", NULL}, "negative"},
	{{"info", "--host-mem", "16Q", NULL}, "unknown unit"},
	{{"info", "--host-mem", "lots", NULL}, "not a number"},
	{{"info", "--host-mem", "99999999999999999999", NULL}, "64 bits"},
	{{"info", "--host-mem", "8192T", NULL}, "52-bit"},
	{{"info", "--tdmr", "64G", NULL}, "expected BASE:SIZE"},
	{{"info", "--tdmr", "0:0", NULL}, "empty TDMR"},
	{{"info", "--tdmr", "2M:1G", NULL}, "base is not 1 GiB aligned"},
	{{"info", "--tdmr", "0:1536M", NULL}, "not a multiple of 1 GiB"},
	{{"info", "--tdmr", "4096T:1G", NULL}, "52-bit"},
	{{"info", "--tdmr", "0:2G", "--tdmr", "1G:1G", NULL}, "overlap"},
	{{"info", "--tdmr", "0:1G", "--tdmr", "0:1G", NULL}, "overlap"},
	{{"info", "--host-mem", "64G", "--tdmr", "0:64G", "--tdmr",
	  "4T:64G", NULL}, "ends beyond --host-mem"},
	{{"info", "--frobnicate", NULL}, "unknown option '--frobnicate'"},
};

static void test_bad_inputs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		cli_run_expect(bad_cases[i].args, NULL, 2, bad_cases[i].msg,
			       NULL);
}

static void test_too_many_tdmrs(void **state)
{
	const char *args[2 + 2 * 65 + 1];
	char specs[65][32];
	struct cli_out r;
	unsigned n = 0;

	(void)state;
	args[n++] = "info";
	for (unsigned i = 0; i < 65; i++) {
		snprintf(specs[i], sizeof(specs[i]), "%uG:1G", 2 * i);
		args[n++] = "--tdmr";
		args[n++] = specs[i];
	}
	args[n] = NULL;
	cli_run_expect(args, NULL, 2, "too many TDMRs (at most 64)", &r);
	cli_out_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_human),
		cmocka_unit_test(test_default_json),
		cmocka_unit_test(test_sparse_unsorted_json),
		cmocka_unit_test(test_json_file_and_human),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_too_many_tdmrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
