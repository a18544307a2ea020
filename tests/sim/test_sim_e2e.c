/*
 * test_sim_e2e.c - end-to-end runs of the built `dpamt sim` on small
 * scenarios, asserting on the JSON report: nothing leaked, no invariant
 * violated, every PAMT.ADD matched by a PAMT.REMOVE after teardown,
 * dynamic bytes > 0 while TDs lived and 0 at the end; legacy VMs and
 * static mode cause no PAMT traffic; --threads 1 is deterministic; the
 * summary, --json -, the timeline CSV and the plot.
 * The seed is printed and taken from DPAMT_SEED when set.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include "cli/cli_json.h"

/* DPAMT_BIN sim ARGS... */
static const struct cli_env SIM_ENV = { .sub = "sim" };
/* DPAMT_TEST_BIN (test-only strategies linked in) sim ARGS... */
static const struct cli_env TEST_SIM_ENV = { .bin = DPAMT_TEST_BIN,
					      .sub = "sim" };

static char seed_arg[32];

/* Run with --seed + args + --json FILE --quiet; require exit 0; parse. */
static json_object *run_report(const char *const *args)
{
	char path[] = "/tmp/dpamt-sim-e2e-XXXXXX";
	const char *argv[48];
	json_object *root;
	int fd = mkstemp(path), n = 0;

	assert_true(fd >= 0);
	close(fd);
	argv[n++] = "--seed";
	argv[n++] = seed_arg;
	while (*args && n < 40)
		argv[n++] = *args++;
	argv[n++] = "--json";
	argv[n++] = path;
	argv[n++] = "--quiet";
	argv[n] = NULL;
	cli_run_ok(argv, &SIM_ENV, NULL);
	root = cli_json_file(path);
	unlink(path);
	return root;
}

/* Sum of one per-guest counter over tds[]. */
static uint64_t sum_tds(json_object *root, const char *key)
{
	json_object *tds = jpath_get(root, "tds");
	uint64_t n = 0;

	for (size_t i = 0; i < json_object_array_length(tds); i++)
		n += jpath_u64(json_object_array_get_idx(tds, i), key);
	return n;
}

/* The figures every clean run must show.  Pairs balance counting every
 * way in and out: PAMT.ADD or DEMOTE, PAMT.REMOVE or PROMOTE (a chunk
 * left split loses its DEMOTE pair by PAMT.REMOVE at teardown). */
static void assert_clean(json_object *root)
{
	uint64_t dem = sum_tds(root, "demotes"), pro = sum_tds(root, "promotes");
	uint64_t add = jpath_u64(root, "seamcalls.phymem_pamt_add.calls") -
		       jpath_u64(root, "seamcalls.phymem_pamt_add.busy") + dem;
	uint64_t rem = jpath_u64(root, "seamcalls.phymem_pamt_remove.calls") -
		       jpath_u64(root, "seamcalls.phymem_pamt_remove.busy") +
		       pro;

	assert_int_equal(jpath_u64(root, "version"), 3);
	assert_int_equal(jpath_u64(root, "leaks.pages"), 0);
	assert_int_equal(jpath_u64(root, "invariants.violations"), 0);
	assert_true(jpath_u64(root, "invariants.checks") > 0);
	assert_int_equal(jpath_len(root, "errors"), 0);
	assert_int_equal(jpath_u64(root, "pamt.dynamic_bytes_now"), 0);
	assert_int_equal(jpath_u64(root, "host_manager.pairs_now"), 0);
	assert_int_equal(add, rem);
	assert_int_equal(jpath_u64(root, "host_manager.pamt_add_ok") + dem,
			 jpath_u64(root, "host_manager.pamt_remove_ok") + pro);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_add.errors"),
			 0);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_remove.errors"),
			 0);
}

