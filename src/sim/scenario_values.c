/*
 * scenario_values.c - value parsers shared by the flag and JSON scenario
 * readers: strategy names, per-leaf SEAMCALL latencies, TD specs.
 * Pure functions; messages are one line without a trailing newline.
 */
#include <stdio.h>
#include <string.h>

#include "sim/scenario_parse.h"

/* "global-lock, hashed" - every strategy this build implements. */
void sim_available_strategies(char *buf, unsigned len)
{
	unsigned used = 0;

	buf[0] = '\0';
	for (int s = 0; s < DPAMT_STRATEGY_COUNT; s++) {
		if (!dpamt_strategy_available((enum dpamt_strategy)s))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "",
				 dpamt_strategy_name((enum dpamt_strategy)s));
		if (n < 0 || (unsigned)n >= len - used)
			break;
		used += (unsigned)n;
	}
}

int sim_parse_strategy(const char *name, enum dpamt_strategy *out, char *msg,
		       unsigned len)
{
	char avail[160];
	int s = dpamt_strategy_from_name(name);

	sim_available_strategies(avail, sizeof(avail));
	if (s < 0) {
		snprintf(msg, len, "unknown strategy '%s' (available: %s)",
			 name, avail);
		return -1;
	}
	if (!dpamt_strategy_available((enum dpamt_strategy)s)) {
		snprintf(msg, len,
			 "strategy '%s' is not available in this build "
			 "(available: %s)", name, avail);
		return -1;
	}
	*out = (enum dpamt_strategy)s;
	return 0;
}

static const unsigned all_leaves[] = {
#define SIM_LEAF_NUM(sym, num, name) num,
	DPAMT_TDX_LEAVES(SIM_LEAF_NUM)
#undef SIM_LEAF_NUM
};

int sim_leaf_number(const char *s)
{
	uint64_t n;

	if (sim_parse_u64(s, &n) == 0)
		return n < DPAMT_TDX_LEAF_MAX &&
				       dpamt_tdx_leaf_name((unsigned)n)
			       ? (int)n
			       : -1;
	return dpamt_tdx_leaf_from_name(s);
}

int sim_parse_seamcall_ns(const char *spec, uint64_t *lat, char *msg,
			  unsigned len)
{
	const char *eq = strchr(spec, '=');
	char leaf[64];
	uint64_t ns;
	int num = -1;

	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(leaf)) {
		snprintf(msg, len, "--seamcall-ns '%s': expected LEAF=NS, "
			 "e.g. PHYMEM.PAMT.ADD=3000 or all=0", spec);
		return -1;
	}
	memcpy(leaf, spec, (size_t)(eq - spec));
	leaf[eq - spec] = '\0';
	if (strcmp(leaf, "all") && (num = sim_leaf_number(leaf)) < 0) {
		snprintf(msg, len, "--seamcall-ns: unknown leaf '%s' (use a "
			 "name like PHYMEM.PAMT.ADD, a leaf number like 58, "
			 "or all)", leaf);
		return -1;
	}
	if (sim_parse_u64(eq + 1, &ns) || ns > SIM_MAX_SEAMCALL_NS) {
		snprintf(msg, len, "--seamcall-ns %s: '%s' is not a latency "
			 "in ns (0..%llu; 0 turns it off)", leaf, eq + 1,
			 (unsigned long long)SIM_MAX_SEAMCALL_NS);
		return -1;
	}
	if (num >= 0) {
		lat[num] = ns;
		return 0;
	}
	for (size_t i = 0; i < sizeof(all_leaves) / sizeof(all_leaves[0]); i++)
		lat[all_leaves[i]] = ns;
	return 0;
}

/* A percentage 0..100 for key of spec. */
static int parse_pct(const char *opt, const char *key, const char *v,
		     unsigned *out, char *msg, unsigned len)
{
	uint64_t n;

	if (sim_parse_u64(v, &n) || n > 100) {
		snprintf(msg, len, "%s: %s='%s' is not a percentage "
			 "(an integer 0..100)", opt, key, v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

static int parse_vcpus(const char *opt, const char *v, unsigned *out,
		       char *msg, unsigned len)
{
	uint64_t n;

	if (sim_parse_u64(v, &n) || n < 1 || n > SIM_MAX_VCPUS) {
		snprintf(msg, len, "%s: vcpus='%s' is not a vCPU count "
			 "(1..%u)", opt, v, SIM_MAX_VCPUS);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* Check a guest size: a 2 MiB multiple in 2M..16T. */
static int check_guest_size(const char *opt, const char *v, uint64_t size,
			    char *msg, unsigned len)
{
	if (size == 0 || size % DPAMT_TDX_2M_SIZE || size > SIM_MAX_HOST_MEM) {
		snprintf(msg, len, "%s: size '%s' must be a multiple of 2M "
			 "from 2M to 16T (e.g. 256M, 1G, 16G)", opt, v);
		return -1;
	}
	return 0;
}

/* One "key=value" of a --td/--vm spec.  seen: bit per key already set. */
static int td_option(const char *opt, char *kv, struct sim_guest_spec *g,
		     unsigned *seen, char *msg, unsigned len)
{
	static const char *const keys[] = {"vcpus", "huge", "touch",
					   "convert", "churn"};
	char *eq = strchr(kv, '=');
	unsigned k;

	if (eq)
		*eq = '\0';
	for (k = 0; k < 5; k++)
		if (!strcmp(kv, keys[k]))
			break;
	if (!eq || k == 5 || (g->legacy && k != 0)) {
		snprintf(msg, len, "%s: unknown setting '%s' (use %s)", opt,
			 kv, g->legacy ? "SIZE[,vcpus=N]" :
			 "SIZE[,vcpus=N][,huge=PCT][,touch=PCT][,convert=PCT]"
			 "[,churn=PCT]");
		return -1;
	}
	if (*seen & (1u << k)) {
		snprintf(msg, len, "%s: %s given twice", opt, kv);
		return -1;
	}
	*seen |= 1u << k;
	if (k == 0)
		return parse_vcpus(opt, eq + 1, &g->vcpus, msg, len);
	return parse_pct(opt, kv, eq + 1, k == 1 ? &g->huge_pct :
			 k == 2 ? &g->touch_pct : k == 3 ? &g->convert_pct :
			 &g->churn_pct, msg, len);
}

int sim_parse_td_spec(const char *spec, struct sim_guest_spec *g, char *msg,
		      unsigned len)
{
	const char *opt = g->legacy ? "--vm" : "--td";
	char buf[256], *save = NULL, *tok;
	unsigned seen = 0;
	uint64_t size;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(msg, len, "%s: spec too long", opt);
		return -1;
	}
	strcpy(buf, spec);
	tok = strtok_r(buf, ",", &save);
	if (!tok || spec[0] == ',' || sim_parse_size(tok, &size)) {
		snprintf(msg, len, "%s '%s': expected a size first (bytes or "
			 "K/M/G/T, e.g. %s 1G%s)", opt, spec, opt,
			 g->legacy ? "" : ",vcpus=2");
		return -1;
	}
	if (check_guest_size(opt, tok, size, msg, len))
		return -1;
	sim_guest_default(g, size, g->legacy);
	while ((tok = strtok_r(NULL, ",", &save)))
		if (td_option(opt, tok, g, &seen, msg, len))
			return -1;
	if (spec[strlen(spec) - 1] == ',' || strstr(spec, ",,")) {
		snprintf(msg, len, "%s '%s': empty setting between commas",
			 opt, spec);
		return -1;
	}
	return 0;
}
