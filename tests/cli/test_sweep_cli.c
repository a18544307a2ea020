/*
 * test_sweep_cli.c - `dpamt sweep` as a user meets it: --help; a 2 x 2
 * grid writing CSV, JSON and plots (one row / object per point, in grid
 * order, with the axis values and the metrics); a point that fails its
 * checks (linux-v6 under injected BUSY fails gets) makes the sweep exit 1
 * and shows in failed_gets; bad axes and options exit 2 and create
 * nothing.  Small TDs: each point runs in well under a second.
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

static void test_help(void **state)
{
	const char *a[] = {"sweep", "--help", NULL};
	struct cli_out r;

	(void)state;
	cli_run_ok(a, NULL, &r);
	assert_non_null(strstr(r.out, "usage: dpamt sweep"));
	assert_non_null(strstr(r.out, "KEY=V1,V2"));
	cli_out_free(&r);
}

static void test_grid(void **state)
{
	char dir[128], csv[192], js[192], svg[192];
	const char *a[] = {"sweep", "--td", "32M,vcpus=2", "--td",
			   "32M,vcpus=2", "pcpus=1,2",
			   "strategy=global-lock,linux-v6", "--jobs", "2",
			   "--csv", csv, "--json", js, "--plot-dir", dir, NULL};
	struct cli_out r;
	json_object *root;
	char *text;

	(void)state;
	cli_tempdir(dir, "sweep");
	snprintf(csv, sizeof(csv), "%s/s.csv", dir);
	snprintf(js, sizeof(js), "%s/s.json", dir);
	snprintf(svg, sizeof(svg), "%s/contentions_per_add.svg", dir);
	cli_run_ok(a, NULL, &r);
	printf("%s", r.err);
	assert_non_null(strstr(r.err, "[4/4]"));
	text = cli_slurp(csv);
	assert_non_null(text);
	printf("%s", text);
	assert_int_equal(cli_lines(text), 5);
	assert_true(!strncmp(text, "pcpus,strategy,status,", 22));
	assert_non_null(strstr(text, "\n1,global-lock,0,"));
	assert_non_null(strstr(text, "\n2,linux-v6,0,"));
	free(text);
	root = cli_json_file(js);
	assert_int_equal(jpath_len(root, "points"), 4);
	/* points[1]: pcpus=1, linux-v6 */
	assert_string_equal(jpath_str(root, "points[1].point.strategy"),
			    "linux-v6");
	assert_string_equal(jpath_str(root, "points[1].report.strategy"),
			    "linux-v6");
	for (unsigned i = 0; i < 4; i++) {
		char path[32];
		json_object *m;

		snprintf(path, sizeof(path), "points[%u].metrics", i);
		m = jpath_get(root, path);
		assert_true(jpath_num(m, "pamt_add_calls") > 0);
		assert_true(jpath_num(m, "peak_vs_classic") > 0);
		assert_true(jpath_num(m, "failed_gets") == 0);
	}
	json_object_put(root);
	text = cli_slurp(svg);
	assert_non_null(text);
	assert_non_null(strstr(text, "<svg"));
	free(text);
	cli_out_free(&r);
	cli_rmdir(dir);
}

/* linux-v6 does not retry BUSY: with injection its gets fail, the point
 * fails its checks and the sweep exits 1, with every point written. */
static void test_failed_point(void **state)
{
	char dir[128], csv[192];
	const char *a[] = {"sweep", "--td", "32M,vcpus=2", "--strategy",
			   "linux-v6", "busy_inject=0,0.3", "--quiet",
			   "--csv", csv, NULL};
	struct cli_out r;
	char *text;

	(void)state;
	cli_tempdir(dir, "sweepf");
	snprintf(csv, sizeof(csv), "%s/s.csv", dir);
	cli_run_expect(a, NULL, 1, "1 not clean", &r);
	text = cli_slurp(csv);
	assert_non_null(text);
	printf("%s", text);
	assert_int_equal(cli_lines(text), 3);
	assert_non_null(strstr(text, "\n0,0,"));
	assert_non_null(strstr(text, "\n0.3,1,"));
	free(text);
	cli_out_free(&r);
	cli_rmdir(dir);
}

struct bad {
	const char *args[4];
	const char *expect;
};

static const struct bad bads[] = {
	{{"pcpus=0"}, "pcpus"},
	{{"frob=1"}, "frob: unknown key"},
	{{"huge=101"}, "guests[0].huge"},
	{{"churn=0,101"}, "guests[0].churn"},
	{{"huge=1,"}, "empty value"},
	{{"Pcpus=1"}, "is not an axis"},
	{{"strategy=nope"}, "unknown strategy 'nope'"},
	{{"pair_pool=yes"}, "pair_pool: expected true or false"},
	{{"pcpus=1", "pcpus=2"}, "given twice"},
	{{"--jobs", "0"}, "--jobs: '0'"},
	{{"--jobs", "257"}, "--jobs: '257'"},
	{{"--timeline", "t.csv"}, "unknown option '--timeline'"},
	{{"--csv", "-", "--json", "-"}, "--csv given twice"},
	{{"--td", "3M"}, "multiple of 2"},
};

static void test_bad(void **state)
{
	char dir[128], csv[192];

	(void)state;
	cli_tempdir(dir, "sweepb");
	snprintf(csv, sizeof(csv), "%s/out.csv", dir);
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const char *a[12] = {"sweep", "--td", "32M", "--csv", csv};
		unsigned n = 5;
		struct cli_out r;

		for (unsigned k = 0; k < 4 && bads[i].args[k]; k++)
			a[n++] = bads[i].args[k];
		cli_run_expect(a, NULL, 2, bads[i].expect, &r);
		printf("[%s]: %d %s", bads[i].args[0], r.status, r.err);
		assert_int_equal(cli_count_entries(dir), 0);
		cli_out_free(&r);
	}
	cli_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_failed_point),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
