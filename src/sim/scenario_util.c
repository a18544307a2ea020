/*
 * scenario_util.c - small helpers shared by the flag and JSON scenario
 * readers: numbers and sizes (the syntax of src/util/units.h, without its
 * messages), exact size formatting, guest defaults.  Pure functions.
 */
#include <stdio.h>
#include <string.h>

#include "sim/scenario_parse.h"
#include "util/units.h"

/* The one number and size syntax (src/util/units.h); the scenario
 * readers word their own messages. */
int sim_parse_u64(const char *s, uint64_t *out)
{
	return units_parse_u64(s, out, NULL, 0);
}

int sim_parse_size(const char *s, uint64_t *out)
{
	return units_parse_size(s, out, NULL, 0);
}

const char *sim_format_size(uint64_t bytes, char *buf, unsigned len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	unsigned u = 0;

	while (u < 4 && bytes && (bytes & 1023) == 0) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)bytes, units[u]);
	return buf;
}

void sim_guest_default(struct sim_guest_spec *g, uint64_t size, bool legacy)
{
	memset(g, 0, sizeof(*g));
	g->legacy = legacy;
	g->size = size;
	g->vcpus = 4;
	g->huge_pct = 0;
	g->touch_pct = 100;
	g->convert_pct = 0;
}
