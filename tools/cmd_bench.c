/*
 * cmd_bench.c - `dpamt bench`: the get/put fast-path and slow-path
 * benchmark (bench/fastpath) from the command line.  Reports, never judges:
 * exit 0 when it ran, 1 if the run itself failed or an output was not
 * written, 2 on bad usage (docs/cli.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/fastpath/fastpath.h"
#include "sim/scenario_parse.h"
#include "util/cliopt.h"
#include "util/errmsg.h"
#include "util/outfile.h"
#include "util/units.h"
#include "commands.h"

/* Documented bounds (docs/bench.md, --help): per thread per rep, and
 * over all reps, so that no accepted command line runs for hours. */
#define BENCH_MAX_ITERS 100000000ULL      /* 10^8 fast-path pairs */
#define BENCH_MAX_SLOW_ITERS 1000000ULL   /* 10^6 slow-path cycles */
#define BENCH_MAX_REPS 1000
#define BENCH_MAX_FAST_WORK 1000000000ULL /* iters x reps <= 10^9 */
#define BENCH_MAX_SLOW_WORK 10000000ULL   /* slow-iters x reps <= 10^7 */
#define BENCH_MAX_RSS_GIB 16              /* sim RSS rows: TDs <= 256 GiB */

struct bench_opts {
	struct fp_config cfg;
	bool slow_set;
	const char *json;
};

static void bench_usage(FILE *f)
{
	fprintf(f,
		"usage: dpamt bench [--strategy NAME|all] [--threads N] "
		"[--iters N]\n"
		"                   [--slow-iters N] [--reps N] "
		"[--json FILE|-] [--sim-rss GIB]\n\n"
		"Fast path: get+put on an installed range (refcount 1<->2) vs "
		"a bare\natomic fetch_add+fetch_sub pair and a CAS pair; 1 "
		"thread, N threads on\ndistinct ranges, N on one range.  Slow "
		"path: get+put cycling 0->1->0\n(PAMT.ADD+REMOVE) on 1 thread, "
		"N on distinct ranges, N on neighbouring\nranges.  Medians "
		"over interleaved repetitions; model latency 0.\n"
		"NAME/cas rows: the same strategy with the CAS-loop fast "
		"path.  Churn rows:\nget+put bouncing 64 ranges per thread "
		"with 0 vs 1024 idle pairs.\nFragmented-host rows: dpamt "
		"sim churn with --host-frag 90, 0 vs 1024 idle\npairs "
		"(virtual time).\n\n"
		"  --strategy NAME|all  default global-lock; all: every "
		"built production strategy\n"
		"                       (the references linux-v6, linux-v3 "
		"by name only)\n"
		"  --threads N          threads of the multi-thread scenarios, "
		"1..%d (default 2)\n"
		"  --iters N            fast-path pairs per thread per rep, "
		"1..10^8 (default\n"
		"                       50000); iters x reps at most 10^9\n"
		"  --slow-iters N       slow-path cycles per thread per rep, "
		"0..10^6 (default\n"
		"                       iters/100, at least 10; 0 skips the "
		"slow path);\n"
		"                       slow-iters x reps at most 10^7\n"
		"  --reps N             repetitions, median reported, "
		"1..1000 (default 31)\n"
		"  --json FILE|-        also write JSON to FILE; '-': JSON "
		"only, on stdout\n"
		"  --sim-rss GIB        sim RSS per GiB: one TD of GIB and "
		"2xGIB GiB at 4K,\n"
		"                       8x and 16x at 2M, 0..16 (default 4; "
		"0 skips these\n"
		"                       and the fragmented-host rows)\n\n"
		"Reports, never judges: 'failed check' below means the "
		"benchmark could not run.\n%s",
		FP_MAX_THREADS, CLI_EXIT_HELP);
}

/* The linux-* references are benchmarked only when named. */
static bool reference(enum dpamt_strategy s)
{
	return s == DPAMT_STRATEGY_LINUX_V6 || s == DPAMT_STRATEGY_LINUX_V3;
}

static int opt_strategy(void *ctx, const char *v, char *msg, size_t len)
{
	struct bench_opts *o = ctx;
	int s;

	memset(o->cfg.strategies, 0, sizeof(o->cfg.strategies));
	if (!strcmp(v, "all")) {
		for (unsigned i = 0; i < DPAMT_STRATEGY_COUNT; i++)
			o->cfg.strategies[i] = dpamt_strategy_available(i) &&
					       !reference(i);
		return 0;
	}
	s = dpamt_strategy_from_name(v);
	if (s < 0) {
		char avail[160];

		sim_available_strategies(avail, sizeof(avail));
		return errmsg(msg, len, "--strategy '%s': unknown strategy "
			      "(available: all, %s)", v, avail);
	}
	if (!dpamt_strategy_available(s))
		return errmsg(msg, len, "--strategy '%s': not built in this "
			      "version", v);
	if (s >= DPAMT_STRATEGY_COUNT) /* a test-only strategy linked in */
		return errmsg(msg, len, "--strategy '%s': test only, not "
			      "benchmarked", v);
	o->cfg.strategies[s] = true;
	return 0;
}

/* A count in [min, max] for opt; -1 with msg naming opt and v. */
static int number(const char *opt, const char *v, uint64_t min, uint64_t max,
		  uint64_t *out, char *msg, size_t len)
{
	char err[160];

	if (units_parse_uint_range(v, min, max, out, err, sizeof(err)))
		return errmsg(msg, len, "%s %s", opt, err);
	return 0;
}

