/*
 * scenario_json.c - `dpamt sim --scenario FILE.json`: the same settings as
 * the flags, as a JSON object parsed with json-c (strict mode).  The
 * schema is in docs/sim.md.  Changes are applied to a copy and committed
 * only when the whole document is valid, so a bad file changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sim/json_dupkeys.h"
#include "sim/scenario_parse.h"

#define SCENARIO_MAX_BYTES (1u << 20)

/* Parsing context: where messages go and what they are prefixed with. */
struct jctx {
	const char *origin;
	char *msg;
	unsigned len;
};

static int jerr(const struct jctx *c, const char *path, const char *what)
{
	snprintf(c->msg, c->len, "%s: %s: %s", c->origin, path, what);
	return -1;
}

/* An integer in [min, max] (JSON integer, not negative). */
static int j_uint(const struct jctx *c, json_object *v, const char *path,
		  uint64_t min, uint64_t max, uint64_t *out)
{
	char what[96];

	snprintf(what, sizeof(what), "expected an integer %llu..%llu",
		 (unsigned long long)min, (unsigned long long)max);
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return jerr(c, path, what);
	*out = json_object_get_uint64(v);
	if (*out < min || *out > max)
		return jerr(c, path, what);
	return 0;
}

static int j_unsigned(const struct jctx *c, json_object *v, const char *path,
		      unsigned min, unsigned max, unsigned *out)
{
	uint64_t x;

	if (j_uint(c, v, path, min, max, &x))
		return -1;
	*out = (unsigned)x;
	return 0;
}

/* A size: "16G"-style string or an integer byte count. */
static int j_size(const struct jctx *c, json_object *v, const char *path,
		  uint64_t *out)
{
	const char *what = "expected a size (\"16G\", \"512M\" or bytes)";

	if (json_object_is_type(v, json_type_string))
		return sim_parse_size(json_object_get_string(v), out) ?
			jerr(c, path, what) : 0;
	if (json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0) {
		*out = json_object_get_uint64(v);
		return 0;
	}
	return jerr(c, path, what);
}

static int j_string(const struct jctx *c, json_object *v, const char *path,
		    const char **out)
{
	if (!json_object_is_type(v, json_type_string))
		return jerr(c, path, "expected a string");
	*out = json_object_get_string(v);
	return 0;
}

static int j_mode(const struct jctx *c, json_object *v, enum dpamt_mode *m)
{
	const char *s;

	if (j_string(c, v, "pamt", &s))
		return -1;
	if (!strcmp(s, "dynamic"))
		*m = DPAMT_MODE_DYNAMIC;
	else if (!strcmp(s, "static"))
		*m = DPAMT_MODE_STATIC;
	else
		return jerr(c, "pamt", "expected \"dynamic\" or \"static\"");
	return 0;
}

static int j_strategy(const struct jctx *c, json_object *v,
		      enum dpamt_strategy *s)
{
	const char *name;
	char m[200];

	if (j_string(c, v, "strategy", &name))
		return -1;
	if (sim_parse_strategy(name, s, m, sizeof(m)))
		return jerr(c, "strategy", m);
	return 0;
}

static int j_busy(const struct jctx *c, json_object *v, const char *key,
		  double *p)
{
	const char *what = "expected a probability, 0 <= p < 1";

	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return jerr(c, key, what);
	*p = json_object_get_double(v);
	if (!(*p >= 0.0 && *p < 1.0))
		return jerr(c, key, what);
	return 0;
}

/* {"PHYMEM.PAMT.ADD": 3000, "all": 0}: applied in document order. */
static int j_seamcall_ns(const struct jctx *c, json_object *v, uint64_t *lat)
{
	if (!json_object_is_type(v, json_type_object))
		return jerr(c, "seamcall_ns", "expected an object of "
			    "\"LEAF\": ns (e.g. {\"PHYMEM.PAMT.ADD\": 3000})");
	json_object_object_foreach(v, key, val)
	{
		char path[96], spec[96], m[200];
		uint64_t ns;

		snprintf(path, sizeof(path), "seamcall_ns.%s", key);
		if (strcmp(key, "all") && sim_leaf_number(key) < 0)
			return jerr(c, path, "unknown leaf (use a name like "
				    "PHYMEM.PAMT.ADD, a leaf number like 58, "
				    "or all)");
		if (j_uint(c, val, path, 0, SIM_MAX_SEAMCALL_NS, &ns))
			return -1;
		snprintf(spec, sizeof(spec), "%s=%llu", key,
			 (unsigned long long)ns);
		if (sim_parse_seamcall_ns(spec, lat, m, sizeof(m)))
			return jerr(c, path, m);
	}
	return 0;
}

