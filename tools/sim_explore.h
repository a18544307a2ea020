/*
 * sim_explore.h - the --explore driver of `dpamt sim` (sim_explore.c).
 */
#ifndef DPAMT_TOOLS_SIM_EXPLORE_H
#define DPAMT_TOOLS_SIM_EXPLORE_H

#include <stdbool.h>

#include "sim/scenario_parse.h"
#include "sim/sim.h"

/*
 * Run cli->sc with seeds cli->sc.seed .. + cli->explore - 1 until one
 * fails a check; argv (argv[0] = "sim") rebuilds the replay command.
 * rep holds the failing run's report, else the last one.  0 all passed,
 * 1 one failed (seed and command on stderr), 2 the engine refused it.
 */
int sim_explore(const struct sim_cli *cli, int argc, char **argv,
		struct sim_report *rep, bool quiet);

#endif /* DPAMT_TOOLS_SIM_EXPLORE_H */
