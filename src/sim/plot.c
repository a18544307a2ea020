/*
 * plot.c - timeline SVG through gnuplot, spawned with posix_spawnp (no
 * shell); the script goes down a pipe, the file names as ARG1/ARG2.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/plot.h"
#include "util/outfile.h"

extern char **environ;

static const char plot_script[] =
"set terminal svg size 1000,560 dynamic background rgb 'white'\n"
"set output ARG2\n"
"set datafile separator ','\n"
"set title 'dpamt sim: Dynamic PAMT over time'\n"
"set xlabel 'time (ms)'\n"
"set ylabel 'dynamic PAMT (KiB), pairs installed'\n"
"set y2label 'BUSY answers, lock contentions (so far)'\n"
"set yrange [0:1<*]\n"
"set y2range [0:1<*]\n"
"set ytics nomirror\n"
"set y2tics\n"
"set key top left\n"
"set grid\n"
"plot ARG1 using ($1/1e6):($5/1024) skip 1 with steps lw 2 "
"title 'dynamic PAMT KiB', \\\n"
"     ARG1 using ($1/1e6):4 skip 1 with steps title 'pairs', \\\n"
"     ARG1 using ($1/1e6):6 skip 1 axes x1y2 with lines dt 2 "
"title 'BUSY', \\\n"
"     ARG1 using ($1/1e6):7 skip 1 axes x1y2 with lines dt 3 "
"title 'contentions'\n";

/* Write all of buf to fd (the child may exit early: EPIPE ignored). */
static void write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

static int wait_child(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* Spawn gnuplot with its stdin on the read end of p, stdout to null,
 * stderr to errfd (shown only if it fails: its warnings are noise). */
static int spawn_gnuplot(const char *const *args, unsigned n_args,
			 int p[2], int errfd, pid_t *pid)
{
	char *argv[4 + SIM_PLOT_MAX_ARGS] = {"gnuplot", "-c", "/dev/stdin"};
	posix_spawn_file_actions_t fa;
	int rc;

	for (unsigned i = 0; i < n_args && i < SIM_PLOT_MAX_ARGS; i++)
		argv[3 + i] = (char *)args[i];

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
					 O_WRONLY, 0);
	if (errfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	rc = posix_spawnp(pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

/* Copy what gnuplot said (in the unlinked temp file fd) to stderr. */
static void show_output(int fd)
{
	char buf[4096];
	ssize_t n;

	if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
}

/* An anonymous temp file in $TMPDIR for gnuplot's stderr, or -1. */
static int temp_fd(void)
{
	char path[4096];
	int fd = outfile_scratch("dpamt-gnuplot", path, sizeof(path));

	if (fd >= 0)
		unlink(path);
	return fd;
}

enum sim_plot_result sim_plot_script(const char *script,
				     const char *const *args, unsigned n_args,
				     const char *label, char *msg,
				     unsigned len)
{
	void (*old_pipe)(int);
	int p[2], rc, status = 0, errfd;
	pid_t pid;

	if (pipe(p)) {
		snprintf(msg, len, "%s: pipe: %s", label, strerror(errno));
		return SIM_PLOT_FAILED;
	}
	errfd = temp_fd();
	rc = spawn_gnuplot(args, n_args, p, errfd, &pid);
	close(p[0]);
	if (rc) {
		if (errfd >= 0)
			close(errfd);
		close(p[1]);
		if (rc == ENOENT) {
			snprintf(msg, len, "%s: gnuplot not found on PATH; "
				 "install it (apt-get install gnuplot-nox) to "
				 "get %s", label, args[1]);
			return SIM_PLOT_NO_GNUPLOT;
		}
		snprintf(msg, len, "%s: cannot run gnuplot: %s", label,
			 strerror(rc));
		return SIM_PLOT_FAILED;
	}
	old_pipe = signal(SIGPIPE, SIG_IGN);
	write_all(p[1], script, strlen(script));
	close(p[1]);
	signal(SIGPIPE, old_pipe);
	rc = wait_child(pid, &status) || !WIFEXITED(status) ||
		WEXITSTATUS(status) != 0;
	if (rc) {
		show_output(errfd);
		snprintf(msg, len, "%s: gnuplot failed to draw %s from %s "
			 "(see its message above)", label, args[1], args[0]);
	}
	if (errfd >= 0)
		close(errfd);
	return rc ? SIM_PLOT_FAILED : SIM_PLOT_OK;
}

enum sim_plot_result sim_plot_svg(const char *csv_path, const char *svg_path,
				  char *msg, unsigned len)
{
	const char *args[] = { csv_path, svg_path };

	return sim_plot_script(plot_script, args, 2, "--plot", msg, len);
}