static void test_default_shaped(void **state)
{
	const char *args[] = {"--host-mem", "2G", "--td", "128M,vcpus=2",
			      "--td", "128M,vcpus=2", "--td", "64M",
			      "--threads", "2", NULL};
	json_object *root, *tds;

	(void)state;
	root = run_report(args);
	assert_clean(root);
	assert_string_equal(jpath_str(root, "mode"), "dynamic");
	assert_true(jpath_u64(root, "pamt.dynamic_bytes_peak") > 0);
	assert_true(jpath_u64(root, "seamcalls.phymem_pamt_add.calls") > 0);
	assert_true(jpath_u64(root, "host.mem_bytes") == 2ULL << 30);
	tds = jpath_get(root, "tds");
	assert_int_equal(json_object_array_length(tds), 3);
	for (int i = 0; i < 3; i++) {
		json_object *td = json_object_array_get_idx(tds, i);

		assert_true(jpath_u64(td, "pages_4k") > 0);
		assert_true(jpath_u64(td, "control_pages") > 0);
		assert_true(jpath_u64(td, "sept_pages") > 0);
		assert_true(jpath_u64(td, "pairs_peak") > 0);
	}
	json_object_put(root);
}

static void test_huge_convert_cycles(void **state)
{
	const char *args[] = {"--host-mem", "2G",
			      "--td", "128M,vcpus=2,huge=50,convert=20",
			      "--td", "64M,vcpus=2,huge=100,touch=50",
			      "--cycles", "3", "--threads", "2", NULL};
	json_object *root, *td;

	(void)state;
	root = run_report(args);
	assert_clean(root);
	assert_true(jpath_u64(root, "pamt.dynamic_bytes_peak") > 0);
	td = jpath_get(root, "tds[0]");
	assert_true(jpath_u64(td, "pages_2m") > 0);
	assert_true(jpath_u64(td, "demotes") > 0);
	assert_int_equal(jpath_u64(td, "demotes"), jpath_u64(td, "promotes"));
	assert_true(jpath_u64(td, "conversions") > 0);
	json_object_put(root);
}

static void test_many_cycles(void **state)
{
	const char *args[] = {"--host-mem", "1G", "--td", "16M,vcpus=2",
			      "--td", "8M,vcpus=1,convert=50", "--vm", "8M",
			      "--cycles", "12", "--threads", "3", NULL};
	json_object *root;

	(void)state;
	root = run_report(args);
	assert_clean(root);
	/* a check after each boot and each destroy, per cycle */
	assert_true(jpath_u64(root, "invariants.checks") >= 12 * 3);
	assert_true(jpath_u64(root, "seamcalls.mng_create.calls") >= 12 * 2);
	json_object_put(root);
}

static void test_legacy_only(void **state)
{
	const char *args[] = {"--host-mem", "1G", "--vm", "256M", "--vm",
			      "128M", NULL};
	json_object *root, *vm;

	(void)state;
	root = run_report(args);
	assert_clean(root);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_add.calls"), 0);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_remove.calls"),
			 0);
	assert_int_equal(jpath_u64(root, "pamt.dynamic_bytes_peak"), 0);
	vm = jpath_get(root, "tds[0]");
	assert_true(jpath_bool(vm, "legacy"));
	json_object_put(root);
}

static void test_legacy_alongside(void **state)
{
	const char *args[] = {"--host-mem", "1G", "--vm", "128M", "--td",
			      "64M,vcpus=2", "--vm", "64M", NULL};
	json_object *root;

	(void)state;
	root = run_report(args);
	assert_clean(root);
	assert_true(jpath_u64(root, "pamt.dynamic_bytes_peak") > 0);
	json_object_put(root);
}

static void test_static_mode(void **state)
{
	const char *args[] = {"--host-mem", "1G", "--pamt", "static",
			      "--td", "128M,vcpus=2,huge=50", NULL};
	json_object *root;

	(void)state;
	root = run_report(args);
	assert_clean(root);
	assert_string_equal(jpath_str(root, "mode"), "static");
	assert_int_equal(jpath_u64(root, "pamt.dynamic_bytes_peak"), 0);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_add.calls"), 0);
	assert_true(jpath_u64(root, "pamt.static_bytes") > 0);
	json_object_put(root);
}

