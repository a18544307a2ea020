/*
 * sim_explore.c - `dpamt sim --explore N`: run the scenario with seeds S,
 * S+1, ..., S+N-1 (S = --seed) and stop at the first run that fails a
 * check, printing its seed and the exact command that replays it (the
 * same arguments with --explore dropped and --seed set).  With the virtual
 * clock and a randomised scheduler (docs/sim.md) the seed fixes the
 * interleaving, so the command replays the failure; on the wall clock it
 * replays the scenario, and the failure only as often as the race recurs.
 * One thread; each run is a sim_run() of its own.
 */
/* program_invocation_name (glibc; _GNU_SOURCE comes from the build) */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "sim/report.h"
#include "sim_explore.h"

/* Print arg quoted for a POSIX shell when it needs it. */
static void shell_word(FILE *f, const char *a)
{
	if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
			 "WXYZ0123456789_./=,:+-@%") == strlen(a)) {
		fputs(a, f);
		return;
	}
	fputc('\'', f);
	for (; *a; a++) {
		if (*a == '\'')
			fputs("'\\''", f);
		else
			fputc(*a, f);
	}
	fputc('\'', f);
}

/* Does argv[i] start option opt ("--seed" or "--seed=...")?  *skip: how
 * many arguments it takes (1, or 2 with a separate value). */
static bool is_opt(char **argv, int argc, int i, const char *opt,
		   int *skip)
{
	size_t n = strlen(opt);

	if (strncmp(argv[i], opt, n))
		return false;
	if (argv[i][n] == '=') {
		*skip = 1;
		return true;
	}
	if (argv[i][n])
		return false;
	*skip = i + 1 < argc ? 2 : 1;
	return true;
}

/* The command that replays seed: argv without --explore/--seed. */
static void replay_command(FILE *f, int argc, char **argv, uint64_t seed)
{
	fputs("  ", f);
	shell_word(f, program_invocation_name);
	fputc(' ', f);
	shell_word(f, argv[0]);
	for (int i = 1; i < argc; i++) {
		int skip = 0;

		if (!strcmp(argv[i], "--")) /* sim takes no operand */
			break;
		if (is_opt(argv, argc, i, "--explore", &skip) ||
		    is_opt(argv, argc, i, "--seed", &skip)) {
			i += skip - 1;
			continue;
		}
		fputc(' ', f);
		shell_word(f, argv[i]);
	}
	fprintf(f, " --seed %llu\n", (unsigned long long)seed);
}

static void first_errors(FILE *f, const struct sim_report *r)
{
	for (unsigned i = 0; i < r->n_errors && i < 3; i++)
		fprintf(f, "  %s\n", r->errors[i]);
}

int sim_explore(const struct sim_cli *cli, int argc, char **argv,
		struct sim_report *rep, bool quiet)
{
	struct sim_scenario *sc = malloc(sizeof(*sc)); /* ~40 KiB */
	uint64_t n = cli->explore, step = n >= 10 ? n / 10 : 1;

	if (!sc) {
		fprintf(stderr, "dpamt sim --explore: out of memory\n");
		return 1;
	}
	*sc = cli->sc;
	sc->quiet = true;
	sc->progress = false;
	for (uint64_t i = 0; i < n; i++) {
		int rc;

		sc->seed = cli->sc.seed + i;
		rc = sim_run(sc, NULL, rep);
		if (rc == 2) {
			free(sc);
			return 2;
		}
		if (rc) {
			fprintf(stderr, "dpamt sim --explore: seed %llu failed "
				"(seed %llu of %llu tried):\n",
				(unsigned long long)sc->seed,
				(unsigned long long)(i + 1),
				(unsigned long long)n);
			first_errors(stderr, rep);
			fprintf(stderr, "replay it with:\n");
			replay_command(stderr, argc, argv, sc->seed);
			free(sc);
			return 1;
		}
		if (!quiet && (i + 1) % step == 0)
			fprintf(stderr, "dpamt sim --explore: %llu of %llu "
				"seeds passed\n", (unsigned long long)(i + 1),
				(unsigned long long)n);
	}
	free(sc);
	fprintf(stderr, "dpamt sim --explore: all %llu seeds passed (%llu.."
		"%llu)\n", (unsigned long long)n,
		(unsigned long long)cli->sc.seed,
		(unsigned long long)(cli->sc.seed + n - 1));
	return 0;
}
