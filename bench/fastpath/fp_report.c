/*
 * fp_report.c - render the benchmark's results: a human table and a JSON
 * object (key names documented in docs/bench.md).
 */
#include <stdio.h>

#include "fastpath.h"
#include "dpamt/version.h"

/* Targets (issue 12): get+put / the atomic pair, t1 and tN_distinct;
 * tN_shared. */
#define FP_TARGET_RATIO 1.15
#define FP_TARGET_RATIO_SHARED 1.3
#define FP_SCALING_TARGET 1.3 /* tN_distinct / t1, slow path */

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void print_fast_row(FILE *f, const struct fp_config *cfg,
			   const char *label, const double *ns)
{
	fprintf(f, "  %-22s", label);
	for (unsigned s = 0; s < FP_FAST_COUNT; s++)
		if (fp_scen_ran(cfg, s))
			fprintf(f, " %14.2f", ns[s]);
	fprintf(f, "\n");
}

static void print_ratio_row(FILE *f, const struct fp_config *cfg,
			    const char *label, const double *ns,
			    const double *base)
{
	fprintf(f, "  %-22s", label);
	for (unsigned s = 0; s < FP_FAST_COUNT; s++)
		if (fp_scen_ran(cfg, s))
			fprintf(f, " %13.2fx", ratio(ns[s], base[s]));
	fprintf(f, "\n");
}

static void print_fast(FILE *f, const struct fp_config *cfg,
		       const struct fp_result *res)
{
	char name[32];

	fprintf(f, "fast path: get+put on an installed range holding one "
		   "extra reference\n(ns per pair, median of %u reps x %llu "
		   "pairs per thread; target / atomic <= %.2fx, shared "
		   "<= %.2fx;\n NAME/cas: the same protocol with the CAS-loop "
		   "fast path)\n\n",
		cfg->reps, (unsigned long long)cfg->iters, FP_TARGET_RATIO,
		FP_TARGET_RATIO_SHARED);
	fprintf(f, "  %-22s", "");
	for (unsigned s = 0; s < FP_FAST_COUNT; s++)
		if (fp_scen_ran(cfg, s))
			fprintf(f, " %14s", fp_fast_name(cfg, s, name, 32));
	fprintf(f, "\n");
	fprintf(f, "  %-22s", "threads overlap");
	for (unsigned s = 0; s < FP_FAST_COUNT; s++)
		if (fp_scen_ran(cfg, s))
			fprintf(f, " %13.0f%%", 100 * res->fast_overlap[s]);
	fprintf(f, "\n");
	print_fast_row(f, cfg, "atomic add+sub", res->atomic_ns);
	print_fast_row(f, cfg, "CAS-loop pair", res->cas_ns);
	for (unsigned i = 0; i < res->n_strategies; i++) {
		const struct fp_strategy_result *r = &res->strat[i];

		print_fast_row(f, cfg, fp_row_name(r, name, sizeof(name)),
			       r->fast_ns);
		print_ratio_row(f, cfg, "  / atomic", r->fast_ns,
				res->atomic_ns);
		print_ratio_row(f, cfg, "  / CAS", r->fast_ns, res->cas_ns);
		fprintf(f, "  %-22s fast-path hits %llu of %llu calls, lock "
			   "acquisitions %llu, PAMT SEAMCALLs %llu, errors "
			   "%llu\n", "",
			(unsigned long long)r->fast_hits,
			(unsigned long long)(2 * r->fast_ops),
			(unsigned long long)r->fast_lock_acquisitions,
			(unsigned long long)r->fast_seamcalls,
			(unsigned long long)r->fast_errors);
	}
}

