/*
 * test_sim_parse.c - `dpamt sim` flag and JSON scenario parsing: every
 * accepted form lands in the right field, every bad input is refused with
 * a message naming the problem, and a refused input changes nothing.
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

#include "sim/json_dupkeys.h"
#include "sim/scenario_parse.h"

/* A start scenario like the engine's default: 10 TDs x 16 GiB. */
static void start(struct sim_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->sc.n_guests = 10;
	for (unsigned i = 0; i < 10; i++)
		sim_guest_default(&cli->sc.guests[i], 16ULL << 30, false);
	cli->sc.cycles = 1;
	cli->sc.seed = 1;
	cli->sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_ADD] = 3000;
	cli->sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_REMOVE] = 3000;
}

/* Parse a NULL-terminated list of arguments (after "sim"). */
static int parse(struct sim_cli *cli, char *msg, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;

	argv[argc++] = "sim";
	va_start(ap, msg);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	msg[0] = '\0';
	return sim_cli_parse(cli, argc, argv, msg, SIM_MSG_LEN);
}

static void test_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(sim_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(sim_parse_size("512K", &v), 0);
	assert_int_equal(v, 512ULL << 10);
	assert_int_equal(sim_parse_size("2m", &v), 0);
	assert_int_equal(v, 2ULL << 20);
	assert_int_equal(sim_parse_size("16GiB", &v), 0);
	assert_int_equal(v, 16ULL << 30);
	assert_int_equal(sim_parse_size("1TB", &v), 0);
	assert_int_equal(v, 1ULL << 40);
	assert_int_equal(sim_parse_size("", &v), -1);
	assert_int_equal(sim_parse_size("G", &v), -1);
	assert_int_equal(sim_parse_size("1.5G", &v), -1);
	assert_int_equal(sim_parse_size("-1G", &v), -1);
	assert_int_equal(sim_parse_size("12Q", &v), -1);
	assert_int_equal(sim_parse_size("1Gx", &v), -1);
	assert_int_equal(sim_parse_size(" 1G", &v), -1);
	assert_int_equal(sim_parse_size("16777216T", &v), -1); /* 2^64 */
	assert_int_equal(sim_parse_size("18446744073709551616", &v), -1);
	assert_int_equal(sim_parse_u64("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(sim_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(sim_parse_u64("+1", &v), -1);
	assert_int_equal(sim_parse_u64("0x", &v), -1);
}

static void test_format_size(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(sim_format_size(16ULL << 30, b, sizeof(b)),
			    "16 GiB");
	assert_string_equal(sim_format_size(3ULL << 20, b, sizeof(b)),
			    "3 MiB");
	assert_string_equal(sim_format_size(1000, b, sizeof(b)), "1000 B");
	assert_string_equal(sim_format_size(0, b, sizeof(b)), "0 B");
}

static void test_no_args_keeps_default(void **state)
{
	struct sim_cli cli, ref;
	char msg[SIM_MSG_LEN];

	(void)state;
	start(&cli);
	start(&ref);
	assert_int_equal(parse(&cli, msg, NULL), 0);
	assert_memory_equal(&cli.sc, &ref.sc, sizeof(cli.sc));
	assert_null(cli.json_path);
	assert_false(cli.quiet);
}

static void test_every_flag(void **state)
{
	struct sim_cli cli;
	char msg[SIM_MSG_LEN];

	(void)state;
	start(&cli);
	assert_int_equal(parse(&cli, msg, "--host-mem", "64G",
			       "--td", "1G,vcpus=2,huge=50,touch=80,convert=10",
			       "--vm=512M", "--td", "256M", "--cycles", "3",
			       "--pamt", "static", "--strategy", "global-lock",
			       "--threads=2", "--seed", "0x2a",
			       "--seamcall-ns", "all=7",
			       "--seamcall-ns", "PHYMEM.PAMT.ADD=0",
			       "--seamcall-ns", "29=11",
			       "--busy-inject", "0.25", "--json", "-",
			       "--timeline", "t.csv", "--plot", "p.svg",
			       "--quiet", "--shared-ranges", "on",
			       "--host-frag", "95", NULL), 0);
	assert_true(cli.sc.shared_ranges);
	assert_int_equal(cli.sc.host_frag_pct, 95);
	assert_true(cli.sc.host_mem == 64ULL << 30);
	assert_int_equal(cli.sc.n_guests, 3);
	assert_false(cli.sc.guests[0].legacy);
	assert_true(cli.sc.guests[0].size == 1ULL << 30);
	assert_int_equal(cli.sc.guests[0].vcpus, 2);
	assert_int_equal(cli.sc.guests[0].huge_pct, 50);
	assert_int_equal(cli.sc.guests[0].touch_pct, 80);
	assert_int_equal(cli.sc.guests[0].convert_pct, 10);
	assert_true(cli.sc.guests[1].legacy);
	assert_true(cli.sc.guests[1].size == 512ULL << 20);
	assert_int_equal(cli.sc.guests[2].vcpus, 4);
	assert_int_equal(cli.sc.guests[2].touch_pct, 100);
	assert_int_equal(cli.sc.cycles, 3);
	assert_int_equal(cli.sc.mode, DPAMT_MODE_STATIC);
	assert_int_equal(cli.sc.strategy, DPAMT_STRATEGY_GLOBAL_LOCK);
	assert_int_equal(cli.sc.threads, 2);
	assert_int_equal(cli.sc.seed, 42);
	assert_int_equal(cli.sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_ADD], 0);
	assert_int_equal(cli.sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_REMOVE], 7);
	assert_int_equal(cli.sc.seamcall_ns[DPAMT_TDH_MEM_PAGE_AUG], 7);
	assert_int_equal(cli.sc.seamcall_ns[DPAMT_TDH_MEM_PAGE_REMOVE], 11);
	assert_true(cli.sc.busy_inject == 0.25);
	assert_string_equal(cli.json_path, "-");
	assert_string_equal(cli.timeline_path, "t.csv");
	assert_string_equal(cli.plot_path, "p.svg");
	assert_true(cli.quiet && cli.sc.quiet);
	assert_false(cli.help);
}

