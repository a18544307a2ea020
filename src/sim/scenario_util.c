/*
 * scenario_util.c - small parsers and formatters shared by the flag and
 * JSON scenario readers: sizes with binary suffixes, plain numbers, guest
 * defaults.  Pure functions.
 */
#include <stdio.h>
#include <string.h>

#include "sim/scenario_parse.h"

static int digit_value(char c, unsigned base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned)v < base ? v : -1;
}

/* Digits of s up to the first non-digit; *end points there.  -1 if none
 * or overflow. */
static int parse_digits(const char *s, unsigned base, uint64_t *out,
			const char **end)
{
	uint64_t v = 0;
	const char *p = s;
	int d;

	while ((d = digit_value(*p, base)) >= 0) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		v = v * base + (uint64_t)d;
		p++;
	}
	if (p == s)
		return -1;
	*out = v;
	*end = p;
	return 0;
}

int sim_parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	unsigned base = 10;

	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (parse_digits(s, base, out, &end) || *end != '\0')
		return -1;
	return 0;
}

static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	default: return -1;
	}
}

int sim_parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int shift = 0;

	if (!s || parse_digits(s, 10, &v, &end))
		return -1;
	if (*end != '\0') {
		shift = suffix_shift(*end);
		if (shift < 0)
			return -1;
		end++;
		if (!strcmp(end, "iB") || !strcmp(end, "B"))
			end += strlen(end);
		if (*end != '\0')
			return -1;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = v << shift;
	return 0;
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