static void test_busy_inject(void **state)
{
	const char *args[] = {"--host-mem", "1G", "--td", "64M,vcpus=2",
			      "--td", "64M,vcpus=2", "--busy-inject", "0.05",
			      NULL};
	json_object *root, *calls;
	uint64_t busy = 0;

	(void)state;
	root = run_report(args);
	assert_clean(root);
	calls = jpath_get(root, "seamcalls");
	json_object_object_foreach(calls, leaf, v)
	{
		(void)leaf;
		busy += jpath_u64(v, "busy");
	}
	assert_true(busy > 0);
	json_object_put(root);
}

/* Drop what may differ between two runs: wall_ns on the virtual clock;
 * on the wall clock also every measured wait. */
static void strip_times(json_object *root, bool wall)
{
	json_object_object_del(root, "wall_ns");
	if (!wall)
		return;
	/* fault latencies are wall ns on the wall clock: keep the count */
	json_object_object_del(jpath_get(root, "fault_latency"), "p50_ns");
	json_object_object_del(jpath_get(root, "fault_latency"), "p99_ns");
	json_object_object_del(jpath_get(root, "fault_latency"), "p999_ns");
	json_object_object_del(jpath_get(root, "fault_latency"), "mean_ns");
	json_object_object_del(jpath_get(root, "lock"), "wait_ns");
	json_object_object_del(jpath_get(root, "host_manager"), "lock_wait_ns");
}

/* Print the first path where a and b differ; true if they do. */
static bool first_diff(json_object *a, json_object *b, const char *path)
{
	char sub[256];

	if (json_object_get_type(a) != json_object_get_type(b)) {
		print_error("reports differ at %s (type)\n", path);
		return true;
	}
	if (json_object_is_type(a, json_type_object)) {
		json_object_object_foreach(a, k, va)
		{
			json_object *vb = NULL;

			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			if (!json_object_object_get_ex(b, k, &vb) ||
			    first_diff(va, vb, sub))
				return true;
		}
		return false;
	}
	if (json_object_is_type(a, json_type_array)) {
		size_t n = json_object_array_length(a);

		if (n != json_object_array_length(b)) {
			print_error("reports differ at %s (length)\n", path);
			return true;
		}
		for (size_t i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (first_diff(json_object_array_get_idx(a, i),
				       json_object_array_get_idx(b, i), sub))
				return true;
		}
		return false;
	}
	if (strcmp(json_object_to_json_string(a),
		   json_object_to_json_string(b))) {
		print_error("reports differ at %s: %s vs %s\n", path,
			    json_object_to_json_string(a),
			    json_object_to_json_string(b));
		return true;
	}
	return false;
}

/* Virtual clock (the default): the whole report but wall_ns, twice, for
 * every policy; wall clock with --threads 1: the counters. */
static void same_report_twice(const char *const *args, bool wall)
{
	json_object *a, *b;

	a = run_report(args);
	b = run_report(args);
	assert_string_equal(jpath_str(a, "clock"), wall ? "wall" : "virtual");
	strip_times(a, wall);
	strip_times(b, wall);
	if (first_diff(a, b, "report"))
		fail();
	json_object_put(a);
	json_object_put(b);
}

/* Fault latency on the virtual clock (deterministic, so a fair
 * comparison): idle pairs must not raise the p99.9.  p99.9 is the quantile
 * that moves (the faults that pay for a PAMT.ADD); p50 and p99 are the
 * plain fault cost either way.  The eager run's p99.9 must sit above its
 * p50, or the comparison would measure nothing. */
