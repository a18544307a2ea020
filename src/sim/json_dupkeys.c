/*
 * json_dupkeys.c - scan a JSON text json-c has accepted for what json-c
 * lets through: duplicate keys (compared after decoding every escape, so
 * "hug\u0065" equals "huge"), strings with an escaped NUL, objects with
 * more keys than any scenario needs, integers past 64 bits.  Contract in json_dupkeys.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/json_dupkeys.h"

/* An open object or array.  An object's keys are entries
 * first..first+nkeys-1 of the scan's key list. */
struct dup_frame {
	bool obj;
	bool expect_key;
	unsigned idx;      /* arrays: current element */
	unsigned first;    /* objects: its first key in scan.key */
	unsigned nkeys;
	size_t buf0;       /* scan.nbuf when the frame opened */
};

struct dup_key {
	size_t off, len;   /* decoded bytes in scan.buf */
};

/* One scan: frames on the C stack, keys of the open objects grown on
 * demand (popped with their frame). */
struct dup_scan {
	struct dup_frame f[JSON_SCAN_MAX_DEPTH];
	unsigned depth;
	struct dup_key *key;
	unsigned nkey;
	size_t capkey;
	char *buf;
	size_t nbuf, capbuf;
};

/* p with room for need elements of size elem (capacity *cap, updated):
 * p itself, a larger copy of it, or NULL (p untouched) out of memory. */
static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	q = realloc(p, n * elem);
	if (q)
		*cap = n;
	return q;
}

