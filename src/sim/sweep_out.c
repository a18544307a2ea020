/*
 * sweep_out.c - what `dpamt sweep` writes: the CSV (a row per point), the
 * JSON (an object per point, with its whole report) and, per plotted
 * metric, a data CSV (x = the first axis, a column per combination of the
 * other axes) and its SVG through gnuplot (sim_plot_script).  Files go
 * through src/util/outfile.h: never half-written.  One thread.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpamt/version.h"
#include "sim/plot.h"
#include "sim/sweep.h"
#include "util/outfile.h"

static void csv_field(FILE *f, const char *v)
{
	if (!strpbrk(v, ",\"\n")) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static void csv_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("NaN", f);
	else
		fprintf(f, "%.6g", v);
}

static double metric(const struct sweep_point *p, unsigned m)
{
	return p->report ? sweep_metric_value(&sweep_metrics[m], p->report)
			 : NAN;
}

int sweep_write_csv(const struct sweep *s, const struct sweep_point *pts,
		    FILE *f)
{
	unsigned n = sweep_n_points(s);

	for (unsigned k = 0; k < s->n_axes; k++)
		fprintf(f, "%s,", s->ax[k].key);
	fputs("status,wall_s", f);
	for (unsigned m = 0; m < sweep_n_metrics; m++)
		fprintf(f, ",%s", sweep_metrics[m].name);
	fputc('\n', f);
	for (unsigned i = 0; i < n; i++) {
		const struct sweep_point *p = &pts[i];

		for (unsigned k = 0; k < s->n_axes; k++) {
			csv_field(f, s->ax[k].v[p->idx[k]]);
			fputc(',', f);
		}
		fprintf(f, "%d,%.3f", p->status, p->wall_s);
		for (unsigned m = 0; m < sweep_n_metrics; m++) {
			fputc(',', f);
			csv_num(f, metric(p, m));
		}
		fputc('\n', f);
	}
	return ferror(f) ? -1 : 0;
}

static json_object *point_json(const struct sweep *s,
			       const struct sweep_point *p)
{
	json_object *o = json_object_new_object();
	json_object *pt = json_object_new_object();
	json_object *ms = json_object_new_object();

	for (unsigned k = 0; k < s->n_axes; k++)
		json_object_object_add(pt, s->ax[k].key,
				       json_object_new_string(
					       s->ax[k].v[p->idx[k]]));
	json_object_object_add(o, "point", pt);
	json_object_object_add(o, "status", json_object_new_int(p->status));
	json_object_object_add(o, "wall_s", json_object_new_double(p->wall_s));
	for (unsigned m = 0; m < sweep_n_metrics; m++) {
		double v = metric(p, m);

		json_object_object_add(ms, sweep_metrics[m].name,
				       isnan(v) ? NULL :
				       json_object_new_double(v));
	}
	json_object_object_add(o, "metrics", ms);
	json_object_object_add(o, "report", json_object_get(p->report));
	return o;
}

int sweep_write_json(const struct sweep *s, const struct sweep_point *pts,
		     FILE *f)
{
	json_object *root = json_object_new_object();
	json_object *axes = json_object_new_object();
	json_object *arr = json_object_new_array();
	unsigned n = sweep_n_points(s);
	int rc;

	json_object_object_add(root, "tool_version",
			       json_object_new_string(DPAMT_VERSION_STRING));
	for (unsigned k = 0; k < s->n_axes; k++) {
		json_object *vals = json_object_new_array();

		for (unsigned i = 0; i < s->ax[k].n; i++)
			json_object_array_add(vals, json_object_new_string(
						      s->ax[k].v[i]));
		json_object_object_add(axes, s->ax[k].key, vals);
	}
	json_object_object_add(root, "axes", axes);
	for (unsigned i = 0; i < n; i++)
		json_object_array_add(arr, point_json(s, &pts[i]));
	json_object_object_add(root, "points", arr);
	rc = fprintf(f, "%s\n", json_object_to_json_string_ext(
			     root, JSON_C_TO_STRING_PRETTY |
			     JSON_C_TO_STRING_NOSLASHESCAPE)) < 0;
	json_object_put(root);
	return rc || ferror(f) ? -1 : 0;
}

/* ---- plots ------------------------------------------------------------ */
static const char sweep_script[] =
"set terminal svg size 960,540 dynamic background rgb 'white'\n"
"set output ARG2\n"
"set datafile separator ','\n"
"set title ARG5 noenhanced\n"
"set xlabel ARG6 noenhanced\n"
"set ylabel ARG4 noenhanced\n"
"set key outside right top noenhanced\n"
"set grid\n"
"set yrange [0:*]\n"
"n = int(ARG3)\n"
"if (ARG7 eq 'log') { set logscale x 2 }\n"
"if (ARG7 eq 'cat') {\n"
"  plot for [i=2:n] ARG1 using 0:i:xtic(1) with linespoints "
"title columnhead(i)\n"
"} else {\n"
"  plot for [i=2:n] ARG1 using 1:i with linespoints title columnhead(i)\n"
"}\n";

