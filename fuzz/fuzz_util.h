/*
 * fuzz_util.h - helpers shared by the libFuzzer harnesses of fuzz/: the
 * input as a NUL-terminated string, split into argv, and stdout sent to
 * /dev/null once (a harness may print usage text).  Each harness is one
 * process run by libFuzzer on one thread.
 */
#ifndef DPAMT_FUZZ_UTIL_H
#define DPAMT_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define FUZZ_MAX_ARGS 32

/* data[0..size) as a malloc'ed C string (an embedded NUL ends it). */
char *fuzz_cstr(const uint8_t *data, size_t size);

/*
 * Split s in place at '\n' into argv[1..] (argv[0] = cmd); at most
 * FUZZ_MAX_ARGS in all.  Arguments starting with one of the prefixes in
 * skip (NULL-terminated list, may be NULL) are dropped: options that
 * would open files.  Returns argc.
 */
int fuzz_argv(char *s, const char *cmd, char **argv,
	      const char *const *skip);

/* stdout to /dev/null (idempotent). */
void fuzz_quiet_stdout(void);

#endif