static void print_slow(FILE *f, const struct fp_config *cfg,
		       const struct fp_result *res)
{
	char name[32];

	fprintf(f, "\nslow path: get+put cycling a range 0->1->0 (one "
		   "PAMT.ADD + one PAMT.REMOVE per cycle;\nns per cycle, "
		   "median of %u reps x %llu cycles per thread; model latency "
		   "0)\n\n", cfg->reps, (unsigned long long)cfg->slow_iters);
	fprintf(f, "  threads overlap:");
	for (unsigned s = 0; s < FP_SLOW_COUNT; s++)
		if (fp_scen_ran(cfg, s))
			fprintf(f, " %s %.0f%%", fp_slow_name(cfg, s, name, 32),
				100 * res->slow_overlap[s]);
	fprintf(f, "\n\n");
	fprintf(f, "  %-12s %-14s %10s %9s %9s %9s %8s %9s %11s %12s %6s\n",
		"strategy", "scenario", "ns/cycle", "cycles", "ADD",
		"REMOVE", "BUSY", "lock acq", "contentions", "lock wait ns",
		"errors");
	for (unsigned i = 0; i < res->n_slow; i++)
		for (unsigned s = 0; s < FP_SLOW_COUNT; s++) {
			const struct fp_slow *w = &res->strat[i].slow[s];

			if (!fp_scen_ran(cfg, s))
				continue;
			fprintf(f, "  %-12s %-14s %10.1f %9llu %9llu %9llu "
				   "%8llu %9llu %11llu %12llu %6llu\n",
				dpamt_strategy_name(res->strat[i].strategy),
				fp_slow_name(cfg, s, name, 32), w->ns_per_cycle,
				(unsigned long long)w->cycles,
				(unsigned long long)w->add_calls,
				(unsigned long long)w->remove_calls,
				(unsigned long long)w->busy_retries,
				(unsigned long long)w->lock_acquisitions,
				(unsigned long long)w->lock_contentions,
				(unsigned long long)w->lock_wait_ns,
				(unsigned long long)w->errors);
		}
}

static void print_churn(FILE *f, const struct fp_config *cfg,
			const struct fp_result *res)
{
	fprintf(f, "\nchurn: %u thread(s), each cycling get+put over %d "
		   "ranges of its own (every cycle a 0->1->0 without idle "
		   "pairs);\nmax_idle_pairs 0 vs %d, the two alternating, "
		   "median of %u reps x %llu cycles per thread\n\n",
		cfg->threads, FP_CHURN_RANGES, FP_CHURN_IDLE, cfg->reps,
		(unsigned long long)cfg->slow_iters);
	fprintf(f, "  %-12s %12s %12s %8s %14s %14s %8s\n", "strategy",
		"ns/cycle 0", "ns/cycle N", "ratio", "ADD+REMOVE 0",
		"ADD+REMOVE N", "ratio");
	for (unsigned i = 0; i < res->n_churn; i++) {
		const struct fp_churn *c = &res->churn[i];
		uint64_t s0 = c->add_calls[0] + c->remove_calls[0];
		uint64_t s1 = c->add_calls[1] + c->remove_calls[1];

		fprintf(f, "  %-12s %12.1f %12.1f %7.2fx %14llu %14llu "
			   "%7.3fx\n", dpamt_strategy_name(c->strategy),
			c->ns_per_cycle[0], c->ns_per_cycle[1],
			ratio(c->ns_per_cycle[1], c->ns_per_cycle[0]),
			(unsigned long long)s0, (unsigned long long)s1,
			ratio((double)s1, (double)s0));
		if (c->errors[0] || c->errors[1])
			fprintf(f, "  %-12s errors %llu / %llu\n", "",
				(unsigned long long)c->errors[0],
				(unsigned long long)c->errors[1]);
	}
}

double fp_slow_scaling(const struct fp_config *cfg,
		       const struct fp_strategy_result *r, bool nowait)
{
	const struct fp_slow *t1 = &r->slow[FP_S1];
	const struct fp_slow *tn = &r->slow[FP_SN_DISTINCT];

	if (!cfg->slow_iters || !fp_scen_ran(cfg, FP_SN_DISTINCT) || r->cas)
		return 0;
	return nowait ? ratio(tn->ns_per_cycle_nowait, t1->ns_per_cycle_nowait)
		      : ratio(tn->ns_per_cycle, t1->ns_per_cycle);
}

/* Strategies whose one install/remove lock covers every range: on
 * distinct ranges they wait for each other by design. */
static bool one_lock(enum dpamt_strategy s)
{
	return s == DPAMT_STRATEGY_GLOBAL_LOCK ||
	       s == DPAMT_STRATEGY_LINUX_V6 || s == DPAMT_STRATEGY_LINUX_V3;
}

/* Each strategy's tN_distinct / t1 slow-path ratio, as measured and with
 * the lock wait taken out, and which strategies the target is for. */
