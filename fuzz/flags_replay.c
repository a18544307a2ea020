/*
 * flags_replay.c - `dpamt replay`'s option and operand parsing for
 * fuzz_flags.c (the trace itself is fuzz_trace.c's).
 */
#include "../tools/cmd_replay.c"
#include "flags.h"

void fuzz_flags_replay(int argc, char **argv)
{
	struct replay_args a = {NULL, false};

	(void)replay_args(argc, argv, &a);
}
