/*
 * fuzz_units.c - libFuzzer harness: every number, size and value parser
 * of the CLI (src/util/units.c, the sim value parsers, replay's own
 * status and PA|HINT parsers) on one string.  Findings: crashes, sanitizer reports, a
 * number that does not print back to itself, a size parsed differently
 * by the CLI and the scenario reader, a failed parse that changed *out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay/replay.h"
#include "sim/scenario_parse.h"
#include "util/units.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

static void numbers(const char *s)
{
	uint64_t a = SENTINEL, b = SENTINEL, base, len;
	char err[160], buf[32];

	if (!units_parse_u64(s, &a, err, sizeof(err))) {
		snprintf(buf, sizeof(buf), "%" PRIu64, a);
		if (units_parse_u64(buf, &b, err, sizeof(err)) || a != b)
			abort();
	} else if (a != SENTINEL) {
		abort();
	}
	a = b = SENTINEL;
	if (!units_parse_size(s, &a, err, sizeof(err))) {
		if (sim_parse_size(s, &b) || a != b)
			abort();
		units_human_bytes(a, buf, sizeof(buf));
	} else if (a != SENTINEL) {
		abort();
	}
	(void)units_parse_uint_range(s, 1, 1000, &a, err, sizeof(err));
	(void)units_parse_range(s, &base, &len, err, sizeof(err));
	a = SENTINEL;
	if (replay_parse_reg_value(s, &a, err, sizeof(err)) && a != SENTINEL)
		abort();
}

static void values(const char *s)
{
	struct sim_guest_spec g = {0};
	struct replay_expect x;
	uint64_t lat[DPAMT_TDX_LEAF_MAX] = {0};
	enum dpamt_strategy st;
	char msg[SIM_MSG_LEN];

	g.legacy = s[0] & 1;
	if (!sim_parse_td_spec(s, &g, msg, sizeof(msg)) &&
	    (!g.size || g.size > SIM_MAX_HOST_MEM || g.vcpus < 1 ||
	     g.vcpus > SIM_MAX_VCPUS || g.huge_pct > 100 ||
	     g.touch_pct > 100 || g.convert_pct > 100))
		abort();
	if (!sim_parse_seamcall_ns(s, lat, msg, sizeof(msg)))
		for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++)
			if (lat[l] > SIM_MAX_SEAMCALL_NS)
				abort();
	(void)sim_parse_strategy(s, &st, msg, sizeof(msg));
	(void)sim_leaf_number(s);
	(void)replay_parse_expect(s, &x, msg, sizeof(msg));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	numbers(s);
	values(s);
	free(s);
	return 0;
}
