/*
 * cli_json.c - run the CLI and parse its JSON strictly (cli_json.h).
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

#include "cli_json.h"

json_object *cli_json_parse(const char *text, const char *what)
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

json_object *cli_run_json(const char *const *args, const struct cli_env *env,
			  struct cli_out *r)
{
	struct cli_out own;
	json_object *j;

	if (!r)
		r = &own;
	cli_run_ok(args, env, r);
	j = cli_json_parse(r->out, "stdout");
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
	j = cli_json_parse(text, path);
	free(text);
	return j;
}