static void test_help(void **state)
{
	struct sim_cli cli;
	char msg[SIM_MSG_LEN];

	(void)state;
	start(&cli);
	assert_int_equal(parse(&cli, msg, "--quiet", "--help", "--bogus",
			       NULL), 0);
	assert_true(cli.help);
	assert_non_null(strstr(sim_cli_usage(), "--seamcall-ns"));
}

struct bad_case {
	const char *args[4];
	const char *expect; /* substring of the message */
};

static const struct bad_case bad_cases[] = {
	{{"--frobnicate"}, "unknown option '--frobnicate'"},
	{{"--shared-ranges", "yes"}, "--shared-ranges: 'yes' is not on or off"},
	{{"--shared-ranges"}, "--shared-ranges needs a value"},
	{{"stray"}, "unexpected argument 'stray'"},
	{{"--td"}, "--td needs a value"},
	{{"--td", "--quiet"}, "--td needs a value"},
	{{"--host-mem"}, "--host-mem needs a value"},
	{{"--host-mem", "12Q"}, "'12Q' is not a size"},
	{{"--host-mem", "0"}, "'0' is not a size"},
	{{"--td", "1.5G"}, "expected a size first"},
	{{"--td", "3M"}, "multiple of 2M"},
	{{"--td", "0"}, "multiple of 2M"},
	{{"--td", "1G,huge=101"}, "huge='101' is not a percentage"},
	{{"--td", "1G,touch=-1"}, "touch='-1' is not a percentage"},
	{{"--td", "1G,convert=x"}, "convert='x' is not a percentage"},
	{{"--td", "1G,vcpus=0"}, "vcpus='0' is not a vCPU count"},
	{{"--td", "1G,color=red"}, "unknown setting 'color'"},
	{{"--td", "1G,huge=1,huge=2"}, "huge given twice"},
	{{"--td", "1G,,vcpus=2"}, "empty setting"},
	{{"--td", "1G,"}, "empty setting"},
	{{"--vm", "1G,huge=5"}, "unknown setting 'huge'"},
	{{"--cycles", "0"}, "'0' is not a cycle count"},
	{{"--cycles", "two"}, "'two' is not a cycle count"},
	{{"--threads", "0"}, "'0' is not a thread count"},
	{{"--pcpus", "0"}, "--pcpus: '0' is not a CPU count (1..1024"},
	{{"--pamt", "classic"}, "'classic' is not a PAMT mode"},
	{{"--strategy", "fastest"}, "unknown strategy 'fastest'"},
	{{"--seed", "-3"}, "'-3' is not a seed"},
	{{"--seamcall-ns", "PAMT.ADD=5"}, "unknown leaf 'PAMT.ADD'"},
	{{"--seamcall-ns", "63=5"}, "unknown leaf '63'"},
	{{"--seamcall-ns", "PHYMEM.PAMT.ADD"}, "expected LEAF=NS"},
	{{"--seamcall-ns", "PHYMEM.PAMT.ADD=fast"}, "'fast' is not a latency"},
	{{"--seamcall-ns", "all=-1"}, "'-1' is not a latency"},
	{{"--seamcall-ns", "all=20000000"}, "is not a latency"},
	{{"--busy-inject", "1.5"}, "'1.5' is not a probability"},
	{{"--busy-inject", "1"}, "'1' is not a probability (0 <= p < 1"},
	{{"--busy-inject", "nan"}, "'nan' is not a probability"},
	{{"--timeline", "-"}, "'-' is not a file name"},
	{{"--json", ""}, "'' is not a file name"},
	{{"--quiet=yes"}, "--quiet takes no value"},
	{{"--scenario", "/nonexistent/x.json"}, "cannot open"},
};

