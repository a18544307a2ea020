/*
 * cliopt.h - the one option parser of every dpamt subcommand (docs/cli.md).
 *
 * A subcommand describes its options in a table; cliopt_parse() walks
 * argv left to right and calls each option's handler with its value.
 * Forms: "--opt VALUE" and "--opt=VALUE" (a separate value may not start
 * with "--": write --opt=--x), flags without a value, "--help"/"-h" for
 * every command (parsing stops there), "--" ending the options, and
 * operands (anything else, including "-") when the command takes them.
 * No abbreviations, no bundling.  Messages are one line, naming the
 * offending argument; cliopt_fail() prints one as
 * "dpamt CMD: MESSAGE (try: dpamt CMD --help)" and returns 2.
 *
 * Reentrant: no state besides the caller's context; any thread.
 */
#ifndef DPAMT_UTIL_CLIOPT_H
#define DPAMT_UTIL_CLIOPT_H

#include <stddef.h>

/* The exit-status rule, common to every subcommand (docs/cli.md). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILED 1 /* a failed check, or an output not written */
#define CLI_EXIT_USAGE 2  /* bad usage or input: nothing ran */

/* The lines every --help ends with (after its own meaning of "check"). */
#define CLI_EXIT_HELP \
	"Exit status (every dpamt command, docs/cli.md):\n" \
	"  0  success\n" \
	"  1  a failed check (see above), or an output could not be " \
	"written\n" \
	"  2  bad usage or input; nothing ran\n"

/* Handler of one option: 0, or -1 with msg (the message names val). */
typedef int (*cliopt_fn)(void *ctx, const char *val, char *msg, size_t len);

struct cliopt {
	const char *name;    /* "--json" */
	const char *example; /* a value shown when it is missing ("FILE");
				NULL: a flag without a value */
	cliopt_fn fn;
};

struct cliopt_spec {
	const char *cmd;               /* "sim", for messages */
	const struct cliopt *opts;
	size_t n_opts;
	cliopt_fn operand;             /* NULL: operands are refused */
};

enum cliopt_result {
	CLIOPT_RUN = 0,  /* parsed: go on */
	CLIOPT_HELP = 1, /* --help seen: print the usage, exit 0 */
	CLIOPT_BAD = 2,  /* bad usage: msg says why, exit 2 */
};

/* Parse argv[1..argc-1] (argv[0] is the subcommand). */
enum cliopt_result cliopt_parse(const struct cliopt_spec *s, void *ctx,
				int argc, char **argv, char *msg, size_t len);

/* The value of an output option (--json FILE, --plot-dir DIR): not
 * empty, and given once -- a second would leave the first output silently
 * unwritten.  0 with *dst = val, or -1 with msg ("OPT: '' is not a
 * WHAT", "OPT given twice ('A' and 'B')...").  Any thread; writes only
 * *dst and msg. */
int cliopt_out_once(const char *opt, const char *what, const char *val,
		    const char **dst, char *msg, size_t len);

/* Print "dpamt CMD: MSG (try: dpamt CMD --help)" on stderr; returns 2. */
int cliopt_fail(const char *cmd, const char *msg);

#endif /* DPAMT_UTIL_CLIOPT_H */
