/*
 * cmd_sim.c - `dpamt sim`: placeholder until its issue lands.
 */
#include <stdio.h>

#include "commands.h"

int cmd_sim(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "dpamt sim: not built yet\n");
	return 2;
}
