/*
 * test_cli_badinput.c - the catalogue of bad inputs, per subcommand:
 * flags, value forms, scenario keys, trace lines.  Every case must exit 2
 * (bad usage or input, nothing ran: docs/cli.md), print nothing on stdout
 * and name the offending input in its message.  Files a case needs (a
 * scenario, a trace) are written to a temp directory; "@F" in the
 * arguments is replaced by that file's path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_run.h"

struct bad_case {
	const char *args[12];
	const char *file;   /* content of @F, or NULL */
	const char *expect; /* substring of stderr naming the input */
};

static const struct bad_case sim_flags[] = {
	{{"sim", "--bogus"}, NULL, "'--bogus'"},
	{{"sim", "extra"}, NULL, "'extra'"},
	{{"sim", "--td"}, NULL, "--td needs a value"},
	{{"sim", "--td", "1X"}, NULL, "'1X'"},
	{{"sim", "--td", "3M"}, NULL, "'3M'"},
	{{"sim", "--td", "32T"}, NULL, "'32T'"},
	{{"sim", "--td", "-1G"}, NULL, "'-1G'"},
	{{"sim", "--td", "1.5G"}, NULL, "'1.5G'"},
	{{"sim", "--td", "1G,vcpus=65"}, NULL, "vcpus='65'"},
	{{"sim", "--td", "1G,vcpus=0"}, NULL, "vcpus='0'"},
	{{"sim", "--td", "1G,huge=101"}, NULL, "huge='101'"},
	{{"sim", "--td", "1G,touch=x"}, NULL, "touch='x'"},
	{{"sim", "--td", "1G,convert=-1"}, NULL, "convert='-1'"},
	{{"sim", "--td", "1G,bogus=1"}, NULL, "'bogus'"},
	{{"sim", "--td", "1G,huge=1,huge=2"}, NULL, "huge"},
	{{"sim", "--td", "1G,,huge=1"}, NULL, "1G,,huge=1"},
	{{"sim", "--vm", "1G,huge=5"}, NULL, "'huge'"},
	{{"sim", "--host-mem", "0"}, NULL, "'0'"},
	{{"sim", "--host-mem", "17T"}, NULL, "'17T'"},
	{{"sim", "--host-mem", "lots"}, NULL, "'lots'"},
	{{"sim", "--cycles", "0"}, NULL, "'0'"},
	{{"sim", "--cycles", "100001"}, NULL, "'100001'"},
	{{"sim", "--threads", "1025"}, NULL, "'1025'"},
	{{"sim", "--pcpus", "0"}, NULL, "'0'"},
	{{"sim", "--seed", "-1"}, NULL, "'-1'"},
	{{"sim", "--seed", "18446744073709551616"}, NULL,
	 "'18446744073709551616'"},
	{{"sim", "--busy-inject", "1"}, NULL, "'1'"},
	{{"sim", "--busy-inject", "nan"}, NULL, "'nan'"},
	{{"sim", "--busy-inject", "0.5x"}, NULL, "'0.5x'"},
	{{"sim", "--busy-attempts", "0"}, NULL, "'0'"},
	{{"sim", "--busy-attempts", "4097"}, NULL, "'4097'"},
	{{"sim", "--busy-attempts", "x"}, NULL, "'x'"},
	{{"sim", "--host-frag", "100"}, NULL, "--host-frag: '100'"},
	{{"sim", "--host-frag", "-1"}, NULL, "--host-frag: '-1'"},
	{{"sim", "--host-frag", "abc"}, NULL, "--host-frag: 'abc'"},
	{{"sim", "--host-frag", "50x"}, NULL, "--host-frag: '50x'"},
	{{"sim", "--host-frag", "9.5"}, NULL, "--host-frag: '9.5'"},
	{{"sim", "--host-frag", ""}, NULL, "--host-frag"},
	{{"sim", "--host-frag"}, NULL, "--host-frag needs a value"},
	{{"sim", "--td", "2T", "--host-frag", "99"}, NULL, "--host-frag 99"},
	{{"sim", "--td", "1G", "--host-frag", "90", "--host-mem", "4G"}, NULL,
	 "raise --host-mem"},
	{{"sim", "--seamcall-ns", "all=10000001"}, NULL, "'10000001'"},
	{{"sim", "--seamcall-ns", "FOO=1"}, NULL, "'FOO'"},
	{{"sim", "--seamcall-ns", "3000"}, NULL, "'3000'"},
	{{"sim", "--pamt", "both"}, NULL, "'both'"},
	{{"sim", "--pair-pool", "maybe"}, NULL, "'maybe'"},
	{{"sim", "--strategy", "nope"}, NULL, "'nope'"},
	{{"sim", "--quiet=1"}, NULL, "--quiet"},
	{{"sim", "--timeline", "-"}, NULL, "--timeline"},
	{{"sim", "--json", ""}, NULL, "--json"},
	{{"sim", "--scenario", "/nonexistent/s.json"}, NULL,
	 "/nonexistent/s.json"},
	{{"sim", "--vm", "8388608T", "--vm", "8388608T", "--td", "256M"},
	 NULL, "'8388608T'"},
	{{"sim", "--vm", "8T", "--vm", "8T", "--vm", "8T", "--td", "256M"},
	 NULL, "16384 GiB"},
	{{"sim", "--host-mem", "1G", "--td", "4G"}, NULL, "do not fit"},
	{{"sim", "--hkids", "1"}, NULL, "'1'"},
	{{"sim", "--hkids", "2048"}, NULL, "'2048'"},
	{{"sim", "--hkids", "x"}, NULL, "'x'"},
	{{"sim", "--hkids", "2", "--td", "4M", "--td", "4M"}, NULL,
	 "raise --hkids"},
};

