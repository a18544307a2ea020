/*
 * cmd_sim.c - `dpamt sim`: parse the scenario (flags, --scenario file),
 * validate it, open every output before anything runs (temporary files,
 * src/util/outfile.h), run the engine with the timeline and progress
 * callbacks, then write the JSON report, the summary and the plot and
 * rename them into place.  Exit (docs/cli.md): 0 clean, 1 invariant
 * violation, leak or an output not written, 2 bad usage/input (nothing
 * ran).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "sim_explore.h"
#include "sim/plot.h"
#include "sim/progress.h"
#include "sim/report.h"
#include "sim/scenario_parse.h"
#include "sim/sim.h"
#include "sim/timeline.h"
#include "util/cliopt.h"
#include "util/outfile.h"

/* Everything one run holds; heap-allocated (the report is large). */
struct sim_front {
	struct sim_cli cli;
	struct sim_report report;
	char msg[SIM_MSG_LEN];
	struct outfile json;        /* --json (stdout for -) */
	struct outfile csv;         /* --timeline */
	struct outfile svg;         /* --plot */
	struct sim_timeline *tl;
	FILE *scratch;              /* timeline copy for --plot, in TMPDIR */
	char scratch_path[4096];
	struct sim_progress progress;
	bool progress_on;
};

static int usage_error(const char *msg)
{
	return cliopt_fail("sim", msg);
}

/* An output could not be written: exit status 1 (docs/cli.md). */
static int output_error(const char *msg)
{
	fprintf(stderr, "dpamt sim: %s\n", msg);
	return CLI_EXIT_FAILED;
}

static void on_event(void *arg, const struct sim_event *ev)
{
	struct sim_front *s = arg;

	if (s->tl)
		sim_timeline_event(s->tl, ev);
	if (s->progress_on && ev->what) {
		if (!strcmp(ev->what, "td_booted"))
			sim_progress_td(&s->progress, 1);
		else if (!strcmp(ev->what, "td_destroyed"))
			sim_progress_td(&s->progress, -1);
	}
}



static void on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct sim_front *s = arg;

	if (s->progress_on)
		sim_progress_update(&s->progress, done, total);
}

/* Two outputs naming one file: the later would silently replace the
 * earlier.  0, or -1 with msg. */
static int same_outputs(const struct sim_cli *c, char *msg, size_t len)
{
	const char *name[] = {"--json", "--timeline", "--plot"};
	const char *path[] = {c->json_path, c->timeline_path, c->plot_path};

	for (unsigned i = 0; i < 3; i++)
		for (unsigned j = i + 1; j < 3; j++)
			if (path[i] && path[j] &&
			    outfile_same_target(path[i], path[j])) {
				snprintf(msg, len, "%s '%s' and %s '%s' name "
					 "the same file: give each output its "
					 "own", name[i], path[i], name[j],
					 path[j]);
				return -1;
			}
	return 0;
}

/* Parse and validate; 0 to run, 1 for --help (printed), 2 bad usage. */
static int prepare(struct sim_front *s, int argc, char **argv)
{
	struct sim_cli *cli = &s->cli;

	sim_scenario_default(&cli->sc);
	if (sim_cli_parse(cli, argc, argv, s->msg, sizeof(s->msg)))
		return usage_error(s->msg);
	if (cli->help) {
		fputs(sim_cli_usage(), stdout);
		return 1;
	}
	if (cli->sc.n_guests == 0)
		return usage_error("nothing to run: add a --td SIZE or --vm "
				   "SIZE (or guests to the --scenario file)");
	if (sim_validate(&cli->sc, s->msg, sizeof(s->msg)) ||
	    sim_mem_check(&cli->sc, s->msg, sizeof(s->msg)))
		return usage_error(s->msg);
	if (same_outputs(cli, s->msg, sizeof(s->msg)))
		return usage_error(s->msg);
	if (cli->explore && (cli->timeline_path || cli->plot_path))
		return usage_error("--explore runs many seeds: it takes no "
				   "--timeline or --plot (replay the seed it "
				   "prints with them)");
	return 0;
}

/* The CSV gnuplot reads: the --timeline temp file, or a scratch copy in
 * TMPDIR when there is no regular --timeline file to read back. */
