/*
 * flags_sim.c - `dpamt sim`'s flags for fuzz_flags.c: sim_cli_parse,
 * then validation and the memory estimate of an accepted scenario.
 */
#include <stdlib.h>

#include "sim/scenario_parse.h"
#include "flags.h"

void fuzz_flags_sim(int argc, char **argv)
{
	struct sim_cli *cli = calloc(1, sizeof(*cli));
	char msg[SIM_MSG_LEN];

	if (!cli)
		abort();
	sim_scenario_default(&cli->sc);
	if (!sim_cli_parse(cli, argc, argv, msg, sizeof(msg)) && !cli->help &&
	    !sim_validate(&cli->sc, msg, sizeof(msg)))
		(void)sim_mem_estimate(&cli->sc);
	free(cli);
}
