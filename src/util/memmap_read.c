/*
 * memmap_read.c - readers of a host's RAM ranges: /proc/iomem text and
 * /sys/firmware/memmap directories (memmap.h).  Every malformed input is
 * a "FILE:LINE: message" error, never a guess.
 *
 * Reentrant: no state besides the caller's structures; any thread.
 */
#define _POSIX_C_SOURCE 200809L
#include "memmap.h"
#include "util/errmsg.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MEMMAP_MAX_LINE 512
#define MEMMAP_MAX_ENTRIES 100000

/* Hex digits at *p (no sign, no 0x needed) up to a non-hex char. */
static int parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	unsigned n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; isxdigit((unsigned char)*s); s++, n++) {
		if (x >> 60)
			return -1; /* past 64 bits */
		x = x << 4 | (uint64_t)(isdigit((unsigned char)*s)
				? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
	}
	if (!n || isalnum((unsigned char)*s))
		return -1; /* none, or a non-hex letter glued on */
	*v = x;
	*p = s;
	return 0;
}

/* Append [start, end) to m. */
static int add_range(struct memmap *m, uint64_t start, uint64_t end)
{
	if (m->n == m->cap) {
		unsigned cap = m->cap ? m->cap * 2 : 16;
		struct memmap_range *r = realloc(m->r, cap * sizeof(*r));

		if (!r)
			return -1;
		m->r = r;
		m->cap = cap;
	}
	m->r[m->n].start = start;
	m->r[m->n].end = end;
	m->n++;
	return 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct memmap_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Sort and merge touching ranges (callers checked for overlaps). */
static void sort_merge(struct memmap *m)
{
	unsigned o = 0;

	qsort(m->r, m->n, sizeof(m->r[0]), cmp_start);
	for (unsigned i = 0; i < m->n; i++) {
		if (o && m->r[o - 1].end == m->r[i].start)
			m->r[o - 1].end = m->r[i].end;
		else
			m->r[o++] = m->r[i];
	}
	m->n = o;
}

static bool is_ram(const char *name)
{
	size_t n = strlen(name);

	while (n && isspace((unsigned char)name[n - 1]))
		n--;
	return n == 10 && !strncmp(name, "System RAM", 10);
}

struct iomem_state {
	const char *name;
	unsigned line;
	bool any_nonzero;
	bool have_top;
	uint64_t top_end; /* inclusive end of the previous top-level line */
};

/* One iomem line: "START-END : NAME", indented when nested. */
static int iomem_line(struct iomem_state *st, const char *s,
		      struct memmap *m, char *msg, size_t len)
{
	const char *p = s;
	uint64_t a, b;

	while (*p == ' ')
		p++;
	bool top = p == s;

	if (!*p || *p == '\n')
		return 0; /* blank line */
	if (parse_hex(&p, &a))
		return errmsg(msg, len, "%s:%u: bad hex start address",
			    st->name, st->line);
	if (*p++ != '-' || parse_hex(&p, &b))
		return errmsg(msg, len, "%s:%u: bad hex end address "
			    "(expected START-END)", st->name, st->line);
	while (*p == ' ')
		p++;
	if (*p++ != ':')
		return errmsg(msg, len, "%s:%u: missing ':' after the range",
			    st->name, st->line);
	if (b < a)
		return errmsg(msg, len, "%s:%u: end 0x%llx < start 0x%llx",
			    st->name, st->line, (unsigned long long)b,
			    (unsigned long long)a);
	st->any_nonzero |= a || b;
	if (!top)
		return 0; /* nested: part of its parent */
	if (st->have_top && a <= st->top_end && (a || b))
		return errmsg(msg, len, "%s:%u: range 0x%llx-0x%llx overlaps "
			    "or precedes the previous top-level range",
			    st->name, st->line, (unsigned long long)a,
			    (unsigned long long)b);
	st->have_top = true;
	st->top_end = b;
	while (*p == ' ')
		p++;
	if (is_ram(p) && b != UINT64_MAX && add_range(m, a, b + 1))
		return errmsg(msg, len, "%s:%u: out of memory", st->name,
			    st->line);
	if (m->n > MEMMAP_MAX_ENTRIES)
		return errmsg(msg, len, "%s:%u: more than %d RAM ranges",
			    st->name, st->line, MEMMAP_MAX_ENTRIES);
	return 0;
}

int memmap_parse_iomem(FILE *f, const char *name, struct memmap *m,
		       char *msg, size_t len)
{
	struct iomem_state st = {.name = name};
	char buf[MEMMAP_MAX_LINE];

	while (fgets(buf, sizeof(buf), f)) {
		st.line++;
		if (!strchr(buf, '\n') && !feof(f))
			return errmsg(msg, len,
				      "%s:%u: line longer than %d "
				      "bytes",
				      name, st.line, MEMMAP_MAX_LINE - 2);
		if (iomem_line(&st, buf, m, msg, len))
			return -1;
	}
	if (ferror(f))
		return errmsg(msg, len, "%s:%u: read error: %s", name,
			    st.line + 1, strerror(errno));
	if (st.line && !st.any_nonzero)
		return errmsg(msg, len, "%s:1: every address is zero: the "
			    "kernel hides them from non-root users (run as "
			    "root, or pass a copy made by root)", name);
	if (!m->n)
		return errmsg(msg, len, "%s:%u: no top-level 'System RAM' "
			    "range", name, st.line);
	sort_merge(m);
	return 0;
}

int memmap_read_iomem(const char *path, struct memmap *m, char *msg,
		      size_t len)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f)
		return errmsg(msg, len, "%s:0: cannot open: %s", path,
			    strerror(errno));
	rc = memmap_parse_iomem(f, path, m, msg, len);
	fclose(f);
	return rc;
}

