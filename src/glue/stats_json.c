/*
 * stats_json.c - struct dpamt_stats as one JSON object, generated from
 * the DPAMT_STATS X-macro so a new counter appears without edits here.
 */
#include "glue/dpamt_check.h"

#include <inttypes.h>
#include <string.h>

struct jbuf {
	char *buf;
	size_t len, off; /* off: bytes stored (< len when len > 0) */
	int total;       /* bytes the whole object needs */
};

/* Append s, truncating, keeping buf NUL-terminated. */
static void jb_put(struct jbuf *j, const char *s)
{
	size_t n = strlen(s);

	j->total += (int)n;
	if (!j->buf || j->len == 0)
		return;
	if (n > j->len - 1 - j->off)
		n = j->len - 1 - j->off;
	memcpy(j->buf + j->off, s, n);
	j->off += n;
	j->buf[j->off] = '\0';
}

static void jb_field(struct jbuf *j, const char *name, uint64_t v,
		     bool first)
{
	char tmp[96];

	snprintf(tmp, sizeof(tmp), "%s\"%s\": %" PRIu64, first ? "" : ", ",
		 name, v);
	jb_put(j, tmp);
}

int dpamt_stats_json(const struct dpamt_stats *s, char *buf, size_t len)
{
	struct jbuf j = { .buf = buf, .len = len };
	bool first = true;

	if (buf && len)
		buf[0] = '\0';
	jb_put(&j, "{");
#define DP_JSON_FIELD(f)                                                     \
	jb_field(&j, #f, s->f, first);                                       \
	first = false;
	DPAMT_STATS(DP_JSON_FIELD)
#undef DP_JSON_FIELD
	jb_put(&j, "}");
	return j.total;
}
