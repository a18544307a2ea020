/*
 * json_dupkeys.c - find a duplicate key in a JSON text.
 *
 * json-c keeps the last of two equal keys silently; a scenario file with
 * "huge" twice is almost certainly a mistake, so the scenario reader runs
 * this scan over text json-c has already accepted in strict mode.  Keys
 * are compared as written (escapes are not decoded).  Pure function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_dupkeys.h"

#define DUP_MAX_DEPTH 64
#define DUP_MAX_KEYS 128

struct dup_frame {
	bool obj;
	bool expect_key;
	unsigned idx;      /* arrays: current element */
	unsigned nkeys;
	const char *key[DUP_MAX_KEYS];
	size_t klen[DUP_MAX_KEYS];
};

/* Path of the frames 0..depth-1 ("guests[1]"), then ".key" if key. */
static void frame_path(const struct dup_frame *f, unsigned depth,
		       const char *key, size_t klen, char *buf, unsigned len)
{
	unsigned used = 0;
	int n;

	buf[0] = '\0';
	for (unsigned d = 0; d < depth && used < len; d++) {
		const struct dup_frame *x = &f[d];

		if (!x->obj)
			n = snprintf(buf + used, len - used, "[%u]", x->idx);
		else if (x->nkeys)
			n = snprintf(buf + used, len - used, "%s%.*s",
				     used ? "." : "",
				     (int)x->klen[x->nkeys - 1],
				     x->key[x->nkeys - 1]);
		else
			n = 0;
		if (n < 0)
			return;
		used += (unsigned)n;
	}
	if (key && used < len)
		snprintf(buf + used, len - used, "%s%.*s", used ? "." : "",
			 (int)klen, key);
}

/* End of the string starting at the quote s (points past closing quote). */
static const char *skip_string(const char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s + 1 : s;
}

/* Record key in the object frame f; true if it was there already. */
static bool add_key(struct dup_frame *f, const char *k, size_t n)
{
	for (unsigned i = 0; i < f->nkeys; i++)
		if (f->klen[i] == n && !memcmp(f->key[i], k, n))
			return true;
	if (f->nkeys < DUP_MAX_KEYS) {
		f->key[f->nkeys] = k;
		f->klen[f->nkeys++] = n;
	}
	return false;
}

bool json_find_duplicate_key(const char *text, char *path, unsigned len)
{
	struct dup_frame *f = calloc(DUP_MAX_DEPTH, sizeof(*f));
	unsigned depth = 0;
	bool found = false;

	if (!f)
		return false;
	for (const char *p = text; *p && !found; p++) {
		struct dup_frame *top = depth ? &f[depth - 1] : NULL;

		if ((*p == '{' || *p == '[') && depth < DUP_MAX_DEPTH) {
			memset(&f[depth], 0, sizeof(f[depth]));
			f[depth].obj = *p == '{';
			f[depth++].expect_key = *p == '{';
		} else if ((*p == '}' || *p == ']') && depth) {
			depth--;
		} else if (*p == ',' && top) {
			top->idx++;
			top->expect_key = top->obj;
		} else if (*p == ':' && top) {
			top->expect_key = false;
		} else if (*p == '"') {
			const char *end = skip_string(p);
			size_t n = (size_t)(end - p) - 2;

			if (top && top->obj && top->expect_key &&
			    add_key(top, p + 1, n)) {
				frame_path(f, depth - 1, p + 1, n, path, len);
				found = true;
			}
			p = end - 1;
		}
	}
	free(f);
	return found;
}
