/*
 * cmd_sim.c - `dpamt sim`: parse the scenario (flags, --scenario file),
 * validate it, open every output before anything runs, run the engine
 * with the timeline and progress callbacks, then write the JSON report,
 * the summary and the plot.  Exit: 0 clean, 1 invariant violation or
 * leak, 2 bad usage/input (nothing ran).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "sim/plot.h"
#include "sim/progress.h"
#include "sim/report.h"
#include "sim/scenario_parse.h"
#include "sim/sim.h"
#include "sim/timeline.h"

/* Everything one run holds; heap-allocated (the report is large). */
struct sim_front {
	struct sim_cli cli;
	struct sim_report report;
	char msg[SIM_MSG_LEN];
	FILE *json;                 /* --json file (not stdout) */
	struct sim_timeline *tl;
	const char *csv_path;       /* timeline path or temp file */
	char tmp_csv[64];           /* temp CSV for --plot alone */
	bool svg_created;           /* --plot file created by the pre-check */
	struct sim_progress progress;
	bool progress_on;
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "dpamt sim: %s\n", msg);
	return 2;
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
	if (sim_validate(&cli->sc, s->msg, sizeof(s->msg)))
		return usage_error(s->msg);
	return 0;
}

/* Temp CSV for --plot without --timeline; 0 or -1 with msg. */
static int make_temp_csv(struct sim_front *s)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!dir || !*dir || strlen(dir) > 40)
		dir = "/tmp";
	snprintf(s->tmp_csv, sizeof(s->tmp_csv), "%s/dpamt-timeline-XXXXXX",
		 dir);
	fd = mkstemp(s->tmp_csv);
	if (fd < 0) {
		snprintf(s->msg, sizeof(s->msg), "--plot: cannot create a "
			 "temporary CSV in %s: %s (set TMPDIR or give "
			 "--timeline FILE.csv)", dir, strerror(errno));
		s->tmp_csv[0] = '\0';
		return -1;
	}
	close(fd);
	s->csv_path = s->tmp_csv;
	return 0;
}

/* The --plot target must be writable before the run starts. */
static int check_svg_path(struct sim_front *s)
{
	const char *p = s->cli.plot_path;
	FILE *f;

	s->svg_created = access(p, F_OK) != 0;
	f = fopen(p, "a");
	if (!f) {
		snprintf(s->msg, sizeof(s->msg), "--plot: cannot write '%s': "
			 "%s (pick a writable path)", p, strerror(errno));
		s->svg_created = false;
		return -1;
	}
	fclose(f);
	return 0;
}

/* Open every output file; 0, or 2 with the message printed. */
static int open_outputs(struct sim_front *s)
{
	const char *jp = s->cli.json_path;

	if (jp && strcmp(jp, "-") && !(s->json = fopen(jp, "w"))) {
		snprintf(s->msg, sizeof(s->msg), "--json: cannot write '%s': "
			 "%s (pick a writable path, or - for stdout)", jp,
			 strerror(errno));
		return usage_error(s->msg);
	}
	if (s->cli.plot_path && check_svg_path(s))
		return usage_error(s->msg);
	s->csv_path = s->cli.timeline_path;
	if (!s->csv_path && s->cli.plot_path && make_temp_csv(s))
		return usage_error(s->msg);
	if (s->csv_path &&
	    !(s->tl = sim_timeline_open(s->csv_path, s->msg, sizeof(s->msg))))
		return usage_error(s->msg);
	return 0;
}

/* Undo open_outputs after a run that did not happen. */
static void discard_outputs(struct sim_front *s)
{
	if (s->json) {
		fclose(s->json);
		s->json = NULL;
		unlink(s->cli.json_path);
	}
	if (s->tl) {
		sim_timeline_close(s->tl);
		s->tl = NULL;
		unlink(s->csv_path);
	}
	if (s->tmp_csv[0])
		unlink(s->tmp_csv);
	if (s->svg_created)
		unlink(s->cli.plot_path);
}

/* JSON report to its file or stdout; 0, or -1 with the error printed. */
static int write_json(struct sim_front *s)
{
	FILE *f = s->json ? s->json : stdout;
	int rc = sim_report_write_json(&s->report, f);

	if (s->json) {
		if (fclose(s->json))
			rc = -1;
		s->json = NULL;
	} else if (fflush(stdout)) {
		rc = -1;
	}
	if (rc)
		fprintf(stderr, "dpamt sim: --json: writing '%s' failed: %s\n",
			s->cli.json_path, strerror(errno));
	return rc;
}

/* Timeline closed; plot drawn if asked.  Never changes the exit status
 * except for a failed timeline write (returns -1). */
static int finish_timeline(struct sim_front *s)
{
	enum sim_plot_result pr;
	int rc = 0;

	if (!s->tl)
		return 0;
	if (sim_timeline_close(s->tl)) {
		fprintf(stderr, "dpamt sim: --timeline: writing '%s' failed\n",
			s->csv_path);
		rc = -1;
	}
	s->tl = NULL;
	if (!rc && s->cli.plot_path) {
		pr = sim_plot_svg(s->csv_path, s->cli.plot_path, s->msg,
				  sizeof(s->msg));
		if (pr != SIM_PLOT_OK) {
			fprintf(stderr, "dpamt sim: %s; the timeline CSV is "
				"%s\n", s->msg, s->csv_path);
			if (s->svg_created)
				unlink(s->cli.plot_path);
			s->tmp_csv[0] = '\0'; /* keep the data */
		}
	}
	if (s->tmp_csv[0])
		unlink(s->tmp_csv);
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
	if ((rc = open_outputs(s))) {
		discard_outputs(s);
		return rc;
	}
	if ((rc = run(s)) == 2)
		return rc;
	json_stdout = s->cli.json_path && !strcmp(s->cli.json_path, "-");
	if (s->cli.json_path && write_json(s))
		rc = 2;
	if (!s->cli.quiet)
		sim_report_print_summary(&s->report,
					 json_stdout ? stderr : stdout);
	if (finish_timeline(s))
		rc = 2;
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
