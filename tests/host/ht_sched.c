/*
 * ht_sched.c - forced interleavings of the manager's get/put/retry on
 * the module model, shared by tests/host and tests/strategies (see
 * ht_sched.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <cmocka.h>

#include "host/ht_sched.h"

/* The role of the calling thread in a schedule (test code only). */
static _Thread_local int role = -1;

static void ht_sched_hook(void *arg, enum dpamt_yield_point where,
			  uint64_t pa)
{
	struct ht_sched *s = arg;

	(void)pa;
	for (unsigned i = 0; i < s->n; i++) {
		struct ht_stop *st = &s->stops[i];
		bool armed = true;

		if (st->role != role || st->where != where ||
		    !atomic_compare_exchange_strong_explicit(
			    &st->armed, &armed, false,
			    memory_order_acq_rel, memory_order_relaxed))
			continue;
		sem_post(&st->reached);
		sem_wait(&st->go);
	}
}

void ht_sched_attach(struct model_host *h, struct ht_sched *s)
{
	h->mo.yield_hook = ht_sched_hook;
	h->mo.yield_arg = s;
}

struct ht_stop *ht_add_stop(struct ht_sched *s, int r,
			    enum dpamt_yield_point where)
{
	struct ht_stop *st = &s->stops[s->n++];

	st->role = r;
	st->where = where;
	/* Armed before the thread that may hit it starts (pthread_create
	 * orders it), so relaxed suffices. */
	atomic_store_explicit(&st->armed, true, memory_order_relaxed);
	sem_init(&st->reached, 0, 0);
	sem_init(&st->go, 0, 0);
	return st;
}

void ht_wait_reached(struct ht_stop *st)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 120;
	if (sem_timedwait(&st->reached, &ts) != 0)
		fail_msg("no thread reached yield point %d", (int)st->where);
}

void ht_sched_fini(struct ht_sched *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		sem_destroy(&s->stops[i].reached);
		sem_destroy(&s->stops[i].go);
	}
}

static void *ht_op_main(void *arg)
{
	struct ht_op *o = arg;

	role = o->role;
	if (o->retry)
		o->result = (int)dpamt_retry_deferred(o->h->dp);
	else
		o->result = o->put ? dpamt_put(o->h->dp, o->pa, NULL)
				   : dpamt_get(o->h->dp, o->pa, NULL);
	return NULL;
}

void ht_op_start(struct ht_op *o, struct model_host *h, int r, bool put,
		 uint64_t pa)
{
	*o = (struct ht_op){ .h = h, .role = r, .put = put, .pa = pa };
	assert_int_equal(pthread_create(&o->t, NULL, ht_op_main, o), 0);
}

void ht_op_start_retry(struct ht_op *o, struct model_host *h, int r)
{
	*o = (struct ht_op){ .h = h, .role = r, .retry = true };
	assert_int_equal(pthread_create(&o->t, NULL, ht_op_main, o), 0);
}

int ht_op_join(struct ht_op *o)
{
	pthread_join(o->t, NULL);
	return o->result;
}
