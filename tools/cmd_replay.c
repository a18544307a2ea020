/*
 * cmd_replay.c - `dpamt replay [--require-expect] TRACE|-`: parse a
 * SEAMCALL trace (a file, or stdin for "-"), and when every line is well
 * formed, run it against the TDX-module model.  Exit 0 all ran and every
 * expect held, 1 an expect failed or the model went fatal (or stdout
 * could not be written), 2 bad usage or malformed input (nothing run):
 * docs/cli.md.  The work lives in src/replay/.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "replay/replay.h"
#include "util/cliopt.h"

static void replay_usage(FILE *f)
{
	fputs("usage: dpamt replay [--require-expect] TRACE|-\n"
	      "\n"
	      "Replay a plain-text SEAMCALL trace (\"-\": stdin) against the "
	      "TDX-module model\n"
	      "and print the status of every call.  One item per line, '#' "
	      "comments:\n"
	      "  config mem=SIZE dpamt=on|off [busy=PROB] [seed=N] "
	      "[tdcs_pages=N]  (optional, first)\n"
	      "  LEAF [REG=V]... [expect=STATUS] [expect.REG=V]...\n"
	      "  write pa=A len=N [byte=B]      (a host store into memory)\n"
	      "e.g.\n"
	      "  PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 r8=0x80001000"
	      " expect=SUCCESS\n"
	      "LEAF    a SEAMCALL name without TDH. (any case)\n"
	      "REG     rcx rdx r8 r9 r10 r11 r12 r13;  V: decimal or 0x-hex\n"
	      "STATUS  NAME (class only), NAME|OPERAND, or a full 64-bit "
	      "status\n"
	      "        expect.REG=PA|HINT: PA with the removal hint (bit 62)\n"
	      "\n"
	      "  --require-expect  a call line without expect= is an error\n"
	      "\n"
	      "A line holds at most 64 KiB, a trace at most 1000000 items; "
	      "a read error\nis an error.  See docs/replay.md.\n"
	      "\n"
	      "Failed check: an expect failed or the model went fatal.\n"
	      CLI_EXIT_HELP, f);
}

struct replay_args {
	const char *path;
	bool require;
};

static int opt_require(void *ctx, const char *v, char *msg, size_t len)
{
	((struct replay_args *)ctx)->require = true;
	return 0;
}

static int operand(void *ctx, const char *arg, char *msg, size_t len)
{
	struct replay_args *a = ctx;

	if (a->path) {
		snprintf(msg, len, "one trace only ('%s' and '%s')", a->path,
			 arg);
		return -1;
	}
	if (!*arg) {
		snprintf(msg, len, "'' is not a trace file (use - for stdin)");
		return -1;
	}
	a->path = arg;
	return 0;
}

static const struct cliopt replay_opts[] = {
	{"--require-expect", NULL, opt_require},
};

static const struct cliopt_spec replay_spec = {
	"replay", replay_opts, sizeof(replay_opts) / sizeof(replay_opts[0]),
	operand,
};

/* Options and the one operand: 0 to run, else the exit status. */
static int replay_args(int argc, char **argv, struct replay_args *a)
{
	char msg[512];

	switch (cliopt_parse(&replay_spec, a, argc, argv, msg, sizeof(msg))) {
	case CLIOPT_HELP:
		replay_usage(stdout);
		return -1;
	case CLIOPT_BAD:
		return cliopt_fail("replay", msg);
	default:
		break;
	}
	if (!a->path)
		return cliopt_fail("replay", "no trace given (a file, or - "
				   "for stdin)");
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_args a = {NULL, false};
	struct replay_trace t;
	const char *path;
	bool is_stdin;
	FILE *in;
	int rc, bad;

	rc = replay_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	path = a.path;
	is_stdin = !strcmp(path, "-");
	in = is_stdin ? stdin : fopen(path, "r");
	if (!in) {
		fprintf(stderr, "dpamt replay: cannot open '%s': %s\n", path,
			strerror(errno));
		return REPLAY_EXIT_BADINPUT;
	}
	replay_trace_init(&t, is_stdin ? "<stdin>" : path);
	t.require_expect = a.require;
	bad = replay_parse_stream(&t, in, stderr);
	if (!is_stdin)
		fclose(in);
	rc = bad ? REPLAY_EXIT_BADINPUT : replay_run(&t, stdout, stderr);
	replay_trace_free(&t);
	return rc;
}