static int open_plot_csv(struct sim_front *s)
{
	int fd;

	if (s->csv.kind == OUTFILE_RENAME)
		return 0;
	fd = outfile_scratch("dpamt-timeline", s->scratch_path,
			     sizeof(s->scratch_path));
	if (fd < 0 || !(s->scratch = fdopen(fd, "w+"))) {
		snprintf(s->msg, sizeof(s->msg), "--plot: cannot create a "
			 "temporary CSV in TMPDIR: %s (set TMPDIR or give "
			 "--timeline FILE.csv)", strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(s->scratch_path);
		}
		s->scratch_path[0] = '\0';
		return -1;
	}
	return 0;
}

/* Open every output before anything runs; 0, or -1 with s->msg. */
static int open_outputs(struct sim_front *s)
{
	struct sim_cli *c = &s->cli;
	FILE *tl_file;

	if (c->json_path && outfile_open(&s->json, "--json", c->json_path,
					 true, s->msg, sizeof(s->msg)))
		return -1;
	if (c->plot_path && outfile_open(&s->svg, "--plot", c->plot_path,
					 false, s->msg, sizeof(s->msg)))
		return -1;
	if (c->timeline_path &&
	    outfile_open(&s->csv, "--timeline", c->timeline_path, false,
			 s->msg, sizeof(s->msg)))
		return -1;
	if (c->plot_path && open_plot_csv(s))
		return -1;
	tl_file = s->scratch ? s->scratch : s->csv.f;
	if (tl_file &&
	    !(s->tl = sim_timeline_open(tl_file, s->msg, sizeof(s->msg))))
		return -1;
	return 0;
}

/* Undo open_outputs: only the temporary files go, never a target. */
static void discard_outputs(struct sim_front *s)
{
	if (s->tl)
		sim_timeline_close(s->tl);
	s->tl = NULL;
	outfile_discard(&s->json);
	outfile_discard(&s->csv);
	outfile_discard(&s->svg);
	if (s->scratch)
		fclose(s->scratch);
	s->scratch = NULL;
	if (s->scratch_path[0])
		unlink(s->scratch_path);
	s->scratch_path[0] = '\0';
}

/* Commit one output; 0, or 1 with the message printed. */
static int commit(struct sim_front *s, struct outfile *o)
{
	if (outfile_commit(o, s->msg, sizeof(s->msg)))
		return output_error(s->msg);
	return 0;
}

/* The JSON report written and committed; 0 or 1. */
static int write_json(struct sim_front *s)
{
	if (sim_report_write_json(&s->report, s->json.f)) {
		snprintf(s->msg, sizeof(s->msg), "--json: writing '%s' "
			 "failed: %s", s->cli.json_path, strerror(errno));
		outfile_discard(&s->json);
		return output_error(s->msg);
	}
	return commit(s, &s->json);
}

/* Copy the scratch CSV into an in-place --timeline (a device); 0 or -1. */
static int copy_scratch(struct sim_front *s)
{
	char buf[8192];
	size_t n;

	if (!s->scratch || !s->csv.f)
		return 0;
	rewind(s->scratch);
	while ((n = fread(buf, 1, sizeof(buf), s->scratch)) > 0)
		if (fwrite(buf, 1, n, s->csv.f) != n)
			return -1;
	return ferror(s->scratch) ? -1 : 0;
}

/* Copy the file at path into f; 0, or -1 (errno set) on a failed read or
 * write. */
static int copy_file(const char *path, FILE *f)
{
	char buf[8192];
	FILE *in = fopen(path, "r");
	size_t n;
	int rc = 0;

	if (!in)
		return -1;
	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, f) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	fclose(in);
	return rc;
}

/* gnuplot draws into a file it can fail on: the temporary file of a
 * regular --plot, or for a device (/dev/full) a scratch SVG in TMPDIR
 * that is then copied with checked writes, since gnuplot does not report
 * a failed write.  The SVG path in svg (size len), or -1 with s->msg. */
