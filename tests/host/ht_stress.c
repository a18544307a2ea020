/*
 * ht_stress.c - set-up and tear-down of the stress-test frame shared by
 * tests/host and tests/strategies (see ht_stress.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "host/ht_stress.h"

void ht_stress_setup(struct ht_stress *s, const char *name, uint64_t dflt,
		     uint64_t mem, const struct dpamt_config *c,
		     struct ht_tweak tw, unsigned threads)
{
	s->seed = test_seed(name, dflt);
	tw.seed = s->seed;
	ht_host_ex(&s->h, mem, c, &tw);
	ht_held_init(&s->held, mem);
	s->used = phys_used_bytes(s->h.alloc);
	atomic_store_explicit(&s->failures, 0, memory_order_relaxed);
	pthread_barrier_init(&s->start, NULL, threads);
	pthread_barrier_init(&s->half, NULL, threads + 1);
	pthread_barrier_init(&s->go_on, NULL, threads + 1);
}

void ht_stress_teardown(struct ht_stress *s, bool busy_injected)
{
	if (busy_injected) {
		struct dpamt_stats st;

		dpamt_stats(s->h.dp, &st);
		assert_true(st.busy_retries > 0);
	}
	pthread_barrier_destroy(&s->start);
	pthread_barrier_destroy(&s->half);
	pthread_barrier_destroy(&s->go_on);
	ht_held_fini(&s->held);
	model_host_destroy(&s->h);
}