static void test_bad_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct sim_cli cli;
		char msg[SIM_MSG_LEN];

		start(&cli);
		if (parse(&cli, msg, b->args[0], b->args[1], b->args[2],
			  NULL) != -1 || !strstr(msg, b->expect)) {
			print_error("case %zu (%s %s): msg '%s', want '%s'\n",
				    i, b->args[0], b->args[1] ? b->args[1] : "",
				    msg, b->expect);
			fail();
		}
		assert_null(strchr(msg, '\n'));
	}
}

static void test_too_many_guests(void **state)
{
	struct sim_cli cli;
	char msg[SIM_MSG_LEN];
	char *argv[2 * SIM_MAX_GUESTS + 3];
	int argc = 0;

	(void)state;
	start(&cli);
	argv[argc++] = "sim";
	for (int i = 0; i <= SIM_MAX_GUESTS; i++) {
		argv[argc++] = "--vm";
		argv[argc++] = "2M";
	}
	assert_int_equal(sim_cli_parse(&cli, argc, argv, msg, sizeof(msg)),
			 -1);
	assert_non_null(strstr(msg, "too many guests"));
}

static const char good_doc[] =
	"{\"host_mem\":\"64G\",\"cycles\":2,\"pamt\":\"dynamic\","
	"\"strategy\":\"global-lock\",\"threads\":4,\"seed\":7,"
	"\"seamcall_ns\":{\"all\":5,\"PHYMEM.PAMT.ADD\":3000},"
	"\"busy_inject\":0.5,"
	"\"guests\":[{\"type\":\"td\",\"size\":\"1G\",\"vcpus\":4,"
	"\"huge\":50,\"touch\":100,\"convert\":10},"
	"{\"type\":\"vm\",\"size\":536870912},{\"size\":\"2M\"}]}";

static void test_json_good(void **state)
{
	struct sim_cli cli;
	char msg[SIM_MSG_LEN];
	bool had = false;

	(void)state;
	start(&cli);
	assert_int_equal(sim_scenario_apply_json(&cli.sc, good_doc, "t.json",
						 &had, msg, sizeof(msg)), 0);
	assert_true(had);
	assert_true(cli.sc.host_mem == 64ULL << 30);
	assert_int_equal(cli.sc.cycles, 2);
	assert_int_equal(cli.sc.mode, DPAMT_MODE_DYNAMIC);
	assert_int_equal(cli.sc.threads, 4);
	assert_int_equal(cli.sc.seed, 7);
	assert_int_equal(cli.sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_ADD], 3000);
	assert_int_equal(cli.sc.seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_REMOVE], 5);
	assert_true(cli.sc.busy_inject == 0.5);
	assert_int_equal(cli.sc.n_guests, 3);
	assert_int_equal(cli.sc.guests[0].huge_pct, 50);
	assert_int_equal(cli.sc.guests[0].convert_pct, 10);
	assert_true(cli.sc.guests[1].legacy);
	assert_true(cli.sc.guests[1].size == 512ULL << 20);
	assert_false(cli.sc.guests[2].legacy);
	assert_int_equal(cli.sc.guests[2].vcpus, 4);
	assert_int_equal(cli.sc.guests[2].touch_pct, 100);

	/* host_frag: 0..99, default 0 */
	assert_int_equal(cli.sc.host_frag_pct, 0);
	assert_int_equal(sim_scenario_apply_json(&cli.sc,
						 "{\"host_frag\": 92}",
						 "t.json", &had, msg,
						 sizeof(msg)), 0);
	assert_int_equal(cli.sc.host_frag_pct, 92);

	/* no "guests": the list in effect stays */
	start(&cli);
	assert_int_equal(sim_scenario_apply_json(&cli.sc, "{\"seed\": 9}\n",
						 "t.json", &had, msg,
						 sizeof(msg)), 0);
	assert_false(had);
	assert_int_equal(cli.sc.n_guests, 10);
	assert_int_equal(cli.sc.seed, 9);
}

