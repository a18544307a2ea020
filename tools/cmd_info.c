/*
 * cmd_info.c - `dpamt info`: placeholder until its issue lands.
 */
#include <stdio.h>

#include "commands.h"

int cmd_info(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "dpamt info: not built yet\n");
	return 2;
}
