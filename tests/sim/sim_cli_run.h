/*
 * sim_cli_run.h - run the built dpamt binary from a sim test: argv in,
 * exit status and captured stdout/stderr out.
 */
#ifndef DPAMT_TESTS_SIM_CLI_RUN_H
#define DPAMT_TESTS_SIM_CLI_RUN_H

struct sim_cli_result {
	int status;  /* exit status, -1 if killed by a signal */
	char *out;   /* stdout (malloc'ed, NUL-terminated) */
	char *err;   /* stderr */
};

/*
 * Run DPAMT_BIN "sim" args... (NULL-terminated).  path, if not NULL,
 * replaces PATH in the child's environment.
 */
void sim_cli_run(const char *const *args, const char *path,
		 struct sim_cli_result *r);
/* The same with another binary (e.g. DPAMT_TEST_BIN, the CLI with the
 * test-only strategies linked in). */
void sim_cli_run_bin(const char *bin, const char *const *args,
		     const char *path, struct sim_cli_result *r);
void sim_cli_result_free(struct sim_cli_result *r);
/* Lines in s (a final line without '\n' counts). */
unsigned sim_cli_lines(const char *s);
/* Read a whole file (malloc'ed), NULL if unreadable. */
char *sim_cli_slurp(const char *path);

#endif /* DPAMT_TESTS_SIM_CLI_RUN_H */
