/*
 * cli_run.h - run a built dpamt binary from the tests (tests/cli,
 * tests/info, tests/sim) with full control of its surroundings: which
 * binary (the CLI, or dpamt-test with the test-only strategies), a
 * subcommand put before the arguments, stdout to a capture file or a
 * given path (/dev/full), stdin from a file, TMPDIR and PATH overridden.
 */
#ifndef DPAMT_TESTS_CLI_RUN_H
#define DPAMT_TESTS_CLI_RUN_H

struct cli_env {
	const char *bin;         /* NULL: DPAMT_BIN */
	const char *sub;         /* subcommand before args ("sim"); NULL: none */
	const char *stdout_path; /* NULL: captured into out */
	const char *stdin_path;  /* NULL: /dev/null */
	const char *tmpdir;      /* NULL: inherited */
	const char *path;        /* PATH; NULL: inherited */
};

struct cli_out {
	int status; /* exit status, -1 if killed by a signal */
	char *out;  /* stdout if captured, else "" (malloc'ed) */
	char *err;  /* stderr (malloc'ed) */
};

/* Run DPAMT_BIN args... (NULL-terminated, subcommand first unless
 * env->sub gives it). */
void cli_run_env(const char *const *args, const struct cli_env *env,
		 struct cli_out *r);
void cli_run(const char *const *args, struct cli_out *r);
/* cli_run_env (env NULL: defaults), failing the test -- the command,
 * its exit status, stdout and stderr shown -- unless it exits with
 * status, its stderr contains want (NULL: anything) and, for status 2
 * (bad usage or input, docs/cli.md), its stdout is empty.  r NULL: the
 * outputs are freed; else they are left in *r for more checks
 * (cli_out_free them). */
void cli_run_expect(const char *const *args, const struct cli_env *env,
		    int status, const char *want, struct cli_out *r);
/* cli_run_expect(args, env, 0, NULL, r): the run must succeed. */
void cli_run_ok(const char *const *args, const struct cli_env *env,
		struct cli_out *r);
void cli_out_free(struct cli_out *r);
/* Lines in s (a last line without '\n' counts). */
unsigned cli_lines(const char *s);
/* A fresh directory under /tmp (path into buf, at least 64 bytes). */
void cli_tempdir(char *buf, const char *tag);
/* Remove a directory made by cli_tempdir and every file in it. */
void cli_rmdir(const char *dir);
/* Number of entries in dir besides . and .. */
unsigned cli_count_entries(const char *dir);
/* Write text to path (created or truncated). */
void cli_write_file(const char *path, const char *text);
/* Read a whole file (malloc'ed), NULL if unreadable. */
char *cli_slurp(const char *path);

#endif /* DPAMT_TESTS_CLI_RUN_H */
