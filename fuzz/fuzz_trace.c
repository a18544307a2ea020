/*
 * fuzz_trace.c - libFuzzer harness: the replay trace reader and parser
 * (replay_parse_stream, bounded lines, NUL bytes, read from a memory
 * stream) and, when the trace is well formed and small, the runner
 * against the module model (replay_run).  Findings: crashes, sanitizer
 * reports, a well-formed trace the runner calls malformed (status 2 only
 * for a set-up the model refuses), a status outside 0..2.
 */
#include <stdio.h>
#include <stdlib.h>

#include "replay/replay.h"

#define FUZZ_RUN_MAX_CALLS 256
#define FUZZ_RUN_MAX_MEM (64ull << 30) /* bigger set-ups only parse */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *in, *sink = fopen("/dev/null", "w");
	struct replay_trace t;
	int bad, rc;

	if (!sink)
		abort();
	in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!in)
		abort();
	replay_trace_init(&t, "fuzz");
	bad = replay_parse_stream(&t, in, sink);
	if (bad == 0 && t.n_calls <= FUZZ_RUN_MAX_CALLS &&
	    t.config.mem_bytes <= FUZZ_RUN_MAX_MEM) {
		rc = replay_run(&t, sink, sink);
		if (rc < 0 || rc > 2)
			abort();
	}
	replay_trace_free(&t);
	fclose(in);
	fclose(sink);
	return 0;
}
