/*
 * commands.h - the subcommands of the dpamt CLI, one file each
 * (tools/cmd_<name>.c).  Each takes argv after the subcommand name
 * (argv[0] is the subcommand) and returns the process exit status:
 * 0 success, 1 a failed check/expectation, 2 bad usage or input.
 */
#ifndef DPAMT_TOOLS_COMMANDS_H
#define DPAMT_TOOLS_COMMANDS_H

int cmd_sim(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