static void print_scaling(FILE *f, const struct fp_config *cfg,
			  const struct fp_result *res)
{
	char name[32];

	if (!fp_scen_ran(cfg, FP_SN_DISTINCT))
		return;
	fprintf(f, "\n  distinct-range scaling, %s / t1 (per-thread ns per "
		   "cycle):\n",
		fp_slow_name(cfg, FP_SN_DISTINCT, name, 32));
	for (int nowait = 0; nowait < 2; nowait++) {
		fprintf(f, "    %-20s", nowait ? "lock wait taken out"
					       : "as measured");
		for (unsigned i = 0; i < res->n_slow; i++)
			fprintf(f, " %s %.2fx",
				dpamt_strategy_name(res->strat[i].strategy),
				fp_slow_scaling(cfg, &res->strat[i], nowait));
		fprintf(f, "\n");
	}
	fprintf(f, "  target <= %.1fx where distinct ranges share no lock "
		   "(hashed, lockless); one-lock\n  strategies (global-lock, "
		   "linux-*) wait for their own lock by design: the first\n"
		   "  line includes that wait, the second shows the rest "
		   "(docs/bench.md).\n",
		FP_SCALING_TARGET);
}

void fp_print(FILE *f, const struct fp_config *cfg,
	      const struct fp_result *res)
{
	print_fast(f, cfg, res);
	if (cfg->slow_iters) {
		print_slow(f, cfg, res);
		print_scaling(f, cfg, res);
	}
	if (res->n_churn)
		print_churn(f, cfg, res);
	fp_print_rss(f, cfg, &res->rss);
	fp_print_frag(f, &res->frag);
	fprintf(f, "\nwall time %.2f s\n", (double)res->wall_ns / 1e9);
}

static json_object *u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *dbl(double v)
{
	return json_object_new_double(v);
}

/* {"t1": v, "t2_distinct": v, ...} over the fast scenarios that ran. */
static json_object *fast_map(const struct fp_config *cfg, const double *v,
			     const double *base)
{
	json_object *o = json_object_new_object();
	char name[32];

	for (unsigned s = 0; s < FP_FAST_COUNT; s++)
		if (fp_scen_ran(cfg, s))
			json_object_object_add(o, fp_fast_name(cfg, s, name,
							       32),
					       dbl(base ? ratio(v[s], base[s]) :
						   v[s]));
	return o;
}

static json_object *slow_map(const struct fp_config *cfg,
			     const struct fp_result *res)
{
	json_object *o = json_object_new_object();
	char name[32];

	for (unsigned s = 0; s < FP_SLOW_COUNT && cfg->slow_iters; s++)
		if (fp_scen_ran(cfg, s))
			json_object_object_add(o, fp_slow_name(cfg, s, name,
							       32),
					       dbl(res->slow_overlap[s]));
	return o;
}

static json_object *slow_json(const struct fp_slow *w)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ns_per_cycle", dbl(w->ns_per_cycle));
	json_object_object_add(o, "cycles", u64(w->cycles));
	json_object_object_add(o, "errors", u64(w->errors));
	json_object_object_add(o, "pamt_add_calls", u64(w->add_calls));
	json_object_object_add(o, "pamt_remove_calls", u64(w->remove_calls));
	json_object_object_add(o, "busy_retries", u64(w->busy_retries));
	json_object_object_add(o, "lock_acquisitions",
			       u64(w->lock_acquisitions));
	json_object_object_add(o, "lock_contentions",
			       u64(w->lock_contentions));
	json_object_object_add(o, "lock_wait_ns", u64(w->lock_wait_ns));
	json_object_object_add(o, "ns_per_cycle_nowait",
			       dbl(w->ns_per_cycle_nowait));
	return o;
}

