/*
 * replay_parse.c - the line syntax of replay traces: the optional config
 * item, call lines (leaf, reg=value..., expect=...), comments and blank
 * lines.  Everything is validated here, before anything runs.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "replay/replay.h"
#include "util/units.h"

#define SPACES " \t\r\v\f"
#define MAX_MEM_BYTES (1ULL << 46) /* model's key-id bits start at 46 */

void replay_trace_init(struct replay_trace *t, const char *file)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->file, sizeof(t->file), "%s", file);
	t->config.mem_bytes = REPLAY_DEFAULT_MEM;
	t->config.dpamt = true;
	t->config.seed = 1;
	t->config.tdcs_pages = 0; /* the model's default */
}

void replay_trace_free(struct replay_trace *t)
{
	free(t->calls);
	t->calls = NULL;
	t->n_calls = t->cap_calls = 0;
}

/* Split "key=value" in place; -1 with a message when there is no '='. */
static int split_kv(char *tok, char **key, char **val, char *err,
		    size_t errlen)
{
	char *eq = strchr(tok, '=');

	if (!eq || eq == tok) {
		snprintf(err, errlen, "expected key=value, got '%s'", tok);
		return -1;
	}
	*eq = '\0';
	*key = tok;
	*val = eq + 1;
	if (!**val) {
		snprintf(err, errlen, "missing value after '%s='", tok);
		return -1;
	}
	return 0;
}

static int find_reg(const char *name)
{
	for (int r = 0; r < RR_COUNT; r++)
		if (!strcasecmp(name, replay_reg_name((enum replay_reg)r)))
			return r;
	return -1;
}

/* "bad WHAT '<val>': <why>": the shared parser's reason (src/util/units.h),
 * in replay's "what was wrong with which key" wording. */
static int bad_value(const char *what, const char *why, char *err,
		     size_t errlen)
{
	snprintf(err, errlen, "bad %s %s", what, why);
	return -1;
}

/* A plain number (register values, addresses, seed, byte). */
static int parse_number(const char *key, const char *val, uint64_t *v,
			char *err, size_t errlen)
{
	char what[64], why[160];

	if (!units_parse_u64(val, v, why, sizeof(why)))
		return 0;
	snprintf(what, sizeof(what), "number for %s", key);
	return bad_value(what, why, err, errlen);
}

/* A size: a number with an optional K/M/G/T(iB) suffix, as the CLI. */
static int parse_size(const char *what, const char *val, uint64_t *v,
		      char *err, size_t errlen)
{
	char why[160];

	if (!units_parse_size(val, v, why, sizeof(why)))
		return 0;
	return bad_value(what, why, err, errlen);
}

static int parse_mem(const char *val, uint64_t *mem, char *err,
		     size_t errlen)
{
	if (parse_size("mem size", val, mem, err, errlen))
		return -1;
	if (*mem > MAX_MEM_BYTES) {
		snprintf(err, errlen, "mem=%s is too large (at most 64T)",
			 val);
		return -1;
	}
	if (*mem % DPAMT_TDX_1G_SIZE) {
		snprintf(err, errlen, "mem=%s is not a multiple of 1 GiB",
			 val);
		return -1;
	}
	if (*mem <= REPLAY_RESERVED_TOP) {
		snprintf(err, errlen,
			 "mem=%s must be more than 1G (the top 1 GiB holds "
			 "replay's PAMT areas)", val);
		return -1;
	}
	return 0;
}

static int parse_prob(const char *val, double *p, char *err, size_t errlen)
{
	char *end;

	errno = 0;
	*p = strtod(val, &end);
	if (*end || errno || !isfinite(*p) || *p < 0.0 || *p > 1.0) {
		snprintf(err, errlen, "bad busy probability '%s' (0 to 1)",
			 val);
		return -1;
	}
	return 0;
}

