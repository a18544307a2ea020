/*
 * vt_lines.h - who touched each atomic word last, for the virtual clock's
 * cost of an atomic: an access costs a cache-line transfer when the word's
 * last writer was another CPU and this CPU has not touched it since.
 * Tracked per word, not per 64-byte line: which words share a line
 * depends on where malloc put them, and the figures must not (false
 * sharing is therefore not modelled).  An exact hash map (no eviction),
 * so the same run costs the same on every run.
 *
 * Concurrency: none (one OS thread).
 */
#ifndef DPAMT_VT_LINES_H
#define DPAMT_VT_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vt_line {
	uintptr_t line;      /* the word's address + 1, 0 = empty slot */
	int writer;          /* last writer, -1 none */
	int toucher;         /* last CPU to read or write it */
};

struct vt_lines {
	struct vt_line *slot;
	size_t cap, n;
	uint64_t transfers;  /* accesses that paid a transfer */
};

void vt_lines_init(struct vt_lines *l);
void vt_lines_fini(struct vt_lines *l);
/*
 * CPU 'who' touches the word at addr (write: it may store).  Returns true
 * if that costs a cache-line transfer.  Out of memory: false, untracked.
 */
bool vt_lines_access(struct vt_lines *l, const void *addr, int who,
		     bool write);

#endif /* DPAMT_VT_LINES_H */