/* {"fault_ns": 2000, ...}: the cost model's figures (SIM_COSTS). */
static int j_cost(const struct jctx *c, json_object *v, struct sim_cost *cost)
{
	if (!json_object_is_type(v, json_type_object))
		return jerr(c, "cost", "expected an object of \"NAME_ns\": ns "
			    "(e.g. {\"fault_ns\": 2000})");
	json_object_object_foreach(v, key, val)
	{
		char path[96], what[200];
		uint64_t *f = sim_cost_field(cost, key);

		snprintf(path, sizeof(path), "cost.%s", key);
		if (!f) {
			snprintf(what, sizeof(what), "unknown cost (known: %s)",
				 sim_cost_known());
			return jerr(c, path, what);
		}
		if (j_uint(c, val, path, 0, SIM_MAX_SEAMCALL_NS, f))
			return -1;
	}
	return 0;
}

/* "clock": "virtual" | "wall"; "sched": "fifo" | "random" | "pct[:D]" */
static int j_word(const struct jctx *c, json_object *v, const char *key,
		  struct sim_scenario *sc)
{
	const char *s;
	char m[200];
	int rc;

	if (j_string(c, v, key, &s))
		return -1;
	rc = key[0] == 'c' ? sim_parse_clock(s, &sc->clock, m, sizeof(m)) :
		sim_parse_sched(s, &sc->sched, &sc->pct_depth, m, sizeof(m));
	if (!rc)
		return 0;
	/* the flag parsers say "--clock: ..."; the key path says it here */
	return jerr(c, key, strncmp(m, "--", 2) || !strstr(m, ": ") ? m :
			    strstr(m, ": ") + 2);
}

/* "type" of a guest object: "td" (default) or "vm". */
static int j_guest_type(const struct jctx *c, json_object *g,
			const char *path, bool *legacy)
{
	json_object *t;
	const char *s;
	char p[64];

	*legacy = false;
	if (!json_object_object_get_ex(g, "type", &t))
		return 0;
	snprintf(p, sizeof(p), "%s.type", path);
	if (j_string(c, t, p, &s))
		return -1;
	if (!strcmp(s, "vm"))
		*legacy = true;
	else if (strcmp(s, "td"))
		return jerr(c, p, "expected \"td\" or \"vm\"");
	return 0;
}

/* One key of a guest object other than "type". */
static int j_guest_key(const struct jctx *c, const char *key,
		       json_object *v, const char *p,
		       struct sim_guest_spec *g)
{
	if (!strcmp(key, "size")) {
		if (j_size(c, v, p, &g->size))
			return -1;
		if (g->size == 0 || g->size % DPAMT_TDX_2M_SIZE ||
		    g->size > SIM_MAX_HOST_MEM)
			return jerr(c, p, "size must be a multiple of 2M from "
				    "2M to 16T (e.g. \"256M\", \"1G\")");
		return 0;
	}
	if (!strcmp(key, "vcpus"))
		return j_unsigned(c, v, p, 1, SIM_MAX_VCPUS, &g->vcpus);
	if (g->legacy)
		return jerr(c, p, "unknown key for a \"vm\" guest (known: "
			    "type, size, vcpus)");
	if (!strcmp(key, "huge"))
		return j_unsigned(c, v, p, 0, 100, &g->huge_pct);
	if (!strcmp(key, "touch"))
		return j_unsigned(c, v, p, 0, 100, &g->touch_pct);
	if (!strcmp(key, "convert"))
		return j_unsigned(c, v, p, 0, 100, &g->convert_pct);
	if (!strcmp(key, "churn"))
		return j_unsigned(c, v, p, 0, 100, &g->churn_pct);
	return jerr(c, p, "unknown key (known: type, size, vcpus, huge, "
		    "touch, convert, churn)");
}

static int j_guest(const struct jctx *c, json_object *g, unsigned i,
		   struct sim_guest_spec *out)
{
	char path[32];
	bool legacy;

	snprintf(path, sizeof(path), "guests[%u]", i);
	if (!json_object_is_type(g, json_type_object))
		return jerr(c, path, "expected an object like {\"type\": "
			    "\"td\", \"size\": \"1G\"}");
	if (j_guest_type(c, g, path, &legacy))
		return -1;
	sim_guest_default(out, 0, legacy);
	json_object_object_foreach(g, key, val)
	{
		char p[96];

		if (!strcmp(key, "type"))
			continue;
		snprintf(p, sizeof(p), "%s.%s", path, key);
		if (j_guest_key(c, key, val, p, out))
			return -1;
	}
	if (out->size == 0)
		return jerr(c, path, "missing \"size\" (e.g. \"size\": "
			    "\"1G\")");
	return 0;
}

