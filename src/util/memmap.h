/*
 * memmap.h - a host's RAM ranges read from /proc/iomem or
 * /sys/firmware/memmap, and the TDMRs Linux's TDX host code would build
 * over them (docs/info.md, "Sizing from a real memory map").
 *
 * Readers: only top-level "System RAM" lines of iomem count (indented
 * children such as "Kernel code" are checked for syntax and skipped);
 * every memmap entry of type "System RAM" counts.  Errors are one line,
 * "FILE:LINE: message" (memmap: the entry's file).  The ranges come back
 * sorted, adjacent ones merged.
 *
 * TDMR builder: 1 GiB-aligned TDMRs, one per RAM range unless the range
 * is already covered (Linux fill_out_tdmrs), memory below 1 MiB left out
 * (Linux build_tdx_memlist), one reserved area per hole inside a TDMR
 * (Linux tdmr_populate_rsvd_holes), the module's limits on TDMRs and
 * reserved areas per TDMR enforced with an error, as Linux does.
 *
 * Reentrant: no state besides the caller's structures; any thread.
 */
#ifndef DPAMT_UTIL_MEMMAP_H
#define DPAMT_UTIL_MEMMAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MEMMAP_MAX_TDMRS 64    /* the module's MAX_TDMRS metadata */
#define MEMMAP_MAX_RSVD 16     /* the module's MAX_RESERVED_PER_TDMR */

struct memmap_range {
	uint64_t start, end; /* [start, end) */
};

struct memmap {
	struct memmap_range *r; /* malloc'ed, sorted, merged */
	unsigned n, cap;
};

struct memmap_tdmr {
	uint64_t base, size;   /* 1 GiB aligned */
	uint64_t ram_bytes;    /* RAM inside it */
	unsigned n_rsvd;       /* reserved areas (holes) */
	struct memmap_range rsvd[MEMMAP_MAX_RSVD];
};

struct memmap_plan {
	unsigned n;
	struct memmap_tdmr t[MEMMAP_MAX_TDMRS];
};

/* Parse iomem text from f (name for messages): 0, or -1 with msg. */
int memmap_parse_iomem(FILE *f, const char *name, struct memmap *m,
		       char *msg, size_t len);
/* Open and parse an iomem file: 0, or -1 with msg. */
int memmap_read_iomem(const char *path, struct memmap *m, char *msg,
		      size_t len);
/* Read a /sys/firmware/memmap-like directory: 0, or -1 with msg. */
int memmap_read_dir(const char *dir, struct memmap *m, char *msg,
		    size_t len);
void memmap_free(struct memmap *m);

/* Total RAM bytes of m. */
uint64_t memmap_ram_bytes(const struct memmap *m);

/* Build the TDMRs over m: 0, or -1 with msg (a limit exceeded). */
int memmap_build_tdmrs(const struct memmap *m, unsigned max_tdmrs,
		       unsigned max_rsvd, struct memmap_plan *p, char *msg,
		       size_t len);

#endif /* DPAMT_UTIL_MEMMAP_H */
