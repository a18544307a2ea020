/*
 * cliopt.c - the table-driven option parser shared by every dpamt
 * subcommand (contract in cliopt.h).
 */
#include <stdio.h>
#include <string.h>

#include "util/cliopt.h"
#include "util/errmsg.h"

static int is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* The option named by arg up to '=' (if any), or NULL. */
static const struct cliopt *find(const struct cliopt_spec *s, const char *arg,
				 const char **inline_val)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : strlen(arg);

	*inline_val = eq ? eq + 1 : NULL;
	for (size_t i = 0; i < s->n_opts; i++)
		if (strlen(s->opts[i].name) == n &&
		    !strncmp(arg, s->opts[i].name, n))
			return &s->opts[i];
	return NULL;
}

/* argv[*i] is an option: run its handler, taking a separate value. */
static int one_option(const struct cliopt_spec *s, void *ctx, int argc,
		      char **argv, int *i, char *msg, size_t len)
{
	const char *arg = argv[*i], *val;
	const struct cliopt *o = find(s, arg, &val);

	if (!o) {
		snprintf(msg, len, "unknown option '%s'", arg);
		return -1;
	}
	if (!o->example) {
		if (val) {
			snprintf(msg, len, "%s takes no value (got '%s')",
				 o->name, arg);
			return -1;
		}
		return o->fn(ctx, NULL, msg, len);
	}
	if (!val) {
		if (*i + 1 >= argc || !strncmp(argv[*i + 1], "--", 2)) {
			snprintf(msg, len, "%s needs a value (e.g. %s %s)",
				 o->name, o->name, o->example);
			return -1;
		}
		val = argv[++*i];
	}
	return o->fn(ctx, val, msg, len);
}

static int operand(const struct cliopt_spec *s, void *ctx, const char *arg,
		   char *msg, size_t len)
{
	if (!s->operand) {
		snprintf(msg, len, "unexpected argument '%s' (options start "
			 "with --)", arg);
		return -1;
	}
	return s->operand(ctx, arg, msg, len);
}

enum cliopt_result cliopt_parse(const struct cliopt_spec *s, void *ctx,
				int argc, char **argv, char *msg, size_t len)
{
	int opts = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc;

		if (opts && is_help(a))
			return CLIOPT_HELP;
		if (opts && !strcmp(a, "--")) {
			opts = 0;
			continue;
		}
		if (opts && a[0] == '-' && a[1])
			rc = one_option(s, ctx, argc, argv, &i, msg, len);
		else
			rc = operand(s, ctx, a, msg, len);
		if (rc)
			return CLIOPT_BAD;
	}
	return CLIOPT_RUN;
}

int cliopt_out_once(const char *opt, const char *what, const char *val,
		    const char **dst, char *msg, size_t len)
{
	if (!*val)
		return errmsg(msg, len, "%s: '' is not a %s", opt, what);
	if (*dst)
		return errmsg(msg, len,
			      "%s given twice ('%s' and '%s'): one "
			      "output per option",
			      opt, *dst, val);
	*dst = val;
	return 0;
}

int cliopt_fail(const char *cmd, const char *msg)
{
	fprintf(stderr, "dpamt %s: %s (try: dpamt %s --help)\n", cmd, msg,
		cmd);
	return CLI_EXIT_USAGE;
}
