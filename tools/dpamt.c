/*
 * dpamt.c - the command-line entry point: dispatch to a subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

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
};

static void usage(FILE *f)
{
	fprintf(f, "usage: dpamt <command> [options]   (dpamt <command> --help)\n\n"
		   "Intel TDX Dynamic PAMT: host manager + TDX-module model.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "dpamt: unknown command '%s' (try: dpamt --help)\n",
		argv[1]);
	return 2;
}
