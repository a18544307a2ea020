/*
 * bench_vt.c - how fast the virtual-time engine switches.
 *
 * raw: two coroutines ping-pong with coro_switch (one switch per hop).
 * sched: T tasks each doing vt_delay(1) in a loop on the scheduler, so
 * every yield point hands over to another task (queue push + pop +
 * switch).  Prints switches per second and ns per switch.  Usage:
 * dpamt-bench-vt [million-switches [tasks]].
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "vt/coro.h"
#include "vt/vt.h"

struct pp {
	struct coro main, a, b;
	unsigned long n;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void ping(void *arg)
{
	struct pp *p = arg;

	for (unsigned long i = 0; i < p->n; i++)
		coro_switch(&p->a, &p->b);
	coro_exit_to(&p->a, &p->main);
}

static void pong(void *arg)
{
	struct pp *p = arg;

	for (;;)
		coro_switch(&p->b, &p->a);
}

static void bench_raw(unsigned long n)
{
	struct pp p = { .n = n };
	uint64_t t;

	coro_init_main(&p.main);
	if (coro_create(&p.a, ping, &p, 0) || coro_create(&p.b, pong, &p, 0)) {
		fprintf(stderr, "cannot map stacks\n");
		exit(1);
	}
	t = now_ns();
	coro_switch(&p.main, &p.a);
	t = now_ns() - t;
	printf("raw   %-12s %10.1f M switches/s  %6.1f ns/switch\n",
	       coro_mechanism(), 2.0 * n / (double)t * 1e3,
	       (double)t / (2.0 * n));
	coro_destroy(&p.a);
	coro_destroy(&p.b);
}

struct loop {
	struct vt *vt;
	unsigned long n;
};

static void delay_loop(void *arg)
{
	struct loop *l = arg;

	for (unsigned long i = 0; i < l->n; i++)
		vt_delay(l->vt, 1);
}

static void bench_sched(unsigned long n, unsigned tasks)
{
	struct vt_config cfg = { .cpus = 1 };
	struct loop l;
	uint64_t t, sw;

	l.vt = vt_create(&cfg);
	l.n = n / tasks;
	for (unsigned i = 0; l.vt && i < tasks; i++)
		if (!vt_spawn(l.vt, delay_loop, &l))
			l.vt = NULL;
	if (!l.vt) {
		fprintf(stderr, "cannot create the scheduler\n");
		exit(1);
	}
	t = now_ns();
	vt_run(l.vt);
	t = now_ns() - t;
	sw = vt_switches(l.vt);
	printf("sched %-5u tasks  %10.1f M switches/s  %6.1f ns/switch "
	       "(queue + switch)\n", tasks, (double)sw / (double)t * 1e3,
	       (double)t / (double)sw);
	vt_destroy(l.vt);
}

int main(int argc, char **argv)
{
	unsigned long m = argc > 1 ? strtoul(argv[1], NULL, 10) : 10;
	unsigned tasks = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 0;

	if (m == 0 || m > 10000) {
		fprintf(stderr, "usage: dpamt-bench-vt [million-switches 1..10000 "
			"[tasks]]\n");
		return 2;
	}
	bench_raw(m * 500000ul);
	if (tasks) {
		bench_sched(m * 1000000ul, tasks);
		return 0;
	}
	bench_sched(m * 1000000ul, 2);
	bench_sched(m * 1000000ul, 64);
	bench_sched(m * 1000000ul, 4096);
	return 0;
}
