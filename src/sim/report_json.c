/*
 * report_json.c - the `dpamt sim` JSON report ("version": 3), built with
 * json-c.  Stable names, documented in docs/report.md: every leaf of
 * DPAMT_TDX_LEAVES is always listed under "seamcalls" (zeros included), every
 * dpamt_stats field under "host_manager".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "sim/report.h"
#include "dpamt/version.h"
#include "sim/scenario_parse.h"

const char *sim_leaf_key(unsigned leaf, char *buf, unsigned len)
{
	const char *name = dpamt_tdx_leaf_name(leaf);
	unsigned i;

	if (!name || !len)
		return NULL;
	for (i = 0; name[i] && i + 1 < len; i++)
		buf[i] = name[i] == '.' ? '_' :
			(char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
	return buf;
}

const char *sim_mode_name(enum dpamt_mode mode)
{
	return mode == DPAMT_MODE_STATIC ? "static" : "dynamic";
}

static void add_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static json_object *leaves_json(const struct sim_report *r)
{
	static const unsigned leaves[] = {
#define SIM_LEAF_NUM(sym, num, name) num,
		DPAMT_TDX_LEAVES(SIM_LEAF_NUM)
#undef SIM_LEAF_NUM
	};
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		const struct sim_leaf_report *l = &r->leaves[leaves[i]];
		json_object *e = json_object_new_object();
		char key[48];

		add_u64(e, "calls", l->calls);
		add_u64(e, "busy", l->busy);
		add_u64(e, "errors", l->errors);
		json_object_object_add(o, sim_leaf_key(leaves[i], key,
						       sizeof(key)), e);
	}
	return o;
}

static json_object *guest_json(const struct sim_guest_report *g, unsigned i)
{
	json_object *o = json_object_new_object();

	add_u64(o, "index", i);
	json_object_object_add(o, "type", json_object_new_string(
				       g->spec.legacy ? "vm" : "td"));
	json_object_object_add(o, "legacy",
			       json_object_new_boolean(g->spec.legacy));
	add_u64(o, "size_bytes", g->spec.size);
	add_u64(o, "vcpus", g->spec.vcpus);
	add_u64(o, "huge_pct", g->spec.huge_pct);
	add_u64(o, "touch_pct", g->spec.touch_pct);
	add_u64(o, "convert_pct", g->spec.convert_pct);
	add_u64(o, "churn_pct", g->spec.churn_pct);
	add_u64(o, "pages_4k", g->pages_4k);
	add_u64(o, "pages_2m", g->pages_2m);
	add_u64(o, "sept_pages", g->sept_pages);
	add_u64(o, "control_pages", g->control_pages);
	add_u64(o, "pairs_peak", g->pairs_peak);
	add_u64(o, "demotes", g->demotes);
	add_u64(o, "promotes", g->promotes);
	add_u64(o, "conversions", g->conversions);
	return o;
}

static json_object *pamt_json(const struct sim_report *r)
{
	json_object *o = json_object_new_object();

	add_u64(o, "classic_bytes", r->pamt.classic_bytes);
	add_u64(o, "static_bytes", r->pamt.static_bytes);
	add_u64(o, "dynamic_bytes_now", r->pamt.dynamic_bytes_now);
	add_u64(o, "dynamic_bytes_peak", r->pamt.dynamic_bytes_peak);
	add_u64(o, "refcount_bytes", r->pamt.refcount_bytes);
	add_u64(o, "pairs_now", r->pamt.pairs_now);
	add_u64(o, "pairs_peak", r->pamt.pairs_peak);
	add_u64(o, "ranges_blocked_by_pairs_peak",
		r->ranges_blocked_by_pairs_peak);
	add_u64(o, "pair_pool_blocks_peak", r->pair_pool_blocks_peak);
	add_u64(o, "pair_pool_fallbacks", r->pair_pool_fallbacks);
	add_u64(o, "shrinker_runs", r->shrinker_runs);
	add_u64(o, "shrinker_pairs", r->shrinker_pairs);
	json_object_object_add(o, "saved_pct", json_object_new_double(
				       sim_report_saving_pct(r)));
	return o;
}

static json_object *stats_json(const struct dpamt_stats *s)
{
	json_object *o = json_object_new_object();

#define SIM_STAT_ADD(n) add_u64(o, #n, s->n);
	DPAMT_STATS(SIM_STAT_ADD)
#undef SIM_STAT_ADD
	return o;
}

double sim_report_wait_share(const struct sim_report *r)
{
	double all = (double)r->pcpus * (double)r->makespan_ns;

	if (r->clock != SIM_CLOCK_VIRTUAL || all <= 0.0)
		return 0.0;
	return (double)r->pamt.lock_wait_ns / all;
}

double sim_report_contention_rate(const struct sim_report *r)
{
	return r->pamt.lock_acquisitions ?
		(double)r->pamt.lock_contentions /
		(double)r->pamt.lock_acquisitions : 0.0;
}

/* The cost model in force: every SIM_COSTS figure and the non-zero
 * per-leaf latencies. */