/* Path of the frames 0..depth-1 ("guests[1]"), then ".key" if key. */
static void frame_path(const struct dup_scan *sc, unsigned depth,
		       const char *key, size_t klen, char *buf, unsigned len)
{
	unsigned used = 0;
	int n;

	buf[0] = '\0';
	for (unsigned d = 0; d < depth && used < len; d++) {
		const struct dup_frame *x = &sc->f[d];
		const struct dup_key *k;

		if (!x->obj) {
			n = snprintf(buf + used, len - used, "[%u]", x->idx);
		} else if (x->nkeys) {
			k = &sc->key[x->first + x->nkeys - 1];
			n = snprintf(buf + used, len - used, "%s%.*s",
				     used ? "." : "", (int)k->len,
				     sc->buf + k->off);
		} else {
			n = 0;
		}
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

/* Decode the string body [s, end) (quotes excluded) into out, which has
 * room for end - s bytes (a decoded string is never longer). */
static size_t decode(const char *s, const char *end, char *out, bool *nul)
{
	char *o = out;
	size_t adv;

	while (s < end) {
		if (*s != '\\') {
			*o++ = *s++;
			continue;
		}
		o += decode_escape(s + 1, end, o, &adv, nul);
		s += 1 + adv;
	}
	return (size_t)(o - out);
}

/* Does the string body [s, end) hold an escaped NUL?  (The same reading
 * of escapes as decode(), without writing anything.) */
static bool has_nul(const char *s, const char *end)
{
	while (s < end) {
		if (*s++ != '\\' || s >= end)
			continue;
		if (*s == 'u' && end - s >= 5 && hex4(s + 1) == 0)
			return true;
		s += *s == 'u' && end - s >= 5 ? 5 : 1;
	}
	return false;
}

/* The key [p, end) of the top frame: decoded, compared with the frame's
 * keys, kept.  A finding or JSON_SCAN_OK. */
static enum json_scan one_key(struct dup_scan *sc, const char *p,
			      const char *end, char *path, unsigned len)
{
	struct dup_frame *top = &sc->f[sc->depth - 1];
	char *b = grow(sc->buf, &sc->capbuf, sc->nbuf + (size_t)(end - p) + 1,
		       1), *d;
	struct dup_key *k;
	bool nul = false;
	size_t n;

	if (!b)
		return JSON_SCAN_NOMEM;
	sc->buf = b;
	d = b + sc->nbuf;
	n = decode(p, end, d, &nul);
	if (nul) {
		frame_path(sc, sc->depth, NULL, 0, path, len);
		return JSON_SCAN_NUL;
	}
	for (unsigned i = top->first; i < top->first + top->nkeys; i++)
		if (sc->key[i].len == n && !memcmp(sc->buf + sc->key[i].off,
						   d, n)) {
			frame_path(sc, sc->depth - 1, d, n, path, len);
			return JSON_SCAN_DUPKEY;
		}
	if (top->nkeys == JSON_SCAN_MAX_KEYS) {
		frame_path(sc, sc->depth - 1, d, n, path, len);
		return JSON_SCAN_MANY_KEYS;
	}
	k = grow(sc->key, &sc->capkey, sc->nkey + 1, sizeof(*sc->key));
	if (!k)
		return JSON_SCAN_NOMEM;
	sc->key = k;
	sc->key[sc->nkey++] = (struct dup_key){ sc->nbuf, n };
	sc->nbuf += n;
	top->nkeys++;
	return JSON_SCAN_OK;
}

/* The string at p (its closing quote at end - 1): NUL check, and a key
 * recorded if one is expected. */
static enum json_scan one_string(struct dup_scan *sc, const char *p,
				 const char *end, char *path, unsigned len)
{
	struct dup_frame *top = sc->depth ? &sc->f[sc->depth - 1] : NULL;
	const char *body_end = end - 1 > p ? end - 1 : p + 1;

	if (top && top->obj && top->expect_key)
		return one_key(sc, p + 1, body_end, path, len);
	if (has_nul(p + 1, body_end)) {
		frame_path(sc, sc->depth, NULL, 0, path, len);
		return JSON_SCAN_NUL;
	}
	return JSON_SCAN_OK;
}

/* '{' or '[': a new frame, or JSON_SCAN_DEEP past the bound. */
static enum json_scan open_frame(struct dup_scan *sc, bool obj, char *path,
				 unsigned len)
{
	struct dup_frame *f;

	if (sc->depth == JSON_SCAN_MAX_DEPTH) {
		frame_path(sc, sc->depth, NULL, 0, path, len);
		return JSON_SCAN_DEEP;
	}
	f = &sc->f[sc->depth++];
	f->obj = obj;
	f->expect_key = obj;
	f->idx = 0;
	f->first = sc->nkey;
	f->nkeys = 0;
	f->buf0 = sc->nbuf;
	return JSON_SCAN_OK;
}

/* '}' or ']': the top frame's keys go with it. */
static void close_frame(struct dup_scan *sc)
{
	struct dup_frame *f = &sc->f[--sc->depth];

	sc->nkey = f->first;
	sc->nbuf = f->buf0;
}

/* The number literal starting at p ('-' or a digit): its end, and in
 * *big whether it is an integer outside INT64_MIN..UINT64_MAX (a
 * fraction or exponent makes it a double: json-c keeps those as is). */
static const char *skip_number(const char *p, bool *big)
{
	bool neg = *p == '-';
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : UINT64_MAX, v = 0;
	bool over = false;

	p += neg;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (limit - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	*big = over && *p != '.' && *p != 'e' && *p != 'E';
	while (*p == '.' || *p == 'e' || *p == 'E' || *p == '+' ||
	       *p == '-' || (*p >= '0' && *p <= '9'))
		p++;
	return p;
}

enum json_scan json_scan_text(const char *text, char *path, unsigned len)
{
	struct dup_scan sc;
	enum json_scan r = JSON_SCAN_OK;

	sc.depth = 0;
	sc.key = NULL;
	sc.buf = NULL;
	sc.nkey = sc.capkey = 0;
	sc.nbuf = sc.capbuf = 0;
	if (len)
		path[0] = '\0';
	for (const char *p = text; *p && r == JSON_SCAN_OK; p++) {
		struct dup_frame *top = sc.depth ? &sc.f[sc.depth - 1] : NULL;

		if (*p == '{' || *p == '[') {
			r = open_frame(&sc, *p == '{', path, len);
		} else if ((*p == '}' || *p == ']') && sc.depth) {
			close_frame(&sc);
		} else if (*p == ',' && top) {
			top->idx++;
			top->expect_key = top->obj;
		} else if (*p == ':' && top) {
			top->expect_key = false;
		} else if (*p == '"') {
			const char *end = skip_string(p);

			r = one_string(&sc, p, end, path, len);
			p = end - 1;
		} else if (*p == '-' || (*p >= '0' && *p <= '9')) {
			bool big;
			const char *end = skip_number(p, &big);

			if (big) {
				frame_path(&sc, sc.depth, NULL, 0, path, len);
				r = JSON_SCAN_BIGINT;
			}
			p = end - 1;
		}
	}
	free(sc.key);
	free(sc.buf);
	return r;
}

bool json_find_duplicate_key(const char *text, char *path, unsigned len)
{
	return json_scan_text(text, path, len) == JSON_SCAN_DUPKEY;
}
