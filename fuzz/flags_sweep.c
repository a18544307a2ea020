/*
 * flags_sweep.c - `dpamt sweep`'s option and KEY=V1,V2 parsing for
 * fuzz_flags.c: every point's scenario is built and validated; nothing
 * runs.
 */
#include "../tools/cmd_sweep.c"
#include "flags.h"

void fuzz_flags_sweep(int argc, char **argv)
{
	struct sweep_front *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	(void)parse(f, argc, argv);
	free(f);
}
