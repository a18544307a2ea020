/*
 * test_cli_output.c - output safety and the exit-status rule of every
 * subcommand (docs/cli.md): a failed run never removes or truncates a file
 * it did not create (issue 10, Why 1), devices and FIFOs are written in
 * place and never unlinked, permissions and symlinks are kept, temporary
 * files never outlive a run, and a write that fails -- to stdout or to an
 * output file -- is exit status 1 for every subcommand (Why 6), never 0
 * or 2.  Also `dpamt help CMD` = `dpamt CMD --help`, each listing the
 * exit statuses.
 */
#include <errno.h>
#include <fcntl.h>
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

#define TRACE_OK "PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 " \
		 "r8=0x80001000 expect=SUCCESS\n"

/* Why 1: an unwritable --timeline must not delete the existing --json. */
static void test_failed_run_keeps_existing(void **state)
{
	char dir[64], json[128];
	const char *args[] = {"sim", "--td", "64M", "--quiet", "--json", json,
			      "--timeline", "/nonexistent-dir/t.csv", NULL};
	struct cli_out r;
	char *text;

	(void)state;
	cli_tempdir(dir, "out-keep");
	snprintf(json, sizeof(json), "%s/existing.json", dir);
	cli_write_file(json, "keep\n");
	cli_run_expect(args, NULL, 1, "--timeline", &r);
	assert_non_null(strstr(r.err, "/nonexistent-dir/t.csv"));
	text = cli_slurp(json);
	assert_non_null(text);
	assert_string_equal(text, "keep\n");
	free(text);
	assert_int_equal(cli_count_entries(dir), 1); /* no temp file left */
	cli_out_free(&r);
	cli_rmdir(dir);
}

/* Why 1 (the device half): a FIFO given as --json is written in place
 * and never unlinked, whether the run fails or succeeds. */
static void test_fifo_in_place(void **state)
{
	char dir[64], fifo[128], buf[8192];
	const char *bad[] = {"sim", "--td", "64M", "--quiet", "--json", fifo,
			     "--timeline", "/nonexistent-dir/t.csv", NULL};
	const char *good[] = {"sim", "--td", "64M", "--quiet", "--json", fifo,
			      NULL};
	struct cli_out r;
	struct stat st;
	ssize_t n;
	int rd;

	(void)state;
	cli_tempdir(dir, "out-fifo");
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	rd = open(fifo, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	cli_run_expect(bad, NULL, 1, NULL, &r);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	cli_out_free(&r);
	cli_run_ok(good, NULL, &r);
	n = read(rd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"pamt\""));
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(cli_count_entries(dir), 1);
	close(rd);
	cli_out_free(&r);
	cli_rmdir(dir);
}

struct write_case {
	const char *args[16];
	const char *stdout_path; /* NULL: captured */
};

/* Why 6: every kind of failed write is exit 1 with a message. */
static void test_write_failures_exit_1(void **state)
{
	char dir[64], trace[128];
	const struct write_case cases[] = {
		{{"info"}, "/dev/full"},
		{{"info", "--json", "-"}, "/dev/full"},
		{{"info", "--json", "/dev/full"}, NULL},
		{{"info", "--json", "/nonexistent-dir/x.json"}, NULL},
		{{"--help"}, "/dev/full"},
		{{"help", "sim"}, "/dev/full"},
		{{"sim", "--help"}, "/dev/full"},
		{{"sim", "--td", "64M"}, "/dev/full"},
		{{"sim", "--td", "64M", "--quiet", "--json", "/dev/full"},
		 NULL},
		{{"sim", "--td", "64M", "--quiet", "--json", "-"}, "/dev/full"},
		{{"sim", "--td", "64M", "--quiet", "--timeline", "/dev/full"},
		 NULL},
		{{"sim", "--td", "64M", "--quiet", "--json",
		  "/nonexistent-dir/r.json"}, NULL},
		{{"sim", "--td", "64M", "--quiet", "--plot",
		  "/nonexistent-dir/p.svg"}, NULL},
		{{"bench", "--iters", "100", "--reps", "1", "--slow-iters",
		  "0", "--sim-rss", "0", "--json", "/dev/full"}, NULL},
		{{"bench", "--iters", "100", "--reps", "1", "--slow-iters",
		  "0", "--sim-rss", "0"}, "/dev/full"},
		{{"bench", "--iters", "100", "--reps", "1", "--json",
		  "/nonexistent-dir/b.json"}, NULL},
		{{"replay", trace}, "/dev/full"},
		{{"replay", "--help"}, "/dev/full"},
	};
	struct cli_out r;

	(void)state;
	cli_tempdir(dir, "out-full");
	snprintf(trace, sizeof(trace), "%s/ok.trace", dir);
	cli_write_file(trace, TRACE_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cli_env env = { .stdout_path = cases[i].stdout_path };

		cli_run_env(cases[i].args, &env, &r);
		if (r.status != 1 || !*r.err)
			fail_msg("case %zu (%s %s): status %d, stderr '%s' "
				 "(want 1 and a message)", i, cases[i].args[0],
				 cases[i].args[1] ? cases[i].args[1] : "",
				 r.status, r.err);
		cli_out_free(&r);
	}
	assert_int_equal(cli_count_entries(dir), 1);
	cli_rmdir(dir);
}

