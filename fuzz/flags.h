/*
 * flags.h - one entry per subcommand for fuzz_flags.c: parse argv with
 * the subcommand's own front end (compiled in from tools/, one file per
 * subcommand so their static names do not clash), check what was
 * accepted, run nothing and open no file.
 */
#ifndef DPAMT_FUZZ_FLAGS_H
#define DPAMT_FUZZ_FLAGS_H

void fuzz_flags_sim(int argc, char **argv);
void fuzz_flags_bench(int argc, char **argv);
void fuzz_flags_info(int argc, char **argv);
void fuzz_flags_replay(int argc, char **argv);
void fuzz_flags_sweep(int argc, char **argv);

#endif
