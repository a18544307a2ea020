/*
 * test_sim_cli.c - `dpamt sim` as a user meets it: --help, and every kind
 * of bad input refused with exit status 2, exactly one line on stderr
 * naming the problem, nothing on stdout and no output file written.
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

#include "cli/cli_run.h"

/* DPAMT_BIN sim ARGS... */
static const struct cli_env SIM_ENV = { .sub = "sim" };

struct bad {
	const char *args[8];
	const char *expect; /* substring of the one stderr line */
};

static const struct bad bad_cases[] = {
	{{"--bogus"}, "unknown option '--bogus'"},
	{{"extra"}, "unexpected argument 'extra'"},
	{{"--td"}, "--td needs a value"},
	{{"--host-mem", "lots"}, "'lots' is not a size"},
	{{"--td", "1X"}, "expected a size first"},
	{{"--td", "1G,huge=150"}, "huge='150' is not a percentage"},
	{{"--td", "1G,touch=abc"}, "touch='abc' is not a percentage"},
	{{"--strategy", "nope"}, "unknown strategy 'nope' (available: "},
	{{"--seamcall-ns", "PHYMEM.PAMT.ADDX=1"}, "unknown leaf"},
	{{"--seamcall-ns", "all=1ms"}, "'1ms' is not a latency"},
	{{"--cycles", "0"}, "'0' is not a cycle count"},
	{{"--threads", "0"}, "'0' is not a thread count"},
	{{"--pamt", "both"}, "'both' is not a PAMT mode"},
	{{"--busy-inject", "-0.1"}, "is not a probability"},
	{{"--seed", "x"}, "'x' is not a seed"},
	{{"--scenario", "/nonexistent/s.json"}, "cannot open"},
	{{"--clock", "sundial"}, "'sundial' is not a clock"},
	{{"--clock"}, "--clock needs a value"},
	{{"--sched", "lifo"}, "'lifo' is not a policy"},
	{{"--sched", "pct:0"}, "'pct:0' is not a policy"},
	{{"--sched", "pct:65"}, "'pct:65' is not a policy"},
	{{"--sched", "pct:x"}, "'pct:x' is not a policy"},
	{{"--sched", "random", "--clock", "wall"}, "needs the virtual clock"},
	{{"--cost", "fault=1"}, "unknown cost 'fault'"},
	{{"--cost", "fault_ns"}, "unknown cost 'fault_ns'"},
	{{"--cost", "fault_ns=-1"}, "'-1' is not a time in ns"},
	{{"--cost", "fault_ns=20000000"}, "'20000000' is not a time in ns"},
	{{"--cost", "fault_ns=1,"}, "expected NAME=NS"},
	{{"--pcpus", "1025"}, "'1025' is not a CPU count"},
	{{"--pcpus", "0"}, "'0' is not a CPU count"},
};

static void expect_usage_error(const char *const *args, const char *expect)
{
	struct cli_out r;

	cli_run_expect(args, &SIM_ENV, 2, expect, &r);
	if (cli_lines(r.err) != 1 || strncmp(r.err, "dpamt sim: ", 11))
		fail_msg("args %s %s: stderr '%s' is not one line starting "
			 "'dpamt sim: '",
			 args[0], args[1] ? args[1] : "", r.err);
	cli_out_free(&r);
}

static void test_bad_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		expect_usage_error(bad_cases[i].args, bad_cases[i].expect);
}

/* Write text to a fresh temp file; path into buf. */
static void temp_file(char *buf, const char *text)
{
	int fd;

	strcpy(buf, "/tmp/dpamt-sim-cli-XXXXXX");
	fd = mkstemp(buf);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

struct bad_doc {
	const char *doc;
	const char *expect;
};

static const struct bad_doc bad_docs[] = {
	{"{\"guests\": []}", "nothing to run"},
	{"{\"guests\": [{\"size\": \"1G\"}], \"seed\": 1, \"seed\": 2}",
	 "seed: key given twice"},
	{"{\"hostmem\": \"1G\"}", "hostmem: unknown key"},
	{"{\"cycles\": \"2\"}", "cycles: expected an integer"},
	{"{\"guests\": [{\"size\": \"1G\", \"huge\": true}]}",
	 "guests[0].huge: expected an integer"},
	{"{\"guests\": [{\"size\": \"1G\"}]", "malformed JSON"},
	{"not json", "malformed JSON"},
	{"{\"clock\": \"fast\"}", "clock: 'fast' is not a clock"},
	{"{\"clock\": 1}", "clock: expected a string"},
	{"{\"sched\": \"pct:99\"}", "'pct:99' is not a policy"},
	{"{\"cost\": {\"fault\": 1}}", "cost.fault: unknown cost"},
	{"{\"cost\": {\"fault_ns\": -5}}", "cost.fault_ns: expected an "
	 "integer"},
	{"{\"cost\": [1]}", "cost: expected an object"},
	{"{\"pcpus\": 2000}", "pcpus: expected an integer 1..1024"},
};

static void test_bad_scenarios(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		char path[64];
		const char *args[] = {"--scenario", path, NULL};

		temp_file(path, bad_docs[i].doc);
		expect_usage_error(args, bad_docs[i].expect);
		unlink(path);
	}
}

/* A failed parse never leaves a report behind, even when --json came
 * first on the line. */
static void test_no_partial_outputs(void **state)
{
	char json[] = "/tmp/dpamt-sim-cli-json-XXXXXX";
	const char *args[] = {"--json", json, "--td", "64M,huge=500", NULL};
	int fd = mkstemp(json);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(json);
	expect_usage_error(args, "huge='500'");
	assert_int_equal(access(json, F_OK), -1);
}

/* A guest bigger than the host: sim_validate's message, exit 2. */
static void test_does_not_fit(void **state)
{
	const char *args[] = {"--host-mem", "1G", "--td", "4G", NULL};
	struct cli_out r;

	(void)state;
	cli_run_expect(args, &SIM_ENV, 2, NULL, &r);
	assert_int_equal(cli_lines(r.err), 1);
	assert_string_equal(r.out, "");
	cli_out_free(&r);
}

static void test_help(void **state)
{
	static const char *const flags[] = {
		"--host-mem", "--td", "--vm", "--cycles", "--pamt",
		"--strategy", "--threads", "--seed", "--seamcall-ns",
		"--busy-inject", "--scenario", "--json", "--timeline",
		"--plot", "--quiet", "--help", "Exit status", "gnuplot-nox",
		"docs/report.md", "DEMOTE/PROMOTE 3830", "docs/cost-model.md",
	};
	const char *args[] = {"--help", NULL};
	struct cli_out r;

	(void)state;
	cli_run_ok(args, &SIM_ENV, &r);
	assert_string_equal(r.err, "");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!strstr(r.out, flags[i])) {
			print_error("--help does not mention %s\n", flags[i]);
			fail();
		}
	}
	cli_out_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_bad_scenarios),
		cmocka_unit_test(test_no_partial_outputs),
		cmocka_unit_test(test_does_not_fit),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
