/*
 * units.h - strict parsing of numbers and sizes, shared by the dpamt CLI
 * and the scenario readers of src/sim, and human-readable byte counts.
 *
 * Numbers: decimal or 0x/0X hex, digits only (no sign, no spaces, no
 * fraction), must fit in 64 bits.  Sizes: a number optionally followed by
 * a binary suffix K, M, G or T (any case: 2^10, 2^20, 2^30, 2^40), itself
 * optionally followed by "B" or "iB" ("16G", "16GiB", "0x10g", "4096",
 * "4096B").
 * Hex digits win over suffixes: "0x1B" is 27 bytes.  Every parser returns
 * 0 on success, -1 on error with a one-line message in err (what was wrong
 * with which input; err may be NULL when the caller words its own) and
 * leaves *out untouched.  Reentrant: no state.
 */
#ifndef DPAMT_UTIL_UNITS_H
#define DPAMT_UTIL_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* A plain number (no suffix). */
int units_parse_u64(const char *s, uint64_t *out, char *err, size_t errlen);

/* A number within [min, max] (e.g. --threads, --iters). */
int units_parse_uint_range(const char *s, uint64_t min, uint64_t max,
			 uint64_t *out, char *err, size_t errlen);

/* A size with an optional K/M/G/T binary suffix. */
int units_parse_size(const char *s, uint64_t *out, char *err, size_t errlen);

/* "BASE:SIZE", both sizes (e.g. "4T:64G"); base + size must not wrap. */
int units_parse_range(const char *s, uint64_t *base, uint64_t *size,
		    char *err, size_t errlen);

/*
 * Bytes in the largest binary unit that keeps the value >= 1, two
 * decimals: "0 B", "512 B", "8.00 KiB", "1.00 GiB".  Returns buf.
 */
const char *units_human_bytes(uint64_t bytes, char *buf, size_t len);

#endif /* DPAMT_UTIL_UNITS_H */
