/*
 * cmd_replay.c - `dpamt replay [--require-expect] TRACE|-`: parse a
 * SEAMCALL trace (a file, or stdin for "-"), and when every line is well
 * formed, run it against the TDX-module model.  Exit 0 all ran and every
 * expect held, 1 an expect failed or the model went fatal, 2 bad usage or
 * malformed input (nothing run).  The work lives in src/replay/.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "replay/replay.h"

static void replay_usage(FILE *f)
{
	fputs("usage: dpamt replay [--require-expect] TRACE|-\n"
	      "\n"
	      "Replay a plain-text SEAMCALL trace (\"-\": stdin) against the "
	      "TDX-module model\n"
	      "and print the status of every call.  One item per line, '#' "
	      "comments:\n"
	      "  config mem=SIZE dpamt=on|off [busy=PROB] [seed=N]  "
	      "(optional, first)\n"
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
	      "exit: 0 ok, 1 an expect failed or the model went fatal, "
	      "2 malformed input\n"
	      "(nothing runs then).  See docs/replay.md.\n", f);
}

/* Options and the one operand; returns the path or NULL (exit 2/0). */
static const char *replay_args(int argc, char **argv, bool *require,
			       int *rc)
{
	const char *path = NULL;
	bool opts = true;

	*rc = 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			replay_usage(stdout);
			*rc = 0;
			return NULL;
		} else if (opts && !strcmp(a, "--require-expect")) {
			*require = true;
		} else if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && a[0] == '-' && a[1]) {
			fprintf(stderr, "dpamt replay: unknown option '%s' "
				"(try: dpamt replay --help)\n", a);
			return NULL;
		} else if (path) {
			fprintf(stderr, "dpamt replay: one trace only ('%s' "
				"and '%s')\n", path, a);
			return NULL;
		} else {
			path = a;
		}
	}
	if (!path)
		fprintf(stderr, "usage: dpamt replay [--require-expect] "
			"TRACE|-\n");
	return path;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_trace t;
	bool require = false, is_stdin;
	const char *path;
	FILE *in;
	int rc, bad;

	path = replay_args(argc, argv, &require, &rc);
	if (!path)
		return rc;
	is_stdin = !strcmp(path, "-");
	in = is_stdin ? stdin : fopen(path, "r");
	if (!in) {
		fprintf(stderr, "dpamt replay: cannot open '%s': %s\n", path,
			strerror(errno));
		return REPLAY_EXIT_BADINPUT;
	}
	replay_trace_init(&t, is_stdin ? "<stdin>" : path);
	t.require_expect = require;
	bad = replay_parse_stream(&t, in, stderr);
	if (!is_stdin)
		fclose(in);
	rc = bad ? REPLAY_EXIT_BADINPUT : replay_run(&t, stdout, stderr);
	replay_trace_free(&t);
	return rc;
}