static void churn_fault_tail(json_object *eager, json_object *idle)
{
	uint64_t ea = jpath_u64(eager, "fault_latency.p999_ns");
	uint64_t ib = jpath_u64(idle, "fault_latency.p999_ns");

	assert_string_equal(jpath_str(eager, "clock"), "virtual");
	assert_string_equal(jpath_str(idle, "clock"), "virtual");
	print_message("churn: fault p99.9 %llu ns eager, %llu ns idle "
		      "(virtual)\n", (unsigned long long)ea,
		      (unsigned long long)ib);
	assert_true(ea > jpath_u64(eager, "fault_latency.p50_ns"));
	assert_true(ib <= ea);
	assert_true(jpath_u64(idle, "fault_latency.mean_ns") <=
		    jpath_u64(eager, "fault_latency.mean_ns"));
}

/* churn= on split huge pages: every churned chunk's range drops to no
 * reference and comes back.  Idle pairs (--idle-pairs) cut PAMT.ADD +
 * PAMT.REMOVE by at least half, and the run still ends clean (teardown
 * gives every idle pair back: the final check sees nothing installed). */
static void test_churn_idle_pairs(void **state)
{
	const char *eager[] = {"--host-mem", "1G", "--td",
			       "64M,vcpus=2,huge=100,convert=10,churn=50",
			       "--idle-pairs", "0", NULL};
	const char *idle[] = {"--host-mem", "1G", "--td",
			      "64M,vcpus=2,huge=100,convert=10,churn=50",
			      "--idle-pairs", "64", NULL};
	json_object *a, *b;
	uint64_t pa, pb;

	(void)state;
	a = run_report(eager);
	b = run_report(idle);
	pa = jpath_u64(a, "seamcalls.phymem_pamt_add.calls") +
	     jpath_u64(a, "seamcalls.phymem_pamt_remove.calls");
	pb = jpath_u64(b, "seamcalls.phymem_pamt_add.calls") +
	     jpath_u64(b, "seamcalls.phymem_pamt_remove.calls");
	print_message("churn: ADD+REMOVE %llu eager, %llu with 64 idle\n",
		      (unsigned long long)pa, (unsigned long long)pb);
	assert_true(pa > 2 * 8 * 16); /* 16 churned chunks x 8 rounds */
	assert_true(2 * pb <= pa);
	assert_int_equal(jpath_u64(b, "idle_pairs"), 64);
	assert_true(jpath_u64(b, "host_manager.idle_kept") > 0);
	assert_int_equal(jpath_u64(a, "host_manager.idle_kept"), 0);
	assert_int_equal(jpath_u64(b, "invariants.violations"), 0);
	assert_int_equal(jpath_u64(b, "host_manager.pairs_now"), 0);
	assert_true(jpath_u64(b, "fault_latency.faults") > 0);
	churn_fault_tail(a, b);
	assert_int_equal(jpath_u64(jpath_get(b, "tds[0]"), "churn_pct"), 50);
	json_object_put(a);
	json_object_put(b);
}

/* --low-watermark: with idle pairs, allocations that leave less than
 * PCT% of host memory free run the shrinker (dpamt_shrink_count/scan),
 * which gives idle pairs back; the run stays clean.  Off (0): never. */
static void test_shrinker_watermark(void **state)
{
	const char *on[] = {"--host-mem", "1G", "--td",
			    "64M,vcpus=2,huge=100,convert=10,churn=50",
			    "--idle-pairs", "64",
			    "--low-watermark", "95", NULL};
	const char *off[] = {"--host-mem", "1G", "--td",
			     "64M,vcpus=2,huge=100,convert=10,churn=50",
			    "--idle-pairs", "64",
			     "--low-watermark", "0", NULL};
	json_object *a, *b;

	(void)state;
	a = run_report(on);
	b = run_report(off);
	print_message("shrinker: %llu runs gave back %llu idle pairs\n",
		      (unsigned long long)jpath_u64(a, "pamt.shrinker_runs"),
		      (unsigned long long)jpath_u64(a, "pamt.shrinker_pairs"));
	assert_true(jpath_u64(a, "pamt.shrinker_runs") > 0);
	assert_true(jpath_u64(a, "pamt.shrinker_pairs") > 0);
	assert_int_equal(jpath_u64(a, "invariants.violations"), 0);
	assert_int_equal(jpath_u64(a, "host_manager.pairs_now"), 0);
	assert_int_equal(jpath_u64(b, "pamt.shrinker_runs"), 0);
	assert_int_equal(jpath_u64(b, "pamt.shrinker_pairs"), 0);
	json_object_put(a);
	json_object_put(b);
}

