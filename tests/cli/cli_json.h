/*
 * cli_json.h - run the built CLI and take its JSON back, for the tests
 * that assert on a report (tests/cli, tests/info, tests/sim): one call
 * runs, requires exit 0 (stderr shown if not) and parses stdout; another
 * parses a file the CLI wrote (--json FILE).  Parsing is strict: the
 * text must be one JSON value and nothing else but white space.  Read the
 * result with the typed look-ups of json_path.h.
 *
 * Concurrency: none; one test thread at a time.
 */
#ifndef DPAMT_TESTS_CLI_JSON_H
#define DPAMT_TESTS_CLI_JSON_H

#include <json-c/json.h>

#include "cli_run.h"
#include "json_path.h"

/* cli_run_ok(args, env, r), then stdout parsed; the caller
 * json_object_put()s the result. */
json_object *cli_run_json(const char *const *args, const struct cli_env *env,
			  struct cli_out *r);
/* The JSON in a file the CLI wrote; fails if unreadable or not JSON. */
json_object *cli_json_file(const char *path);

#endif /* DPAMT_TESTS_CLI_JSON_H */
