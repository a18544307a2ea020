/*
 * timeline.c - the timeline CSV writer.  Events come from the engine's
 * threads; a mutex keeps each row whole.  Event names are written as
 * given, quoted (RFC 4180) only if they hold a comma, quote or newline.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim/timeline.h"

struct sim_timeline {
	pthread_mutex_t lock;
	FILE *f;
	uint64_t rows;
};

void sim_timeline_write_header(FILE *f)
{
	fputs(SIM_TIMELINE_HEADER "\n", f);
}

static void write_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void sim_timeline_write_row(FILE *f, const struct sim_event *ev)
{
	fprintf(f, "%" PRIu64 ",", ev->t_ns);
	write_field(f, ev->what);
	fprintf(f, ",%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
		ev->guest, ev->pairs, ev->dynamic_bytes, ev->busy,
		ev->contentions);
}

struct sim_timeline *sim_timeline_open(FILE *f, char *msg, unsigned len)
{
	struct sim_timeline *t = calloc(1, sizeof(*t));

	if (!t) {
		snprintf(msg, len, "--timeline: out of memory");
		return NULL;
	}
	t->f = f;
	pthread_mutex_init(&t->lock, NULL);
	sim_timeline_write_header(t->f);
	return t;
}

void sim_timeline_event(void *arg, const struct sim_event *ev)
{
	struct sim_timeline *t = arg;

	pthread_mutex_lock(&t->lock);
	sim_timeline_write_row(t->f, ev);
	t->rows++;
	pthread_mutex_unlock(&t->lock);
}

uint64_t sim_timeline_rows(struct sim_timeline *t)
{
	uint64_t n;

	pthread_mutex_lock(&t->lock);
	n = t->rows;
	pthread_mutex_unlock(&t->lock);
	return n;
}

int sim_timeline_close(struct sim_timeline *t)
{
	int rc;

	if (!t)
		return 0;
	rc = fflush(t->f) || ferror(t->f) ? -1 : 0;
	pthread_mutex_destroy(&t->lock);
	free(t);
	return rc;
}
