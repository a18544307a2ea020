/*
 * scenario_cost.c - the virtual clock's settings as scenario values: the
 * cost model (SIM_COSTS: defaults, "--cost NAME_ns=NS,..." and the JSON
 * "cost" object), the clock ("virtual" / "wall") and the scheduling
 * policy ("fifo", "random", "pct" or "pct:D").  Pure functions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario_parse.h"

static const char *const cost_names[] = {
#define SIM_COST_NAME(n, d, w) #n "_ns",
	SIM_COSTS(SIM_COST_NAME)
#undef SIM_COST_NAME
};
#define N_COSTS (sizeof(cost_names) / sizeof(cost_names[0]))

void sim_cost_default(struct sim_cost *c)
{
#define SIM_COST_DEFAULT(n, d, w) c->n##_ns = d;
	SIM_COSTS(SIM_COST_DEFAULT)
#undef SIM_COST_DEFAULT
}

/* The field of c named name ("fault_ns"), or NULL. */
uint64_t *sim_cost_field(struct sim_cost *c, const char *name)
{
	uint64_t *f[] = {
#define SIM_COST_PTR(n, d, w) &c->n##_ns,
		SIM_COSTS(SIM_COST_PTR)
#undef SIM_COST_PTR
	};

	for (size_t i = 0; i < N_COSTS; i++)
		if (!strcmp(name, cost_names[i]))
			return f[i];
	return NULL;
}

const char *sim_cost_name(unsigned i)
{
	return i < N_COSTS ? cost_names[i] : NULL;
}

const char *sim_cost_known(void)
{
	return "seamcall_entry_ns, fault_ns, page_zero_ns, atomic_ns, "
	       "transfer_ns, relax_ns, cpu_switch_ns";
}

int sim_parse_cost(const char *spec, struct sim_cost *c, char *msg,
		   unsigned len)
{
	char buf[512], *save = NULL, *tok;

	if (!*spec || strlen(spec) >= sizeof(buf) ||
	    spec[strlen(spec) - 1] == ',' || strstr(spec, ",,") ||
	    spec[0] == ',') {
		snprintf(msg, len, "--cost '%s': expected NAME=NS[,NAME=NS...] "
			 "(e.g. --cost fault_ns=2000,transfer_ns=100)", spec);
		return -1;
	}
	strcpy(buf, spec);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t *f, ns;

		if (eq)
			*eq = '\0';
		f = eq ? sim_cost_field(c, tok) : NULL;
		if (!f) {
			snprintf(msg, len, "--cost: unknown cost '%s' (known: "
				 "%s; per-leaf latency is --seamcall-ns)", tok,
				 sim_cost_known());
			return -1;
		}
		if (sim_parse_u64(eq + 1, &ns) || ns > SIM_MAX_SEAMCALL_NS) {
			snprintf(msg, len, "--cost %s: '%s' is not a time in ns "
				 "(0..%llu)", tok, eq + 1,
				 (unsigned long long)SIM_MAX_SEAMCALL_NS);
			return -1;
		}
		*f = ns;
	}
	return 0;
}

int sim_parse_clock(const char *v, enum sim_clock *out, char *msg,
		    unsigned len)
{
	if (!strcmp(v, "virtual")) {
		*out = SIM_CLOCK_VIRTUAL;
	} else if (!strcmp(v, "wall")) {
		*out = SIM_CLOCK_WALL;
	} else {
		snprintf(msg, len, "--clock: '%s' is not a clock (use virtual "
			 "or wall)", v);
		return -1;
	}
	return 0;
}

int sim_parse_sched(const char *v, enum sim_sched *out, unsigned *depth,
		    char *msg, unsigned len)
{
	uint64_t d;

	if (!strcmp(v, "fifo") || !strcmp(v, "random") || !strcmp(v, "pct")) {
		*out = v[0] == 'f' ? SIM_SCHED_FIFO : v[0] == 'r' ?
			SIM_SCHED_RANDOM : SIM_SCHED_PCT;
		return 0;
	}
	if (!strncmp(v, "pct:", 4) && sim_parse_u64(v + 4, &d) == 0 &&
	    d >= 1 && d <= SIM_MAX_PCT_DEPTH) {
		*out = SIM_SCHED_PCT;
		*depth = (unsigned)d;
		return 0;
	}
	snprintf(msg, len, "--sched: '%s' is not a policy (use fifo, random, "
		 "pct or pct:D with D = 1..%u)", v, SIM_MAX_PCT_DEPTH);
	return -1;
}

const char *sim_sched_name(enum sim_sched s)
{
	return s == SIM_SCHED_RANDOM ? "random" :
	       s == SIM_SCHED_PCT ? "pct" : "fifo";
}
