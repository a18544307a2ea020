/*
 * test_cli_outside.c - regressions from an outside user's pass over the
 * command line (issue 12's audit): outputs that silently lost data (one
 * output option given twice, two outputs naming one file, a plot written
 * to a full device), integers past 64 bits that json-c clamps, and the
 * top-level `help`/`--version` forms.  Each case checks the exit status
 * of docs/cli.md and that a refused run left nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_run.h"

/* Run args; expect status and (if want) a substring of stderr; for 2,
 * nothing on stdout.  The shared check, shorter to call here. */
static void expect_run(const char *const *args, int status, const char *want)
{
	cli_run_expect(args, NULL, status, want, NULL);
}

/* An output option given twice used to keep only the last file: the
 * first was never written and nothing said so.  Now: status 2, both
 * named, nothing created. */
static void test_output_option_twice(void **state)
{
	char dir[64], a[128], b[128];
	const char *sim[] = {"sim", "--td", "2M,vcpus=1", "--quiet", "--json",
			     a, "--json", b, NULL};
	const char *tl[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
			    "--timeline", a, "--timeline", b, NULL};
	const char *bench[] = {"bench", "--json", a, "--json", b, NULL};
	const char *info[] = {"info", "--json", a, "--json", b, NULL};
	const char *sweep[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
			       "seed=1", "--csv", a, "--csv", b, NULL};
	const char *plotdir[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
				 "seed=1", "--plot-dir", dir, "--plot-dir",
				 dir, NULL};

	(void)state;
	cli_tempdir(dir, "outside-twice");
	snprintf(a, sizeof(a), "%s/a.out", dir);
	snprintf(b, sizeof(b), "%s/b.out", dir);
	expect_run(sim, 2, "--json given twice");
	expect_run(tl, 2, "--timeline given twice");
	expect_run(bench, 2, "--json given twice");
	expect_run(info, 2, "--json given twice");
	expect_run(sweep, 2, "--csv given twice");
	expect_run(plotdir, 2, "--plot-dir given twice");
	assert_int_equal(cli_count_entries(dir), 0);
	cli_rmdir(dir);
}

/* Two outputs naming one file (spelt differently, or through a link):
 * the later used to replace the earlier, status 0.  Now: status 2 and
 * nothing written; devices (/dev/null twice) stay allowed. */
static void test_outputs_same_file(void **state)
{
	char dir[64], x[128], dotx[128], link[128], y[128], doty[128];
	const char *spelt[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
			       "--json", x, "--timeline", dotx, NULL};
	const char *linked[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
				"--timeline", link, "--plot", x, NULL};
	const char *sweep[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
			       "seed=1", "--csv", y, "--json", doty, NULL};
	const char *stdout2[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
				 "seed=1", "--csv", "-", "--json", "-", NULL};
	const char *stdout_dev[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
				    "--json", "-", "--timeline", "/dev/stdout",
				    NULL};
	const char *devnull[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
				 "--json", "/dev/null", "--timeline",
				 "/dev/null", NULL};
	char *text;

	(void)state;
	cli_tempdir(dir, "outside-same");
	snprintf(x, sizeof(x), "%s/x.out", dir);
	snprintf(dotx, sizeof(dotx), "%s/./x.out", dir);
	snprintf(link, sizeof(link), "%s/l.out", dir);
	snprintf(y, sizeof(y), "%s/y.out", dir);
	snprintf(doty, sizeof(doty), "%s/../%s/y.out", dir,
		 strrchr(dir, '/') + 1);
	expect_run(spelt, 2, "name the same file");
	assert_int_equal(cli_count_entries(dir), 0);
	expect_run(sweep, 2, "name the same file");
	assert_int_equal(cli_count_entries(dir), 0);
	cli_write_file(x, "kept\n");
	assert_int_equal(symlink("x.out", link), 0);
	expect_run(linked, 2, "name the same file");
	text = cli_slurp(x);
	assert_string_equal(text, "kept\n");
	free(text);
	assert_int_equal(cli_count_entries(dir), 2);
	expect_run(stdout2, 2, "cannot both be stdout");
	expect_run(stdout_dev, 2, "name the same file");
	expect_run(devnull, 0, NULL);
	cli_rmdir(dir);
}

/* gnuplot does not report a failed write of its SVG, so a plot drawn
 * straight into /dev/full was lost with status 0.  A stand-in gnuplot
 * that ignores its write error, as gnuplot does: status 1, named. */
