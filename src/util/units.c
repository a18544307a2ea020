/*
 * units.c - strict number/size parsing and byte formatting for the dpamt
 * CLI and the scenario readers (see units.h for the accepted syntax).  Hand-rolled
 * rather than strtoull: strtoull skips spaces, accepts a sign and wraps
 * "-1" to 2^64-1, all of which a size on the command line must reject.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/units.h"

static int fail(char *err, size_t errlen, const char *what, const char *s)
{
	if (err && errlen)
		snprintf(err, errlen, "'%.40s%s': %s", s,
			 strlen(s) > 40 ? "..." : "", what);
	return -1;
}

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
	return v < (int)base ? v : -1;
}

/* Leading number of s; *end is the first character after it. */
static int parse_number(const char *s, const char **end, uint64_t *out,
			char *err, size_t errlen)
{
	unsigned base = 10;
	const char *p = s;
	uint64_t v = 0;
	int d;

	if (!s || !*s)
		return fail(err, errlen, "empty value", s ? s : "");
	if (*s == '-')
		return fail(err, errlen, "negative values are not allowed", s);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (digit_value(*p, base) < 0)
		return fail(err, errlen, base == 16 ?
			    "no hex digits after 0x" : "not a number", s);
	for (; (d = digit_value(*p, base)) >= 0; p++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return fail(err, errlen, "too large (over 64 bits)", s);
		v = v * base + (uint64_t)d;
	}
	if (*p == '.')
		return fail(err, errlen, "fractions are not supported "
			    "(use a smaller unit, e.g. 1536M)", s);
	*end = p;
	*out = v;
	return 0;
}

int units_parse_u64(const char *s, uint64_t *out, char *err, size_t errlen)
{
	const char *end;
	uint64_t v;

	if (parse_number(s, &end, &v, err, errlen))
		return -1;
	if (*end)
		return fail(err, errlen, "trailing characters after the "
			    "number", s);
	*out = v;
	return 0;
}

int units_parse_uint_range(const char *s, uint64_t min, uint64_t max,
			 uint64_t *out, char *err, size_t errlen)
{
	uint64_t v;
	char what[96];

	if (units_parse_u64(s, &v, err, errlen))
		return -1;
	if (v < min || v > max) {
		snprintf(what, sizeof(what), "out of range (%llu..%llu)",
			 (unsigned long long)min, (unsigned long long)max);
		return fail(err, errlen, what, s);
	}
	*out = v;
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

/* "", "B" or "iB", any case. */
static bool unit_tail_ok(const char *p)
{
	if (*p == 'i' || *p == 'I')
		p++;
	else if (!*p)
		return true;
	return (*p == 'b' || *p == 'B') && p[1] == '\0';
}

int units_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	const char *end;
	uint64_t v;
	int shift = 0;

	if (parse_number(s, &end, &v, err, errlen))
		return -1;
	if ((*end == 'b' || *end == 'B') && end[1] == '\0') {
		shift = 0; /* "4096B" */
	} else if (*end) {
		shift = suffix_shift(*end);
		if (shift < 0 || !unit_tail_ok(end + 1))
			return fail(err, errlen, "unknown unit (use K, M, G "
				    "or T, binary: 16G = 16 GiB)", s);
	}
	if (v > (UINT64_MAX >> shift))
		return fail(err, errlen, "too large (over 64 bits)", s);
	*out = v << shift;
	return 0;
}

int units_parse_range(const char *s, uint64_t *base, uint64_t *size,
		    char *err, size_t errlen)
{
	const char *colon = s ? strchr(s, ':') : NULL;
	char head[64];
	size_t n;
	uint64_t b, z;

	if (!colon)
		return fail(err, errlen, "expected BASE:SIZE (e.g. 4T:64G)",
			    s ? s : "");
	n = (size_t)(colon - s);
	if (n >= sizeof(head))
		return fail(err, errlen, "base too long", s);
	memcpy(head, s, n);
	head[n] = '\0';
	if (units_parse_size(head, &b, err, errlen) ||
	    units_parse_size(colon + 1, &z, err, errlen))
		return -1;
	if (z > UINT64_MAX - b)
		return fail(err, errlen, "BASE + SIZE is past 2^64", s);
	*base = b;
	*size = z;
	return 0;
}

const char *units_human_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB",
					    "PiB", "EiB"};
	unsigned u = 0;
	uint64_t div = 1;

	while (u + 1 < sizeof(units) / sizeof(units[0]) &&
	       bytes / div >= 1024) {
		div <<= 10;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.2f %s", (double)bytes / (double)div,
			 units[u]);
	return buf;
}