static json_object *cost_json(const struct sim_report *r)
{
	json_object *o = json_object_new_object();
	json_object *lat = json_object_new_object();

#define SIM_COST_JSON(n, d, w) add_u64(o, #n "_ns", r->cost.n##_ns);
	SIM_COSTS(SIM_COST_JSON)
#undef SIM_COST_JSON
	for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++) {
		char key[48];

		if (r->seamcall_ns[l] && sim_leaf_key(l, key, sizeof(key)))
			add_u64(lat, key, r->seamcall_ns[l]);
	}
	json_object_object_add(o, "leaf_latency_ns", lat);
	return o;
}

/* Virtual time: makespan, pCPU time (sums and per pCPU), switches. */
static json_object *time_json(const struct sim_report *r)
{
	json_object *o = json_object_new_object();
	json_object *cpus = json_object_new_array();
	unsigned n = r->clock == SIM_CLOCK_VIRTUAL ? r->pcpus : 0;

	add_u64(o, "makespan_ns", r->makespan_ns);
	add_u64(o, "busy_ns", r->busy_ns);
	add_u64(o, "spin_ns", r->spin_ns);
	add_u64(o, "idle_ns", r->idle_ns);
	add_u64(o, "switches", r->vt_switches);
	for (unsigned c = 0; c < n && c < SIM_MAX_PCPUS; c++) {
		json_object *e = json_object_new_object();

		add_u64(e, "busy_ns", r->cpu_busy_ns[c]);
		add_u64(e, "spin_ns", r->cpu_spin_ns[c]);
		add_u64(e, "idle_ns", r->cpu_idle_ns[c]);
		json_object_array_add(cpus, e);
	}
	json_object_object_add(o, "cpus", cpus);
	return o;
}

static json_object *lock_json(const struct sim_report *r)
{
	json_object *o = json_object_new_object();

	add_u64(o, "acquisitions", r->pamt.lock_acquisitions);
	add_u64(o, "contentions", r->pamt.lock_contentions);
	add_u64(o, "wait_ns", r->pamt.lock_wait_ns);
	json_object_object_add(o, "wait_share", json_object_new_double(
				       sim_report_wait_share(r)));
	json_object_object_add(o, "contentions_per_acquisition",
			       json_object_new_double(
				       sim_report_contention_rate(r)));
	add_u64(o, "wait_p50_ns", r->lock_wait_p50_ns);
	add_u64(o, "wait_p99_ns", r->lock_wait_p99_ns);
	add_u64(o, "wait_max_ns", r->lock_wait_max_ns);
	add_u64(o, "hold_ns", r->lock_hold_ns);
	return o;
}

/* A sub-object of two or three counters. */
static json_object *pair_json(const char *k1, uint64_t v1, const char *k2,
			      uint64_t v2, const char *k3, uint64_t v3)
{
	json_object *o = json_object_new_object();

	add_u64(o, k1, v1);
	add_u64(o, k2, v2);
	if (k3)
		add_u64(o, k3, v3);
	return o;
}

static void add_lists(json_object *root, const struct sim_report *r)
{
	json_object *tds = json_object_new_array();
	json_object *errs = json_object_new_array();
	unsigned n_err = r->n_errors < SIM_MAX_ERRORS ? r->n_errors :
		SIM_MAX_ERRORS;

	for (unsigned i = 0; i < r->n_guests && i < SIM_MAX_GUESTS; i++)
		json_object_array_add(tds, guest_json(&r->guests[i], i));
	for (unsigned i = 0; i < n_err; i++)
		json_object_array_add(errs, json_object_new_string_len(
				r->errors[i], (int)strnlen(r->errors[i],
						sizeof(r->errors[i]))));
	json_object_object_add(root, "tds", tds);
	json_object_object_add(root, "errors", errs);
}