static void test_plot_to_full_device(void **state)
{
	char bin[64], gp[128];
	const char *args[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
			      "--plot", "/dev/full", NULL};
	struct cli_env env = { .path = bin };
	struct cli_out r;

	(void)state;
	cli_tempdir(bin, "outside-gp");
	snprintf(gp, sizeof(gp), "%s/gnuplot", bin);
	/* gnuplot -c /dev/stdin CSV SVG: the SVG is $4 */
	cli_write_file(gp, "#!/bin/sh\n"
		       "echo '<svg></svg>' >\"$4\" 2>/dev/null\nexit 0\n");
	assert_int_equal(chmod(gp, 0755), 0);
	cli_run_env(args, &env, &r);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "--plot: writing '/dev/full' failed"));
	cli_out_free(&r);
	/* the same stand-in into /dev/null: a success */
	args[5] = "/dev/null";
	cli_run_env(args, &env, &r);
	assert_int_equal(r.status, 0);
	cli_out_free(&r);
	cli_rmdir(bin);
}

/* json-c clamps an integer past 64 bits to INT64_MIN/UINT64_MAX without
 * a word: "seed": 18446744073709551616 ran as seed 2^64-1. */
static void test_json_integer_past_64_bits(void **state)
{
	static const struct {
		const char *doc, *want;
	} bad[] = {
		{"{\"seed\": 18446744073709551616}", "seed: an integer outside"},
		{"{\"seed\": 99999999999999999999999}", "seed: an integer"},
		{"{\"guests\": [{\"size\": 18446744073709551616}]}",
		 "guests[0].size: an integer outside"},
		{"{\"busy_inject\": -9223372036854775809}",
		 "busy_inject: an integer outside"},
	};
	char dir[64], f[128];
	const char *args[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
			      "--scenario", f, NULL};
	const char *sweep[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
			       "seed=18446744073709551616", NULL};

	(void)state;
	cli_tempdir(dir, "outside-json");
	snprintf(f, sizeof(f), "%s/s.json", dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cli_write_file(f, bad[i].doc);
		expect_run(args, 2, bad[i].want);
	}
	/* the largest seed is a seed */
	cli_write_file(f, "{\"seed\": 18446744073709551615}");
	expect_run(args, 0, NULL);
	expect_run(sweep, 2, "seed: an integer outside the 64-bit range");
	cli_rmdir(dir);
}

/* Sweep axis values: a repeated value ran the same point twice (and drew
 * it twice), a value with spaces was read as a number where every flag
 * refuses one. */
static void test_sweep_axis_values(void **state)
{
	const char *dup[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
			     "strategy=hashed,lockless,hashed", NULL};
	const char *sp[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
			    "pcpus=1, 2", NULL};
	const char *tail[] = {"sweep", "--td", "2M,vcpus=1", "--quiet",
			      "pcpus=1 ", NULL};

	(void)state;
	expect_run(dup, 2, "value 'hashed' given twice");
	expect_run(sp, 2, "value ' 2' has spaces");
	expect_run(tail, 2, "value '1 ' has spaces");
}

/* The cost model drives the virtual clock only: with --clock wall a
 * --cost was silently ignored (while --sched is refused there). */
static void test_cost_needs_virtual_clock(void **state)
{
	const char *wall[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
			      "--clock", "wall", "--cost", "fault_ns=5", NULL};
	const char *virt[] = {"sim", "--td", "2M,vcpus=1", "--quiet",
			      "--cost", "fault_ns=5", NULL};

	(void)state;
	expect_run(wall, 2, "--cost needs the virtual clock");
	expect_run(virt, 0, NULL);
}

/* bench's unknown strategy named nothing to pick from (sim lists them). */
static void test_bench_strategy_list(void **state)
{
	const char *args[] = {"bench", "--strategy", "nope", NULL};

	(void)state;
	expect_run(args, 2, "'nope': unknown strategy (available: all, "
		   "global-lock");
}

/* `dpamt help --help` was "unknown command '--help'" (status 2);
 * `dpamt --version junk` ignored the junk. */
static void test_help_and_version_forms(void **state)
{
	const char *hh[] = {"help", "--help", NULL};
	const char *hhelp[] = {"help", "help", NULL};
	const char *v[] = {"--version", NULL};
	const char *vx[] = {"--version", "x", NULL};
	struct cli_out r;

	(void)state;
	cli_run(hh, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: dpamt <command>"));
	cli_out_free(&r);
	cli_run(hhelp, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: dpamt <command>"));
	cli_out_free(&r);
	cli_run(v, &r);
	assert_int_equal(r.status, 0);
	assert_int_equal(strncmp(r.out, "dpamt ", 6), 0);
	cli_out_free(&r);
	expect_run(vx, 2, "'x'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_option_twice),
		cmocka_unit_test(test_outputs_same_file),
		cmocka_unit_test(test_plot_to_full_device),
		cmocka_unit_test(test_json_integer_past_64_bits),
		cmocka_unit_test(test_sweep_axis_values),
		cmocka_unit_test(test_bench_strategy_list),
		cmocka_unit_test(test_cost_needs_virtual_clock),
		cmocka_unit_test(test_help_and_version_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
