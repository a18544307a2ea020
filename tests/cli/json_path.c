/*
 * json_path.c - strict parsing and dotted-path, typed JSON look-ups that
 * fail the test with the path (json_path.h).
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_path.h"

json_object *jpath_parse(const char *text, const char *what)
{
	json_tokener *tok = json_tokener_new();
	size_t len = strlen(text), end;
	json_object *j;

	assert_non_null(tok);
	j = json_tokener_parse_ex(tok, text, (int)len);
	if (!j || json_tokener_get_error(tok) != json_tokener_success)
		fail_msg("%s is not JSON (%s):\n%s", what,
			 json_tokener_error_desc(json_tokener_get_error(tok)),
			 text);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (end < len && isspace((unsigned char)text[end]))
		end++;
	if (end < len)
		fail_msg("%s has more than one JSON value; after it:\n%s", what,
			 text + end);
	return j;
}

/* One step: "name", "name[i]", "name[i][j]" or "[i]" applied to o.  NULL
 * if a key is missing, an index is past the end or not a number, or the
 * value indexed is not an array. */
static json_object *step(json_object *o, char *seg)
{
	char *br = strchr(seg, '[');

	if (br)
		*br = '\0';
	if (*seg && (!json_object_is_type(o, json_type_object) ||
		     !json_object_object_get_ex(o, seg, &o)))
		return NULL;
	while (br) {
		char *end;
		unsigned long i = strtoul(br + 1, &end, 10);

		if (end == br + 1 || *end != ']' ||
		    !json_object_is_type(o, json_type_array) ||
		    i >= json_object_array_length(o))
			return NULL;
		o = json_object_array_get_idx(o, i);
		br = end[1] == '[' ? end + 1 : NULL;
		if (!br && end[1])
			return NULL;
	}
	return o;
}

/* The value at path, or NULL with *at the offset in path of the step
 * that found nothing. */
static json_object *lookup(json_object *o, const char *path, size_t *at)
{
	char buf[256], *save = NULL, *tok;

	assert_true(strlen(path) < sizeof(buf));
	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && o;
	     tok = strtok_r(NULL, ".", &save)) {
		o = step(o, tok);
		*at = (size_t)(tok - buf);
	}
	return o;
}

json_object *jpath_get(json_object *o, const char *path)
{
	size_t at = 0;
	json_object *v = lookup(o, path, &at);

	if (!v && !at)
		fail_msg("JSON has no '%s'", path);
	if (!v)
		fail_msg("JSON has no '%s': nothing at '%s' under '%.*s'", path,
			 path + at, (int)at - 1, path);
	return v;
}

bool jpath_has(json_object *o, const char *path)
{
	size_t at;

	return lookup(o, path, &at) != NULL;
}

/* The value at path, failing the test unless it has one of the types
 * (want names them for the message). */
static json_object *typed(json_object *o, const char *path, json_type t1,
			  json_type t2, const char *want)
{
	json_object *v = jpath_get(o, path);

	if (!json_object_is_type(v, t1) && !json_object_is_type(v, t2))
		fail_msg("JSON '%s' is %s %s, want %s", path,
			 json_type_to_name(json_object_get_type(v)),
			 json_object_to_json_string(v), want);
	return v;
}

uint64_t jpath_u64(json_object *o, const char *path)
{
	return json_object_get_uint64(
		typed(o, path, json_type_int, json_type_int, "an integer"));
}

double jpath_num(json_object *o, const char *path)
{
	return json_object_get_double(
		typed(o, path, json_type_int, json_type_double, "a number"));
}

const char *jpath_str(json_object *o, const char *path)
{
	return json_object_get_string(
		typed(o, path, json_type_string, json_type_string, "a string"));
}

bool jpath_bool(json_object *o, const char *path)
{
	return json_object_get_boolean(typed(o, path, json_type_boolean,
					     json_type_boolean, "a boolean"));
}

size_t jpath_len(json_object *o, const char *path)
{
	return json_object_array_length(
		typed(o, path, json_type_array, json_type_array, "an array"));
}
