/*
 * flags_info.c - `dpamt info`'s option parsing and layout checks for
 * fuzz_flags.c, then the sizing of an accepted layout.
 */
#include <stdlib.h>

#include "../tools/cmd_info.c"
#include "flags.h"

void fuzz_flags_info(int argc, char **argv)
{
	struct info_opts *o = calloc(1, sizeof(*o));
	struct dpamt_metadata md;
	struct dpamt_sizing s;

	if (!o)
		abort();
	if (!parse_args(argc, argv, o) && !check_layout(o)) {
		dpamt_metadata_default(&md);
		(void)dpamt_size(&md, o->tdmrs, o->n, &s);
	}
	memmap_free(&o->ram);
	free(o);
}