static int plot_target(struct sim_front *s, char *svg, size_t len)
{
	int fd;

	if (s->svg.kind != OUTFILE_INPLACE) {
		snprintf(svg, len, "%s", outfile_write_path(&s->svg));
		return 0;
	}
	fd = outfile_scratch("dpamt-plot", svg, len);
	if (fd < 0) {
		snprintf(s->msg, sizeof(s->msg), "--plot: cannot create a "
			 "temporary SVG in TMPDIR: %s", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* The drawn SVG into the --plot target and committed; 0 or 1. */
static int commit_plot(struct sim_front *s, const char *svg)
{
	if (s->svg.kind == OUTFILE_INPLACE) {
		int rc = copy_file(svg, s->svg.f);

		unlink(svg);
		if (rc) {
			snprintf(s->msg, sizeof(s->msg), "--plot: writing "
				 "'%s' failed: %s", s->cli.plot_path,
				 strerror(errno ? errno : EIO));
			outfile_discard(&s->svg);
			return output_error(s->msg);
		}
	}
	return commit(s, &s->svg);
}

/* Draw the SVG from the finished CSV and commit it; 0 or 1. */
static int draw_plot(struct sim_front *s)
{
	const char *csv = s->scratch ? s->scratch_path :
			  outfile_write_path(&s->csv);
	enum sim_plot_result pr;
	char svg[4096];

	if (plot_target(s, svg, sizeof(svg))) {
		outfile_discard(&s->svg);
		return output_error(s->msg);
	}
	pr = sim_plot_svg(csv, svg, s->msg, sizeof(s->msg));
	if (pr == SIM_PLOT_OK)
		return commit_plot(s, svg);
	if (s->svg.kind == OUTFILE_INPLACE)
		unlink(svg);
	outfile_discard(&s->svg);
	if (s->scratch && pr == SIM_PLOT_FAILED) {
		fprintf(stderr, "dpamt sim: %s; the timeline CSV is kept as "
			"%s\n", s->msg, s->scratch_path);
		s->scratch_path[0] = '\0'; /* keep the data */
		return CLI_EXIT_FAILED;
	}
	return output_error(s->msg);
}

/* Timeline flushed, plot drawn, both committed; 0 or 1. */
static int finish_timeline(struct sim_front *s)
{
	int rc = 0;

	if (!s->tl)
		return 0;
	if (sim_timeline_close(s->tl) || copy_scratch(s)) {
		fprintf(stderr, "dpamt sim: --timeline: writing '%s' failed\n",
			s->scratch ? s->scratch_path : s->cli.timeline_path);
		s->tl = NULL;
		discard_outputs(s);
		return CLI_EXIT_FAILED;
	}
	s->tl = NULL;
	if (s->cli.plot_path)
		rc = draw_plot(s);
	if (s->csv.kind != OUTFILE_NONE && commit(s, &s->csv))
		rc = CLI_EXIT_FAILED;
	discard_outputs(s); /* the scratch CSV, unless kept */
	return rc;
}

/* Run the engine; its status (0, 1), or 2 if it refused the scenario. */
static int run(struct sim_front *s)
{
	struct sim_callbacks cb = {s, on_event, on_progress};
	int rc;

	s->progress_on = sim_progress_wanted(STDERR_FILENO, s->cli.quiet);
	s->cli.sc.progress = s->progress_on;
	if (s->progress_on)
		sim_progress_init(&s->progress, stderr,
				  s->cli.sc.n_guests);
	rc = sim_run(&s->cli.sc, &cb, &s->report);
	if (s->progress_on)
		sim_progress_finish(&s->progress);
	if (rc == 2) {
		discard_outputs(s);
		return usage_error(s->report.n_errors ? s->report.errors[0] :
				   "the engine refused the scenario");
	}
	return rc;
}

static int sim_main(struct sim_front *s, int argc, char **argv)
{
	bool json_stdout;
	int rc;

	rc = prepare(s, argc, argv);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (open_outputs(s)) {
		discard_outputs(s);
		return output_error(s->msg);
	}
	if (s->cli.explore) {
		rc = sim_explore(&s->cli, argc, argv, &s->report,
				 s->cli.quiet);
		if (rc == 2) {
			discard_outputs(s);
			return usage_error(s->report.n_errors ?
					   s->report.errors[0] :
					   "the engine refused the scenario");
		}
	} else if ((rc = run(s)) == 2) {
		return rc;
	}
	json_stdout = s->json.kind == OUTFILE_STDOUT;
	if (s->cli.json_path && write_json(s))
		rc = CLI_EXIT_FAILED;
	if (!s->cli.quiet)
		sim_report_print_summary(&s->report,
					 json_stdout ? stderr : stdout);
	if (finish_timeline(s))
		rc = CLI_EXIT_FAILED;
	return rc;
}

int cmd_sim(int argc, char **argv)
{
	struct sim_front *s = calloc(1, sizeof(*s));
	int rc;

	if (!s) {
		fprintf(stderr, "dpamt sim: out of memory\n");
		return 2;
	}
	rc = sim_main(s, argc, argv);
	free(s);
	return rc;
}