struct bad_json {
	const char *doc;
	const char *expect;
};

static const struct bad_json bad_docs[] = {
	{"", "malformed JSON"},
	{"{\"shared_ranges\": \"on\"}", "shared_ranges: expected true or false"},
	{"{\"seed\": 1", "malformed JSON"},
	{"{\"seed\": 1}}", "malformed JSON"},
	{"{'seed': 1}", "malformed JSON"},
	{"{\"seed\": 1,}", "malformed JSON"},
	{"\n\n{\"seed\": 1 2}", "t.json:3: malformed JSON"},
	{"[1, 2]", "must be a JSON object"},
	{"{\"sede\": 1}", "t.json: sede: unknown key"},
	{"{\"seed\": 1, \"seed\": 2}", "t.json: seed: key given twice"},
	{"{\"clock\": \"WALL\"}", "t.json: clock: 'WALL' is not a clock"},
	{"{\"sched\": \"pct:0\"}", "t.json: sched: 'pct:0' is not a policy"},
	{"{\"guests\":[{\"size\":\"1G\"},{\"size\":\"1G\",\"huge\":1,"
	 "\"huge\":2}]}", "guests[1].huge: key given twice"},
	{"{\"seed\": \"7\"}", "seed: expected an integer"},
	{"{\"seed\": -7}", "seed: expected an integer"},
	{"{\"cycles\": 0}", "cycles: expected an integer 1.."},
	{"{\"cycles\": 1.5}", "cycles: expected an integer"},
	{"{\"threads\": 0}", "threads: expected an integer 1.."},
	{"{\"host_mem\": \"lots\"}", "host_mem: expected a size"},
	{"{\"host_mem\": true}", "host_mem: expected a size"},
	{"{\"pamt\": \"classic\"}", "pamt: expected \"dynamic\" or"},
	{"{\"pamt\": 1}", "pamt: expected a string"},
	{"{\"strategy\": \"fastest\"}", "strategy: unknown strategy"},
	{"{\"busy_inject\": 2}", "busy_inject: expected a probability"},
	{"{\"busy_inject\": \"0.1\"}", "busy_inject: expected a probab"},
	{"{\"seamcall_ns\": 5}", "seamcall_ns: expected an object"},
	{"{\"seamcall_ns\": {\"PAMT.ADD\": 5}}",
	 "seamcall_ns.PAMT.ADD: unknown leaf"},
	{"{\"seamcall_ns\": {\"all\": -5}}", "seamcall_ns.all: expected an"},
	{"{\"guests\": {}}", "guests: expected an array"},
	{"{\"guests\": [7]}", "guests[0]: expected an object"},
	{"{\"guests\": [{\"vcpus\": 2}]}", "guests[0]: missing \"size\""},
	{"{\"guests\": [{\"size\": \"3M\"}]}", "guests[0].size: size must"},
	{"{\"guests\": [{\"size\": \"1G\", \"huge\": 101}]}",
	 "guests[0].huge: expected an integer 0..100"},
	{"{\"guests\": [{\"size\": \"1G\", \"touch\": \"all\"}]}",
	 "guests[0].touch: expected an integer"},
	{"{\"guests\": [{\"size\": \"1G\", \"vcpus\": 0}]}",
	 "guests[0].vcpus: expected an integer 1.."},
	{"{\"guests\": [{\"size\": \"1G\", \"type\": \"lxc\"}]}",
	 "guests[0].type: expected \"td\" or \"vm\""},
	{"{\"guests\": [{\"size\": \"1G\", \"type\": \"vm\", \"huge\": 5}]}",
	 "guests[0].huge: unknown key for a \"vm\""},
	{"{\"guests\": [{\"size\": \"1G\", \"colour\": 5}]}",
	 "guests[0].colour: unknown key"},
};

