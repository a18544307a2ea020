/*
 * cmd_replay.c - `dpamt replay`: placeholder until its issue lands.
 */
#include <stdio.h>

#include "commands.h"

int cmd_replay(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "dpamt replay: not built yet\n");
	return 2;
}
