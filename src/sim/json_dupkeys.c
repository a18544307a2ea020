/*
 * json_dupkeys.c - scan a JSON text json-c has accepted for what json-c
 * lets through: duplicate keys (compared after decoding every escape, so
 * "hug\u0065" equals "huge"), strings with an escaped NUL, objects with
 * more keys than any scenario needs.  Contract in json_dupkeys.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_dupkeys.h"

#define DUP_MAX_DEPTH 64

struct dup_frame {
	bool obj;
	bool expect_key;
	unsigned idx;      /* arrays: current element */
	unsigned nkeys;
	char *key[JSON_SCAN_MAX_KEYS]; /* decoded, malloc'ed */
	size_t klen[JSON_SCAN_MAX_KEYS];
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

static unsigned hex4(const char *p)
{
	unsigned v = 0;

	for (int i = 0; i < 4 && p[i]; i++)
		v = v * 16 + (unsigned)(p[i] <= '9' ? p[i] - '0' :
					(p[i] | 0x20) - 'a' + 10);
	return v;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One escape at p (after the backslash) into o; *adv bytes consumed. */
static size_t decode_escape(const char *p, const char *end, char *o,
			    size_t *adv, bool *nul)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = strchr(from, *p);
	unsigned cp, lo;

	*adv = 1;
	if (*p != 'u' || end - p < 5) {
		*o = k && *p ? to[k - from] : *p;
		return 1;
	}
	cp = hex4(p + 1);
	*adv = 5;
	if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 11 && p[5] == '\\' &&
	    p[6] == 'u' && (lo = hex4(p + 7)) >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		*adv = 11;
	}
	*nul |= cp == 0;
	return put_utf8(o, cp);
}

/* Decode the string body [s, end) (quotes excluded) into a new buffer. */
static char *decode(const char *s, const char *end, size_t *n, bool *nul)
{
	char *out = malloc((size_t)(end - s) + 1), *o = out;
	size_t adv;

	if (!out)
		return NULL;
	while (s < end) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		o += decode_escape(s + 1, end, o, &adv, nul);
		s += 1 + adv;
	}
	*n = (size_t)(o - out);
	return out;
}

static void pop(struct dup_frame *f)
{
	for (unsigned i = 0; i < f->nkeys; i++)
		free(f->key[i]);
	f->nkeys = 0;
}

/* Record a decoded key (taken over) in f; a finding or JSON_SCAN_OK. */
static enum json_scan add_key(struct dup_frame *f, char *k, size_t n)
{
	for (unsigned i = 0; i < f->nkeys; i++)
		if (f->klen[i] == n && !memcmp(f->key[i], k, n)) {
			free(k);
			return JSON_SCAN_DUPKEY;
		}
	if (f->nkeys == JSON_SCAN_MAX_KEYS) {
		free(k);
		return JSON_SCAN_MANY_KEYS;
	}
	f->key[f->nkeys] = k;
	f->klen[f->nkeys++] = n;
	return JSON_SCAN_OK;
}

/* The string at p: NUL check, and a key recorded if one is expected. */
static enum json_scan one_string(struct dup_frame *f, unsigned depth,
				 const char *p, const char *end, char *path,
				 unsigned len)
{
	struct dup_frame *top = depth ? &f[depth - 1] : NULL;
	bool nul = false, is_key = top && top->obj && top->expect_key;
	enum json_scan r = JSON_SCAN_OK;
	size_t n;
	char *d = decode(p + 1, end - 1 > p ? end - 1 : p + 1, &n, &nul);

	if (!d)
		return JSON_SCAN_NOMEM;
	if (nul) {
		frame_path(f, depth, NULL, 0, path, len);
		free(d);
		return JSON_SCAN_NUL;
	}
	if (!is_key) {
		free(d);
		return r;
	}
	frame_path(f, depth - 1, d, n, path, len);
	return add_key(top, d, n);
}

enum json_scan json_scan_text(const char *text, char *path, unsigned len)
{
	struct dup_frame *f = calloc(DUP_MAX_DEPTH, sizeof(*f));
	enum json_scan r = JSON_SCAN_OK;
	unsigned depth = 0;

	if (!f)
		return JSON_SCAN_NOMEM;
	for (const char *p = text; *p && r == JSON_SCAN_OK; p++) {
		struct dup_frame *top = depth ? &f[depth - 1] : NULL;

		if ((*p == '{' || *p == '[') && depth < DUP_MAX_DEPTH) {
			memset(&f[depth], 0, sizeof(f[depth]));
			f[depth].obj = *p == '{';
			f[depth++].expect_key = *p == '{';
		} else if ((*p == '}' || *p == ']') && depth) {
			pop(&f[--depth]);
		} else if (*p == ',' && top) {
			top->idx++;
			top->expect_key = top->obj;
		} else if (*p == ':' && top) {
			top->expect_key = false;
		} else if (*p == '"') {
			const char *end = skip_string(p);

			r = one_string(f, depth, p, end, path, len);
			p = end - 1;
		}
	}
	while (depth)
		pop(&f[--depth]);
	free(f);
	return r;
}

bool json_find_duplicate_key(const char *text, char *path, unsigned len)
{
	return json_scan_text(text, path, len) == JSON_SCAN_DUPKEY;
}