static const struct bad_case sim_scenarios[] = {
	{{"sim", "--scenario", "@F"}, "{\"cycles\": 0}", "cycles"},
	{{"sim", "--scenario", "@F"},
	 "{\"guests\": [{\"size\": \"1G\\u0000junk\"}]}", "guests[0].size"},
	{{"sim", "--scenario", "@F"}, "{\"strategy\": \"hashed\\u0000junk\"}",
	 "strategy"},
	{{"sim", "--scenario", "@F"},
	 "{\"guests\": [{\"size\": \"1G\", \"hug\\u0065\": 1, \"huge\": 2}]}",
	 "guests[0].huge"},
	{{"sim", "--scenario", "@F"}, "{\"cycles\": 1, \"cycles\": 2}",
	 "cycles"},
	{{"sim", "--scenario", "@F"}, "{\"host_mem\": \"17T\"}", "host_mem"},
	{{"sim", "--scenario", "@F"}, "{\"guests\": [{\"size\": \"32T\"}]}",
	 "guests[0].size"},
	{{"sim", "--scenario", "@F"},
	 "{\"guests\": [{\"size\": 4294967296, \"vcpus\": 0}]}",
	 "guests[0].vcpus"},
	{{"sim", "--scenario", "@F"}, "{\"busy_inject\": 1.5}",
	 "busy_inject"},
	{{"sim", "--scenario", "@F"}, "{\"busy_attempts\": 0}",
	 "busy_attempts"},
	{{"sim", "--scenario", "@F"}, "{\"seamcall_ns\": {\"FOO\": 1}}",
	 "seamcall_ns.FOO"},
	{{"sim", "--scenario", "@F"}, "{\"bogus\": 1}", "bogus"},
	{{"sim", "--scenario", "@F"},
	 "{\"guests\": [{\"type\": \"vm\", \"size\": \"1G\", \"huge\": 1}]}",
	 "guests[0].huge"},
	{{"sim", "--scenario", "@F"}, "[1]", "JSON object"},
	{{"sim", "--scenario", "@F"}, "{'cycles': 1}", "double quotes"},
	{{"sim", "--scenario", "@F"}, "{\"pair_pool\": 1}", "pair_pool"},
	{{"sim", "--scenario", "@F"}, "{\"threads\": 2000}", "threads"},
	{{"sim", "--scenario", "@F"}, "{\"cycles\": 1", "malformed JSON"},
	{{"sim", "--scenario", "@F"}, "{\"seed\": -1}", "seed"},
	{{"sim", "--scenario", "@F"}, "{\"hkids\": 5000}", "hkids"},
	{{"sim", "--scenario", "@F"}, "{\"hkids\": \"63\"}", "hkids"},
	{{"sim", "--scenario", "@F"}, "{\"host_frag\": 100}", "host_frag"},
	{{"sim", "--scenario", "@F"}, "{\"host_frag\": -1}", "host_frag"},
	{{"sim", "--scenario", "@F"}, "{\"host_frag\": \"90\"}", "host_frag"},
	{{"sim", "--scenario", "@F"}, "{\"host_frag\": 90.5}", "host_frag"},
	{{"sim", "--scenario", "@F"}, "{\"host_frag\": true}", "host_frag"},
};

static const struct bad_case replay_cases[] = {
	{{"replay"}, NULL, "no trace"},
	{{"replay", "a.trace", "b.trace"}, NULL, "one trace only"},
	{{"replay", "--frob"}, NULL, "'--frob'"},
	{{"replay", "--require-expect=1", "-"}, NULL, "--require-expect"},
	{{"replay", "/nonexistent/x.trace"}, NULL, "/nonexistent/x.trace"},
	{{"replay", "@F"}, "BOGUS\n", "in.dat:1"},
	{{"replay", "@F"}, "config mem=3G\nconfig mem=4G\n", "in.dat:2"},
	{{"replay", "@F"}, "config busy=2\n", "'2'"},
	{{"replay", "@F"}, "config mem=5M\n", "in.dat:1"},
	{{"replay", "@F"}, "PHYMEM.PAMT.ADD rcx=zz\n", "in.dat:1"},
	{{"replay", "@F"}, "PHYMEM.PAMT.ADD rcx=0x1 rcx=0x2\n", "in.dat:1"},
	{{"replay", "@F"}, "PHYMEM.PAMT.ADD expect=NOPE\n", "in.dat:1"},
	{{"replay", "@F"}, "write pa=0 len=0x300000\n", "in.dat:1"},
	{{"replay", "--require-expect", "@F"},
	 "PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 r8=0x80001000\n",
	 "in.dat:1"},
	{{"replay", "@F"}, "config mem=64T\n", "in.dat:1"},
};

