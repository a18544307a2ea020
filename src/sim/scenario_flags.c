/*
 * scenario_flags.c - the `dpamt sim` command line: one table of options,
 * each with a handler that parses its value into struct sim_cli.
 * Parsed by the common CLI parser (src/util/cliopt.h).  Pure: nothing is opened except
 * a --scenario file, which is read.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_parse.h"
#include "util/cliopt.h"

static int bad_number(const char *opt, const char *v, const char *what,
		      char *msg, unsigned len)
{
	snprintf(msg, len, "%s: '%s' is not %s", opt, v, what);
	return -1;
}

static int opt_host_mem(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;
	uint64_t size;

	if (sim_parse_size(v, &size) || size == 0 || size > SIM_MAX_HOST_MEM)
		return bad_number("--host-mem", v, "a size from 1G to 16T "
				  "(bytes or K/M/G/T, e.g. 64G)", msg, len);
	cli->sc.host_mem = size;
	return 0;
}

static int add_guest(struct sim_cli *cli, const char *v, bool legacy,
		     char *msg, unsigned len)
{
	struct sim_guest_spec g;

	memset(&g, 0, sizeof(g));
	g.legacy = legacy;
	if (sim_parse_td_spec(v, &g, msg, len))
		return -1;
	if (!cli->guests_replaced) {
		cli->sc.n_guests = 0;
		cli->guests_replaced = true;
	}
	if (cli->sc.n_guests >= SIM_MAX_GUESTS) {
		snprintf(msg, len, "too many guests (at most %d --td/--vm)",
			 SIM_MAX_GUESTS);
		return -1;
	}
	cli->sc.guests[cli->sc.n_guests++] = g;
	return 0;
}

static int opt_td(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return add_guest(cli, v, false, msg, len);
}

static int opt_vm(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return add_guest(cli, v, true, msg, len);
}

static int opt_cycles(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;
	uint64_t n;

	if (sim_parse_u64(v, &n) || n < 1 || n > SIM_MAX_CYCLES) {
		snprintf(msg, len, "--cycles: '%s' is not a cycle count "
			 "(1..%u)", v, SIM_MAX_CYCLES);
		return -1;
	}
	cli->sc.cycles = (unsigned)n;
	return 0;
}

static int opt_pamt(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	if (!strcmp(v, "dynamic")) {
		cli->sc.mode = DPAMT_MODE_DYNAMIC;
	} else if (!strcmp(v, "static")) {
		cli->sc.mode = DPAMT_MODE_STATIC;
	} else {
		snprintf(msg, len, "--pamt: '%s' is not a PAMT mode "
			 "(use dynamic or static)", v);
		return -1;
	}
	return 0;
}

static int opt_strategy(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return sim_parse_strategy(v, &cli->sc.strategy, msg, len);
}

/* A count 1..max for a --threads-like flag; -1 with msg
 * ("'<v>' is not a <what> (1..max; omit it for <dflt>)"). */
