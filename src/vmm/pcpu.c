/*
 * pcpu.c - physical CPUs as tokens: at most n vCPU threads run guest work
 * at once.
 *
 * A kernel never preempts a thread inside a spinlocked, non-sleeping
 * section, so a lock holder always makes progress.  A userspace
 * simulation with 40 vCPU threads on 2 cores breaks that: the scheduler
 * parks a holder mid-section and every waiter's "lock wait" measures the
 * scheduler, not the protocol.  A vCPU thread therefore holds a pCPU token
 * while it works on a chunk (a time slice of up to 512 faults, every
 * non-sleeping section inside it) and gives it back between chunks, so no
 * more threads are runnable than there are pCPUs.  n = 0: no gate.
 *
 * Concurrency: enter/leave from any thread; init/set/fini only while no
 * vCPU thread runs.
 */
#include "vmm/vmm.h"

void vmm_pcpus_init(struct vmm_pcpus *p, unsigned n)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->n = n;
	p->free = n;
}

void vmm_pcpus_set(struct vmm_pcpus *p, unsigned n)
{
	p->n = n;
	p->free = n;
}

void vmm_pcpus_fini(struct vmm_pcpus *p)
{
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->lock);
}

void vmm_pcpu_enter(struct vmm_pcpus *p)
{
	if (!p->n)
		return;
	pthread_mutex_lock(&p->lock);
	while (!p->free)
		pthread_cond_wait(&p->cv, &p->lock);
	p->free--;
	pthread_mutex_unlock(&p->lock);
}

void vmm_pcpu_leave(struct vmm_pcpus *p)
{
	if (!p->n)
		return;
	pthread_mutex_lock(&p->lock);
	p->free++;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->lock);
}
