/*
 * sweep_grid.c - the grid of `dpamt sweep`: parsing an axis
 * "KEY=V1,V2,...", numbering the points, and the scenario of one point:
 * the base scenario with every axis applied through the scenario JSON
 * reader (so a value is checked exactly as in a --scenario file, with the
 * same messages), then validated.  Pure functions of their arguments.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_dupkeys.h"
#include "sim/scenario_parse.h"
#include "sim/sweep.h"

static bool key_ok(const char *k, size_t n)
{
	if (n == 0 || n >= sizeof(((struct sweep_axis *)0)->key))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || k[i] == '_' ||
		      (i && k[i] >= '0' && k[i] <= '9')))
			return false;
	return true;
}

/* Concurrency: s is the caller's. */
/* A value with spaces around it (read as a number by JSON, refused by
 * every flag), or one the axis already has (the same point twice). */
static int value_bad(const struct sweep_axis *a, const char *v,
		     const char *all, char *msg, size_t len)
{
	size_t n = strlen(v);

	if (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])) {
		snprintf(msg, len, "axis '%s': value '%s' has spaces around it",
			 a->key, v);
		return -1;
	}
	for (unsigned i = 0; i < a->n; i++)
		if (!strcmp(a->v[i], v)) {
			snprintf(msg, len, "axis '%s': value '%s' given twice "
				 "in '%s'", a->key, v, all);
			return -1;
		}
	return 0;
}

int sweep_add_axis(struct sweep *s, const char *arg, char *msg, size_t len)
{
	const char *eq = strchr(arg, '=');
	struct sweep_axis *a;
	char *p;

	if (!eq || !key_ok(arg, (size_t)(eq - arg))) {
		snprintf(msg, len, "'%s' is not an axis KEY=V1,V2,... (KEY: a "
			 "scenario key such as pcpus, or a guest key such as "
			 "huge)", arg);
		return -1;
	}
	if (s->n_axes == SWEEP_MAX_AXES) {
		snprintf(msg, len, "'%s': at most %d axes", arg,
			 SWEEP_MAX_AXES);
		return -1;
	}
	a = &s->ax[s->n_axes];
	memset(a, 0, sizeof(*a));
	memcpy(a->key, arg, (size_t)(eq - arg));
	for (unsigned i = 0; i < s->n_axes; i++)
		if (!strcmp(s->ax[i].key, a->key)) {
			snprintf(msg, len, "axis '%s' given twice", a->key);
			return -1;
		}
	if (strlen(eq + 1) >= sizeof(a->text)) {
		snprintf(msg, len, "axis '%s': values longer than %zu bytes",
			 a->key, sizeof(a->text) - 1);
		return -1;
	}
	strcpy(a->text, eq + 1);
	for (p = a->text;; p++) {
		char *c = strchr(p, ',');

		if (c)
			*c = '\0';
		if (!*p) {
			snprintf(msg, len, "axis '%s': empty value in '%s'",
				 a->key, eq + 1);
			return -1;
		}
		if (value_bad(a, p, eq + 1, msg, len))
			return -1;
		if (a->n == SWEEP_MAX_VALUES) {
			snprintf(msg, len, "axis '%s': at most %d values",
				 a->key, SWEEP_MAX_VALUES);
			return -1;
		}
		a->v[a->n++] = p;
		if (!c)
			break;
		p = c;
	}
	s->n_axes++;
	if (sweep_n_points(s) > SWEEP_MAX_POINTS) {
		snprintf(msg, len, "the grid has more than %d points; sweep "
			 "fewer values", SWEEP_MAX_POINTS);
		return -1;
	}
	return 0;
}

unsigned sweep_n_points(const struct sweep *s)
{
	uint64_t n = 1;

	for (unsigned i = 0; i < s->n_axes; i++) {
		n *= s->ax[i].n;
		if (n > SWEEP_MAX_POINTS)
			return SWEEP_MAX_POINTS + 1;
	}
	return (unsigned)n;
}