static int parse_count(const char *flag, const char *what, const char *dflt,
		       unsigned max, const char *v, unsigned *out, char *msg,
		       unsigned len)
{
	uint64_t n;

	if (sim_parse_u64(v, &n) || n < 1 || n > max) {
		snprintf(msg, len, "%s: '%s' is not a %s (1..%u; omit it for "
			 "%s)", flag, v, what, max, dflt);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int opt_threads(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_count("--threads", "thread count", "one thread per vCPU",
			   SIM_MAX_THREADS, v, &cli->sc.threads, msg, len);
}

static int opt_pcpus(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_count("--pcpus", "CPU count", "one per vCPU",
			   SIM_MAX_THREADS, v, &cli->sc.pcpus, msg, len);
}

static int opt_seed(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	if (sim_parse_u64(v, &cli->sc.seed))
		return bad_number("--seed", v, "a seed (an unsigned 64-bit "
				  "integer)", msg, len);
	return 0;
}

static int opt_explore(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	if (sim_parse_u64(v, &cli->explore) || cli->explore == 0 ||
	    cli->explore > SIM_MAX_EXPLORE) {
		cli->explore = 0;
		return bad_number("--explore", v, "a number of seeds "
				  "(1..10000000)", msg, len);
	}
	return 0;
}

static int opt_seamcall_ns(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return sim_parse_seamcall_ns(v, cli->sc.seamcall_ns, msg, len);
}

/* A BUSY injection rate, 0 <= p < 1; -1 with msg naming flag and v. */
static int parse_rate(const char *flag, const char *v, double *out,
		      char *msg, size_t len)
{
	char *end;
	double p = strtod(v, &end);

	if (end == v || *end != '\0' || !isfinite(p) || p < 0.0 || p >= 1.0)
		return bad_number(flag, v, "a probability (0 <= p < 1, e.g. "
				  "0.01)", msg, len);
	*out = p;
	return 0;
}

static int opt_busy_inject(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_rate("--busy-inject", v, &cli->sc.busy_inject, msg, len);
}

static int opt_busy_inject_lock(void *ctx, const char *v, char *msg,
				size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_rate("--busy-inject-lock", v, &cli->sc.busy_inject_lock,
			  msg, len);
}

/* on|off into *out; else a message naming opt. */
static int on_off(const char *opt, const char *v, bool *out, char *msg,
		  size_t len)
{
	if (strcmp(v, "on") && strcmp(v, "off")) {
		snprintf(msg, len, "%s: '%s' is not on or off", opt, v);
		return -1;
	}
	*out = !strcmp(v, "on");
	return 0;
}

static int opt_pair_pool(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return on_off("--pair-pool", v, &cli->sc.pair_pool, msg, len);
}

static int opt_clock(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return sim_parse_clock(v, &cli->sc.clock, msg, (unsigned)len);
}

static int opt_sched(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return sim_parse_sched(v, &cli->sc.sched, &cli->sc.pct_depth, msg,
			       (unsigned)len);
}

static int opt_cost(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return sim_parse_cost(v, &cli->sc.cost, msg, (unsigned)len);
}

static int opt_shared_ranges(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return on_off("--shared-ranges", v, &cli->sc.shared_ranges, msg, len);
}

/* v as an integer min..max into *out; -1 with msg ("FLAG: 'v' is not
 * WHAT (min..max)") otherwise. */
static int parse_range(const char *flag, const char *v, const char *what,
		       unsigned min, unsigned max, unsigned *out, char *msg,
		       size_t len)
{
	uint64_t n;
	char range[96];

	if (sim_parse_u64(v, &n) || n < min || n > max) {
		snprintf(range, sizeof(range), "%s (%u..%u)", what, min, max);
		return bad_number(flag, v, range, msg, (unsigned)len);
	}
	*out = (unsigned)n;
	return 0;
}

static int opt_idle_pairs(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_range("--idle-pairs", v, "a pair count", 0,
			   SIM_MAX_IDLE_PAIRS, &cli->sc.idle_pairs, msg, len);
}

static int opt_low_watermark(void *ctx, const char *v, char *msg,
			     size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_range("--low-watermark", v, "a percent of host memory",
			   0, SIM_MAX_LOW_WATERMARK, &cli->sc.low_watermark_pct,
			   msg, len);
}

static int opt_host_frag(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_range("--host-frag", v,
			   "a percent of each fragmented 2 MiB block", 0,
			   SIM_MAX_HOST_FRAG, &cli->sc.host_frag_pct, msg,
			   len);
}

static int opt_busy_attempts(void *ctx, const char *v, char *msg,
			     size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_count("--busy-attempts", "count of attempts", "4096",
			   SIM_MAX_BUSY_ATTEMPTS, v, &cli->sc.busy_attempts,
			   msg, len);
}

static int opt_scenario(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;
	bool had_guests = false;

	if (cli->scenario_path) {
		snprintf(msg, len, "--scenario given twice (give one file)");
		return -1;
	}
	cli->scenario_path = v;
	if (sim_scenario_load_json(&cli->sc, v, &had_guests, msg, len))
		return -1;
	if (had_guests)
		cli->guests_replaced = false;
	return 0;
}

/* An output path: non-empty; "-" (stdout) only where allow_dash; given
 * once (a second one would leave the first file silently unwritten). */
static int out_path(const char *opt, const char *v, bool allow_dash,
		    const char **out, char *msg, unsigned len)
{
	if (*out) {
		snprintf(msg, len, "%s given twice ('%s' and '%s'): one "
			 "output file per option", opt, *out, v);
		return -1;
	}
	if (!*v || (!allow_dash && !strcmp(v, "-"))) {
		snprintf(msg, len, "%s: '%s' is not a file name%s", opt, v,
			 allow_dash ? " (use - for stdout)" : "");
		return -1;
	}
	*out = v;
	return 0;
}

static int opt_json(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return out_path("--json", v, true, &cli->json_path, msg, len);
}

static int opt_timeline(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return out_path("--timeline", v, false, &cli->timeline_path, msg, len);
}

static int opt_plot(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return out_path("--plot", v, false, &cli->plot_path, msg, len);
}

static int opt_quiet(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	cli->quiet = true;
	cli->sc.quiet = true;
	return 0;
}

static int opt_hkids(void *ctx, const char *v, char *msg, size_t len)
{
	struct sim_cli *cli = ctx;

	return parse_range("--hkids", v, "a count of private HKIDs",
			   SIM_MIN_HKIDS, SIM_MAX_HKIDS, &cli->sc.hkids, msg,
			   len);
}

static const struct cliopt opts[] = {
	{"--host-mem", "64G", opt_host_mem},
	{"--td", "1G,vcpus=2,huge=50", opt_td},
	{"--vm", "512M", opt_vm},
	{"--cycles", "3", opt_cycles},
	{"--pamt", "static", opt_pamt},
	{"--strategy", "global-lock", opt_strategy},
	{"--threads", "2", opt_threads},
	{"--pcpus", "2", opt_pcpus},
	{"--seed", "7", opt_seed},
	{"--explore", "100", opt_explore},
	{"--seamcall-ns", "PHYMEM.PAMT.ADD=3000", opt_seamcall_ns},
	{"--busy-inject", "0.01", opt_busy_inject},
	{"--busy-inject-lock", "0.01", opt_busy_inject_lock},
	{"--busy-attempts", "16", opt_busy_attempts},
	{"--pair-pool", "on", opt_pair_pool},
	{"--shared-ranges", "on", opt_shared_ranges},
	{"--idle-pairs", "1024", opt_idle_pairs},
	{"--hkids", "127", opt_hkids},
	{"--low-watermark", "5", opt_low_watermark},
	{"--host-frag", "90", opt_host_frag},
	{"--clock", "wall", opt_clock},
	{"--sched", "pct:3", opt_sched},
	{"--cost", "fault_ns=2000", opt_cost},
	{"--scenario", "run.json", opt_scenario},
	{"--json", "report.json", opt_json},
	{"--timeline", "timeline.csv", opt_timeline},
	{"--plot", "timeline.svg", opt_plot},
	{"--quiet", NULL, opt_quiet},
};

static const struct cliopt_spec spec = {
	"sim", opts, sizeof(opts) / sizeof(opts[0]), NULL,
};

/* Concurrency: pure (a constant table). */
const struct cliopt *sim_cli_options(size_t *n)
{
	*n = spec.n_opts;
	return spec.opts;
}

int sim_cli_parse(struct sim_cli *cli, int argc, char **argv, char *msg,
		  unsigned len)
{
	switch (cliopt_parse(&spec, cli, argc, argv, msg, len)) {
	case CLIOPT_HELP:
		cli->help = true;
		return 0;
	case CLIOPT_RUN:
		return 0;
	default:
		return -1;
	}
}