/* number() into an unsigned (max fits one). */
static int number_u(const char *opt, const char *v, unsigned min,
		    unsigned max, unsigned *out, char *msg, size_t len)
{
	uint64_t n;

	if (number(opt, v, min, max, &n, msg, len))
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int opt_threads(void *ctx, const char *v, char *msg, size_t len)
{
	struct bench_opts *o = ctx;

	return number_u("--threads", v, 1, FP_MAX_THREADS, &o->cfg.threads,
			msg, len);
}

static int opt_iters(void *ctx, const char *v, char *msg, size_t len)
{
	struct bench_opts *o = ctx;

	return number("--iters", v, 1, BENCH_MAX_ITERS, &o->cfg.iters, msg,
		      len);
}

static int opt_slow_iters(void *ctx, const char *v, char *msg, size_t len)
{
	struct bench_opts *o = ctx;

	o->slow_set = true;
	return number("--slow-iters", v, 0, BENCH_MAX_SLOW_ITERS,
		      &o->cfg.slow_iters, msg, len);
}

static int opt_reps(void *ctx, const char *v, char *msg, size_t len)
{
	struct bench_opts *o = ctx;

	return number_u("--reps", v, 1, BENCH_MAX_REPS, &o->cfg.reps, msg,
			len);
}

static int opt_json(void *ctx, const char *v, char *msg, size_t len)
{
	struct bench_opts *o = ctx;

	return cliopt_out_once("--json", "file name", v, &o->json, msg, len);
}

static int opt_sim_rss(void *ctx, const char *v, char *msg, size_t len)
{
	struct bench_opts *o = ctx;

	return number_u("--sim-rss", v, 0, BENCH_MAX_RSS_GIB,
			&o->cfg.rss_gib, msg, len);
}

static const struct cliopt bench_opts_table[] = {
	{"--strategy", "all", opt_strategy},
	{"--threads", "2", opt_threads},
	{"--iters", "50000", opt_iters},
	{"--slow-iters", "500", opt_slow_iters},
	{"--reps", "31", opt_reps},
	{"--json", "bench.json", opt_json},
	{"--sim-rss", "4", opt_sim_rss},
};

static const struct cliopt_spec bench_spec = {
	"bench", bench_opts_table,
	sizeof(bench_opts_table) / sizeof(bench_opts_table[0]), NULL,
};

/* The totals over all reps are bounded too; 0 or 2 (message printed). */
static int check_work(const struct bench_opts *o)
{
	char msg[256];

	if (o->cfg.iters * o->cfg.reps > BENCH_MAX_FAST_WORK) {
		snprintf(msg, sizeof(msg), "--iters %llu x --reps %u is more "
			 "than %llu fast-path pairs per thread",
			 (unsigned long long)o->cfg.iters, o->cfg.reps,
			 BENCH_MAX_FAST_WORK);
		return cliopt_fail("bench", msg);
	}
	if (o->cfg.slow_iters * o->cfg.reps > BENCH_MAX_SLOW_WORK) {
		snprintf(msg, sizeof(msg), "--slow-iters %llu x --reps %u is "
			 "more than %llu slow-path cycles per thread (give a "
			 "smaller --slow-iters)",
			 (unsigned long long)o->cfg.slow_iters, o->cfg.reps,
			 BENCH_MAX_SLOW_WORK);
		return cliopt_fail("bench", msg);
	}
	return 0;
}

/* 0: go on; 1: --help printed; 2: bad usage (message printed). */
static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	char msg[256];

	switch (cliopt_parse(&bench_spec, o, argc, argv, msg, sizeof(msg))) {
	case CLIOPT_RUN:
		break;
	case CLIOPT_HELP:
		bench_usage(stdout);
		return 1;
	default:
		return cliopt_fail("bench", msg);
	}
	if (!o->slow_set)
		o->cfg.slow_iters = o->cfg.iters / 100 > 10 ?
				    o->cfg.iters / 100 : 10;
	return check_work(o);
}

/* The JSON report written and committed; 0 or 1 (message printed). */
static int write_json(const struct bench_opts *o, struct outfile *out,
		      const struct fp_result *res)
{
	json_object *j = fp_json(&o->cfg, res);
	char msg[512];
	int rc = 0;

	if (fprintf(out->f, "%s\n", json_object_to_json_string_ext(
			j, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED)) < 0) {
		snprintf(msg, sizeof(msg), "--json: writing '%s' failed",
			 o->json);
		outfile_discard(out);
		rc = 1;
	} else if (outfile_commit(out, msg, sizeof(msg))) {
		rc = 1;
	}
	if (rc)
		fprintf(stderr, "dpamt bench: %s\n", msg);
	json_object_put(j);
	return rc;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	struct fp_result *res;
	struct outfile jf = {0};
	char err[512];
	int rc;

	memset(&o, 0, sizeof(o));
	fp_config_default(&o.cfg);
	/* Called by dpamt's dispatcher (argv[0] "bench"): this very binary
	 * runs `sim` for the RSS rows. */
	if (argc > 0 && !strcmp(argv[0], "bench"))
		o.cfg.sim_exe = "/proc/self/exe";
	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (o.json && outfile_open(&jf, "--json", o.json, true, err,
				   sizeof(err))) {
		fprintf(stderr, "dpamt bench: %s\n", err);
		return CLI_EXIT_FAILED;
	}
	res = calloc(1, sizeof(*res));
	if (!res || fp_run(&o.cfg, res, err, sizeof(err))) {
		fprintf(stderr, "dpamt bench: %s\n", res ? err :
			"out of memory");
		outfile_discard(&jf);
		free(res);
		return CLI_EXIT_FAILED;
	}
	if (jf.kind != OUTFILE_STDOUT)
		fp_print(stdout, &o.cfg, res);
	if (o.json)
		rc = write_json(&o, &jf, res);
	free(res);
	return rc;
}
