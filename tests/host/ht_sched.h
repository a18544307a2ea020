/*
 * ht_sched.h - forced interleavings for the host and strategy tests:
 * threads with a role park at chosen yield points of the manager (on
 * semaphores) until the test releases them, and one get, put or retry
 * pass run on its own thread under a role.
 */
#ifndef DPAMT_TESTS_HT_SCHED_H
#define DPAMT_TESTS_HT_SCHED_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "host/host_test_util.h"

/* One park: the first thread of role `role` to pass `where` waits. */
struct ht_stop {
	int role;
	enum dpamt_yield_point where;
	atomic_bool armed;
	sem_t reached, go;
};

struct ht_sched {
	struct ht_stop stops[4];
	unsigned n;
};

/* Route h's yield points through s (the model ops' yield hook). */
void ht_sched_attach(struct model_host *h, struct ht_sched *s);
struct ht_stop *ht_add_stop(struct ht_sched *s, int role,
			    enum dpamt_yield_point where);
/* Wait until a thread parks at st (a deadlock guard fails the test after
 * two minutes: not a timing assertion). */
void ht_wait_reached(struct ht_stop *st);
void ht_sched_fini(struct ht_sched *s);

/* One get, put or retry pass run on its own thread under a role. */
struct ht_op {
	struct model_host *h;
	int role;
	bool put, retry;
	uint64_t pa;
	int result;
	pthread_t t;
};
void ht_op_start(struct ht_op *o, struct model_host *h, int role, bool put,
		 uint64_t pa);
void ht_op_start_retry(struct ht_op *o, struct model_host *h, int role);
/* Join the op's thread; its result (a dpamt error, or for a retry pass
 * the number of ranges still pending). */
int ht_op_join(struct ht_op *o);

#endif