static int config_option(struct replay_config *c, const char *key,
			 const char *val, char *err, size_t errlen)
{
	if (!strcasecmp(key, "mem"))
		return parse_mem(val, &c->mem_bytes, err, errlen);
	if (!strcasecmp(key, "dpamt")) {
		if (!strcasecmp(val, "on") || !strcasecmp(val, "off")) {
			c->dpamt = !strcasecmp(val, "on");
			return 0;
		}
		snprintf(err, errlen, "bad dpamt value '%s' (on or off)", val);
		return -1;
	}
	if (!strcasecmp(key, "busy"))
		return parse_prob(val, &c->busy_prob, err, errlen);
	if (!strcasecmp(key, "seed")) {
		char why[160];

		if (!units_parse_u64(val, &c->seed, why, sizeof(why)))
			return 0;
		return bad_value("seed", why, err, errlen);
	}
	if (!strcasecmp(key, "tdcs_pages")) {
		uint64_t n;

		if (!units_parse_uint_range(val, 1, REPLAY_MAX_TDCS_PAGES,
					    &n, NULL, 0)) {
			c->tdcs_pages = (unsigned)n;
			return 0;
		}
		snprintf(err, errlen, "bad tdcs_pages '%s' (1 to %u)", val,
			 REPLAY_MAX_TDCS_PAGES);
		return -1;
	}
	snprintf(err, errlen,
		 "unknown config option '%s' (mem, dpamt, busy, seed, "
		 "tdcs_pages)", key);
	return -1;
}

static const char *const config_keys[] = {"mem", "dpamt", "busy", "seed",
					  "tdcs_pages"};
#define N_CONFIG_KEYS (sizeof(config_keys) / sizeof(config_keys[0]))

static int config_line(struct replay_trace *t, char **save, unsigned lineno,
		       char *err, size_t errlen)
{
	struct replay_config c = t->config;
	unsigned seen = 0;
	char *tok, *key, *val;

	if (t->config.line) {
		snprintf(err, errlen, "second config line (first at line %u)",
			 t->config.line);
		return -1;
	}
	if (t->n_calls) {
		snprintf(err, errlen, "config after the first %s (line %u)",
			 t->calls[0].is_write ? "write" : "call",
			 t->calls[0].line);
		return -1;
	}
	while ((tok = strtok_r(NULL, SPACES, save))) {
		if (split_kv(tok, &key, &val, err, errlen))
			return -1;
		for (unsigned k = 0; k < N_CONFIG_KEYS; k++) {
			if (strcasecmp(key, config_keys[k]))
				continue;
			if (seen & (1u << k)) {
				snprintf(err, errlen,
					 "duplicate config option '%s'", key);
				return -1;
			}
			seen |= 1u << k;
		}
		if (config_option(&c, key, val, err, errlen))
			return -1;
	}
	c.line = lineno;
	t->config = c;
	return 0;
}

static int set_reg(struct replay_call *c, const char *key, const char *val,
		   char *err, size_t errlen)
{
	int r = find_reg(key);

	if (r < 0) {
		snprintf(err, errlen,
			 "unknown register '%s' (rcx rdx r8 r9 r10 r11 r12 "
			 "r13)", key);
		return -1;
	}
	if (c->reg_set & (1u << r)) {
		snprintf(err, errlen, "duplicate register '%s'", key);
		return -1;
	}
	if (parse_number(key, val, &c->reg[r], err, errlen))
		return -1;
	c->reg_set |= 1u << r;
	return 0;
}

/* expect.REG=V: the value REG must hold after the call. */
static int set_out(struct replay_call *c, const char *key, const char *val,
		   char *err, size_t errlen)
{
	int r = find_reg(key + 7);
	char what[64], why[160];

	if (r < 0) {
		snprintf(err, errlen,
			 "unknown register '%s' in '%s=' (rcx rdx r8 r9 r10 "
			 "r11 r12 r13)", key + 7, key);
		return -1;
	}
	if (c->out_set & (1u << r)) {
		snprintf(err, errlen, "duplicate '%s='", key);
		return -1;
	}
	if (replay_parse_reg_value(val, &c->out[r], why, sizeof(why))) {
		snprintf(what, sizeof(what), "number for %s", key);
		return bad_value(what, why, err, errlen);
	}
	c->out_set |= 1u << r;
	return 0;
}

static int call_operand(struct replay_call *c, char *tok, char *err,
			size_t errlen)
{
	char *key, *val;

	if (split_kv(tok, &key, &val, err, errlen))
		return -1;
	if (!strncasecmp(key, "expect.", 7))
		return set_out(c, key, val, err, errlen);
	if (strcasecmp(key, "expect"))
		return set_reg(c, key, val, err, errlen);
	if (c->expect.kind != RX_NONE) {
		snprintf(err, errlen, "duplicate expect=");
		return -1;
	}
	return replay_parse_expect(val, &c->expect, err, errlen);
}

static int push_call(struct replay_trace *t, const struct replay_call *c,
		     char *err, size_t errlen)
{
	if (t->n_calls >= REPLAY_MAX_ITEMS) {
		snprintf(err, errlen, "more than %u items (the most a trace "
			 "may hold)", REPLAY_MAX_ITEMS);
		return -1;
	}
	if (t->n_calls == t->cap_calls) {
		size_t cap = t->cap_calls ? 2 * t->cap_calls : 64;
		struct replay_call *p = realloc(t->calls, cap * sizeof(*p));

		if (!p) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		t->calls = p;
		t->cap_calls = cap;
	}
	t->calls[t->n_calls++] = *c;
	return 0;
}

