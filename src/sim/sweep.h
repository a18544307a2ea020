/*
 * sweep.h - `dpamt sweep`: a grid of simulation runs.  The grid is the
 * product of axes KEY=V1,V2,... over a base scenario; KEY is a key of the
 * scenario JSON schema (docs/sim.md) or a guest key applied to every guest
 * (size, vcpus; huge, touch, convert, churn to every TD).  Every point is one
 * sim_run() in a child process (fork), up to `jobs` at once; its JSON
 * report is read back and reduced to the metrics below, written as one
 * CSV row and one JSON object per point, and plotted one SVG per metric.
 * Hosted (fork, waitpid, json-c).  Concurrency: one thread; children run
 * the engine in their own address space.
 */
#ifndef DPAMT_SIM_SWEEP_H
#define DPAMT_SIM_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "sim/sim.h"

#define SWEEP_MAX_AXES 6
#define SWEEP_MAX_VALUES 64
#define SWEEP_MAX_POINTS 4096
#define SWEEP_MAX_JOBS 256

struct sweep_axis {
	char key[32];
	unsigned n;
	char *v[SWEEP_MAX_VALUES]; /* point into text */
	char text[1024];           /* the values, NUL-separated */
};

struct sweep {
	struct sim_scenario base;
	unsigned n_axes;
	struct sweep_axis ax[SWEEP_MAX_AXES];
	unsigned jobs;
	bool progress;             /* one line per finished point, stderr */
};

/* One finished point. */
struct sweep_point {
	unsigned idx[SWEEP_MAX_AXES]; /* value index per axis */
	int status;                   /* sim exit status, or -1: crashed */
	double wall_s;                /* the child's wall time */
	json_object *report;          /* the JSON report, NULL if none */
};

/* Add "KEY=V1,V2,..." as an axis; 0, or -1 with msg. */
int sweep_add_axis(struct sweep *s, const char *arg, char *msg, size_t len);

/* Number of points (product of the axes' sizes; 1 with no axis). */
unsigned sweep_n_points(const struct sweep *s);
/* Value indexes of point i (last axis fastest). */
void sweep_point_index(const struct sweep *s, unsigned i, unsigned *idx);

/* The scenario of the point with value indexes idx: base with each axis
 * applied and validated.  0, or -1 with msg naming the point. */
int sweep_point_scenario(const struct sweep *s, const unsigned *idx,
			 struct sim_scenario *out, char *msg, size_t len);

/* Every point's scenario (as sweep_point_scenario builds it) is valid:
 * 0, or -1 with msg naming the first point that is not.  Pure. */
int sweep_check_points(const struct sweep *s, char *msg, size_t len);

/* Run every point (pts[] has sweep_n_points() entries).  Returns how many
 * points did not exit 0. */
unsigned sweep_run(const struct sweep *s, struct sweep_point *pts);

/* ---- metrics (sweep_metrics.c) ---------------------------------------- */
struct sweep_metric {
	const char *name;  /* CSV column and SVG file name */
	const char *label; /* axis label of its plot */
	bool plotted;
	const char *path; /* the number at this dotted report path, or */
	double (*fn)(json_object *report); /* derived (path NULL) */
};
extern const struct sweep_metric sweep_metrics[];
extern const unsigned sweep_n_metrics;
/* Metric m of a report: NAN if the report does not have it. */
double sweep_metric_value(const struct sweep_metric *m, json_object *report);

/* ---- outputs (sweep_out.c) -------------------------------------------- */
/* CSV: axis keys, status, metrics; one row per point. */
int sweep_write_csv(const struct sweep *s, const struct sweep_point *pts,
		    FILE *f);
/* JSON: {"axes": {...}, "points": [{"point": {...}, "status": N,
 * "metrics": {...}, "report": {...}}, ...]}. */
int sweep_write_json(const struct sweep *s, const struct sweep_point *pts,
		     FILE *f);
/* One METRIC.csv (x = first axis, a column per combination of the other
 * axes) and METRIC.svg per plotted metric in dir.  0, or -1 with msg. */
int sweep_plot(const struct sweep *s, const struct sweep_point *pts,
	       const char *dir, char *msg, size_t len);

#endif /* DPAMT_SIM_SWEEP_H */