/* --host-frag 90 (docs/sim.md, "Fragmented host"): a 4K TD's pages lie
 * thinly over many ranges and churn empties them, so the eager run pays
 * a PAMT.ADD in 1% of its faults or more and its p99 sits above its p50;
 * idle pairs bring the p99 below the eager one and halve ADD+REMOVE.
 * Virtual clock: relations, not figures.  Every production strategy. */
static void test_host_frag_churn(void **state)
{
	static const char *const names[] = {"global-lock", "hashed",
					    "lockless"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *eager[] = {"--td", "32M,vcpus=2,churn=100",
				       "--host-frag", "90", "--strategy",
				       names[i], "--idle-pairs", "0", NULL};
		const char *idle[] = {"--td", "32M,vcpus=2,churn=100",
				      "--host-frag", "90", "--strategy",
				      names[i], "--idle-pairs", "64", NULL};
		json_object *a = run_report(eager), *b = run_report(idle);
		uint64_t adds = jpath_u64(a, "seamcalls.phymem_pamt_add.calls");
		uint64_t faults = jpath_u64(a, "fault_latency.faults");
		uint64_t ep99 = jpath_u64(a, "fault_latency.p99_ns");
		uint64_t ip99 = jpath_u64(b, "fault_latency.p99_ns");

		print_message("host-frag 90, %s: ADD %llu in %llu faults; p50 "
			      "%llu p99 %llu ns eager, p99 %llu ns with 64 "
			      "idle pairs\n", names[i],
			      (unsigned long long)adds,
			      (unsigned long long)faults,
			      (unsigned long long)jpath_u64(a, "fault_latency.p50_ns"),
			      (unsigned long long)ep99,
			      (unsigned long long)ip99);
		assert_clean(a);
		assert_clean(b);
		assert_int_equal(jpath_u64(a, "host.frag_pct"), 90);
		assert_true(jpath_u64(a, "host.owned_pages") > 0);
		assert_true(jpath_u64(a, "host.frag_bytes") > 0);
		assert_true(100 * adds >= faults);
		assert_true(ep99 > jpath_u64(a, "fault_latency.p50_ns"));
		assert_true(ip99 < ep99);
		assert_true(2 * (jpath_u64(b, "seamcalls.phymem_pamt_add.calls") +
				 jpath_u64(b, "seamcalls.phymem_pamt_remove.calls")) <=
			    adds + jpath_u64(a, "seamcalls.phymem_pamt_remove.calls"));
		json_object_put(a);
		json_object_put(b);
	}
}

/* --host-frag 0 is no fragmented region at all: the report of a run with
 * it is the report of the run without it (wall times aside), and says
 * so (host.frag_pct, host.owned_pages 0). */
static void test_host_frag_zero_unchanged(void **state)
{
	const char *plain[] = {"--td", "32M,vcpus=2,huge=50,churn=50",
			       "--vm", "32M", "--idle-pairs", "16", NULL};
	const char *zero[] = {"--td", "32M,vcpus=2,huge=50,churn=50",
			      "--vm", "32M", "--idle-pairs", "16",
			      "--host-frag", "0", NULL};
	json_object *a = run_report(plain), *b = run_report(zero);

	(void)state;
	assert_int_equal(jpath_u64(a, "host.frag_pct"), 0);
	assert_int_equal(jpath_u64(a, "host.frag_bytes"), 0);
	assert_int_equal(jpath_u64(a, "host.owned_pages"), 0);
	strip_times(a, false);
	strip_times(b, false);
	if (first_diff(a, b, "report"))
		fail();
	json_object_put(a);
	json_object_put(b);
}

