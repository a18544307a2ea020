/*
 * run_cli.h - run the dpamt binary from a test: argv in, exit status,
 * stdout and stderr out (captured through temporary files).
 */
#ifndef DPAMT_TESTS_INFO_RUN_CLI_H
#define DPAMT_TESTS_INFO_RUN_CLI_H

#include <stddef.h>

struct cli_result {
	int status;  /* exit status, or -1 if it did not exit normally */
	char *out;   /* stdout, NUL-terminated, malloc'ed */
	char *err;   /* stderr, likewise */
};

/* Run DPAMT_BIN with args (NULL-terminated, without argv[0]). */
void run_cli(const char *const *args, struct cli_result *r);
void cli_result_free(struct cli_result *r);

#endif
