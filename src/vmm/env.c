/*
 * env.c - where the VMM's vCPU threads run: the calls below go to the
 * host's vmm_env when one is set (a simulator's virtual CPUs), and to the
 * real thing otherwise (pCPU tokens, pthread mutexes, nanosleep,
 * sched_yield, the pause instruction).  The VMM's logic never knows which.
 */
#include "vmm/vmm.h"

#include <sched.h>
#include <stdlib.h>
#include <time.h>

void vmm_cpu_enter(struct vmm_host *h)
{
	if (h->env)
		h->env->cpu_enter(h->env->ctx);
	else
		vmm_pcpu_enter(&h->pcpus);
}

void vmm_cpu_leave(struct vmm_host *h)
{
	if (h->env)
		h->env->cpu_leave(h->env->ctx);
	else
		vmm_pcpu_leave(&h->pcpus);
}

void vmm_sleep_ns(struct vmm_host *h, uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull),
			       (long)(ns % 1000000000ull) };

	if (h->env)
		h->env->sleep_ns(h->env->ctx, ns);
	else
		nanosleep(&ts, NULL);
}

uint64_t vmm_now_ns(struct vmm_host *h)
{
	struct timespec ts;

	if (h->env)
		return h->env->now_ns(h->env->ctx);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void vmm_yield(struct vmm_host *h)
{
	if (h->env)
		h->env->yield(h->env->ctx);
	else
		sched_yield();
}

void vmm_pause(struct vmm_host *h)
{
	if (h->env) {
		h->env->pause(h->env->ctx);
		return;
	}
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

void *vmm_lock_new(struct vmm_host *h)
{
	pthread_mutex_t *m;

	if (h->env)
		return h->env->lock_new(h->env->ctx);
	m = malloc(sizeof(*m));
	if (m && pthread_mutex_init(m, NULL)) {
		free(m);
		m = NULL;
	}
	return m;
}

void vmm_lock_del(struct vmm_host *h, void *lock)
{
	if (!lock)
		return;
	if (h->env) {
		h->env->lock_del(h->env->ctx, lock);
		return;
	}
	pthread_mutex_destroy(lock);
	free(lock);
}

void vmm_lock(struct vmm_host *h, void *lock)
{
	if (h->env)
		h->env->lock(h->env->ctx, lock);
	else
		pthread_mutex_lock(lock);
}

void vmm_unlock(struct vmm_host *h, void *lock)
{
	if (h->env)
		h->env->unlock(h->env->ctx, lock);
	else
		pthread_mutex_unlock(lock);
}

void vmm_cost(struct vmm_host *h, enum vmm_cost what)
{
	if (h->env && h->env->cost)
		h->env->cost(h->env->ctx, what);
}
