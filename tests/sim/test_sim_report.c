/*
 * test_sim_report.c - rendering of a synthetic struct sim_report: the JSON
 * report parsed back with json-c (every documented key present, typed and
 * equal to the input), the summary lines, the timeline CSV, the progress
 * bar text and the gnuplot plot (present and missing).
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

#include "cli/json_path.h"
#include "sim/plot.h"
#include "sim/progress.h"
#include "sim/report.h"
#include "sim/timeline.h"
#include "test_skip.h"

static void fill_report(struct sim_report *r)
{
	memset(r, 0, sizeof(*r));
	r->mode = DPAMT_MODE_DYNAMIC;
	r->strategy = DPAMT_STRATEGY_GLOBAL_LOCK;
	r->seed = 0xFFFFFFFFFFFFFFF0ULL; /* above INT64_MAX: stays exact */
	r->host_mem = 64ULL << 30;
	r->pamt.classic_bytes = 262144000;
	r->pamt.static_bytes = 2000000;
	r->pamt.dynamic_bytes_now = 8192;
	r->pamt.dynamic_bytes_peak = 1048576;
	r->pamt.refcount_bytes = 131072;
	r->pamt.lock_acquisitions = 1000;
	r->pamt.lock_contentions = 17;
	r->pamt.lock_wait_ns = 4000000;
	r->pamt.pairs_now = 1;
	r->pamt.pairs_peak = 128;
	r->pamt.gets = 12345;
	r->pamt.fast_puts = 54321;
	r->leaves[DPAMT_TDH_PHYMEM_PAMT_ADD] =
		(struct sim_leaf_report){ 130, 2, 0 };
	r->leaves[DPAMT_TDH_PHYMEM_PAMT_REMOVE] =
		(struct sim_leaf_report){ 129, 1, 0 };
	r->leaves[DPAMT_TDH_MEM_PAGE_AUG] =
		(struct sim_leaf_report){ 5000, 3, 1 };
	r->invariant_checks = 9;
	r->invariant_violations = 0;
	r->leaked_pages = 0;
	r->busy_retries_vmm = 3;
	r->fault_retries_vmm = 4;
	r->n_guests = 2;
	r->guests[0].spec = (struct sim_guest_spec){false, 256ULL << 20, 2,
						    50, 100, 10, 0};
	r->guests[0].pages_4k = 32768;
	r->guests[0].pages_2m = 64;
	r->guests[0].sept_pages = 70;
	r->guests[0].control_pages = 21;
	r->guests[0].pairs_peak = 64;
	r->guests[0].demotes = 5;
	r->guests[0].promotes = 4;
	r->guests[0].conversions = 3;
	r->guests[1].spec = (struct sim_guest_spec){true, 512ULL << 20, 4, 0,
						    100, 0, 0};
	r->n_errors = 1;
	strcpy(r->errors[0], "td 0: \"quoted\" detail");
	r->wall_ns = 1234567890;
	r->clock = SIM_CLOCK_VIRTUAL;
	r->sched = SIM_SCHED_PCT;
	r->pct_depth = 4;
	r->pcpus = 2;
	sim_cost_default(&r->cost);
	r->seamcall_ns[DPAMT_TDH_PHYMEM_PAMT_ADD] = 3000;
	r->makespan_ns = 400000000;
	r->cpu_busy_ns[0] = 400000000;
	r->cpu_busy_ns[1] = 200000000;
	r->cpu_idle_ns[1] = 200000000;
	r->busy_ns = 600000000;
	r->idle_ns = 200000000;
	r->lock_wait_p99_ns = 900;
	r->lock_hold_ns = 7000;
}

/* Write the report to a memory stream and parse it back. */
static json_object *round_trip(const struct sim_report *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	json_object *root;

	assert_non_null(f);
	assert_int_equal(sim_report_write_json(r, f), 0);
	fclose(f);
	root = jpath_parse(buf, "the JSON report");
	free(buf);
	return root;
}

