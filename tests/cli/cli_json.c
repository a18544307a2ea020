/*
 * cli_json.c - run the CLI and parse its JSON strictly (cli_json.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_json.h"

json_object *cli_run_json(const char *const *args, const struct cli_env *env,
			  struct cli_out *r)
{
	struct cli_out own;
	json_object *j;

	if (!r)
		r = &own;
	cli_run_ok(args, env, r);
	j = jpath_parse(r->out, "stdout");
	if (r == &own)
		cli_out_free(&own);
	return j;
}

json_object *cli_json_file(const char *path)
{
	char *text = cli_slurp(path);
	json_object *j;

	if (!text)
		fail_msg("cannot read %s", path);
	j = jpath_parse(text, path);
	free(text);
	return j;
}