static void test_deterministic(void **state)
{
	static const char *const sched[] = {"fifo", "random", "pct:3"};
	const char *wall[] = {"--host-mem", "1G", "--td",
			      "64M,vcpus=2,huge=50,convert=10", "--td", "32M",
			      "--threads", "1", "--clock", "wall", NULL};

	(void)state;
	for (size_t i = 0; i < sizeof(sched) / sizeof(sched[0]); i++) {
		const char *args[] = {"--host-mem", "1G", "--td",
				      "64M,vcpus=4,huge=50,convert=10", "--td",
				      "32M", "--pcpus", "3", "--sched",
				      sched[i], NULL};

		same_report_twice(args, false);
	}
	same_report_twice(wall, true);
}

/* Every strategy this build has runs clean; the others are refused. */
static void test_strategies(void **state)
{
	static const char *const names[] = {"global-lock", "hashed",
					    "lockless"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *args[] = {"--host-mem", "1G", "--td",
				      "64M,vcpus=2,huge=25", "--td",
				      "64M,vcpus=2", "--threads", "4",
				      "--strategy", names[i], NULL};
		const char *probe[] = { "--strategy", names[i], "--help",
					NULL };
		json_object *root;

		/* every production strategy is always built */
		cli_run_ok(probe, &SIM_ENV, NULL);
		root = run_report(args);
		assert_clean(root);
		assert_string_equal(jpath_str(root, "strategy"), names[i]);
		json_object_put(root);
	}
}

/* A test-only broken strategy (run through dpamt-test, the CLI with the
 * test strategies linked in) may or may not lose its race in a short
 * run; whatever happens, the exit status must agree with the report.
 * The production binary does not know it at all. */
static void test_exit_status_matches_report(void **state)
{
	char path[] = "/tmp/dpamt-sim-e2e-XXXXXX";
	const char *args[] = {"--seed", seed_arg, "--host-mem", "1G",
			      "--td", "64M,vcpus=4", "--td", "64M,vcpus=4",
			      "--threads", "4", "--cycles", "2",
			      "--strategy", "broken-v3-put", "--json", path,
			      "--quiet", NULL};
	struct cli_out r;
	json_object *root;
	bool bad;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* production: unknown, bad usage */
	cli_run_expect(args, &SIM_ENV, 2, "unknown strategy 'broken-v3-put'",
		       NULL);
	cli_run_env(args, &TEST_SIM_ENV, &r);
	root = cli_json_file(path);
	unlink(path);
	bad = jpath_u64(root, "invariants.violations") ||
	      jpath_u64(root, "leaks.pages");
	printf("broken-v3-put: status %d, violations %llu\n", r.status,
	       (unsigned long long)jpath_u64(root, "invariants.violations"));
	assert_int_equal(r.status, bad ? 1 : 0);
	if (bad)
		assert_true(jpath_len(root, "errors") > 0);
	cli_out_free(&r);
	json_object_put(root);
}

/* The last three summary lines. */
static void assert_summary_tail(const char *text)
{
	const char *p = strstr(text, "DPAMT now: ");

	assert_non_null(p);
	assert_true(p == text || p[-1] == '\n');
	assert_int_equal(strncmp(p, "DPAMT now: 0 kB\nDPAMT peak: ", 28), 0);
	p = strstr(p, "\nclassic PAMT would be ");
	assert_non_null(p);
	assert_true(strstr(p, "% saved\n") ||
		    strstr(p, "% more than classic\n"));
	assert_string_equal(strchr(p + 1, '\n'), "\n");
}

static void test_summary_on_stdout(void **state)
{
	const char *args[] = {"--host-mem", "1G", "--td", "64M", NULL};
	struct cli_out r;

	(void)state;
	cli_run_ok(args, &SIM_ENV, &r);
	assert_non_null(strstr(r.out, "SEAMCALLs    PAMT.ADD "));
	assert_non_null(strstr(r.out, "leaks        0 pages"));
	assert_summary_tail(r.out);
	/* stderr is not a terminal here: no progress bar */
	assert_string_equal(r.err, "");
	cli_out_free(&r);
}