static void test_json_keys(void **state)
{
	struct sim_report r;
	json_object *root;

	(void)state;
	fill_report(&r);
	root = round_trip(&r);
	assert_int_equal(jpath_u64(root, "version"), 3);
	assert_string_equal(jpath_str(root, "clock"), "virtual");
	assert_string_equal(jpath_str(root, "sched"), "pct");
	assert_int_equal(jpath_u64(root, "pct_depth"), 4);
	assert_int_equal(jpath_u64(root, "time.makespan_ns"), 400000000);
	assert_int_equal(jpath_u64(root, "time.busy_ns"), 600000000);
	assert_int_equal(jpath_len(root, "time.cpus"), 2);
	assert_int_equal(jpath_u64(root, "lock.wait_p99_ns"), 900);
	assert_int_equal(jpath_u64(root, "lock.hold_ns"), 7000);
	/* wait_ns 4 ms of 2 pCPUs x 400 ms */
	assert_true(jpath_num(root, "lock.wait_share") == 0.005);
	assert_int_equal(jpath_u64(root, "cost_model.fault_ns"), 1500);
	assert_int_equal(
		jpath_u64(root, "cost_model.leaf_latency_ns.phymem_pamt_add"),
		3000);
	assert_string_equal(jpath_str(root, "mode"), "dynamic");
	assert_string_equal(jpath_str(root, "strategy"), "global-lock");
	assert_true(jpath_u64(root, "seed") == r.seed);
	assert_true(jpath_u64(root, "host.mem_bytes") == 64ULL << 30);
	assert_int_equal(jpath_u64(root, "pamt.classic_bytes"), 262144000);
	assert_int_equal(jpath_u64(root, "pamt.static_bytes"), 2000000);
	assert_int_equal(jpath_u64(root, "pamt.dynamic_bytes_now"), 8192);
	assert_int_equal(jpath_u64(root, "pamt.dynamic_bytes_peak"), 1048576);
	assert_int_equal(jpath_u64(root, "pamt.refcount_bytes"), 131072);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_add.calls"),
			 130);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_add.busy"), 2);
	assert_int_equal(jpath_u64(root, "seamcalls.phymem_pamt_remove.calls"),
			 129);
	assert_int_equal(jpath_u64(root, "seamcalls.mem_page_aug.errors"), 1);
	/* every leaf is listed, called or not */
	assert_int_equal(jpath_u64(root, "seamcalls.mng_create.calls"), 0);
#define COUNT_LEAF(sym, num, name) +1
	assert_int_equal(
		json_object_object_length(jpath_get(root, "seamcalls")),
		0 DPAMT_TDX_LEAVES(COUNT_LEAF));
#undef COUNT_LEAF
	assert_int_equal(jpath_u64(root, "lock.acquisitions"), 1000);
	assert_int_equal(jpath_u64(root, "lock.contentions"), 17);
	assert_int_equal(jpath_u64(root, "lock.wait_ns"), 4000000);
	assert_int_equal(jpath_u64(root, "invariants.checks"), 9);
	assert_int_equal(jpath_u64(root, "invariants.violations"), 0);
	assert_int_equal(jpath_u64(root, "leaks.pages"), 0);
	assert_int_equal(jpath_u64(root, "vmm.busy_retries"), 3);
	assert_int_equal(jpath_u64(root, "vmm.fault_retries"), 4);
	assert_int_equal(jpath_u64(root, "wall_ns"), 1234567890);
	assert_int_equal(jpath_u64(root, "host_manager.gets"), 12345);
	assert_int_equal(jpath_u64(root, "host_manager.fast_puts"), 54321);
	assert_int_equal(jpath_u64(root, "host_manager.dynamic_bytes_peak"),
			 1048576);
	json_object_put(root);
}

static void test_json_lists(void **state)
{
	struct sim_report r;
	json_object *root, *tds, *td, *errs;

	(void)state;
	fill_report(&r);
	root = round_trip(&r);
	tds = jpath_get(root, "tds");
	assert_true(json_object_is_type(tds, json_type_array));
	assert_int_equal(json_object_array_length(tds), 2);
	td = json_object_array_get_idx(tds, 0);
	assert_string_equal(jpath_str(td, "type"), "td");
	assert_false(jpath_bool(td, "legacy"));
	assert_true(jpath_u64(td, "size_bytes") == 256ULL << 20);
	assert_int_equal(jpath_u64(td, "vcpus"), 2);
	assert_int_equal(jpath_u64(td, "pages_4k"), 32768);
	assert_int_equal(jpath_u64(td, "pages_2m"), 64);
	assert_int_equal(jpath_u64(td, "sept_pages"), 70);
	assert_int_equal(jpath_u64(td, "control_pages"), 21);
	assert_int_equal(jpath_u64(td, "pairs_peak"), 64);
	assert_int_equal(jpath_u64(td, "demotes"), 5);
	td = json_object_array_get_idx(tds, 1);
	assert_string_equal(jpath_str(td, "type"), "vm");
	assert_true(jpath_bool(td, "legacy"));
	errs = jpath_get(root, "errors");
	assert_true(json_object_is_type(errs, json_type_array));
	assert_int_equal(json_object_array_length(errs), 1);
	assert_string_equal(json_object_get_string(
				    json_object_array_get_idx(errs, 0)),
			    "td 0: \"quoted\" detail");
	json_object_put(root);
}