static const struct bad_case bench_cases[] = {
	{{"bench", "--iters", "0"}, NULL, "--iters"},
	{{"bench", "--iters", "1099511627776", "--reps", "1000"}, NULL,
	 "--iters"},
	{{"bench", "--iters", "100000000", "--reps", "1000"}, NULL,
	 "--iters 100000000 x --reps 1000"},
	{{"bench", "--slow-iters", "1000000", "--reps", "100"}, NULL,
	 "--slow-iters 1000000 x --reps 100"},
	{{"bench", "--reps", "1001"}, NULL, "--reps"},
	{{"bench", "--threads", "0"}, NULL, "--threads"},
	{{"bench", "--strategy", "nope"}, NULL, "'nope'"},
	{{"bench", "--slow-iters", "2000000"}, NULL, "--slow-iters"},
	{{"bench", "--json", ""}, NULL, "--json"},
	{{"bench", "--bogus"}, NULL, "'--bogus'"},
	{{"bench", "stray"}, NULL, "'stray'"},
	{{"bench", "--iters"}, NULL, "--iters needs a value"},
};

static const struct bad_case info_cases[] = {
	{{"info", "--host-mem", "0"}, NULL, "--host-mem"},
	{{"info", "--host-mem", "8192T"}, NULL, "--host-mem 8192T"},
	{{"info", "--tdmr", "1M:1G"}, NULL, "--tdmr 1M:1G"},
	{{"info", "--tdmr", "0:1G", "--tdmr", "0:1G"}, NULL, "overlap"},
	{{"info", "--json", ""}, NULL, "--json"},
	{{"info", "--frob"}, NULL, "'--frob'"},
	{{"info", "extra"}, NULL, "'extra'"},
	{{"info", "--host-mem=x"}, NULL, "'x'"},
};

/* Axis values are literals only as a whole ("2x" was read as 2). */
static const struct bad_case sweep_cases[] = {
	{{"sweep", "--td", "64M", "pcpus=2x"}, NULL, "pcpus=2x"},
	{{"sweep", "--td", "64M", "seed=0x10"}, NULL, "seed=0x10"},
	{{"sweep", "--td", "64M", "busy_inject=0.5.5"}, NULL,
	 "busy_inject=0.5.5"},
	{{"sweep", "--td", "64M", "huge=50,22hvge"}, NULL, "huge=22hvge"},
	{{"sweep", "--td", "64M", "busy_attempts=0"}, NULL, "busy_attempts"},
	{{"sweep", "--td", "64M", "pcpus"}, NULL, "'pcpus'"},
};

static const struct bad_case top_cases[] = {
	{{NULL}, NULL, "usage: dpamt"},
	{{"frob"}, NULL, "'frob'"},
	{{"help", "sim", "replay"}, NULL, "one command"},
};

/* Run one case; fails showing its command unless it exits 2 quietly
 * with expect. */
static void run_case(const struct bad_case *c, const char *dir)
{
	char file[128];
	const char *args[13];
	size_t n = 0;

	snprintf(file, sizeof(file), "%s/in.dat", dir);
	if (c->file)
		cli_write_file(file, c->file);
	for (; c->args[n]; n++)
		args[n] = strcmp(c->args[n], "@F") ? c->args[n] : file;
	args[n] = NULL;
	cli_run_expect(args, NULL, 2, c->expect, NULL);
}

static void run_table(const struct bad_case *t, size_t n)
{
	char dir[64];

	cli_tempdir(dir, "badin");
	for (size_t i = 0; i < n; i++)
		run_case(&t[i], dir);
	cli_rmdir(dir);
}

#define RUN(t) run_table(t, sizeof(t) / sizeof(t[0]))

static void test_sim_flags(void **state)
{
	(void)state;
	RUN(sim_flags);
}

static void test_sim_scenarios(void **state)
{
	(void)state;
	RUN(sim_scenarios);
}

static void test_replay(void **state)
{
	(void)state;
	RUN(replay_cases);
}

static void test_bench(void **state)
{
	(void)state;
	RUN(bench_cases);
}

static void test_info(void **state)
{
	(void)state;
	RUN(info_cases);
}

static void test_sweep(void **state)
{
	(void)state;
	RUN(sweep_cases);
}

static void test_top(void **state)
{
	(void)state;
	RUN(top_cases);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_flags),
		cmocka_unit_test(test_sim_scenarios),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_bench),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
