/*
 * vt.h - the virtual-time scheduler: simulated CPUs and the tasks (vCPU
 * threads, samplers) that run on them, all on ONE OS thread, each task a
 * coroutine with its own clock.
 *
 * A task runs until it reaches a yield point (vt_sync and everything that
 * calls it: delays, spins, locks, pCPU hand-off).  There it continues only
 * if its clock is still before every other ready task's; otherwise it goes
 * back into the event queue and the earliest task runs.  Shared state is
 * therefore touched in virtual-time order, and the code between two yield
 * points takes effect at the time of the first.  Ties are broken by the
 * policy: fifo (order of becoming ready: the same run every time), random
 * (a seeded random order among equal times plus random short preemptions
 * at yield points) or pct (probabilistic concurrency testing: random task
 * priorities with D-1 priority change points, Burckhardt et al., ASPLOS
 * 2010; the highest-priority ready task runs, whatever its clock).
 *
 * pCPUs are a resource: vt_cpu_enter takes a free one or waits (FIFO) for
 * one, vt_cpu_leave hands it to the first waiter.  A task is never taken
 * off its pCPU otherwise, as a kernel never preempts a non-sleeping
 * section.  Locks are spinlocks with FIFO hand-off (like qspinlock): a
 * waiter keeps its pCPU and its wait is counted as spin time.
 *
 * Tasks without a pCPU and the main context (the caller of vt_run, which
 * is not a task) run too; their time is not counted on any CPU.
 *
 * Concurrency: one OS thread; a struct vt and everything in it belong to
 * the thread that created it.  Only the functions marked "task" may block
 * (switch); called from the main context they never switch.
 */
#ifndef DPAMT_VT_H
#define DPAMT_VT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VT_MAX_CPUS 1024u
#define VT_HIST_BUCKETS 1024u /* 16 per power of two (see vt.c) */

enum vt_policy { VT_FIFO, VT_RANDOM, VT_PCT };

struct vt_config {
	unsigned cpus;            /* 1..VT_MAX_CPUS */
	enum vt_policy policy;
	unsigned pct_depth;       /* PCT: D (>= 1), D-1 change points */
	uint64_t pct_steps;       /* PCT: change points drawn in [1, this] */
	uint64_t seed;
	/* Costs the scheduler itself charges (ns). */
	uint64_t atomic_ns;       /* an uncontended atomic RMW */
	uint64_t transfer_ns;     /* a cache line last written elsewhere */
	uint64_t relax_ns;        /* one spin-loop pause */
	uint64_t switch_ns;       /* a task put on a pCPU another one used */
	size_t stack_size;        /* per task, 0: coro_default_stack() */
};

/* Spinlock statistics (a group of locks may share one). */
struct vt_lock_stats {
	uint64_t acquisitions, contentions;
	uint64_t wait_ns, wait_max_ns;
	uint64_t hold_ns;         /* taken to released, all holders */
	uint64_t hist[VT_HIST_BUCKETS]; /* waits, log-linear buckets */
};

struct vt_task;

struct vt_lock {
	struct vt_task *owner;
	struct vt_task *wait_head, *wait_tail;
	int last_cpu;             /* who wrote the lock word last */
	uint64_t taken_at;        /* the owner's clock when it got it */
	struct vt_lock_stats *stats;
};

struct vt;

struct vt *vt_create(const struct vt_config *cfg);
/* Frees every task, finished or not.  Main context only. */
void vt_destroy(struct vt *vt);

/* A task running fn(arg), ready at the main context's current time.
 * Main context only.  NULL if out of memory. */
struct vt_task *vt_spawn(struct vt *vt, void (*fn)(void *arg), void *arg);
/* A daemon's end time does not count in the main clock (a sampler that
 * wakes up periodically until the real work is done); under pct it has
 * the lowest priority (time does not order pct, so a periodic daemon
 * would otherwise run forever ahead of everyone). */
void vt_set_daemon(struct vt_task *t);
/* No other task is ready: every other live task is blocked.  A daemon
 * that finds this should end, so vt_run can report the deadlock. */
bool vt_alone(const struct vt *vt);
/* Run every task until all are done: 0, or -1 if the remaining ones are
 * all blocked (a deadlock; they are abandoned).  Afterwards the main
 * clock is the latest end time.  Main context only. */
int vt_run(struct vt *vt);

/* The running task, or NULL in the main context. */
struct vt_task *vt_current(struct vt *vt);
/* The current clock (the task's or the main context's), ns. */
uint64_t vt_now(const struct vt *vt);
/* Advance the current clock without yielding (work done). */
void vt_advance(struct vt *vt, uint64_t ns);
/* Task: a yield point (let every task that is earlier run first). */
void vt_sync(struct vt *vt);
/* Task: advance by ns, then yield (a latency others overlap with). */
void vt_delay(struct vt *vt, uint64_t ns);
/* Task: spin for 'pauses' pause instructions (counted as spin time on the
 * pCPU), then yield. */
void vt_relax(struct vt *vt, unsigned pauses);

/* Task: take a pCPU (waiting FIFO for one); give it back. */
void vt_cpu_enter(struct vt *vt);
void vt_cpu_leave(struct vt *vt);
/* pCPU of the current task, or -1. */
int vt_cpu_of_current(const struct vt *vt);
/* Who is running, as a cache would see it: the pCPU (0..VT_MAX_CPUS-1),
 * or for a task without one (or the main context) a number above. */
int vt_agent(const struct vt *vt);

void vt_lock_init(struct vt_lock *l, struct vt_lock_stats *stats);
bool vt_lock_try(struct vt *vt, struct vt_lock *l);
void vt_lock_acquire(struct vt *vt, struct vt_lock *l);
void vt_lock_release(struct vt *vt, struct vt_lock *l);
/* Wait quantile q (0..1) from a stats histogram: the upper bound of its
 * bucket (exact below 16 ns, within 1/16 above), at most the max. */
uint64_t vt_lock_wait_quantile(const struct vt_lock_stats *s, double q);

/* Per-CPU time so far: held by a task (busy + spin) and spinning. */
void vt_cpu_times(const struct vt *vt, unsigned cpu, uint64_t *held_ns,
		  uint64_t *spin_ns);
/* Context switches done so far (the engine's speed). */
uint64_t vt_switches(const struct vt *vt);
/* Random number from the scheduler's seeded stream (random policy). */
uint64_t vt_random(struct vt *vt);

#endif /* DPAMT_VT_H */