/* The first line of DIR/ENT/FILE, newline stripped: 0 or -1 (msg). */
static int read_field(const char *dir, const char *ent, const char *file,
		      char *out, size_t outlen, char *msg, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, ent, file);
	f = fopen(path, "r");
	if (!f)
		return errmsg(msg, len, "%s:0: cannot open: %s", path,
			    strerror(errno));
	if (!fgets(out, (int)outlen, f)) {
		fclose(f);
		return errmsg(msg, len, "%s:1: empty", path);
	}
	fclose(f);
	out[strcspn(out, "\n")] = 0;
	return 0;
}

static int field_hex(const char *dir, const char *ent, const char *file,
		     uint64_t *v, char *msg, size_t len)
{
	char buf[128];
	const char *p = buf;

	if (read_field(dir, ent, file, buf, sizeof(buf), msg, len))
		return -1;
	if (parse_hex(&p, v) || *p)
		return errmsg(msg, len, "%s/%s/%s:1: bad hex '%s'", dir, ent,
			    file, buf);
	return 0;
}

/* One entry DIR/ENT (start, end inclusive, type). */
static int memmap_entry(const char *dir, const char *ent, struct memmap *m,
			char *msg, size_t len)
{
	char type[128];
	uint64_t a, b;

	if (field_hex(dir, ent, "start", &a, msg, len) ||
	    field_hex(dir, ent, "end", &b, msg, len) ||
	    read_field(dir, ent, "type", type, sizeof(type), msg, len))
		return -1;
	if (b < a)
		return errmsg(
			msg, len, "%s/%s/end:1: end 0x%llx < start 0x%llx", dir,
			ent, (unsigned long long)b, (unsigned long long)a);
	if (!is_ram(type) || b == UINT64_MAX)
		return 0;
	if (add_range(m, a, b + 1) || m->n > MEMMAP_MAX_ENTRIES)
		return errmsg(msg, len, "%s/%s: too many entries", dir, ent);
	return 0;
}

int memmap_read_dir(const char *dir, struct memmap *m, char *msg,
		    size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return errmsg(msg, len, "%s:0: cannot open directory: %s", dir,
			    strerror(errno));
	while (!rc && (e = readdir(d)))
		if (e->d_name[0] != '.')
			rc = memmap_entry(dir, e->d_name, m, msg, len);
	closedir(d);
	if (rc)
		return -1;
	if (!m->n)
		return errmsg(msg, len, "%s:0: no 'System RAM' entry", dir);
	qsort(m->r, m->n, sizeof(m->r[0]), cmp_start);
	for (unsigned i = 1; i < m->n; i++)
		if (m->r[i].start < m->r[i - 1].end)
			return errmsg(msg, len, "%s:0: RAM ranges 0x%llx and "
				    "0x%llx overlap", dir,
				    (unsigned long long)m->r[i - 1].start,
				    (unsigned long long)m->r[i].start);
	sort_merge(m);
	return 0;
}

void memmap_free(struct memmap *m)
{
	free(m->r);
	m->r = NULL;
	m->n = m->cap = 0;
}

uint64_t memmap_ram_bytes(const struct memmap *m)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < m->n; i++)
		t += m->r[i].end - m->r[i].start;
	return t;
}