/* How the first axis is drawn: "num", "log" (numbers spanning >= 16x) or
 * "cat" (any non-number, or no axis). */
static const char *x_mode(const struct sweep *s)
{
	double lo = INFINITY, hi = 0;

	if (!s->n_axes)
		return "cat";
	for (unsigned i = 0; i < s->ax[0].n; i++) {
		char *end;
		double v = strtod(s->ax[0].v[i], &end);

		if (end == s->ax[0].v[i] || *end || !isfinite(v))
			return "cat";
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	return lo > 0 && hi / lo >= 16 ? "log" : "num";
}

/* Point index of first-axis value x and series c (mixed radix over the
 * other axes, last fastest, like sweep_point_index). */
static unsigned point_of(const struct sweep *s, unsigned x, unsigned c)
{
	unsigned i = 0, rest = c, idx[SWEEP_MAX_AXES] = {0};

	for (unsigned k = s->n_axes; k-- > 1;) {
		idx[k] = rest % s->ax[k].n;
		rest /= s->ax[k].n;
	}
	if (s->n_axes)
		idx[0] = x;
	for (unsigned k = 0; k < s->n_axes; k++)
		i = i * s->ax[k].n + idx[k];
	return i;
}

static void series_title(FILE *f, const struct sweep *s, unsigned c,
			 const char *dflt)
{
	char t[512] = "";
	unsigned rest = c, idx[SWEEP_MAX_AXES] = {0};

	for (unsigned k = s->n_axes; k-- > 1;) {
		idx[k] = rest % s->ax[k].n;
		rest /= s->ax[k].n;
	}
	for (unsigned k = 1; k < s->n_axes; k++) {
		size_t u = strlen(t);

		snprintf(t + u, sizeof(t) - u, "%s%s=%s", u ? " " : "",
			 s->ax[k].key, s->ax[k].v[idx[k]]);
	}
	csv_field(f, t[0] ? t : dflt);
}

/* The data CSV of metric m; false if every value is missing. */
static bool plot_data(const struct sweep *s, const struct sweep_point *pts,
		      unsigned m, FILE *f)
{
	unsigned nx = s->n_axes ? s->ax[0].n : 1, nc = sweep_n_points(s) / nx;
	bool any = false;

	csv_field(f, s->n_axes ? s->ax[0].key : "point");
	for (unsigned c = 0; c < nc; c++) {
		fputc(',', f);
		series_title(f, s, c, sweep_metrics[m].name);
	}
	fputc('\n', f);
	for (unsigned x = 0; x < nx; x++) {
		csv_field(f, s->n_axes ? s->ax[0].v[x] : "base");
		for (unsigned c = 0; c < nc; c++) {
			double v = metric(&pts[point_of(s, x, c)], m);

			any |= !isnan(v);
			fputc(',', f);
			csv_num(f, v);
		}
		fputc('\n', f);
	}
	return any;
}

/* METRIC.csv and METRIC.svg in dir; 0, 1 (nothing to plot), -1 + msg. */
static int plot_one(const struct sweep *s, const struct sweep_point *pts,
		    unsigned m, const char *dir, char *msg, size_t len)
{
	const struct sweep_metric *sm = &sweep_metrics[m];
	struct outfile csv = {0}, svg = {0};
	char cpath[4096], spath[4096], ncol[16];
	unsigned nx = s->n_axes ? s->ax[0].n : 1;
	const char *args[7];
	bool any;

	snprintf(cpath, sizeof(cpath), "%s/%s.csv", dir, sm->name);
	snprintf(spath, sizeof(spath), "%s/%s.svg", dir, sm->name);
	if (outfile_open(&csv, "--plot-dir", cpath, false, msg, len))
		return -1;
	any = plot_data(s, pts, m, csv.f);
	if (outfile_commit(&csv, msg, len))
		return -1;
	if (!any)
		return 1;
	if (outfile_open(&svg, "--plot-dir", spath, false, msg, len))
		return -1;
	snprintf(ncol, sizeof(ncol), "%u", 1 + sweep_n_points(s) / nx);
	args[0] = cpath;
	args[1] = outfile_write_path(&svg);
	args[2] = ncol;
	args[3] = sm->label;
	args[4] = sm->label;
	args[5] = s->n_axes ? s->ax[0].key : "";
	args[6] = x_mode(s);
	if (sim_plot_script(sweep_script, args, 7, "--plot-dir", msg,
			    (unsigned)len) != SIM_PLOT_OK) {
		outfile_discard(&svg);
		return -1;
	}
	return outfile_commit(&svg, msg, len) ? -1 : 0;
}

int sweep_plot(const struct sweep *s, const struct sweep_point *pts,
	       const char *dir, char *msg, size_t len)
{
	for (unsigned m = 0; m < sweep_n_metrics; m++) {
		int rc;

		if (!sweep_metrics[m].plotted)
			continue;
		rc = plot_one(s, pts, m, dir, msg, len);
		if (rc < 0)
			return -1;
		if (rc > 0 && s->progress)
			fprintf(stderr, "dpamt sweep: %s: no value in any "
				"point, no plot\n", sweep_metrics[m].name);
	}
	return 0;
}