static void test_leaf_key(void **state)
{
	char b[48];

	(void)state;
	assert_string_equal(
		sim_leaf_key(DPAMT_TDH_PHYMEM_PAMT_ADD, b, sizeof(b)),
		"phymem_pamt_add");
	assert_string_equal(sim_leaf_key(DPAMT_TDH_MEM_PAGE_AUG, b, sizeof(b)),
			    "mem_page_aug");
	assert_null(sim_leaf_key(63, b, sizeof(b)));
}

/* The summary of fill_report(), line by line where it matters. */
static void test_summary(void **state)
{
	struct sim_report r;
	char *buf = NULL, *last3;
	size_t n = 0;
	FILE *f;

	(void)state;
	fill_report(&r);
	f = open_memstream(&buf, &n);
	sim_report_print_summary(&r, f);
	fclose(f);
	assert_non_null(strstr(buf, "PAMT.ADD 130 | PAMT.REMOVE 129 | "
				    "BUSY 6"));
	assert_non_null(strstr(buf, "contentions 17 | wait 4.000 ms"));
	assert_non_null(strstr(buf, "checks 9 | violations 0"));
	assert_non_null(strstr(buf, "makespan 400.000 ms on 2 pCPUs (pct) | "
				    "busy 75.0% | spin 0.0% | idle 25.0%"));
	assert_non_null(strstr(buf, "lock wait    0.5000% of CPU time"));
	assert_non_null(strstr(buf, "leaks        0 pages"));
	assert_non_null(strstr(buf, "wall time    1.235 s"));
	assert_non_null(strstr(buf, "1 TDs (256 MiB, 2 vCPUs), 1 legacy VMs "
				    "(512 MiB)"));
	assert_non_null(strstr(buf, "error: td 0:"));
	last3 = strstr(buf, "DPAMT now: ");
	assert_non_null(last3);
	/* classic 256000 kB; dynamic 2000000+1048576 B = 2977 kB */
	assert_string_equal(last3, "DPAMT now: 8 kB\n"
			    "DPAMT peak: 1024 kB\n"
			    "classic PAMT would be 256000 kB; dynamic "
			    "(static+peak) is 2977 kB: 98.8% saved\n");
	free(buf);

	/* dynamic cost more than classic: said so, not "-x% saved" */
	r.pamt.dynamic_bytes_peak = 262144000;
	buf = NULL;
	f = open_memstream(&buf, &n);
	sim_report_print_summary(&r, f);
	fclose(f);
	assert_non_null(strstr(buf, "is 257953 kB: 0.8% more than classic\n"));
	free(buf);
}

static void test_saving(void **state)
{
	struct sim_report r;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_true(sim_report_saving_pct(&r) == 0.0);
	r.pamt.classic_bytes = 1000;
	r.pamt.static_bytes = 250;
	r.pamt.dynamic_bytes_peak = 250;
	assert_true(sim_report_saving_pct(&r) == 50.0);
	r.pamt.dynamic_bytes_peak = 1750;
	assert_true(sim_report_saving_pct(&r) == -100.0);
}

static void test_timeline_csv(void **state)
{
	char path[] = "/tmp/dpamt-sim-tl-XXXXXX";
	struct sim_event ev = {1500, "td_booted", 3, 7, 57344, 2, 1};
	struct sim_event odd = {1600, "a,\"b\"", -1, 0, 0, 0, 0};
	struct sim_timeline *t;
	char msg[128], line[256];
	FILE *f;
	int fd = mkstemp(path);
	FILE *out;

	(void)state;
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	assert_non_null(out);
	t = sim_timeline_open(out, msg, sizeof(msg));
	assert_non_null(t);
	sim_timeline_event(t, &ev);
	sim_timeline_event(t, &odd);
	assert_int_equal(sim_timeline_rows(t), 2);
	assert_int_equal(sim_timeline_close(t), 0);
	assert_int_equal(fclose(out), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "t_ns,event,guest,pairs,dynamic_bytes,"
			    "busy,contentions\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "1500,td_booted,3,7,57344,2,1\n");
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "1600,\"a,\"\"b\"\"\",-1,0,0,0,0\n");
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
}

