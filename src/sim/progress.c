/*
 * progress.c - a one-line progress bar redrawn in place with '\r', rate
 * limited by CLOCK_MONOTONIC, serialised by a mutex because the engine
 * may report from any vCPU thread.
 */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/progress.h"

#define BAR_WIDTH 40

bool sim_progress_wanted(int fd, bool quiet)
{
	return !quiet && isatty(fd);
}

void sim_progress_init(struct sim_progress *p, FILE *f, unsigned tds_total)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	p->f = f;
	p->tds_total = tds_total;
}

void sim_progress_td(struct sim_progress *p, int delta)
{
	pthread_mutex_lock(&p->lock);
	if (delta > 0 || p->tds_live > 0)
		p->tds_live = (unsigned)((int)p->tds_live + delta);
	pthread_mutex_unlock(&p->lock);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void sim_progress_format(char *buf, unsigned len, uint64_t done,
			 uint64_t total, unsigned tds, unsigned tds_total)
{
	char bar[BAR_WIDTH + 1];
	unsigned fill, pct;

	if (done > total)
		done = total;
	pct = total ? (unsigned)(done * 100 / total) : 100;
	fill = total ? (unsigned)(done * BAR_WIDTH / total) : BAR_WIDTH;
	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	snprintf(buf, len, "[%s] %3u%% pages %" PRIu64 "/%" PRIu64
		 ", guests up %u/%u", bar, pct, done, total, tds, tds_total);
}

void sim_progress_update(void *arg, uint64_t done, uint64_t total)
{
	struct sim_progress *p = arg;
	uint64_t now = mono_ns();
	char line[160];

	pthread_mutex_lock(&p->lock);
	if (!p->drawn || now - p->last_ns >= SIM_PROGRESS_MIN_NS ||
	    (done >= total && p->last_done < total)) {
		sim_progress_format(line, sizeof(line), done, total,
				    p->tds_live, p->tds_total);
		fprintf(p->f, "\r%s", line);
		fflush(p->f);
		p->last_ns = now;
		p->drawn = true;
		p->draws++;
		p->last_done = done;
	}
	pthread_mutex_unlock(&p->lock);
}

void sim_progress_finish(struct sim_progress *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->drawn) {
		/* blank the line and return to its start */
		fprintf(p->f, "\r%*s\r", BAR_WIDTH + 72, "");
		fflush(p->f);
		p->drawn = false;
	}
	pthread_mutex_unlock(&p->lock);
	pthread_mutex_destroy(&p->lock);
}
