/*
 * sweep_run.c - running the points of a sweep: one child process per
 * point (fork; the child runs sim_run() and writes its JSON report to a
 * scratch file), at most `jobs` at once, reaped in any order; the parent
 * reads each report back, removes the scratch file and prints a progress
 * line.  The parent is single-threaded, so forking it is safe; the child
 * starts its own threads and leaves with _exit().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/report.h"
#include "sim/sweep.h"
#include "util/outfile.h"

struct running {
	pid_t pid;
	unsigned point;
	char path[4096];
	struct timespec t0;
};

static double since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The child: run the point, write the report to fd, exit with the run's
 * status (3 if the report could not be written). */
static void child(const struct sim_scenario *base, int fd)
{
	struct sim_report *r = calloc(1, sizeof(*r));
	struct sim_scenario *sc = malloc(sizeof(*sc));
	FILE *f = fdopen(fd, "w");
	int rc;

	if (!r || !sc || !f)
		_exit(3);
	*sc = *base;
	sc->quiet = true;
	sc->progress = false;
	rc = sim_run(sc, NULL, r);
	if (sim_report_write_json(r, f) || fclose(f))
		_exit(3);
	_exit(rc);
}

/* Start point i with sc as scratch; 0, or -1 (point marked crashed,
 * message printed). */
static int start_in(const struct sweep *s, struct sweep_point *p,
		    unsigned i, struct running *run, struct sim_scenario *sc)
{
	char msg[512];
	int fd;

	sweep_point_index(s, i, p->idx);
	p->status = -1;
	if (sweep_point_scenario(s, p->idx, sc, msg, sizeof(msg))) {
		fprintf(stderr, "dpamt sweep: point %u: %s\n", i + 1, msg);
		return -1;
	}
	fd = outfile_scratch("dpamt-sweep", run->path, sizeof(run->path));
	if (fd < 0) {
		fprintf(stderr, "dpamt sweep: point %u: no scratch file: %s\n",
			i + 1, strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered is written twice */
	clock_gettime(CLOCK_MONOTONIC, &run->t0);
	run->pid = fork();
	if (run->pid == 0)
		child(sc, fd);
	close(fd);
	if (run->pid < 0) {
		fprintf(stderr, "dpamt sweep: point %u: fork: %s\n", i + 1,
			strerror(errno));
		unlink(run->path);
		return -1;
	}
	run->point = i;
	return 0;
}

/* start_in() with a scenario on the heap (~40 KiB, SIM_MAX_GUESTS). */
static int start(const struct sweep *s, struct sweep_point *p, unsigned i,
		 struct running *run)
{
	struct sim_scenario *sc = malloc(sizeof(*sc));
	int rc;

	if (!sc) {
		p->status = -1;
		fprintf(stderr, "dpamt sweep: point %u: out of memory\n",
			i + 1);
		return -1;
	}
	rc = start_in(s, p, i, run, sc);
	free(sc);
	return rc;
}

static void progress(const struct sweep *s, const struct sweep_point *p,
		     unsigned done, unsigned total)
{
	fprintf(stderr, "[%u/%u]", done, total);
	for (unsigned k = 0; k < s->n_axes; k++)
		fprintf(stderr, " %s=%s", s->ax[k].key,
			s->ax[k].v[p->idx[k]]);
	if (p->status < 0)
		fprintf(stderr, ": crashed or no report (%.1f s)\n", p->wall_s);
	else
		fprintf(stderr, ": exit %d (%.1f s)\n", p->status, p->wall_s);
}

/* Wait for one child of run[0..n); its slot is moved out.  Returns the
 * slot's former index, or -1 if waiting failed. */
static int reap(struct running *run, unsigned n, struct sweep_point *pts)
{
	int st;
	pid_t pid;

	do
		pid = waitpid(-1, &st, 0);
	while (pid < 0 && errno == EINTR);
	for (unsigned k = 0; pid > 0 && k < n; k++) {
		struct sweep_point *p = &pts[run[k].point];

		if (run[k].pid != pid)
			continue;
		p->wall_s = since(&run[k].t0);
		p->report = json_object_from_file(run[k].path);
		unlink(run[k].path);
		if (WIFEXITED(st) && WEXITSTATUS(st) <= 2 && p->report)
			p->status = WEXITSTATUS(st);
		return (int)k;
	}
	return -1;
}

unsigned sweep_run(const struct sweep *s, struct sweep_point *pts)
{
	unsigned total = sweep_n_points(s), next = 0, n = 0, done = 0;
	unsigned failed = 0, jobs = s->jobs ? s->jobs : 1;
	struct running *run = calloc(jobs, sizeof(*run));

	if (!run)
		return total;
	while (done < total) {
		while (n < jobs && next < total) {
			if (start(s, &pts[next], next, &run[n]) == 0)
				n++;
			else
				done++, failed++; /* message printed */
			next++;
		}
		if (n == 0)
			continue;
		int k = reap(run, n, pts);

		if (k < 0) { /* no child left to wait for: cannot happen */
			failed += total - done;
			break;
		}
		struct sweep_point *p = &pts[run[k].point];

		done++;
		failed += p->status != 0;
		if (s->progress)
			progress(s, p, done, total);
		run[k] = run[--n];
	}
	free(run);
	return failed;
}