static int call_line(struct replay_trace *t, const char *leaf_name,
		     char **save, unsigned lineno, char *err, size_t errlen)
{
	struct replay_call c;
	int leaf = dpamt_tdx_leaf_from_name(leaf_name);
	char *tok;

	if (leaf < 0) {
		snprintf(err, errlen, "unknown leaf '%s'", leaf_name);
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.line = lineno;
	c.leaf = (unsigned)leaf;
	while ((tok = strtok_r(NULL, SPACES, save)))
		if (call_operand(&c, tok, err, errlen))
			return -1;
	if (t->require_expect && c.expect.kind == RX_NONE) {
		snprintf(err, errlen,
			 "call without expect= (--require-expect)");
		return -1;
	}
	return push_call(t, &c, err, errlen);
}

static int write_option(struct replay_call *c, const char *key,
			const char *val, char *err, size_t errlen)
{
	bool is_pa = !strcasecmp(key, "pa"), is_len = !strcasecmp(key, "len");
	uint64_t v;

	if (!is_pa && !is_len && strcasecmp(key, "byte")) {
		snprintf(err, errlen,
			 "unknown write option '%s' (pa, len, byte)", key);
		return -1;
	}
	if (is_len ? parse_size("size for len", val, &v, err, errlen)
		   : parse_number(key, val, &v, err, errlen))
		return -1;
	if (is_pa) {
		c->write_pa = v;
	} else if (is_len) {
		c->write_len = v;
	} else if (v <= 0xFF) {
		c->write_byte = (uint8_t)v;
	} else {
		snprintf(err, errlen, "byte=%s does not fit in a byte", val);
		return -1;
	}
	return 0;
}

static int write_checks(const struct replay_trace *t,
			const struct replay_call *c, unsigned seen,
			char *err, size_t errlen)
{
	if ((seen & 3) != 3) {
		snprintf(err, errlen, "write needs pa= and len=");
		return -1;
	}
	if (c->write_len == 0 || c->write_len > REPLAY_WRITE_MAX) {
		snprintf(err, errlen, "write len=%llu not in 1..%llu",
			 (unsigned long long)c->write_len,
			 (unsigned long long)REPLAY_WRITE_MAX);
		return -1;
	}
	if (c->write_pa >= t->config.mem_bytes ||
	    c->write_len > t->config.mem_bytes - c->write_pa) {
		snprintf(err, errlen, "write beyond mem (0x%llx bytes)",
			 (unsigned long long)t->config.mem_bytes);
		return -1;
	}
	return 0;
}

/* "write pa=A len=N [byte=B]": a host store into simulated memory. */
static int write_line(struct replay_trace *t, char **save, unsigned lineno,
		      char *err, size_t errlen)
{
	static const char *const keys[] = {"pa", "len", "byte"};
	struct replay_call c;
	unsigned seen = 0;
	char *tok, *key, *val;

	memset(&c, 0, sizeof(c));
	c.line = lineno;
	c.is_write = true;
	while ((tok = strtok_r(NULL, SPACES, save))) {
		if (split_kv(tok, &key, &val, err, errlen) ||
		    write_option(&c, key, val, err, errlen))
			return -1;
		for (unsigned k = 0; k < 3; k++) {
			if (strcasecmp(key, keys[k]))
				continue;
			if (seen & (1u << k)) {
				snprintf(err, errlen,
					 "duplicate write option '%s'", key);
				return -1;
			}
			seen |= 1u << k;
		}
	}
	if (write_checks(t, &c, seen, err, errlen))
		return -1;
	return push_call(t, &c, err, errlen);
}

int replay_parse_line(struct replay_trace *t, const char *line,
		      unsigned lineno, char *err, size_t errlen)
{
	char *buf = strdup(line), *hash, *save = NULL, *first;
	int rc = 0;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	hash = strchr(buf, '#');
	if (hash)
		*hash = '\0';
	first = strtok_r(buf, SPACES, &save);
	if (first && !strcasecmp(first, "config"))
		rc = config_line(t, &save, lineno, err, errlen);
	else if (first && !strcasecmp(first, "write"))
		rc = write_line(t, &save, lineno, err, errlen);
	else if (first)
		rc = call_line(t, first, &save, lineno, err, errlen);
	free(buf);
	return rc;
}
