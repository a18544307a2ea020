/*
 * fuzz_util.c - see fuzz_util.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static int skipped(const char *a, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (!strncmp(a, *skip, strlen(*skip)))
			return 1;
	return 0;
}

int fuzz_argv(char *s, const char *cmd, char **argv,
	      const char *const *skip)
{
	int argc = 1;
	char *p = s, *nl;

	argv[0] = (char *)cmd;
	while (p && argc < FUZZ_MAX_ARGS) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (!skipped(p, skip))
			argv[argc++] = p;
		p = nl ? nl + 1 : NULL;
	}
	argv[argc] = NULL;
	return argc;
}

void fuzz_quiet_stdout(void)
{
	static int done; /* one process, one thread: libFuzzer's */

	if (!done && freopen("/dev/null", "w", stdout))
		done = 1;
}
