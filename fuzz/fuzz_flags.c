/*
 * fuzz_flags.c - libFuzzer harness: the command line of every subcommand
 * through the one option parser (src/util/cliopt.c).  The first byte
 * picks the subcommand, the rest is argv, one argument per line.
 * --scenario (which reads a file) is dropped; outputs are only recorded,
 * never opened.  Findings: crashes, sanitizer reports, an accepted value
 * outside its documented range (flags_*.c).
 */
#include <stdlib.h>

#include "flags.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const no_files[] = {"--scenario", NULL};
	static void (*const fns[])(int, char **) = {
		fuzz_flags_sim, fuzz_flags_bench, fuzz_flags_info,
		fuzz_flags_replay, fuzz_flags_sweep,
	};
	static const char *const names[] = {"sim", "bench", "info", "replay",
					    "sweep"};
	char *s, *argv[FUZZ_MAX_ARGS + 1];
	unsigned k;
	int argc;

	if (!size)
		return 0;
	fuzz_quiet_stdout();
	k = data[0] % 5;
	s = fuzz_cstr(data + 1, size - 1);
	argc = fuzz_argv(s, names[k], argv, no_files);
	fns[k](argc, argv);
	free(s);
	return 0;
}
