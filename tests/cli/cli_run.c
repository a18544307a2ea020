/*
 * cli_run.c - fork/exec a dpamt binary for the tests (cli_run.h), the one
 * runner of tests/cli, tests/info and tests/sim:
 * stdout and stderr to unlinked temporary files (or stdout to a path),
 * environment overrides in the child only.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_run.h"

static int tmp_fd(void)
{
	char name[] = "/tmp/dpamt-cli-cap-XXXXXX";
	int fd = mkstemp(name);

	assert_true(fd >= 0);
	unlink(name);
	return fd;
}

static char *slurp_fd(int fd)
{
	off_t len = lseek(fd, 0, SEEK_END);
	char *buf;

	assert_true(len >= 0);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)len, 0), len);
	buf[len] = '\0';
	close(fd);
	return buf;
}

static void child(char **argv, const struct cli_env *env, int ofd, int efd)
{
	int in = open(env->stdin_path ? env->stdin_path : "/dev/null",
		      O_RDONLY);

	if (env->stdout_path)
		ofd = open(env->stdout_path, O_WRONLY);
	if (in < 0 || ofd < 0)
		_exit(126);
	dup2(in, 0);
	dup2(ofd, 1);
	dup2(efd, 2);
	if (env->tmpdir)
		setenv("TMPDIR", env->tmpdir, 1);
	if (env->path)
		setenv("PATH", env->path, 1);
	execv(argv[0], argv);
	_exit(127);
}

void cli_run_env(const char *const *args, const struct cli_env *env,
		 struct cli_out *r)
{
	char *argv[256];
	int n = 0, ofd = tmp_fd(), efd = tmp_fd(), ws;
	pid_t pid;

	argv[n++] = (char *)(env->bin ? env->bin : DPAMT_BIN);
	if (env->sub)
		argv[n++] = (char *)env->sub;
	while (*args && n < 255)
		argv[n++] = (char *)*args++;
	assert_null(*args); /* more arguments than argv holds */
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child(argv, env, ofd, efd);
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	r->out = slurp_fd(ofd);
	r->err = slurp_fd(efd);
}

void cli_run(const char *const *args, struct cli_out *r)
{
	struct cli_env env = {0};

	cli_run_env(args, &env, r);
}

/* The command line, for a failure message: bin, sub, then the args. */
static void cmd_text(const char *const *args, const struct cli_env *env,
		     char *buf, size_t len)
{
	size_t n = (size_t)snprintf(
		buf, len, "%s%s%s", env->bin ? env->bin : "dpamt",
		env->sub ? " " : "", env->sub ? env->sub : "");

	for (; *args && n < len; args++)
		n += (size_t)snprintf(buf + n, len - n, " %s", *args);
}

void cli_run_expect(const char *const *args, const struct cli_env *env,
		    int status, const char *want, struct cli_out *r)
{
	static const struct cli_env defaults;
	struct cli_out own;
	char cmd[512];

	if (!r)
		r = &own;
	if (!env)
		env = &defaults;
	cli_run_env(args, env, r);
	if (r->status != status || (want && !strstr(r->err, want)) ||
	    (status == 2 && r->out[0])) {
		cmd_text(args, env, cmd, sizeof(cmd));
		fail_msg("`%s`: exit %d, stdout '%.300s', stderr '%s'; want "
			 "exit %d%s%s%s%s",
			 cmd, r->status, r->out, r->err, status,
			 status == 2 ? ", no stdout" : "", want ? ", '" : "",
			 want ? want : "", want ? "' on stderr" : "");
	}
	if (r == &own)
		cli_out_free(&own);
}

void cli_run_ok(const char *const *args, const struct cli_env *env,
		struct cli_out *r)
{
	cli_run_expect(args, env, 0, NULL, r);
}

void cli_out_free(struct cli_out *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

unsigned cli_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		if (*s == '\n' || s[1] == '\0')
			n++;
	return n;
}

void cli_tempdir(char *buf, const char *tag)
{
	snprintf(buf, 64, "/tmp/dpamt-%s-XXXXXX", tag);
	assert_non_null(mkdtemp(buf));
}

void cli_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

unsigned cli_count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

void cli_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

char *cli_slurp(const char *path)
{
	int fd = open(path, O_RDONLY);

	return fd < 0 ? NULL : slurp_fd(fd);
}
