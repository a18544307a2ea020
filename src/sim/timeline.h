/*
 * timeline.h - the `dpamt sim --timeline` CSV: one row per sim_event,
 * header "t_ns,event,guest,pairs,dynamic_bytes,busy,contentions".
 */
#ifndef DPAMT_SIM_TIMELINE_H
#define DPAMT_SIM_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

#define SIM_TIMELINE_HEADER \
	"t_ns,event,guest,pairs,dynamic_bytes,busy,contentions"

/* Raw writers (no locking): the header line, one event line. */
void sim_timeline_write_header(FILE *f);
void sim_timeline_write_row(FILE *f, const struct sim_event *ev);

struct sim_timeline;

/* Write the header to f (owned by the caller, e.g. a struct outfile's
 * stream) and start a timeline on it.  NULL with msg if out of memory. */
struct sim_timeline *sim_timeline_open(FILE *f, char *msg, unsigned len);
/*
 * sim_callbacks.event-shaped: append ev.  Thread-safe (a mutex orders
 * rows from concurrent vCPU threads); arg is the struct sim_timeline.
 */
void sim_timeline_event(void *arg, const struct sim_event *ev);
uint64_t sim_timeline_rows(struct sim_timeline *t);
/* Flush; 0, or -1 if any write failed.  Frees t; the FILE stays open
 * (its owner commits or discards it). */
int sim_timeline_close(struct sim_timeline *t);

#endif /* DPAMT_SIM_TIMELINE_H */
