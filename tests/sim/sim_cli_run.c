/*
 * sim_cli_run.c - spawn the dpamt binary with stdout and stderr sent to
 * temporary files, wait, read both back.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim_cli_run.h"

extern char **environ;

char *sim_cli_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

unsigned sim_cli_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		if (*s == '\n' || s[1] == '\0')
			n++;
	return n;
}

/* environ with PATH replaced (malloc'ed array, strings shared). */
static char **child_env(const char *path, char *path_var, size_t len)
{
	size_t n = 0, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!path || strncmp(environ[i], "PATH=", 5))
			env[j++] = environ[i];
	if (path) {
		snprintf(path_var, len, "PATH=%s", path);
		env[j++] = path_var;
	}
	return env;
}

void sim_cli_run(const char *const *args, const char *path,
		 struct sim_cli_result *r)
{
	sim_cli_run_bin(DPAMT_BIN, args, path, r);
}

void sim_cli_run_bin(const char *bin, const char *const *args,
		     const char *path, struct sim_cli_result *r)
{
	char out[] = "/tmp/dpamt-sim-out-XXXXXX";
	char err[] = "/tmp/dpamt-sim-err-XXXXXX";
	char *argv[64], path_var[512], **env;
	int fo = mkstemp(out), fe = mkstemp(err), n = 0, st = 0;
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (fo < 0 || fe < 0)
		abort();
	argv[n++] = (char *)bin;
	argv[n++] = "sim";
	while (*args && n < 62)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	env = child_env(path, path_var, sizeof(path_var));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fo, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fe, STDERR_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	if (posix_spawn(&pid, bin, &fa, NULL, argv, env))
		abort();
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	while (waitpid(pid, &st, 0) < 0)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	close(fo);
	close(fe);
	r->out = sim_cli_slurp(out);
	r->err = sim_cli_slurp(err);
	unlink(out);
	unlink(err);
}

void sim_cli_result_free(struct sim_cli_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