static int j_guests(const struct jctx *c, json_object *v,
		    struct sim_scenario *sc)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return jerr(c, "guests", "expected an array of guest objects");
	n = json_object_array_length(v);
	if (n > SIM_MAX_GUESTS) {
		char what[64];

		snprintf(what, sizeof(what), "too many guests (at most %d)",
			 SIM_MAX_GUESTS);
		return jerr(c, "guests", what);
	}
	for (size_t i = 0; i < n; i++)
		if (j_guest(c, json_object_array_get_idx(v, i), (unsigned)i,
			    &sc->guests[i]))
			return -1;
	sc->n_guests = (unsigned)n;
	return 0;
}

static int j_bool(const struct jctx *c, json_object *v, const char *key,
		  bool *out)
{
	if (!json_object_is_type(v, json_type_boolean))
		return jerr(c, key, "expected true or false");
	*out = json_object_get_boolean(v);
	return 0;
}

/* One top-level key. */
static int j_top_key(const struct jctx *c, const char *key, json_object *v,
		     struct sim_scenario *sc)
{
	if (!strcmp(key, "host_mem")) {
		if (j_size(c, v, key, &sc->host_mem))
			return -1;
		return sc->host_mem && sc->host_mem <= SIM_MAX_HOST_MEM ? 0 :
		       jerr(c, key, "must be a size from 1G to 16T");
	}
	if (!strcmp(key, "cycles"))
		return j_unsigned(c, v, key, 1, SIM_MAX_CYCLES, &sc->cycles);
	if (!strcmp(key, "pamt"))
		return j_mode(c, v, &sc->mode);
	if (!strcmp(key, "strategy"))
		return j_strategy(c, v, &sc->strategy);
	if (!strcmp(key, "threads"))
		return j_unsigned(c, v, key, 1, SIM_MAX_THREADS, &sc->threads);
	if (!strcmp(key, "pcpus"))
		return j_unsigned(c, v, key, 1, SIM_MAX_THREADS, &sc->pcpus);
	if (!strcmp(key, "seed"))
		return j_uint(c, v, key, 0, UINT64_MAX, &sc->seed);
	if (!strcmp(key, "seamcall_ns"))
		return j_seamcall_ns(c, v, sc->seamcall_ns);
	if (!strcmp(key, "busy_inject"))
		return j_busy(c, v, key, &sc->busy_inject);
	if (!strcmp(key, "busy_inject_lock"))
		return j_busy(c, v, key, &sc->busy_inject_lock);
	if (!strcmp(key, "busy_attempts"))
		return j_unsigned(c, v, key, 1, SIM_MAX_BUSY_ATTEMPTS,
				  &sc->busy_attempts);
	if (!strcmp(key, "guests"))
		return j_guests(c, v, sc);
	if (!strcmp(key, "pair_pool"))
		return j_bool(c, v, key, &sc->pair_pool);
	if (!strcmp(key, "shared_ranges"))
		return j_bool(c, v, key, &sc->shared_ranges);
	if (!strcmp(key, "idle_pairs"))
		return j_unsigned(c, v, key, 0, SIM_MAX_IDLE_PAIRS,
				  &sc->idle_pairs);
	if (!strcmp(key, "hkids"))
		return j_unsigned(c, v, key, SIM_MIN_HKIDS, SIM_MAX_HKIDS,
				  &sc->hkids);
	if (!strcmp(key, "low_watermark"))
		return j_unsigned(c, v, key, 0, SIM_MAX_LOW_WATERMARK,
				  &sc->low_watermark_pct);
	if (!strcmp(key, "host_frag"))
		return j_unsigned(c, v, key, 0, SIM_MAX_HOST_FRAG,
				  &sc->host_frag_pct);
	if (!strcmp(key, "cost"))
		return j_cost(c, v, &sc->cost);
	if (!strcmp(key, "clock") || !strcmp(key, "sched"))
		return j_word(c, v, key, sc);
	return jerr(c, key, "unknown key (known: host_mem, cycles, pamt, "
		    "strategy, threads, pcpus, seed, seamcall_ns, busy_inject, "
		    "busy_inject_lock, busy_attempts, pair_pool, shared_ranges, "
		    "idle_pairs, hkids, low_watermark, host_frag, clock, sched, "
		    "cost, guests)");
}

/* Line number (1-based) of byte offset off in text. */
static unsigned line_of(const char *text, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		line += text[i] == '\n';
	return line;
}

/* Offset of a ' outside double-quoted strings (json-c takes 'x' even in
 * strict mode; JSON does not), or -1. */
static long single_quote_at(const char *text)
{
	bool in_str = false;

	for (const char *p = text; *p; p++) {
		if (in_str && *p == '\\' && p[1])
			p++;
		else if (*p == '"')
			in_str = !in_str;
		else if (!in_str && *p == '\'')
			return (long)(p - text);
	}
	return -1;
}

