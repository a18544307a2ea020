/*
 * sweep_metrics.c - the figures `dpamt sweep` keeps of each point's JSON
 * report (docs/report.md), as numbers: NAN where the report does not have
 * what a metric needs (e.g. a timing a wall-clock run does not measure),
 * written as NaN in the CSV, null in the JSON and left out of the plot.
 * Pure functions of the report.
 */
#include <math.h>
#include <string.h>

#include "sim/sweep.h"

/* The number at a dotted path ("lock.wait_ns"), or NAN. */
static double jnum(json_object *o, const char *path)
{
	char part[64];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(part))
			return NAN;
		memcpy(part, path, n);
		part[n] = '\0';
		if (!json_object_object_get_ex(o, part, &o))
			return NAN;
		path += n + (dot != NULL);
	}
	if (!o || !(json_object_is_type(o, json_type_int) ||
		    json_object_is_type(o, json_type_double)))
		return NAN;
	return json_object_get_double(o);
}

/* The first of several paths the report has (names differ by version). */
static double jfirst(json_object *o, const char *const *paths)
{
	for (; *paths; paths++) {
		double v = jnum(o, *paths);

		if (!isnan(v))
			return v;
	}
	return NAN;
}

static double ratio(double a, double b)
{
	return isnan(a) || isnan(b) || b == 0 ? NAN : a / b;
}

/* The run's length: the virtual makespan if the clock was virtual, else
 * the wall time. */
static double run_ns(json_object *r)
{
	static const char *const p[] = { "makespan_ns", "time.makespan_ns",
					 "virtual.makespan_ns", "wall_ns",
					 NULL };

	return jfirst(r, p);
}

static double m_lock_wait_share(json_object *r)
{
	static const char *const p[] = { "lock.wait_share",
					 "lock_wait_share", NULL };
	double v = jfirst(r, p);

	if (!isnan(v))
		return v;
	return ratio(jnum(r, "lock.wait_ns"),
		     run_ns(r) * jnum(r, "host.pcpus"));
}

static double m_contentions_per_add(json_object *r)
{
	return ratio(jnum(r, "lock.contentions"),
		     jnum(r, "seamcalls.phymem_pamt_add.calls"));
}

static double m_fault_p99(json_object *r)
{
	static const char *const p[] = { "fault_latency.p99_ns",
					 "faults.latency_p99_ns",
					 "fault.p99_ns", NULL };

	return jfirst(r, p);
}

/* (static + peak dynamic) / classic, as the report's saving uses. */
static double m_peak_vs_classic(json_object *r)
{
	return ratio(jnum(r, "pamt.static_bytes") +
		     jnum(r, "pamt.dynamic_bytes_peak"),
		     jnum(r, "pamt.classic_bytes"));
}

/* A metric read at a report path names it; a derived one has a function. */
const struct sweep_metric sweep_metrics[] = {
	{ "lock_wait_share", "lock wait / all CPU time", true, NULL,
	  m_lock_wait_share },
	{ "contentions_per_add", "lock contentions per PAMT.ADD", true, NULL,
	  m_contentions_per_add },
	{ "fault_p99_ns", "p99 fault latency (ns)", true, NULL, m_fault_p99 },
	{ "lock_wait_p99_ns", "p99 of one install/remove lock wait (ns)",
	  true, "lock.wait_p99_ns", NULL },
	{ "add_busy", "PAMT.ADD answered BUSY", true,
	  "seamcalls.phymem_pamt_add.busy", NULL },
	{ "remove_busy", "PAMT.REMOVE answered BUSY", true,
	  "seamcalls.phymem_pamt_remove.busy", NULL },
	{ "failed_gets", "failed gets", true, "host_manager.get_failures",
	  NULL },
	{ "pinned_pairs", "pairs pinned (failed REMOVE)", true,
	  "host_manager.pairs_pinned", NULL },
	{ "peak_vs_classic", "(static + peak DPAMT) / classic PAMT", true,
	  NULL, m_peak_vs_classic },
	{ "lock_contentions", "lock contentions", false, "lock.contentions",
	  NULL },
	{ "lock_wait_ns", "lock wait (ns)", false, "lock.wait_ns", NULL },
	{ "run_ns", "run time (ns; virtual makespan or wall)", false, NULL,
	  run_ns },
	{ "pamt_add_calls", "PAMT.ADD calls", false,
	  "seamcalls.phymem_pamt_add.calls", NULL },
	{ "violations", "invariant violations", false,
	  "invariants.violations", NULL },
};
const unsigned sweep_n_metrics =
	sizeof(sweep_metrics) / sizeof(sweep_metrics[0]);

double sweep_metric_value(const struct sweep_metric *m, json_object *report)
{
	return m->path ? jnum(report, m->path) : m->fn(report);
}
