/*
 * vt_lines.c - last writer / last toucher per atomic word (see vt_lines.h):
 * open addressing with linear probing, doubled at half full.
 */
#include "vt/vt_lines.h"

#include <stdlib.h>

void vt_lines_init(struct vt_lines *l)
{
	l->slot = NULL;
	l->cap = l->n = 0;
	l->transfers = 0;
}

void vt_lines_fini(struct vt_lines *l)
{
	free(l->slot);
	vt_lines_init(l);
}

static size_t hash(uintptr_t line, size_t cap)
{
	uint64_t z = (uint64_t)line * 0x9E3779B97F4A7C15ull;

	return (size_t)(z ^ (z >> 29)) & (cap - 1);
}

static struct vt_line *probe(struct vt_line *slot, size_t cap,
			     uintptr_t line)
{
	size_t i = hash(line, cap);

	while (slot[i].line && slot[i].line != line)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static int grow(struct vt_lines *l)
{
	size_t cap = l->cap ? l->cap * 2 : 4096;
	struct vt_line *s = calloc(cap, sizeof(*s));

	if (!s)
		return -1;
	for (size_t i = 0; i < l->cap; i++)
		if (l->slot[i].line)
			*probe(s, cap, l->slot[i].line) = l->slot[i];
	free(l->slot);
	l->slot = s;
	l->cap = cap;
	return 0;
}

bool vt_lines_access(struct vt_lines *l, const void *addr, int who,
		     bool write)
{
	uintptr_t line = (uintptr_t)addr + 1;
	struct vt_line *e;
	bool transfer;

	if ((l->n + 1) * 2 > l->cap && grow(l))
		return false;
	e = probe(l->slot, l->cap, line);
	if (!e->line) {
		e->line = line;
		e->writer = -1;
		e->toucher = who;
		l->n++;
	}
	transfer = e->writer >= 0 && e->writer != who && e->toucher != who;
	if (!transfer && write && e->toucher != who)
		transfer = e->writer >= 0 || e->toucher >= 0; /* steal a copy */
	e->toucher = who;
	if (write)
		e->writer = who;
	l->transfers += transfer;
	return transfer;
}