static void test_json_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		struct sim_cli cli, ref;
		char msg[SIM_MSG_LEN] = "";

		start(&cli);
		start(&ref);
		if (sim_scenario_apply_json(&cli.sc, bad_docs[i].doc, "t.json",
					    NULL, msg, sizeof(msg)) != -1 ||
		    !strstr(msg, bad_docs[i].expect)) {
			print_error("doc %zu: msg '%s', want '%s'\n", i, msg,
				    bad_docs[i].expect);
			fail();
		}
		assert_null(strchr(msg, '\n'));
		/* a refused document changes nothing */
		assert_memory_equal(&cli.sc, &ref.sc, sizeof(cli.sc));
	}
}

static void test_dupkeys(void **state)
{
	char path[128];

	(void)state;
	assert_false(json_find_duplicate_key("{\"a\":{\"b\":1},\"c\":"
					     "{\"b\":2},\"d\":[{\"b\":1},"
					     "{\"b\":1}]}", path,
					     sizeof(path)));
	assert_true(json_find_duplicate_key("{\"a\":[{},{\"x\":\"}\","
					    "\"y\":\"\\\"x\",\"x\":0}]}",
					    path, sizeof(path)));
	assert_string_equal(path, "a[1].x");
	/* decoded: "hug\u0065" is "huge" */
	assert_true(json_find_duplicate_key("{\"g\":[{\"huge\":1,"
					    "\"hug\\u0065\":2}]}", path,
					    sizeof(path)));
	assert_string_equal(path, "g[0].huge");
}

/* Text nested n deep: n '[' then a '{"k":"v"}' then n ']'. */
static char *nested(unsigned n, const char *inner)
{
	size_t k = strlen(inner);
	char *t = malloc(2 * n + k + 1);

	assert_non_null(t);
	memset(t, '[', n);
	memcpy(t + n, inner, k);
	memset(t + n + k, ']', n);
	t[2 * n + k] = '\0';
	return t;
}

/* The scanner's frames live on the C stack, JSON_SCAN_MAX_DEPTH of them:
 * at the bound a text is scanned in full, one deeper is refused (never
 * scanned with the wrong frame); keys go with their object. */
static void test_scan_bounds(void **state)
{
	char path[128], *t;
	char many[JSON_SCAN_MAX_KEYS * 12 + 16];
	size_t used;

	(void)state;
	t = nested(JSON_SCAN_MAX_DEPTH - 1, "{\"k\":1,\"k\":2}");
	assert_int_equal(json_scan_text(t, path, sizeof(path)),
			 JSON_SCAN_DUPKEY);
	free(t);
	t = nested(JSON_SCAN_MAX_DEPTH - 1, "{\"k\":1,\"j\":2}");
	assert_int_equal(json_scan_text(t, path, sizeof(path)), JSON_SCAN_OK);
	free(t);
	t = nested(JSON_SCAN_MAX_DEPTH, "{\"k\":1}");
	assert_int_equal(json_scan_text(t, path, sizeof(path)),
			 JSON_SCAN_DEEP);
	free(t);
	/* the same key in sibling objects, after deep ones closed */
	assert_int_equal(json_scan_text("{\"a\":{\"x\":{\"y\":1}},\"b\":"
					"{\"x\":{\"y\":1}},\"y\":0}", path,
					sizeof(path)), JSON_SCAN_OK);
	/* NUL: in a value, in a key, in a value of an array */
	assert_int_equal(json_scan_text("{\"a\":{\"s\":\"1G\\u0000x\"}}",
					path, sizeof(path)), JSON_SCAN_NUL);
	assert_string_equal(path, "a.s");
	assert_int_equal(json_scan_text("{\"k\\u0000\":1}", path,
					sizeof(path)), JSON_SCAN_NUL);
	assert_int_equal(json_scan_text("[\"\\\\u0000\"]", path,
					sizeof(path)), JSON_SCAN_OK);
	assert_int_equal(json_scan_text("[1,\"\\u0000\"]", path,
					sizeof(path)), JSON_SCAN_NUL);
	assert_string_equal(path, "[1]");
	/* JSON_SCAN_MAX_KEYS keys pass, one more is refused */
	used = (size_t)snprintf(many, sizeof(many), "{");
	for (unsigned i = 0; i <= JSON_SCAN_MAX_KEYS; i++) {
		if (i == JSON_SCAN_MAX_KEYS) {
			many[used - 1] = '}';
			assert_int_equal(json_scan_text(many, path,
							sizeof(path)),
					 JSON_SCAN_OK);
			many[used - 1] = ',';
		}
		used += (size_t)snprintf(many + used, sizeof(many) - used,
					 "\"k%u\":%u,", i, i);
	}
	many[used - 1] = '}';
	assert_int_equal(json_scan_text(many, path, sizeof(path)),
			 JSON_SCAN_MANY_KEYS);
}