void sweep_point_index(const struct sweep *s, unsigned i, unsigned *idx)
{
	for (unsigned k = s->n_axes; k-- > 0;) {
		idx[k] = i % s->ax[k].n;
		i /= s->ax[k].n;
	}
}

/* v as one whole JSON value, or NULL.  (json_tokener_parse stops after
 * the first value and ignores the rest: "2x" read as 2.) */
static json_object *parse_whole(const char *v)
{
	size_t n = strlen(v), lead = strspn(v, " \t\r\n");
	json_tokener *tok;
	json_object *j;

	/* a number or a boolean starts so (spares a tokener per string) */
	if (!v[lead] || !strchr("-0123456789tf", v[lead]))
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	/* with its NUL, so a number at the very end is complete */
	j = json_tokener_parse_ex(tok, v, (int)n + 1);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < n) {
		json_object_put(j);
		j = NULL;
	}
	json_tokener_free(tok);
	return j;
}

/* A value as JSON: a number, true/false (on/off too) as themselves when
 * literal (the whole value: "2x" is not a literal), else a string. */
static json_object *value_json(const char *v, bool literal)
{
	json_object *j;

	if (!literal)
		return json_object_new_string(v);
	if (!strcmp(v, "on"))
		return json_object_new_boolean(1);
	if (!strcmp(v, "off"))
		return json_object_new_boolean(0);
	j = parse_whole(v);
	if (j && (json_object_is_type(j, json_type_int) ||
		  json_object_is_type(j, json_type_double) ||
		  json_object_is_type(j, json_type_boolean)))
		return j;
	json_object_put(j);
	return NULL;
}

static bool guest_key(const char *k, bool *td_only)
{
	*td_only = !strcmp(k, "huge") || !strcmp(k, "touch") ||
		   !strcmp(k, "convert") || !strcmp(k, "churn");
	return *td_only || !strcmp(k, "size") || !strcmp(k, "vcpus");
}

/* The guest list of sc as a "guests" array, with key=val set in each
 * guest it applies to. */