static json_object *strat_json(const struct fp_config *cfg,
			       const struct fp_result *res,
			       const struct fp_strategy_result *r)
{
	json_object *o = json_object_new_object();
	json_object *slow = json_object_new_object();
	char name[32];

	json_object_object_add(o, "strategy", json_object_new_string(
		dpamt_strategy_name(r->strategy)));
	json_object_object_add(o, "fast_path", json_object_new_string(
		r->cas ? "cas" : "one-atomic"));
	json_object_object_add(o, "fast_ns", fast_map(cfg, r->fast_ns, NULL));
	json_object_object_add(o, "ratio_vs_atomic",
			       fast_map(cfg, r->fast_ns, res->atomic_ns));
	json_object_object_add(o, "ratio_vs_cas",
			       fast_map(cfg, r->fast_ns, res->cas_ns));
	json_object_object_add(o, "fast_ops", u64(r->fast_ops));
	json_object_object_add(o, "fast_path_hits", u64(r->fast_hits));
	json_object_object_add(o, "fast_lock_acquisitions",
			       u64(r->fast_lock_acquisitions));
	json_object_object_add(o, "fast_pamt_seamcalls",
			       u64(r->fast_seamcalls));
	json_object_object_add(o, "fast_errors", u64(r->fast_errors));
	for (unsigned s = 0; s < FP_SLOW_COUNT && cfg->slow_iters && !r->cas;
	     s++)
		if (fp_scen_ran(cfg, s))
			json_object_object_add(slow, fp_slow_name(cfg, s, name,
								  32),
					       slow_json(&r->slow[s]));
	json_object_object_add(o, "slow", slow);
	if (fp_slow_scaling(cfg, r, false) > 0) {
		json_object_object_add(o, "slow_scaling",
				       dbl(fp_slow_scaling(cfg, r, false)));
		json_object_object_add(o, "slow_scaling_nowait",
				       dbl(fp_slow_scaling(cfg, r, true)));
		json_object_object_add(o, "scaling_target_applies",
				       json_object_new_boolean(
					       !one_lock(r->strategy)));
	}
	return o;
}

static json_object *churn_json(const struct fp_result *res)
{
	json_object *list = json_object_new_array();

	for (unsigned i = 0; i < res->n_churn; i++) {
		const struct fp_churn *c = &res->churn[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "strategy", json_object_new_string(
			dpamt_strategy_name(c->strategy)));
		json_object_object_add(o, "max_idle_pairs", u64(FP_CHURN_IDLE));
		for (unsigned w = 0; w < 2; w++) {
			json_object *x = json_object_new_object();

			json_object_object_add(x, "ns_per_cycle",
					       dbl(c->ns_per_cycle[w]));
			json_object_object_add(x, "cycles", u64(c->cycles[w]));
			json_object_object_add(x, "errors", u64(c->errors[w]));
			json_object_object_add(x, "pamt_add_calls",
					       u64(c->add_calls[w]));
			json_object_object_add(x, "pamt_remove_calls",
					       u64(c->remove_calls[w]));
			json_object_object_add(o, w ? "idle" : "eager", x);
		}
		json_object_object_add(o, "ratio_ns", dbl(ratio(
			c->ns_per_cycle[1], c->ns_per_cycle[0])));
		json_object_object_add(o, "ratio_seamcalls", dbl(ratio(
			(double)(c->add_calls[1] + c->remove_calls[1]),
			(double)(c->add_calls[0] + c->remove_calls[0]))));
		json_object_array_add(list, o);
	}
	return list;
}

json_object *fp_json(const struct fp_config *cfg,
		     const struct fp_result *res)
{
	json_object *o = json_object_new_object();
	json_object *list = json_object_new_array();

	json_object_object_add(o, "version", u64(1));
	json_object_object_add(o, "tool_version",
			       json_object_new_string(DPAMT_VERSION_STRING));
	json_object_object_add(o, "threads", u64(cfg->threads));
	json_object_object_add(o, "iters", u64(cfg->iters));
	json_object_object_add(o, "slow_iters", u64(cfg->slow_iters));
	json_object_object_add(o, "reps", u64(cfg->reps));
	json_object_object_add(o, "target_ratio", dbl(FP_TARGET_RATIO));
	json_object_object_add(o, "target_ratio_shared",
			       dbl(FP_TARGET_RATIO_SHARED));
	json_object_object_add(o, "atomic_pair_ns",
			       fast_map(cfg, res->atomic_ns, NULL));
	json_object_object_add(o, "cas_pair_ns",
			       fast_map(cfg, res->cas_ns, NULL));
	json_object_object_add(o, "fast_overlap",
			       fast_map(cfg, res->fast_overlap, NULL));
	json_object_object_add(o, "slow_overlap", slow_map(cfg, res));
	for (unsigned i = 0; i < res->n_strategies; i++)
		json_object_array_add(list, strat_json(cfg, res,
						       &res->strat[i]));
	json_object_object_add(o, "strategies", list);
	json_object_object_add(o, "churn", churn_json(res));
	json_object_object_add(o, "scaling_target", dbl(FP_SCALING_TARGET));
	fp_json_rss(o, &res->rss);
	fp_json_frag(o, &res->frag);
	json_object_object_add(o, "wall_ns", u64(res->wall_ns));
	return o;
}
