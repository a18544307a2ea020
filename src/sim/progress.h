/*
 * progress.h - the `dpamt sim` progress bar on stderr: work done / total
 * (pages faulted, as the engine counts them, and TDs booted), redrawn
 * at most every 100 ms.  Only used when stderr is a terminal and not
 * --quiet; the caller decides that (sim_progress_wanted).
 */
#ifndef DPAMT_SIM_PROGRESS_H
#define DPAMT_SIM_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_PROGRESS_MIN_NS 100000000ULL /* at most ~10 redraws a second */

struct sim_progress {
	pthread_mutex_t lock;
	FILE *f;
	uint64_t last_ns;  /* monotonic time of the last redraw */
	uint64_t draws;
	uint64_t last_done; /* done at the last redraw */
	bool drawn;        /* a bar is on the line: erase it at the end */
	unsigned tds_live; /* guests booted and not yet destroyed */
	unsigned tds_total;
};

/* True if fd is a terminal and the run is not quiet. */
bool sim_progress_wanted(int fd, bool quiet);

void sim_progress_init(struct sim_progress *p, FILE *f, unsigned tds_total);
/* A guest finished booting (+1) or was destroyed (-1).  Thread-safe. */
void sim_progress_td(struct sim_progress *p, int delta);
/* sim_callbacks.progress-shaped; thread-safe; arg is the sim_progress.
 * Draws when SIM_PROGRESS_MIN_NS passed since the last draw, or at
 * done == total. */
void sim_progress_update(void *arg, uint64_t done, uint64_t total);
/* Render one bar into buf (no clock, no I/O):
 * "[####....]  45% pages 9/20, guests up 1/2". */
void sim_progress_format(char *buf, unsigned len, uint64_t done,
			 uint64_t total, unsigned tds, unsigned tds_total);
/* Erase the bar (if drawn) and release the mutex. */
void sim_progress_finish(struct sim_progress *p);

#endif /* DPAMT_SIM_PROGRESS_H */
