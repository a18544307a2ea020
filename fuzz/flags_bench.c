/*
 * flags_bench.c - `dpamt bench`'s option parsing for fuzz_flags.c: an
 * accepted command line must be within the documented bounds.
 */
#include <stdlib.h>

#include "../tools/cmd_bench.c"
#include "flags.h"

void fuzz_flags_bench(int argc, char **argv)
{
	struct bench_opts o;

	memset(&o, 0, sizeof(o));
	fp_config_default(&o.cfg);
	if (!parse_args(argc, argv, &o) &&
	    (o.cfg.iters < 1 || o.cfg.iters > BENCH_MAX_ITERS ||
	     o.cfg.reps < 1 || o.cfg.reps > BENCH_MAX_REPS ||
	     o.cfg.slow_iters > BENCH_MAX_SLOW_ITERS ||
	     o.cfg.iters * o.cfg.reps > BENCH_MAX_FAST_WORK ||
	     o.cfg.slow_iters * o.cfg.reps > BENCH_MAX_SLOW_WORK))
		abort();
}