/* An existing file keeps its mode; a new one gets 0666 & ~umask; a
 * symlink stays a link and its target gets the content. */
static void test_permissions_and_links(void **state)
{
	char dir[64], old[128], fresh[128], link[128], target[128];
	const char *args[] = {"info", "--json", old, NULL};
	struct cli_out r;
	struct stat st;
	char *text;

	(void)state;
	cli_tempdir(dir, "out-mode");
	snprintf(old, sizeof(old), "%s/old.json", dir);
	snprintf(fresh, sizeof(fresh), "%s/new.json", dir);
	snprintf(link, sizeof(link), "%s/link.json", dir);
	snprintf(target, sizeof(target), "%s/target.json", dir);
	cli_write_file(old, "old\n");
	assert_int_equal(chmod(old, 0640), 0);
	umask(022);
	cli_run_ok(args, NULL, &r);
	assert_int_equal(stat(old, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	cli_out_free(&r);
	args[2] = fresh;
	cli_run_ok(args, NULL, &r);
	assert_int_equal(stat(fresh, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	cli_out_free(&r);
	cli_write_file(target, "x\n");
	assert_int_equal(symlink("target.json", link), 0);
	args[2] = link;
	cli_run_ok(args, NULL, &r);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = cli_slurp(target);
	assert_non_null(strstr(text, "\"classic_bytes\""));
	free(text);
	assert_int_equal(cli_count_entries(dir), 4);
	cli_out_free(&r);
	cli_rmdir(dir);
}

/* A failing gnuplot: exit 1, the SVG target untouched, and the scratch
 * timeline kept in TMPDIR (not /tmp) and named. */
static void test_plot_scratch_in_tmpdir(void **state)
{
	char dir[64], tmp[64], bin[64], svg[128], gp[128];
	const char *args[] = {"sim", "--td", "64M", "--quiet", "--plot", svg,
			      NULL};
	struct cli_env env = { .tmpdir = tmp, .path = bin };
	struct cli_out r;

	(void)state;
	cli_tempdir(dir, "out-plot");
	cli_tempdir(tmp, "out-tmpdir");
	cli_tempdir(bin, "out-bin");
	snprintf(svg, sizeof(svg), "%s/p.svg", dir);
	snprintf(gp, sizeof(gp), "%s/gnuplot", bin);
	cli_write_file(gp, "#!/bin/sh\necho fake gnuplot fails >&2\nexit 3\n");
	assert_int_equal(chmod(gp, 0755), 0);
	cli_run_expect(args, &env, 1, tmp, &r);
	assert_int_equal(cli_count_entries(dir), 0);
	assert_int_equal(cli_count_entries(tmp), 1); /* the kept CSV */
	cli_out_free(&r);
	cli_rmdir(dir);
	cli_rmdir(tmp);
	cli_rmdir(bin);
}

/* A complete run leaves exactly its outputs, no temporary files. */
static void test_outputs_complete(void **state)
{
	char dir[64], json[128], csv[128];
	const char *args[] = {"sim", "--td", "64M", "--quiet", "--json", json,
			      "--timeline", csv, NULL};
	struct cli_out r;
	char *text;

	(void)state;
	cli_tempdir(dir, "out-ok");
	snprintf(json, sizeof(json), "%s/r.json", dir);
	snprintf(csv, sizeof(csv), "%s/t.csv", dir);
	cli_run_ok(args, NULL, &r);
	assert_int_equal(cli_count_entries(dir), 2);
	text = cli_slurp(json);
	assert_non_null(text);
	assert_true(strlen(text) > 100 && text[strlen(text) - 2] == '}');
	free(text);
	cli_out_free(&r);
	cli_rmdir(dir);
}

/* dpamt help CMD = dpamt CMD --help, and every help lists 0, 1 and 2. */
static void test_help_command(void **state)
{
	static const char *const cmds[] = {"sim", "replay", "bench", "info",
					    "sweep"};
	struct cli_out a, b;

	(void)state;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *h1[] = {"help", cmds[i], NULL};
		const char *h2[] = {cmds[i], "--help", NULL};

		cli_run_ok(h1, NULL, &a);
		cli_run_ok(h2, NULL, &b);
		assert_string_equal(a.out, b.out);
		assert_non_null(strstr(a.out, "Exit status"));
		assert_non_null(strstr(a.out, "  0  success"));
		assert_non_null(strstr(a.out, "  1  a failed check"));
		assert_non_null(strstr(a.out, "  2  bad usage or input"));
		cli_out_free(&a);
		cli_out_free(&b);
	}
}

static void test_help_unknown(void **state)
{
	const char *args[] = {"help", "frob", NULL};
	struct cli_out r;

	(void)state;
	cli_run_expect(args, NULL, 2, "'frob'", &r);
	cli_out_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failed_run_keeps_existing),
		cmocka_unit_test(test_fifo_in_place),
		cmocka_unit_test(test_write_failures_exit_1),
		cmocka_unit_test(test_permissions_and_links),
		cmocka_unit_test(test_plot_scratch_in_tmpdir),
		cmocka_unit_test(test_outputs_complete),
		cmocka_unit_test(test_help_command),
		cmocka_unit_test(test_help_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
