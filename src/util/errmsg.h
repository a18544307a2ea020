/*
 * errmsg.h - the one "fill the caller's message buffer and fail" helper
 * of the front ends (option handlers, scenario checks, the memmap
 * readers): every error there is one line in a caller-supplied buffer.
 *
 * Reentrant: writes only msg; any thread.
 */
#ifndef DPAMT_UTIL_ERRMSG_H
#define DPAMT_UTIL_ERRMSG_H

#include <stddef.h>

/* Format into msg (if msg != NULL and len > 0, truncated to len) and
 * return -1, so "return errmsg(msg, len, ...);" fails a handler. */
int errmsg(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* DPAMT_UTIL_ERRMSG_H */