json_object *sim_report_json(const struct sim_report *r)
{
	json_object *root = json_object_new_object();

	if (!root)
		return NULL;
	add_u64(root, "version", SIM_REPORT_VERSION);
	json_object_object_add(root, "tool_version",
			       json_object_new_string(DPAMT_VERSION_STRING));
	json_object_object_add(root, "mode", json_object_new_string(
				       sim_mode_name(r->mode)));
	json_object_object_add(root, "strategy", json_object_new_string(
		dpamt_strategy_name(r->strategy) ?
		dpamt_strategy_name(r->strategy) : "unknown"));
	add_u64(root, "seed", r->seed);
	json_object_object_add(root, "clock", json_object_new_string(
		r->clock == SIM_CLOCK_WALL ? "wall" : "virtual"));
	json_object_object_add(root, "sched", json_object_new_string(
				       sim_sched_name(r->sched)));
	add_u64(root, "pct_depth", r->sched == SIM_SCHED_PCT ?
		r->pct_depth : 0);
	json_object_object_add(root, "pair_pool",
			       json_object_new_boolean(r->pair_pool));
	json_object_object_add(root, "shared_ranges",
			       json_object_new_boolean(r->shared_ranges));
	add_u64(root, "ranges_shared_peak", r->ranges_shared_peak);
	add_u64(root, "idle_pairs", r->idle_pairs);
	json_object_object_add(root, "host", json_object_new_object());
	add_u64(json_object_object_get(root, "host"), "mem_bytes",
		r->host_mem);
	add_u64(json_object_object_get(root, "host"), "pcpus", r->pcpus);
	add_u64(json_object_object_get(root, "host"), "hkids", r->hkids);
	add_u64(json_object_object_get(root, "host"), "frag_pct",
		r->host_frag_pct);
	add_u64(json_object_object_get(root, "host"), "frag_bytes",
		r->host_frag_bytes);
	add_u64(json_object_object_get(root, "host"), "owned_pages",
		r->host_owned_pages);
	json_object_object_add(root, "pamt", pamt_json(r));
	json_object_object_add(root, "seamcalls", leaves_json(r));
	json_object_object_add(root, "lock", lock_json(r));
	json_object_object_add(root, "time", time_json(r));
	json_object_object_add(root, "cost_model", cost_json(r));
	json_object_object_add(root, "invariants", pair_json("checks",
		r->invariant_checks, "violations", r->invariant_violations,
		NULL, 0));
	json_object_object_add(root, "leaks", pair_json("pages",
		r->leaked_pages, "reclaim_failures",
		r->pamt.reclaim_failures, NULL, 0));
	json_object_object_add(root, "vmm", pair_json("busy_retries",
		r->busy_retries_vmm, "guests", r->n_guests, "fault_retries",
		r->fault_retries_vmm));
	add_u64(json_object_object_get(root, "vmm"), "fault_busy_failures",
		r->fault_busy_failures);
	add_u64(json_object_object_get(root, "vmm"),
		"td_create_busy_failures", r->td_create_busy_failures);
	json_object_object_add(root, "fault_latency", pair_json(
		"faults", r->faults_timed, "p50_ns", r->fault_p50_ns,
		"p99_ns", r->fault_p99_ns));
	add_u64(json_object_object_get(root, "fault_latency"),
		"p999_ns", r->fault_p999_ns);
	add_u64(json_object_object_get(root, "fault_latency"),
		"mean_ns", r->fault_mean_ns);
	add_lists(root, r);
	add_u64(root, "wall_ns", r->wall_ns);
	json_object_object_add(root, "host_manager", stats_json(&r->pamt));
	return root;
}

int sim_report_write_json(const struct sim_report *r, FILE *f)
{
	json_object *root = sim_report_json(r);
	const char *s;
	int rc = -1;

	if (!root)
		return -1;
	s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s && fputs(s, f) >= 0 && fputc('\n', f) != EOF)
		rc = 0;
	json_object_put(root);
	return rc;
}
