/*
 * fuzz_scenario.c - libFuzzer harness: a `dpamt sim --scenario` JSON
 * document (sim_scenario_apply_json with its strict parse, the decoded
 * duplicate-key and NUL scan), then validation and the estimates a
 * front end computes before a run.  Findings: crashes, sanitizer
 * reports, an accepted document that leaves a value outside its
 * documented range.
 */
#include <stdlib.h>

#include "sim/json_dupkeys.h"
#include "sim/scenario_parse.h"
#include "sim/sim.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Ranges the reader promises for what it accepted (docs/cli.md). */
static void check_ranges(const struct sim_scenario *sc)
{
	if (sc->n_guests > SIM_MAX_GUESTS || sc->cycles < 1 ||
	    sc->cycles > SIM_MAX_CYCLES || !(sc->busy_inject >= 0.0 &&
					     sc->busy_inject < 1.0) ||
	    sc->busy_attempts > SIM_MAX_BUSY_ATTEMPTS)
		abort();
	for (unsigned i = 0; i < sc->n_guests; i++) {
		const struct sim_guest_spec *g = &sc->guests[i];

		if (!g->size || g->size > SIM_MAX_HOST_MEM ||
		    g->vcpus < 1 || g->vcpus > SIM_MAX_VCPUS ||
		    g->huge_pct > 100 || g->touch_pct > 100 ||
		    g->convert_pct > 100)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim_scenario *sc = malloc(sizeof(*sc));
	char *text = fuzz_cstr(data, size), msg[SIM_MSG_LEN], path[128];
	bool had = false;

	if (!sc)
		abort();
	sim_scenario_default(sc);
	(void)json_scan_text(text, path, sizeof(path));
	if (!sim_scenario_apply_json(sc, text, "fuzz", &had, msg,
				     sizeof(msg))) {
		check_ranges(sc);
		if (!sim_validate(sc, msg, sizeof(msg)))
			(void)sim_mem_estimate(sc);
		(void)sim_host_mem_needed(sc);
	}
	free(text);
	free(sc);
	return 0;
}
