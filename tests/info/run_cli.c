/*
 * run_cli.c - fork/exec the dpamt binary with stdout and stderr sent to
 * unlinked temporary files, wait, and read both back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "run_cli.h"

static int tmp_fd(void)
{
	char name[] = "/tmp/dpamt-cli-XXXXXX";
	int fd = mkstemp(name);

	assert_true(fd >= 0);
	unlink(name);
	return fd;
}

static char *slurp(int fd)
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

void run_cli(const char *const *args, struct cli_result *r)
{
	char *argv[256];
	int n = 0, ofd = tmp_fd(), efd = tmp_fd(), ws;
	pid_t pid;

	argv[n++] = (char *)DPAMT_BIN;
	while (args[n - 1] && n < 255) {
		argv[n] = (char *)args[n - 1];
		n++;
	}
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		execv(DPAMT_BIN, argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
	r->out = slurp(ofd);
	r->err = slurp(efd);
}

void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
}
