/*
 * ht_stress.h - the frame shared by the host and strategy stress tests:
 * a model host, the references the threads believe they hold, the seed,
 * and the barriers of the three phases (workers run; stop at `half` while
 * the main thread checks a quiescent state; after `go_on` put everything
 * back).  The tests keep their own operations and checks.
 */
#ifndef DPAMT_TESTS_HT_STRESS_H
#define DPAMT_TESTS_HT_STRESS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "host/host_test_util.h"

struct ht_stress {
	struct model_host h;
	struct ht_held held;
	uint64_t seed;
	uint64_t used;        /* phys bytes in use once the host is up */
	pthread_barrier_t start, half, go_on;
	_Atomic uint64_t failures;
};

/*
 * Seed from test_seed(name, dflt) (printed; DPAMT_SEED replays), model host
 * over [0, mem) with c and tw (tw's BUSY-injection seed = the run's),
 * held counts, barriers for `threads` workers and the main thread.
 */
void ht_stress_setup(struct ht_stress *s, const char *name, uint64_t dflt,
		     uint64_t mem, const struct dpamt_config *c,
		     struct ht_tweak tw, unsigned threads);
/* After the run: if BUSY was injected, the manager retried some; then
 * everything setup made is freed (not s itself). */
void ht_stress_teardown(struct ht_stress *s, bool busy_injected);

#endif