static void test_progress_format(void **state)
{
	char b[128];

	(void)state;
	sim_progress_format(b, sizeof(b), 5, 20, 1, 3);
	assert_string_equal(b, "[##########..............................]"
			    "  25% pages 5/20, guests up 1/3");
	sim_progress_format(b, sizeof(b), 30, 20, 3, 3);
	assert_non_null(strstr(b, "100% pages 20/20"));
	sim_progress_format(b, sizeof(b), 0, 0, 0, 0);
	assert_non_null(strstr(b, "100% pages 0/0"));
	assert_false(sim_progress_wanted(0, true));
}

static void test_progress_rate_limit(void **state)
{
	struct sim_progress p;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	(void)state;
	sim_progress_init(&p, f, 2);
	sim_progress_td(&p, 1);
	sim_progress_td(&p, 1);
	sim_progress_td(&p, -1);
	/* thousands of updates in far less than 100 ms per update: the
	 * first and the final one draw, few in between */
	for (uint64_t i = 0; i <= 5000; i++)
		sim_progress_update(&p, i, 5000);
	assert_true(p.draws >= 2);
	assert_true(p.draws < 5000);
	sim_progress_update(&p, 5000, 5000); /* no redraw of a full bar */
	assert_true(p.last_done == 5000);
	sim_progress_finish(&p);
	fclose(f);
	assert_non_null(strstr(buf, "100% pages 5000/5000, guests up 1/2"));
	free(buf);
}

/* Write a tiny CSV to plot. */
static void tiny_csv(const char *path)
{
	struct sim_event ev[] = {{0, "start", -1, 0, 0, 0, 0},
				 {1000000, "td_booted", 0, 4, 32768, 1, 2},
				 {2000000, "td_destroyed", 0, 0, 0, 1, 3}};
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	sim_timeline_write_header(f);
	for (int i = 0; i < 3; i++)
		sim_timeline_write_row(f, &ev[i]);
	fclose(f);
}

static void test_plot_missing_gnuplot(void **state)
{
	char dir[] = "/tmp/dpamt-sim-nognuplot-XXXXXX";
	char msg[256], *old = getenv("PATH");
	char *saved = old ? strdup(old) : NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("PATH", dir, 1);
	assert_int_equal(sim_plot_svg("/dev/null", "/tmp/x.svg", msg,
				      sizeof(msg)), SIM_PLOT_NO_GNUPLOT);
	if (saved)
		setenv("PATH", saved, 1);
	free(saved);
	rmdir(dir);
	assert_non_null(strstr(msg, "apt-get install gnuplot-nox"));
}

static void test_plot_svg(void **state)
{
	char csv[] = "/tmp/dpamt-sim-plot-XXXXXX";
	char svg[64], msg[256], head[512];
	struct stat st;
	enum sim_plot_result res;
	FILE *f;
	int fd = mkstemp(csv);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	tiny_csv(csv);
	/* a quote and a space in the name: passed as ARG2, not parsed */
	snprintf(svg, sizeof(svg), "%s it's.svg", csv);
	res = sim_plot_svg(csv, svg, msg, sizeof(msg));
	if (res == SIM_PLOT_NO_GNUPLOT) {
		unlink(csv);
		test_skip_because("gnuplot not installed: nothing to render "
				  "with (scripts/install-deps.sh)");
	}
	assert_int_equal(res, SIM_PLOT_OK);
	assert_int_equal(stat(svg, &st), 0);
	f = fopen(svg, "r");
	assert_non_null(f);
	head[fread(head, 1, sizeof(head) - 1, f)] = '\0';
	fclose(f);
	assert_non_null(strstr(head, "<svg"));
	unlink(svg);
	unlink(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_keys),
		cmocka_unit_test(test_json_lists),
		cmocka_unit_test(test_leaf_key),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_saving),
		cmocka_unit_test(test_timeline_csv),
		cmocka_unit_test(test_progress_format),
		cmocka_unit_test(test_progress_rate_limit),
		cmocka_unit_test(test_plot_missing_gnuplot),
		cmocka_unit_test(test_plot_svg),
	};

	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
