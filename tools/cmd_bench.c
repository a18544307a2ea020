/*
 * cmd_bench.c - `dpamt bench`: the get/put fast-path and slow-path
 * benchmark (bench/fastpath) from the command line.  Also the front end
 * of the standalone dpamt-bench-fastpath binary.  Reports, never judges:
 * exit 0 when it ran, 1 if the run itself failed, 2 on bad usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bench/fastpath/fastpath.h"
#include "util/units.h"
#include "commands.h"

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
		"[--json FILE|-]\n\n"
		"Fast path: get+put on an installed range (refcount 1<->2) vs "
		"a bare\natomic fetch_add+fetch_sub pair and a CAS pair; 1 "
		"thread, N threads on\ndistinct ranges, N on one range.  Slow "
		"path: get+put cycling 0->1->0\n(PAMT.ADD+REMOVE) on 1 thread, "
		"N on distinct ranges, N on neighbouring\nranges.  Medians "
		"over interleaved repetitions; model latency 0.\n\n"
		"  --strategy NAME|all  default global-lock; all: every "
		"built non-test strategy\n"
		"  --threads N          threads of the multi-thread scenarios, "
		"1..%d (default 2)\n"
		"  --iters N            fast-path pairs per thread per rep "
		"(default 50000)\n"
		"  --slow-iters N       slow-path cycles per thread per rep "
		"(default iters/100,\n"
		"                       at least 10; 0 skips the slow path)\n"
		"  --reps N             repetitions, median reported "
		"(default 31)\n"
		"  --json FILE|-        also write JSON to FILE; '-': JSON "
		"only, on stdout\n",
		FP_MAX_THREADS);
}

static int bad(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* One line on stderr saying what is wrong; exit status 2. */
static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dpamt bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try: dpamt bench --help)\n");
	return 2;
}

static bool test_only(enum dpamt_strategy s)
{
	return !strncmp(dpamt_strategy_name(s), "broken-", 7);
}

static int set_strategy(struct bench_opts *o, const char *v)
{
	int s;

	memset(o->cfg.strategies, 0, sizeof(o->cfg.strategies));
	if (!strcmp(v, "all")) {
		for (unsigned i = 0; i < DPAMT_STRATEGY_COUNT; i++)
			o->cfg.strategies[i] = dpamt_strategy_available(i) &&
					       !test_only(i);
		return 0;
	}
	s = dpamt_strategy_from_name(v);
	if (s < 0)
		return bad("--strategy '%s': unknown strategy", v);
	if (!dpamt_strategy_available(s))
		return bad("--strategy '%s': not built in this version", v);
	o->cfg.strategies[s] = true;
	return 0;
}

static int set_number(const char *opt, const char *v, uint64_t min,
		      uint64_t max, uint64_t *out)
{
	char err[160];

	if (units_parse_uint_range(v, min, max, out, err, sizeof(err)))
		return bad("%s %s", opt, err);
	return 0;
}

static int apply(struct bench_opts *o, const char *opt, const char *v)
{
	uint64_t n;
	int rc;

	if (!strcmp(opt, "--strategy"))
		return set_strategy(o, v);
	if (!strcmp(opt, "--json")) {
		o->json = v;
		return 0;
	}
	if (!strcmp(opt, "--threads")) {
		rc = set_number(opt, v, 1, FP_MAX_THREADS, &n);
		o->cfg.threads = (unsigned)n;
	} else if (!strcmp(opt, "--iters")) {
		rc = set_number(opt, v, 1, 1ULL << 40, &o->cfg.iters);
	} else if (!strcmp(opt, "--slow-iters")) {
		rc = set_number(opt, v, 0, 1ULL << 40, &o->cfg.slow_iters);
		o->slow_set = true;
	} else if (!strcmp(opt, "--reps")) {
		rc = set_number(opt, v, 1, 1000, &n);
		o->cfg.reps = (unsigned)n;
	} else {
		return bad("unknown option '%s'", opt);
	}
	return rc;
}

static const char *const value_opts[] = {
	"--strategy", "--threads", "--iters", "--slow-iters", "--reps",
	"--json",
};

static bool is_value_opt(const char *opt)
{
	for (size_t k = 0; k < sizeof(value_opts) / sizeof(*value_opts); k++)
		if (!strcmp(opt, value_opts[k]))
			return true;
	return false;
}

/* 0: go on; 1: --help printed; 2: bad usage (message printed). */
static int parse_args(int argc, char **argv, struct bench_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '='), *v;
		size_t l = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		char opt[32];
		int rc;

		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			bench_usage(stdout);
			return 1;
		}
		if (l >= sizeof(opt))
			return bad("unknown option '%s'", argv[i]);
		memcpy(opt, argv[i], l);
		opt[l] = '\0';
		if (!is_value_opt(opt))
			return bad("unknown option '%s'", argv[i]);
		if (eq)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else
			return bad("%s needs a value", opt);
		if ((rc = apply(o, opt, v)))
			return rc;
	}
	return 0;
}

static int open_json(const char *path, FILE **f)
{
	*f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!*f)
		return bad("--json %s: %s", path, strerror(errno));
	return 0;
}

static int write_json(const struct bench_opts *o, FILE *f,
		      const struct fp_result *res)
{
	json_object *j = fp_json(&o->cfg, res);
	int rc = 0;

	if (fprintf(f, "%s\n", json_object_to_json_string_ext(
			j, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED)) < 0)
		rc = 1;
	if (f != stdout && fclose(f))
		rc = 1;
	if (rc)
		fprintf(stderr, "dpamt bench: writing %s failed\n", o->json);
	json_object_put(j);
	return rc;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	struct fp_result *res;
	FILE *jf = NULL;
	char err[256];
	int rc;

	memset(&o, 0, sizeof(o));
	fp_config_default(&o.cfg);
	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc == 1 ? 0 : rc;
	if (!o.slow_set)
		o.cfg.slow_iters = o.cfg.iters / 100 > 10 ?
				   o.cfg.iters / 100 : 10;
	if (o.json && (rc = open_json(o.json, &jf)))
		return rc;
	res = calloc(1, sizeof(*res));
	if (!res || fp_run(&o.cfg, res, err, sizeof(err))) {
		fprintf(stderr, "dpamt bench: %s\n", res ? err :
			"out of memory");
		if (jf && jf != stdout)
			fclose(jf);
		free(res);
		return 1;
	}
	if (!o.json || strcmp(o.json, "-"))
		fp_print(stdout, &o.cfg, res);
	if (jf)
		rc = write_json(&o, jf, res);
	free(res);
	return rc;
}
