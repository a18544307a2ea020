/*
 * dpamt.c - the command-line entry point: dispatch to a subcommand, and
 * "dpamt help CMD" as "dpamt CMD --help".  Every subcommand follows one
 * exit-status rule (docs/cli.md); a failed write to stdout turns a
 * finished run's status into 1 here, for all of them.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "dpamt/version.h"
#include "util/cliopt.h"
#include "util/outfile.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"sim", cmd_sim, "run TDs on the host manager and the module model"},
	{"replay", cmd_replay, "replay a SEAMCALL trace against the model"},
	{"bench", cmd_bench, "measure the get/put fast path and strategies"},
	{"info", cmd_info, "PAMT sizing for a host memory layout"},
	{"sweep", cmd_sweep, "run sim over a grid of settings: CSV, JSON, SVGs"},
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: dpamt <command> [options]   (dpamt <command> --help,"
		   " dpamt help <command>)\n\n"
		   "Intel TDX Dynamic PAMT: host manager + TDX-module model.\n"
		   "dpamt --version prints the version.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-8s %s\n\n%s%s", "help", "help CMD: the same as CMD --help",
		"Failed check: what each command checks is in its --help.\n",
		CLI_EXIT_HELP);
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static int unknown(const char *name)
{
	fprintf(stderr, "dpamt: unknown command '%s' (try: dpamt --help)\n",
		name);
	return CLI_EXIT_USAGE;
}

/* "dpamt help [CMD]": the command's own --help. */
static int help(int argc, char **argv)
{
	char *hargv[] = {argv[2], "--help", NULL};
	const struct command *c;

	if (argc < 3 || !strcmp(argv[2], "--help") ||
	    !strcmp(argv[2], "-h") || !strcmp(argv[2], "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 3) {
		fprintf(stderr, "dpamt help: one command only (try: dpamt "
			"--help)\n");
		return CLI_EXIT_USAGE;
	}
	c = find(argv[2]);
	return c ? c->run(2, hargv) : unknown(argv[2]);
}

static int dispatch(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc, argv);
	if (!strcmp(argv[1], "--version")) {
		if (argc > 2) {
			fprintf(stderr, "dpamt: --version takes no argument "
				"(got '%s')\n", argv[2]);
			return CLI_EXIT_USAGE;
		}
		printf("dpamt %s\n", DPAMT_VERSION_STRING);
		return CLI_EXIT_OK;
	}
	c = find(argv[1]);
	return c ? c->run(argc - 1, argv + 1) : unknown(argv[1]);
}

int main(int argc, char **argv)
{
	return outfile_stdout_status("dpamt", dispatch(argc, argv));
}
