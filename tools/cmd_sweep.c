/*
 * cmd_sweep.c - `dpamt sweep`: the options of `dpamt sim` give the base
 * scenario, operands KEY=V1,V2,... the axes of the grid (src/sim/sweep.h).
 * Every point is checked before anything runs (a bad value: status 2),
 * the outputs are opened, the points run in child processes, then the
 * CSV, the JSON and the plots are written.  Exit (docs/cli.md): 0 every
 * point clean, 1 a point failed a check or crashed or an output was not
 * written, 2 bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "sim/scenario_parse.h"
#include "sim/sweep.h"
#include "util/cliopt.h"
#include "util/errmsg.h"
#include "util/outfile.h"

#define MAX_OPTS 40

/* The sim options' handlers see the struct sim_cli at the front. */
struct sweep_front {
	struct sim_cli cli;
	struct sweep sw;
	const char *csv_path, *json_path, *plot_dir;
	bool quiet;
	char msg[SIM_MSG_LEN];
};

static const char usage[] =
"usage: dpamt sweep [SIM OPTIONS] KEY=V1,V2,... [KEY=...] [--csv FILE]\n"
"                   [--json FILE] [--plot-dir DIR] [--jobs N] [--quiet]\n"
"\n"
"Run `dpamt sim` over every combination of the axes, in parallel child\n"
"processes, and write one CSV row and one JSON object per point and an\n"
"SVG per metric (gnuplot).\n"
"\n"
"  SIM OPTIONS    the base scenario: any `dpamt sim` option except --json,\n"
"                 --timeline, --plot, --quiet and --explore (see dpamt sim\n"
"                 --help);\n"
"                 e.g. --td 1G,vcpus=4 --seed 3 --scenario base.json\n"
"  KEY=V1,V2,...  an axis (at most 6, 64 values each, 4096 points): KEY is\n"
"                 a key of the scenario JSON (pcpus, strategy, pair_pool,\n"
"                 shared_ranges, busy_inject, host_mem, cycles, ...; on/off\n"
"                 mean true/false) or a guest key set in every guest\n"
"                 (size, vcpus; huge, touch, convert, churn in every TD)\n"
"  --csv FILE     one row per point: axis values, status, metrics (- for\n"
"                 stdout)\n"
"  --json FILE    {\"axes\": ..., \"points\": [{point, status, metrics,\n"
"                 report}, ...]} (- for stdout)\n"
"  --plot-dir DIR an existing directory: METRIC.csv (x = first axis, one\n"
"                 column per combination of the others) and METRIC.svg\n"
"  --jobs N       points run at once, 1..256 (default: online CPUs)\n"
"  --quiet        no progress lines on stderr\n"
"\n"
"Metrics (docs/sweep.md): lock_wait_share, contentions_per_add,\n"
"fault_p99_ns, lock_wait_p99_ns, add_busy, remove_busy, failed_gets,\n"
"pinned_pairs, peak_vs_classic; in the CSV/JSON also lock_contentions,\n"
"lock_wait_ns,"
" run_ns, pamt_add_calls, violations.  A value the report does not\n"
"have"
" is NaN (CSV) / null (JSON).  A point's status is its sim exit\n"
"status (-1: crashed).\n"
"\n"
"A failed check here: a point that did not exit 0.\n"
CLI_EXIT_HELP;

static int opt_csv(void *ctx, const char *v, char *msg, size_t len)
{
	struct sweep_front *f = ctx;

	return cliopt_out_once("--csv", "file name", v, &f->csv_path, msg, len);
}

static int opt_json(void *ctx, const char *v, char *msg, size_t len)
{
	struct sweep_front *f = ctx;

	return cliopt_out_once("--json", "file name", v, &f->json_path, msg,
			       len);
}

static int opt_plot_dir(void *ctx, const char *v, char *msg, size_t len)
{
	struct sweep_front *f = ctx;

	return cliopt_out_once("--plot-dir", "directory", v, &f->plot_dir, msg,
			       len);
}

static int opt_jobs(void *ctx, const char *v, char *msg, size_t len)
{
	uint64_t n;

	if (sim_parse_u64(v, &n) || n < 1 || n > SWEEP_MAX_JOBS) {
		snprintf(msg, len, "--jobs: '%s' is not a job count (1..%d)",
			 v, SWEEP_MAX_JOBS);
		return -1;
	}
	((struct sweep_front *)ctx)->sw.jobs = (unsigned)n;
	return 0;
}

static int opt_quiet(void *ctx, const char *v, char *msg, size_t len)
{
	((struct sweep_front *)ctx)->quiet = true;
	(void)v, (void)msg, (void)len;
	return 0;
}

static int operand(void *ctx, const char *v, char *msg, size_t len)
{
	return sweep_add_axis(&((struct sweep_front *)ctx)->sw, v, msg, len);
}

