/*
 * lock.c - the install/remove lock: the caller's lock (ops->lock_*) or,
 * when those are NULL, the core's own test-and-test-and-set spin lock.
 * Every acquisition is counted; a failed first try counts as a contention
 * and the time until the lock is ours is added to lock_wait_ns.
 */
#include "host/dp_internal.h"

int dp_lock_init(struct dpamt *m, struct dp_lock *l)
{
	l->ext = 0;
	dp_store_relaxed32(&l->spin, 0);
	if (m->ops.lock_new) {
		if (!m->ops.lock_try || !m->ops.lock_acquire ||
		    !m->ops.lock_release || !m->ops.lock_del)
			return DPAMT_EINVAL;
		l->ext = m->ops.lock_new(m->ops.ctx);
		if (!l->ext)
			return DPAMT_ENOMEM;
	}
	return DPAMT_OK;
}

void dp_lock_fini(struct dpamt *m, struct dp_lock *l)
{
	if (l->ext)
		m->ops.lock_del(m->ops.ctx, l->ext);
	l->ext = 0;
}

static bool dp_lock_try(struct dpamt *m, struct dp_lock *l)
{
	if (l->ext)
		return m->ops.lock_try(m->ops.ctx, l->ext);
	return dp_load_relaxed32(&l->spin) == 0 &&
	       dp_xchg_acquire32(&l->spin, 1) == 0;
}

static void dp_lock_wait(struct dpamt *m, struct dp_lock *l)
{
	unsigned attempt = 0;

	if (l->ext) {
		m->ops.lock_acquire(m->ops.ctx, l->ext);
		return;
	}
	for (;;) {
		while (dp_load_relaxed32(&l->spin) != 0)
			dp_relax(m, attempt++);
		if (dp_xchg_acquire32(&l->spin, 1) == 0)
			return;
	}
}

static uint64_t dp_now(struct dpamt *m)
{
	return m->ops.now_ns ? m->ops.now_ns(m->ops.ctx) : 0;
}

/* Concurrency: any thread; not recursive. */
void dp_lock_acquire(struct dpamt *m, struct dp_lock *l)
{
	uint64_t t0;

	dp_stat_inc(m, DP_ST_lock_acquisitions);
	if (dp_lock_try(m, l))
		return;
	dp_stat_inc(m, DP_ST_lock_contentions);
	t0 = dp_now(m);
	dp_lock_wait(m, l);
	dp_stat_add(m, DP_ST_lock_wait_ns, dp_now(m) - t0);
}

void dp_lock_release(struct dpamt *m, struct dp_lock *l)
{
	if (l->ext)
		m->ops.lock_release(m->ops.ctx, l->ext);
	else
		dp_store_release32(&l->spin, 0);
}