/* Strict json-c parse; NULL with msg on malformed input. */
static json_object *parse_text(const struct jctx *c, const char *text)
{
	json_tokener *tok = json_tokener_new();
	size_t n = strlen(text);
	json_object *root;
	enum json_tokener_error e;
	long quote;

	if (!tok) {
		snprintf(c->msg, c->len, "%s: out of memory", c->origin);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)n + 1);
	e = json_tokener_get_error(tok);
	quote = single_quote_at(text);
	if (root && e == json_tokener_success && quote >= 0) {
		snprintf(c->msg, c->len, "%s:%u: malformed JSON: strings take "
			 "double quotes (see docs/sim.md for the schema)",
			 c->origin, line_of(text, (size_t)quote));
		json_object_put(root);
		root = NULL;
	} else if (!root || e != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok);

		snprintf(c->msg, c->len, "%s:%u: malformed JSON: %s (fix the "
			 "file; see docs/sim.md for the schema)", c->origin,
			 line_of(text, off), root ? "trailing data" :
			 json_tokener_error_desc(e));
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

/* What json-c lets through: duplicate keys (decoded), NUL in a string. */
static int scan_text(const struct jctx *c, const char *text)
{
	char path[128], what[96];

	switch (json_scan_text(text, path, sizeof(path))) {
	case JSON_SCAN_OK:
		return 0;
	case JSON_SCAN_DUPKEY:
		return jerr(c, path, "key given twice (keep one)");
	case JSON_SCAN_NUL:
		return jerr(c, path[0] ? path : "(document)", "a string holds "
			    "a NUL character (\\u0000); remove it");
	case JSON_SCAN_MANY_KEYS:
		snprintf(what, sizeof(what), "an object with more than %d "
			 "keys", JSON_SCAN_MAX_KEYS);
		return jerr(c, path, what);
	case JSON_SCAN_DEEP:
		snprintf(what, sizeof(what), "nested deeper than %d levels",
			 JSON_SCAN_MAX_DEPTH);
		return jerr(c, path[0] ? path : "(document)", what);
	case JSON_SCAN_BIGINT:
		return jerr(c, path[0] ? path : "(document)", "an integer "
			    "outside the 64-bit range; use a value in range");
	default:
		return jerr(c, "(document)", "out of memory");
	}
}

int sim_scenario_apply_object(struct sim_scenario *sc, json_object *root,
			      const char *origin, bool *had_guests, char *msg,
			      unsigned len)
{
	struct jctx c = {origin, msg, len};
	/* on the stack: `dpamt sweep` applies a document per axis and
	 * point, and a heap copy per call cost more than the keys */
	struct sim_scenario copy = *sc;
	int rc = 0;

	if (!json_object_is_type(root, json_type_object)) {
		snprintf(msg, len, "%s: the document must be a JSON object "
			 "(see docs/sim.md)", origin);
		return -1;
	}
	json_object_object_foreach(root, key, val)
		if ((rc = j_top_key(&c, key, val, &copy)))
			break;
	if (!rc) {
		*sc = copy;
		if (had_guests)
			*had_guests = json_object_object_get_ex(root, "guests",
								NULL);
	}
	return rc;
}

int sim_scenario_apply_json(struct sim_scenario *sc, const char *text,
			    const char *origin, bool *had_guests, char *msg,
			    unsigned len)
{
	struct jctx c = {origin, msg, len};
	json_object *root;
	int rc = -1;

	if (!(root = parse_text(&c, text)))
		return -1;
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(msg, len, "%s: the document must be a JSON object "
			 "(see docs/sim.md)", origin);
		goto out;
	}
	if (scan_text(&c, text))
		goto out;
	rc = sim_scenario_apply_object(sc, root, origin, had_guests, msg, len);
out:
	json_object_put(root);
	return rc;
}

int sim_scenario_load_json(struct sim_scenario *sc, const char *path,
			   bool *had_guests, char *msg, unsigned len)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n;
	int rc;

	if (!f) {
		snprintf(msg, len, "--scenario: cannot open '%s': %s", path,
			 strerror(errno));
		return -1;
	}
	text = malloc(SCENARIO_MAX_BYTES + 1);
	n = text ? fread(text, 1, SCENARIO_MAX_BYTES + 1, f) : 0;
	if (!text || ferror(f) || n > SCENARIO_MAX_BYTES ||
	    memchr(text, '\0', n)) {
		snprintf(msg, len, "--scenario: cannot read '%s' (not a text "
			 "file of at most 1 MiB)", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[n] = '\0';
	rc = sim_scenario_apply_json(sc, text, path, had_guests, msg, len);
	free(text);
	return rc;
}
