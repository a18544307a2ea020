/*
 * scenario_parse.h - turning `dpamt sim` flags and JSON scenario files into
 * a struct sim_scenario plus the front end's output options.
 *
 * Everything here is pure parsing: no file is written, nothing runs, and
 * nothing of the engine is called (the caller seeds the scenario with
 * sim_scenario_default() and checks the result with sim_validate()).
 * Errors come back as -1 with one line in msg saying what is wrong and how
 * to fix it.  Concurrency: no shared state; any thread, any number at once.
 */
#ifndef DPAMT_SIM_SCENARIO_PARSE_H
#define DPAMT_SIM_SCENARIO_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

struct json_object;

/* Longest message a parse error produces (truncated beyond). */
#define SIM_MSG_LEN 256

/* Upper bounds the front end enforces before the engine sees a value. */
#define SIM_MAX_VCPUS 64
#define SIM_MAX_CYCLES 100000u
#define SIM_MAX_THREADS 1024u
#define SIM_MAX_SEAMCALL_NS 10000000ULL /* 10 ms per call */

/* What `dpamt sim` was asked to do besides the scenario itself. */
struct sim_cli {
	struct sim_scenario sc;
	const char *scenario_path; /* --scenario, NULL if none */
	const char *json_path;     /* --json, "-" = stdout, NULL = none */
	const char *timeline_path; /* --timeline, NULL = none */
	const char *plot_path;     /* --plot, NULL = none */
	bool quiet;
	bool help;                 /* --help seen: print usage, exit 0 */
	bool guests_replaced;      /* a --td/--vm already reset the list */
	uint64_t explore;          /* --explore N: seeds to try, 0 = off */
};

#define SIM_MAX_EXPLORE 10000000u

/*
 * units_parse_size() without a message: "4096", "512K", "2M", "16G", "1T"
 * (binary suffixes, case-insensitive, optionally followed by "iB" or
 * "B"; also 0x hex).  0, or -1 if not a size or too big.
 */
int sim_parse_size(const char *s, uint64_t *out);
/* units_parse_u64() without a message: unsigned decimal or 0x hex,
 * without sign or spaces.  0 or -1. */
int sim_parse_u64(const char *s, uint64_t *out);
/* A guest with the defaults: 4 vCPUs, huge 0%, touch 100%, convert 0%. */
void sim_guest_default(struct sim_guest_spec *g, uint64_t size, bool legacy);
/* Size as "16 GiB", "512 MiB", "4 KiB" or "N B" (exact units only). */
const char *sim_format_size(uint64_t bytes, char *buf, unsigned len);

/*
 * Parse argv (argv[0] is the subcommand name, skipped) into cli.  cli->sc
 * must hold the starting scenario (normally sim_scenario_default()); the
 * first --td/--vm replaces its guest list, later ones append.  --scenario
 * loads the file at that point (flags after it override it).  0, or -1
 * with msg set.  --help stops parsing and sets cli->help.
 */
int sim_cli_parse(struct sim_cli *cli, int argc, char **argv, char *msg,
		  unsigned len);

/*
 * The option table behind sim_cli_parse (src/util/cliopt.h), for front
 * ends that take the sim options next to their own (dpamt sweep): every
 * handler's ctx is a struct sim_cli * (or a struct that starts with one).
 */
struct cliopt;
const struct cliopt *sim_cli_options(size_t *n);

/* One --td spec "SIZE[,vcpus=N][,huge=PCT][,touch=PCT][,convert=PCT]"
 * (g->legacy set by the caller first: a --vm takes only SIZE[,vcpus=N]). */
int sim_parse_td_spec(const char *spec, struct sim_guest_spec *g, char *msg,
		      unsigned len);

/*
 * Apply a JSON scenario document (text) to sc: keys present override,
 * "guests" replaces the guest list.  'origin' names the source in
 * messages (a file name).  Unknown or duplicate keys, wrong types and bad
 * values are errors naming the key path ("guests[1].huge").  *had_guests
 * (may be NULL) says whether the document set the guest list.  0 or -1.
 */
int sim_scenario_apply_json(struct sim_scenario *sc, const char *text,
			    const char *origin, bool *had_guests, char *msg,
			    unsigned len);
/* Same, for a document already parsed into a json-c object (built by the
 * caller, e.g. `dpamt sweep`'s one-key documents: no text, so no
 * duplicate key and no NUL to look for). */
int sim_scenario_apply_object(struct sim_scenario *sc,
			      struct json_object *root,
			      const char *origin, bool *had_guests, char *msg,
			      unsigned len);
/* Same, reading the document from a file. */
int sim_scenario_load_json(struct sim_scenario *sc, const char *path,
			   bool *had_guests, char *msg, unsigned len);

/* The strategies this build implements, "global-lock, hashed, ..." (the
 * public ones, never a test-only one).  Concurrency: pure. */
void sim_available_strategies(char *buf, unsigned len);
/* Resolve a strategy name; -1 with msg naming the available ones. */
int sim_parse_strategy(const char *name, enum dpamt_strategy *out, char *msg,
		       unsigned len);
/* "PHYMEM.PAMT.ADD=3000" or "all=0" into lat[]; -1 with msg. */
/* Leaf number of a name (PHYMEM.PAMT.ADD, TDH. optional) or of a decimal
 * or 0x number naming a known leaf (58); -1 if neither. */
int sim_leaf_number(const char *s);
int sim_parse_seamcall_ns(const char *spec, uint64_t *lat, char *msg,
			  unsigned len);

/* The virtual clock's settings (scenario_cost.c).  sim_parse_cost:
 * "fault_ns=2000,transfer_ns=100" into c (keys of SIM_COSTS with _ns).
 * sim_cost_field: the field named "fault_ns", or NULL.  sim_parse_clock:
 * "virtual" or "wall".  sim_parse_sched: "fifo", "random", "pct" or
 * "pct:D" (D 1..SIM_MAX_PCT_DEPTH, into *depth).  Each: 0 or -1 + msg. */
int sim_parse_cost(const char *spec, struct sim_cost *c, char *msg,
		   unsigned len);
uint64_t *sim_cost_field(struct sim_cost *c, const char *name);
const char *sim_cost_name(unsigned i); /* i-th name, NULL past the end */
const char *sim_cost_known(void);      /* "seamcall_entry_ns, ..." */
int sim_parse_clock(const char *v, enum sim_clock *out, char *msg,
		    unsigned len);
int sim_parse_sched(const char *v, enum sim_sched *out, unsigned *depth,
		    char *msg, unsigned len);
const char *sim_sched_name(enum sim_sched s);

/* Usage text of `dpamt sim --help`. */
const char *sim_cli_usage(void);

#endif /* DPAMT_SIM_SCENARIO_PARSE_H */