static json_object *guests_json(const struct sim_scenario *sc,
				const char *key, json_object *val)
{
	json_object *arr = json_object_new_array();
	bool td_only;

	guest_key(key, &td_only);
	for (unsigned i = 0; i < sc->n_guests; i++) {
		const struct sim_guest_spec *g = &sc->guests[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_string(
					       g->legacy ? "vm" : "td"));
		json_object_object_add(o, "size",
				       json_object_new_int64((int64_t)g->size));
		json_object_object_add(o, "vcpus",
				       json_object_new_int((int)g->vcpus));
		if (!g->legacy) {
			json_object_object_add(o, "huge", json_object_new_int(
						       (int)g->huge_pct));
			json_object_object_add(o, "touch", json_object_new_int(
						       (int)g->touch_pct));
			json_object_object_add(o, "convert",
					       json_object_new_int(
						       (int)g->convert_pct));
			json_object_object_add(o, "churn", json_object_new_int(
						       (int)g->churn_pct));
		}
		if (!g->legacy || !td_only)
			json_object_object_add(o, key, json_object_get(val));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Apply key=v to sc as a JSON document; literal: v as a JSON literal. */
static int apply_one(struct sim_scenario *sc, const char *key, const char *v,
		     bool literal, char *msg, size_t len)
{
	json_object *val = value_json(v, literal), *doc;
	char why[8];
	bool td_only;
	int rc;

	if (!val)
		return 1; /* not a literal: try as a string */
	if (json_object_is_type(val, json_type_int) &&
	    json_scan_text(v, why, sizeof(why)) == JSON_SCAN_BIGINT) {
		json_object_put(val); /* json-c clamped it */
		snprintf(msg, len, "%s: an integer outside the 64-bit range",
			 key);
		return -1;
	}
	doc = json_object_new_object();
	if (guest_key(key, &td_only))
		json_object_object_add(doc, "guests",
				       guests_json(sc, key, val));
	else
		json_object_object_add(doc, key, json_object_get(val));
	rc = sim_scenario_apply_object(sc, doc, "sweep", NULL, msg,
				       (unsigned)len);
	json_object_put(doc);
	json_object_put(val);
	return rc;
}

/* key=v: as a literal first (pcpus=8, pair_pool=on), else as a string
 * (strategy=hashed, host_mem=64G); a literal's error wins.  A refused
 * value leaves sc as it was (sim_scenario_apply_object changes nothing
 * then), so no copy is needed. */
static int apply_value(struct sim_scenario *sc, const char *key,
		       const char *v, char *msg, size_t len)
{
	int rc = apply_one(sc, key, v, true, msg, len);

	if (rc < 0) {
		char first[256];

		snprintf(first, sizeof(first), "%s", msg);
		if (apply_one(sc, key, v, false, msg, len) == 0)
			return 0;
		snprintf(msg, len, "%s", first);
		return -1;
	}
	return rc ? apply_one(sc, key, v, false, msg, len) : 0;
}

/* Axis k's value of the point applied to sc; -1 with msg naming it. */
static int apply_axis(const struct sweep *s, unsigned k, const unsigned *idx,
		      struct sim_scenario *sc, char *msg, size_t len)
{
	const struct sweep_axis *a = &s->ax[k];
	char why[256];

	if (!apply_value(sc, a->key, a->v[idx[k]], why, sizeof(why)))
		return 0;
	snprintf(msg, len, "%s=%s: %s", a->key, a->v[idx[k]], why);
	return -1;
}

/* sim_validate of the point's scenario; -1 with msg naming the point. */
static int validate_point(const struct sweep *s, const unsigned *idx,
			  const struct sim_scenario *sc, char *msg,
			  size_t len)
{
	char why[256];
	size_t u;

	if (!sim_validate(sc, why, sizeof(why)))
		return 0;
	msg[0] = '\0';
	for (unsigned k = 0; k < s->n_axes; k++) {
		u = strlen(msg);
		snprintf(msg + u, len - u, "%s=%s ", s->ax[k].key,
			 s->ax[k].v[idx[k]]);
	}
	u = strlen(msg);
	snprintf(msg + u, len - u, "%s%s", s->n_axes ? "- " : "", why);
	return -1;
}

int sweep_point_scenario(const struct sweep *s, const unsigned *idx,
			 struct sim_scenario *out, char *msg, size_t len)
{
	*out = s->base;
	for (unsigned k = 0; k < s->n_axes; k++)
		if (apply_axis(s, k, idx, out, msg, len))
			return -1;
	return validate_point(s, idx, out, msg, len);
}

/*
 * Points in index order are in odometer order (last axis fastest): a
 * point shares "base with axes 0..k-1 applied" (pre[k]) with the point
 * before it unless one of those axes changed, so only the axes from the
 * first changed one on are applied again.  The scenarios are exactly
 * those of sweep_point_scenario, built with about one apply per point
 * instead of one per axis.
 */
int sweep_check_points(const struct sweep *s, char *msg, size_t len)
{
	struct sim_scenario *pre = malloc((s->n_axes + 1) * sizeof(*pre));
	unsigned idx[SWEEP_MAX_AXES], prev[SWEEP_MAX_AXES];
	unsigned n = sweep_n_points(s);
	int rc = 0;

	if (!pre) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	pre[0] = s->base;
	for (unsigned i = 0; i < n && !rc; i++) {
		unsigned k = 0;

		sweep_point_index(s, i, idx);
		while (i && k < s->n_axes && idx[k] == prev[k])
			k++;
		for (; k < s->n_axes && !rc; k++) {
			pre[k + 1] = pre[k];
			rc = apply_axis(s, k, idx, &pre[k + 1], msg, len);
		}
		if (!rc)
			rc = validate_point(s, idx, &pre[s->n_axes], msg, len);
		memcpy(prev, idx, sizeof(prev));
	}
	free(pre);
	return rc;
}
