/*
 * json_path.h - strict parsing of JSON text and typed look-ups in the
 * parsed document, for the tests (the CLI's reports and the renderers'),
 * by a dotted path with optional array indexes ("slow.t1.cycles",
 * "tds[0].pages_4k", "strategies[1].fast_path").  A missing key, an index
 * past the end or a value of the wrong type fails the running cmocka test
 * with the whole path and what was found, so a test never reads a
 * default 0 from a report that lacks the field.
 *
 * Concurrency: none; the document is the caller's, read only.
 */
#ifndef DPAMT_TESTS_JSON_PATH_H
#define DPAMT_TESTS_JSON_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Parse text (what names it in the failure message): exactly one JSON
 * value, nothing after it but white space, or the test fails.  The caller
 * json_object_put()s the result. */
json_object *jpath_parse(const char *text, const char *what);
/* The value at path (any type); fails the test if there is none. */
json_object *jpath_get(json_object *o, const char *path);
/* True if path names a value (never fails the test). */
bool jpath_has(json_object *o, const char *path);
/* An integer (json_type_int). */
uint64_t jpath_u64(json_object *o, const char *path);
/* A number (integer or double). */
double jpath_num(json_object *o, const char *path);
/* A string (owned by the document). */
const char *jpath_str(json_object *o, const char *path);
/* A boolean. */
bool jpath_bool(json_object *o, const char *path);
/* The length of an array. */
size_t jpath_len(json_object *o, const char *path);

#endif /* DPAMT_TESTS_JSON_PATH_H */