/* Check a timeline CSV: header, then rows of 7 fields. */
static void assert_timeline(const char *path)
{
	char *csv = cli_slurp(path), *line, *save = NULL;
	unsigned rows = 0;

	assert_non_null(csv);
	line = strtok_r(csv, "\n", &save);
	assert_non_null(line);
	assert_string_equal(line, "t_ns,event,guest,pairs,dynamic_bytes,"
			    "busy,contentions");
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned commas = 0;

		for (char *c = line; *c; c++)
			commas += *c == ',';
		assert_int_equal(commas, 6);
		rows++;
	}
	assert_true(rows >= 2);
	free(csv);
}

static void test_json_stdout_timeline_plot(void **state)
{
	char csv[] = "/tmp/dpamt-sim-e2e-csv-XXXXXX";
	char svg[64];
	const char *args[] = {"--host-mem", "1G", "--td", "64M,vcpus=2",
			      "--json", "-", "--timeline", csv, "--plot", svg,
			      NULL};
	struct cli_out r;
	json_object *root;
	int fd = mkstemp(csv);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	snprintf(svg, sizeof(svg), "%s.svg", csv);
	root = cli_run_json(args, &SIM_ENV, &r);
	assert_clean(root);
	json_object_put(root);
	assert_summary_tail(r.err);
	assert_timeline(csv);
	if (access("/usr/bin/gnuplot", X_OK) == 0 ||
	    access("/usr/local/bin/gnuplot", X_OK) == 0)
		assert_int_equal(access(svg, F_OK), 0);
	cli_out_free(&r);
	unlink(svg);
	unlink(csv);
}

static void test_plot_without_gnuplot(void **state)
{
	char csv[] = "/tmp/dpamt-sim-e2e-csv-XXXXXX";
	char svg[64], empty_dir[] = "/tmp/dpamt-sim-e2e-path-XXXXXX";
	const char *args[] = {"--host-mem", "1G", "--td", "64M",
			      "--timeline", csv, "--plot", svg, "--quiet",
			      NULL};
	struct cli_out r;
	int fd = mkstemp(csv);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_non_null(mkdtemp(empty_dir));
	snprintf(svg, sizeof(svg), "%s.svg", csv);
	/* an output not written: 1 (docs/cli.md) */
	cli_run_expect(args,
		       &(struct cli_env){ .sub = "sim", .path = empty_dir }, 1,
		       "apt-get install gnuplot-nox", &r);
	assert_int_equal(cli_lines(r.err), 1);
	assert_timeline(csv);
	assert_int_equal(access(svg, F_OK), -1);
	cli_out_free(&r);
	unlink(csv);
	rmdir(empty_dir);
}

int main(void)
{
	const char *env = getenv("DPAMT_SEED");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_shaped),
		cmocka_unit_test(test_huge_convert_cycles),
		cmocka_unit_test(test_many_cycles),
		cmocka_unit_test(test_legacy_only),
		cmocka_unit_test(test_legacy_alongside),
		cmocka_unit_test(test_static_mode),
		cmocka_unit_test(test_busy_inject),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_churn_idle_pairs),
		cmocka_unit_test(test_shrinker_watermark),
		cmocka_unit_test(test_host_frag_churn),
		cmocka_unit_test(test_host_frag_zero_unchanged),
		cmocka_unit_test(test_strategies),
		cmocka_unit_test(test_exit_status_matches_report),
		cmocka_unit_test(test_summary_on_stdout),
		cmocka_unit_test(test_json_stdout_timeline_plot),
		cmocka_unit_test(test_plot_without_gnuplot),
	};

	snprintf(seed_arg, sizeof(seed_arg), "%s", env && *env ? env : "7");
	printf("seed=%s\n", seed_arg);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
