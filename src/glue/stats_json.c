/*
 * stats_json.c - struct dpamt_stats as one JSON object, generated from
 * the DPAMT_STATS X-macro so a new counter appears without edits here.
 */
#include "glue/dpamt_check.h"

#include <inttypes.h>

int dpamt_stats_json(const struct dpamt_stats *s, char *buf, size_t len)
{
	size_t off = 0;
	int n, total = 0;
	const char *sep = "";

#define DP_JSON_FIELD(f)                                                     \
	n = snprintf(buf ? buf + off : NULL, off < len ? len - off : 0,      \
		     "%s\"%s\": %" PRIu64, sep, #f, s->f);                   \
	total += n;                                                          \
	off = off + (size_t)n < len ? off + (size_t)n : len;                 \
	sep = ", ";

	n = snprintf(buf, len, "{");
	total += n;
	off = (size_t)n < len ? (size_t)n : len;
	DPAMT_STATS(DP_JSON_FIELD)
#undef DP_JSON_FIELD
	n = snprintf(buf ? buf + off : NULL, off < len ? len - off : 0, "}");
	return total + n;
}

void dpamt_stats_fprint_json(FILE *f, const struct dpamt_stats *s)
{
	char buf[2048];
	int n = dpamt_stats_json(s, buf, sizeof(buf));

	if (n >= 0 && (size_t)n < sizeof(buf))
		fputs(buf, f);
}