/* Integers json-c would clamp: outside INT64_MIN..UINT64_MAX is refused
 * with the key's path; the bounds themselves, doubles, and digits inside
 * strings or keys are not integers out of range. */
static void test_scan_bigint(void **state)
{
	static const char *const ok[] = {
		"{\"a\":18446744073709551615}", "{\"a\":-9223372036854775808}",
		"{\"a\":1e400}", "{\"a\":99999999999999999999.5}",
		"{\"a\":-99999999999999999999e-3}", "[0,-0,12]",
		"{\"99999999999999999999\":\"99999999999999999999\"}",
	};
	char path[128];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(json_scan_text(ok[i], path, sizeof(path)),
				 JSON_SCAN_OK);
	assert_int_equal(json_scan_text("{\"a\":{\"b\":18446744073709551616}}",
					path, sizeof(path)), JSON_SCAN_BIGINT);
	assert_string_equal(path, "a.b");
	assert_int_equal(json_scan_text("{\"g\":[1,-9223372036854775809]}",
					path, sizeof(path)), JSON_SCAN_BIGINT);
	assert_string_equal(path, "g[1]");
	assert_int_equal(json_scan_text("123456789012345678901234567890",
					path, sizeof(path)), JSON_SCAN_BIGINT);
}

/* --scenario in the middle: earlier flags lose, later flags win, the
 * first --td after the file replaces its guests. */
static void test_scenario_file_order(void **state)
{
	char path[] = "/tmp/dpamt-sim-parse-XXXXXX";
	struct sim_cli cli;
	char msg[SIM_MSG_LEN];
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("{\"seed\": 7, \"cycles\": 4, \"guests\": [{\"size\": "
	      "\"64M\"}, {\"size\": \"32M\"}]}\n", f);
	fclose(f);

	start(&cli);
	assert_int_equal(parse(&cli, msg, "--seed", "3", "--td", "2M",
			       "--scenario", path, "--cycles", "5", NULL), 0);
	assert_int_equal(cli.sc.seed, 7);
	assert_int_equal(cli.sc.cycles, 5);
	assert_int_equal(cli.sc.n_guests, 2);
	assert_true(cli.sc.guests[1].size == 32ULL << 20);

	start(&cli);
	assert_int_equal(parse(&cli, msg, "--scenario", path, "--vm", "4M",
			       "--td", "8M", NULL), 0);
	assert_int_equal(cli.sc.n_guests, 2);
	assert_true(cli.sc.guests[0].legacy);
	assert_true(cli.sc.guests[1].size == 8ULL << 20);

	start(&cli);
	assert_int_equal(parse(&cli, msg, "--scenario", path, "--scenario",
			       path, NULL), -1);
	assert_non_null(strstr(msg, "--scenario given twice"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_no_args_keeps_default),
		cmocka_unit_test(test_every_flag),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_flags),
		cmocka_unit_test(test_too_many_guests),
		cmocka_unit_test(test_json_good),
		cmocka_unit_test(test_json_bad),
		cmocka_unit_test(test_dupkeys),
		cmocka_unit_test(test_scan_bounds),
		cmocka_unit_test(test_scan_bigint),
		cmocka_unit_test(test_scenario_file_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