/* The sim options the sweep takes, then its own. */
static size_t options(struct cliopt *t)
{
	static const struct cliopt own[] = {
		{"--csv", "FILE", opt_csv},
		{"--json", "FILE", opt_json},
		{"--plot-dir", "DIR", opt_plot_dir},
		{"--jobs", "2", opt_jobs},
		{"--quiet", NULL, opt_quiet},
	};
	size_t n_sim, n = 0;
	const struct cliopt *sim = sim_cli_options(&n_sim);

	for (size_t i = 0; i < n_sim && n < MAX_OPTS - 5; i++)
		if (strcmp(sim[i].name, "--json") &&
		    strcmp(sim[i].name, "--explore") &&
		    strcmp(sim[i].name, "--timeline") &&
		    strcmp(sim[i].name, "--plot") &&
		    strcmp(sim[i].name, "--quiet"))
			t[n++] = sim[i];
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		t[n++] = own[i];
	return n;
}

/* Every point's scenario is valid; 0 or 2 (message printed). */
static int check_points(struct sweep_front *f)
{
	if (sweep_check_points(&f->sw, f->msg, sizeof(f->msg)))
		return cliopt_fail("sweep", f->msg);
	return 0;
}

static int parse(struct sweep_front *f, int argc, char **argv)
{
	struct cliopt t[MAX_OPTS];
	struct cliopt_spec spec = { "sweep", t, 0, operand };
	long cpus;

	spec.n_opts = options(t);
	sim_scenario_default(&f->cli.sc);
	switch (cliopt_parse(&spec, f, argc, argv, f->msg, sizeof(f->msg))) {
	case CLIOPT_HELP:
		fputs(usage, stdout);
		return -1;
	case CLIOPT_RUN:
		break;
	default:
		return cliopt_fail("sweep", f->msg);
	}
	if (f->csv_path && f->json_path &&
	    outfile_same_target(f->csv_path, f->json_path))
		return cliopt_fail("sweep", !strcmp(f->csv_path, "-") ?
				   "--csv and --json cannot both be stdout (-)"
				   : "--csv and --json name the same file: "
				   "give each output its own");
	f->sw.base = f->cli.sc;
	f->sw.progress = !f->quiet;
	if (!f->sw.jobs) {
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
		f->sw.jobs = cpus > 0 && cpus <= SWEEP_MAX_JOBS ? (unsigned)cpus
								: 1;
	}
	return check_points(f);
}

/* An output not written: message, status 1. */
static int out_fail(const char *msg)
{
	fprintf(stderr, "dpamt sweep: %s\n", msg);
	return CLI_EXIT_FAILED;
}

static int open_out(struct sweep_front *f, struct outfile *o,
		    const char *label, const char *path)
{
	if (!path)
		return 0;
	if (outfile_open(o, label, path, true, f->msg, sizeof(f->msg)))
		return out_fail(f->msg);
	return 0;
}

static int plot_dir_ok(struct sweep_front *f)
{
	struct stat st;

	if (!f->plot_dir)
		return 0;
	if (stat(f->plot_dir, &st) || !S_ISDIR(st.st_mode) ||
	    access(f->plot_dir, W_OK)) {
		snprintf(f->msg, sizeof(f->msg), "--plot-dir: '%s' is not a "
			 "writable directory (create it first)", f->plot_dir);
		return out_fail(f->msg);
	}
	return 0;
}

/* Write and commit the outputs; 0 or 1. */
static int finish(struct sweep_front *f, struct sweep_point *pts,
		  struct outfile *csv, struct outfile *json)
{
	int rc = 0;

	if (csv->kind != OUTFILE_NONE &&
	    (sweep_write_csv(&f->sw, pts, csv->f) ||
	     outfile_commit(csv, f->msg, sizeof(f->msg))))
		rc = out_fail(csv->kind ? "--csv: write failed" : f->msg);
	if (json->kind != OUTFILE_NONE &&
	    (sweep_write_json(&f->sw, pts, json->f) ||
	     outfile_commit(json, f->msg, sizeof(f->msg))))
		rc = out_fail(json->kind ? "--json: write failed" : f->msg);
	outfile_discard(csv);
	outfile_discard(json);
	if (f->plot_dir && sweep_plot(&f->sw, pts, f->plot_dir, f->msg,
				      sizeof(f->msg)))
		rc = out_fail(f->msg);
	return rc;
}

static int sweep_main(struct sweep_front *f, int argc, char **argv)
{
	struct outfile csv = {0}, json = {0};
	struct sweep_point *pts;
	unsigned n, failed;
	int rc = parse(f, argc, argv);

	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	if ((rc = plot_dir_ok(f)) || (rc = open_out(f, &csv, "--csv",
						    f->csv_path)) ||
	    (rc = open_out(f, &json, "--json", f->json_path))) {
		outfile_discard(&csv);
		return rc;
	}
	n = sweep_n_points(&f->sw);
	pts = calloc(n, sizeof(*pts));
	if (!pts) {
		outfile_discard(&csv);
		outfile_discard(&json);
		return out_fail("out of memory for the points");
	}
	failed = sweep_run(&f->sw, pts);
	rc = finish(f, pts, &csv, &json);
	if (f->sw.progress || failed)
		fprintf(stderr, "dpamt sweep: %u point(s), %u not clean\n", n,
			failed);
	for (unsigned i = 0; i < n; i++)
		json_object_put(pts[i].report);
	free(pts);
	return rc ? rc : failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_front *f = calloc(1, sizeof(*f));
	int rc;

	if (!f) {
		fprintf(stderr, "dpamt sweep: out of memory\n");
		return CLI_EXIT_FAILED;
	}
	rc = sweep_main(f, argc, argv);
	free(f);
	return rc;
}
