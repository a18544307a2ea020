/*
 * test_tdxmod_race.c - the model under concurrent SEAMCALLs (run it in the
 * TSan build): two PAMT.ADDs of one range, AUG racing PAMT.REMOVE/ADD in
 * one range (REMOVE kept apart from PAMT.REMOVE: together they can meet
 * the module's fatal hazard window, test_tdxmod_hazard.c), neighbours
 * whose pair pages lie in each other's range,
 * and injected BUSY; the consistency check passes after each.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tm_util.h"

#define MEM (4 * GiB)
#define R1 0x40000000ULL
#define R2 0x40200000ULL
#define P 0x20000000ULL
#define CTL 0x10000000ULL

#ifdef DPAMT_TSAN
#define ROUNDS 300
#else
#define ROUNDS 3000
#endif

struct shared {
	struct tdxmod *m;
	pthread_barrier_t bar;
	struct tm_td td;
	uint64_t seed;
	uint64_t st[2];
	unsigned long long busy[2], ok[2];
	_Atomic int failed_line;
	_Atomic uint64_t failed_status;
	/* what a host's refcount gives: no PAMT.REMOVE of a range while a
	 * PAGE.REMOVE in it runs */
	pthread_mutex_t rm_lock;
};

/* cmocka's asserts must not run off the main thread: record the first
 * failure and let the main thread report it. */
#define T_CHECK(s, cond, st)                                                \
	do {                                                                 \
		if (!(cond)) {                                               \
			int z_ = 0;                                          \
			if (atomic_compare_exchange_strong_explicit(         \
				    &(s)->failed_line, &z_, __LINE__,        \
				    memory_order_acq_rel,                    \
				    memory_order_acquire))                   \
				atomic_store_explicit(&(s)->failed_status,   \
						      (st),                  \
						      memory_order_release); \
			return NULL;                                         \
		}                                                            \
	} while (0)

static void no_thread_failure(struct shared *s)
{
	int line = atomic_load_explicit(&s->failed_line, memory_order_acquire);
	char b[64];

	uint64_t st = atomic_load_explicit(&s->failed_status,
					   memory_order_acquire);

	if (line)
		fail_msg("worker failed at line %d with %s", line,
			 dpamt_tdx_status_name(st, b, sizeof(b)));
}

/* A model whose hot leaves hold their locks for a while, so threads
 * really overlap. */
static struct tdxmod *racy_model(double busy, uint64_t seed)
{
	struct tdxmod_config cfg;

	tdxmod_config_default(&cfg, MEM);
	cfg.busy_inject_prob = busy;
	cfg.busy_inject_seed = seed;
	cfg.leaf_latency_ns[DPAMT_TDH_PHYMEM_PAMT_ADD] = 1500;
	cfg.leaf_latency_ns[DPAMT_TDH_PHYMEM_PAMT_REMOVE] = 1500;
	cfg.leaf_latency_ns[DPAMT_TDH_MEM_PAGE_AUG] = 500;
	cfg.leaf_latency_ns[DPAMT_TDH_MEM_PAGE_REMOVE] = 500;
	cfg.leaf_latency_ns[DPAMT_TDH_MNG_CREATE] = 500;
	cfg.leaf_latency_ns[DPAMT_TDH_PHYMEM_PAGE_RECLAIM] = 500;
	return tm_model_cfg(&cfg, true);
}

/* ---- two PAMT.ADDs of the same range ------------------------------------ */
struct add_arg {
	struct shared *s;
	unsigned id;
};

static void *add_same(void *p)
{
	struct add_arg *a = p;
	struct shared *s = a->s;

	for (unsigned i = 0; i < ROUNDS; i++) {
		uint64_t pp = P + a->id * 2 * MiB + (i % 64) * 2 * PG;

		pthread_barrier_wait(&s->bar);
		s->st[a->id] = tm_pamt_add(s->m, R1, pp, pp + PG);
		pthread_barrier_wait(&s->bar);
		pthread_barrier_wait(&s->bar); /* main checks and removes */
	}
	return NULL;
}

static void test_two_adds_one_range(void **state)
{
	struct shared s = {0};
	struct add_arg a[2] = {{&s, 0}, {&s, 1}};
	pthread_t t[2];
	unsigned both_busy = 0, ok_total = 0;

	s.m = racy_model(0, 0);

	pthread_barrier_init(&s.bar, NULL, 3);
	for (unsigned i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, add_same, &a[i]);
	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned ok = 0;

		pthread_barrier_wait(&s.bar);
		pthread_barrier_wait(&s.bar);
		for (unsigned k = 0; k < 2; k++) {
			uint64_t c = dpamt_tdx_status_class(s.st[k]);

			ok += s.st[k] == DPAMT_TDX_SUCCESS;
			assert_true(
				s.st[k] == DPAMT_TDX_SUCCESS ||
				s.st[k] == (DPAMT_TDX_OPERAND_BUSY | 1) ||
				s.st[k] == (DPAMT_TDX_HPA_RANGE_NOT_FREE | 1) ||
				c == DPAMT_TDX_OPERAND_BUSY);
		}
		/* the pair pages lie outside R1 and apart, so the first to
		 * lock R1 wins: exactly one SUCCESS every round */
		assert_int_equal(ok, 1);
		both_busy += dpamt_tdx_is_busy(s.st[0]) ||
			     dpamt_tdx_is_busy(s.st[1]);
		ok_total += ok;
		TM_EXPECT(tm_pamt_remove(s.m, R1, NULL, NULL),
			  DPAMT_TDX_SUCCESS);
		pthread_barrier_wait(&s.bar);
	}
	for (unsigned i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("two adds: %u rounds, %u won, %u lost with BUSY\n", ROUNDS,
	       ok_total, both_busy);
	tm_check_ok(s.m);
	pthread_barrier_destroy(&s.bar);
	tdxmod_destroy(s.m);
}

/* ---- AUG/REMOVE of pages racing PAMT.REMOVE/ADD of their range ------- */
static void *aug_loop(void *p)
{
	struct shared *s = p;
	uint64_t seed = s->seed;

	pthread_barrier_wait(&s->bar);
	for (unsigned i = 0; i < ROUNDS * 4; i++) {
		unsigned k = (unsigned)(prng_next(&seed) % 8);
		uint64_t gpa = 0x1000 * (k + 1), pa = R1 + (k + 16) * PG;
		uint64_t st = tm_sc(s->m, DPAMT_TDH_MEM_PAGE_AUG, gpa,
				    s->td.tdr, pa, NULL);

		if (st == DPAMT_TDX_SUCCESS) {
			s->ok[0]++;
			pthread_mutex_lock(&s->rm_lock);
			do
				st = tm_sc(s->m, DPAMT_TDH_MEM_PAGE_REMOVE, gpa,
					   s->td.tdr, 0, NULL);
			while (dpamt_tdx_is_busy(st));
			pthread_mutex_unlock(&s->rm_lock);
			T_CHECK(s, dpamt_tdx_is_success(st), st);
		} else {
			uint64_t c = dpamt_tdx_status_class(st);

			s->busy[0] += dpamt_tdx_is_busy(st);
			T_CHECK(s, c == DPAMT_TDX_OPERAND_BUSY ||
				   c == DPAMT_TDX_MISSING_PAMT_PAGE_PAIR, st);
		}
	}
	return NULL;
}

/* Let the other thread in between two pair cycles. */
static void pause_us(unsigned us)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec <
	       (long)us * 1000);
}

static void *pamt_loop(void *p)
{
	struct shared *s = p;

	pthread_barrier_wait(&s->bar);
	for (unsigned i = 0; i < ROUNDS * 4; i++) {
		uint64_t st, c;

		pthread_mutex_lock(&s->rm_lock);
		st = tm_pamt_remove(s->m, R1, NULL, NULL);
		pthread_mutex_unlock(&s->rm_lock);

		c = dpamt_tdx_status_class(st);
		pause_us(4);
		if (st == DPAMT_TDX_SUCCESS) {
			s->ok[1]++;
			do
				st = tm_pamt_add(s->m, R1, P + 16 * PG,
						 P + 17 * PG);
			while (dpamt_tdx_is_busy(st));
			T_CHECK(s, st == DPAMT_TDX_SUCCESS, st);
			pause_us(20); /* the pair stays a while */
		} else {
			s->busy[1] += dpamt_tdx_is_busy(st);
			T_CHECK(s, c == DPAMT_TDX_OPERAND_BUSY ||
				   c == DPAMT_TDX_PAMT_PAGE_NOT_EMPTY, st);
		}
	}
	return NULL;
}

static void test_aug_vs_pamt_remove(void **state)
{
	struct shared s = {.m = racy_model(0, 0), .seed = test_seed(__func__, 11)};
	pthread_t a, b;

	tm_td_build(s.m, &s.td, CTL, P, 3);
	TM_EXPECT(tm_pamt_add(s.m, R1, P + 16 * PG, P + 17 * PG),
		  DPAMT_TDX_SUCCESS);
	pthread_barrier_init(&s.bar, NULL, 2);
	pthread_mutex_init(&s.rm_lock, NULL);
	pthread_create(&a, NULL, aug_loop, &s);
	pthread_create(&b, NULL, pamt_loop, &s);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	if (tdxmod_is_fatal(s.m))
		printf("fatal: %s\n", tdxmod_fatal_reason(s.m));
	no_thread_failure(&s);
	printf("aug vs remove: %llu augs, %llu pair removals, busy %llu/%llu\n",
	       s.ok[0], s.ok[1], s.busy[0], s.busy[1]);
	assert_false(tdxmod_is_fatal(s.m));
	tm_check_ok(s.m);
	tdxmod_destroy(s.m);
}

/* ---- neighbours whose pair pages lie in each other's range ----------- */
struct nb_arg {
	struct shared *s;
	unsigned id;
};

static void *neighbour_loop(void *p)
{
	struct nb_arg *a = p;
	struct shared *s = a->s;
	uint64_t mine = a->id ? R2 : R1, other = a->id ? R1 : R2, st;
	struct dpamt_tdx_regs out;

	pthread_barrier_wait(&s->bar);
	for (unsigned i = 0; i < ROUNDS * 2; i++) {
		uint64_t pp = other + (100 + a->id * 8) * PG;

		while (dpamt_tdx_is_busy(
			st = tm_pamt_add(s->m, mine, pp, pp + PG)))
			s->busy[a->id]++;
		T_CHECK(s, st == DPAMT_TDX_SUCCESS, st);
		/* use a page in the range, as the host would */
		while (dpamt_tdx_is_busy(st = tm_sc(s->m, DPAMT_TDH_MNG_CREATE,
					      mine + 10 * PG, 10 + a->id, 0,
					      NULL)))
			s->busy[a->id]++;
		T_CHECK(s, st == DPAMT_TDX_SUCCESS, st);
		while (dpamt_tdx_is_busy(
			st = tm_sc(s->m, DPAMT_TDH_MNG_VPFLUSHDONE,
				   mine + 10 * PG, 0, 0, NULL)))
			s->busy[a->id]++;
		while (dpamt_tdx_is_busy(st = tm_sc(s->m,
						    DPAMT_TDH_PHYMEM_CACHE_WB,
						    0, 0, 0, NULL)))
			s->busy[a->id]++;
		while (dpamt_tdx_is_busy(
			st = tm_sc(s->m, DPAMT_TDH_MNG_KEY_FREEID,
				   mine + 10 * PG, 0, 0, NULL)))
			s->busy[a->id]++;
		while (dpamt_tdx_is_busy(
			st = tm_sc(s->m, DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
				   mine + 10 * PG, 0, 0, &out)))
			s->busy[a->id]++;
		T_CHECK(s,
			st == DPAMT_TDX_SUCCESS &&
				dpamt_tdx_removal_hint(out.r9),
			st);
		while (dpamt_tdx_is_busy(st = tm_pamt_remove(s->m, mine, NULL,
							NULL)))
			s->busy[a->id]++;
		T_CHECK(s, st == DPAMT_TDX_SUCCESS, st);
		s->ok[a->id]++;
	}
	return NULL;
}

static void test_neighbours(void **state)
{
	struct shared s = {.m = racy_model(0, 0)};
	struct nb_arg a[2] = {{&s, 0}, {&s, 1}};
	pthread_t t[2];

	pthread_barrier_init(&s.bar, NULL, 2);
	for (unsigned i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, neighbour_loop, &a[i]);
	for (unsigned i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	no_thread_failure(&s);
	printf("neighbours: %llu + %llu cycles, busy %llu + %llu\n", s.ok[0],
	       s.ok[1], s.busy[0], s.busy[1]);
	assert_int_equal(s.ok[0], ROUNDS * 2);
	assert_int_equal(s.ok[1], ROUNDS * 2);
	assert_int_equal(tdxmod_pairs_installed(s.m), 0);
	tm_check_ok(s.m);
	tdxmod_destroy(s.m);
}

/* ---- injected BUSY with several threads -------------------------------- */
struct inj_arg {
	struct shared *s;
	unsigned id;
};

static void *inj_loop(void *p)
{
	struct inj_arg *a = p;
	struct shared *s = a->s;
	uint64_t range = R1 + (a->id + 4) * 2 * MiB, st;
	uint64_t pp = P + (a->id + 8) * 2 * PG;
	struct dpamt_tdx_regs out;

	for (unsigned i = 0; i < ROUNDS; i++) {
		while (dpamt_tdx_is_busy(
			st = tm_pamt_add(s->m, range, pp, pp + PG)))
			s->busy[a->id]++;
		T_CHECK(s, st == DPAMT_TDX_SUCCESS, st);
		while (dpamt_tdx_is_busy(
			st = tm_sc(s->m, DPAMT_TDH_MEM_PAGE_AUG,
				   0x1000 * (a->id + 1), s->td.tdr, range + PG,
				   NULL)))
			s->busy[a->id]++;
		T_CHECK(s, st == DPAMT_TDX_SUCCESS, st);
		while (dpamt_tdx_is_busy(
			st = tm_sc(s->m, DPAMT_TDH_MEM_PAGE_REMOVE,
				   0x1000 * (a->id + 1), s->td.tdr, 0, &out)))
			s->busy[a->id]++;
		T_CHECK(s,
			st == DPAMT_TDX_SUCCESS &&
				dpamt_tdx_removal_hint(out.rcx),
			st);
		while (dpamt_tdx_is_busy(st = tm_pamt_remove(s->m, range, NULL,
							NULL)))
			s->busy[a->id]++;
		T_CHECK(s, st == DPAMT_TDX_SUCCESS, st);
	}
	return NULL;
}

static void test_injected_busy_threads(void **state)
{
	struct tdxmod_config cfg;
	struct shared s = {0};
	struct inj_arg a[2] = {{&s, 0}, {&s, 1}};
	pthread_t t[2];

	(void)cfg;
	s.m = racy_model(0.05, test_seed(__func__, 3));
	/* build the TD with retries: injection hits set-up too */
	{
		uint64_t st;

		while (dpamt_tdx_is_busy(st = tm_pamt_add(s.m, CTL, P, P + PG)))
			;
		TM_EXPECT(st, DPAMT_TDX_SUCCESS);
		while (dpamt_tdx_is_busy(
			st = tm_sc(s.m, DPAMT_TDH_MNG_CREATE, CTL, 3, 0, NULL)))
			;
		TM_EXPECT(st, DPAMT_TDX_SUCCESS);
		while (dpamt_tdx_is_busy(st = tm_sc(s.m,
						    DPAMT_TDH_MNG_KEY_CONFIG,
						    CTL, 0, 0, NULL)))
			;
		TM_EXPECT(st, DPAMT_TDX_SUCCESS);
		for (unsigned i = 1; i <= 4; i++) {
			while (dpamt_tdx_is_busy(
				st = tm_sc(s.m, DPAMT_TDH_MNG_ADDCX,
					   CTL + i * PG, CTL, 0, NULL)))
				;
			TM_EXPECT(st, DPAMT_TDX_SUCCESS);
		}
		while (dpamt_tdx_is_busy(
			st = tm_sc(s.m, DPAMT_TDH_MNG_INIT, CTL, 0, 0, NULL)))
			;
		TM_EXPECT(st, DPAMT_TDX_SUCCESS);
		for (unsigned l = 3; l >= 1; l--) {
			while (dpamt_tdx_is_busy(
				st = tm_sc(s.m, DPAMT_TDH_MEM_SEPT_ADD, l, CTL,
					   CTL + (9 - l) * PG, NULL)))
				;
			TM_EXPECT(st, DPAMT_TDX_SUCCESS);
		}
		s.td.tdr = CTL;
	}
	for (unsigned i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, inj_loop, &a[i]);
	for (unsigned i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	no_thread_failure(&s);
	printf("injected: busy %llu + %llu\n", s.busy[0], s.busy[1]);
	assert_true(s.busy[0] + s.busy[1] > 0);
	tm_check_ok(s.m);
	tdxmod_destroy(s.m);
}

/* ---- mixed stress: 4K pages, 2M pages with demote/promote, pair churn -- */
#define NS 4                     /* shared ranges */
#define SBASE 0x40000000ULL
#define HBASE 0x48000000ULL

struct mix {
	struct tdxmod *m;
	struct tm_td td[2];
	_Atomic int stop;
	_Atomic int failed_line;
	_Atomic uint64_t failed_status;
	pthread_barrier_t bar;
	uint64_t seed;
	unsigned long long ops[3], busy[3];
	/* a host's refcount, coarsely: PAGE.REMOVEs (read) never overlap a
	 * PAMT.REMOVE (write) -- together they can meet the module's fatal
	 * hazard window (test_tdxmod_hazard.c) */
	pthread_rwlock_t rm_lock;
};

static uint64_t retry(struct mix *x, unsigned id, unsigned leaf,
		      struct dpamt_tdx_regs r)
{
	struct dpamt_tdx_regs in = r;

	for (;;) {
		r = in;
		if (leaf == DPAMT_TDH_MEM_PAGE_REMOVE)
			pthread_rwlock_rdlock(&x->rm_lock);
		tm_sc_regs(x->m, leaf, &r);
		if (leaf == DPAMT_TDH_MEM_PAGE_REMOVE)
			pthread_rwlock_unlock(&x->rm_lock);
		if (!dpamt_tdx_is_busy(r.rax))
			return r.rax;
		x->busy[id]++;
	}
}

/* One 2M page's life: AUG, DEMOTE (pair pages in a shared range), PROMOTE,
 * REMOVE.  Returns 0 or the bad status. */
static uint64_t huge_cycle(struct mix *x, unsigned id)
{
	uint64_t tdr = x->td[id].tdr, gpa = 0x400000, st;
	uint64_t pair = SBASE + (400 + id * 2) * PG;
	uint64_t sept = CTL + id * 0x200000 + 0x100000;
	struct dpamt_tdx_regs r = {.rcx = gpa | 1, .rdx = tdr,
			     .r8 = HBASE + id * 2 * MiB};

	if ((st = retry(x, id, DPAMT_TDH_MEM_PAGE_AUG, r)) != DPAMT_TDX_SUCCESS)
		return st;
	r = (struct dpamt_tdx_regs){.rcx = gpa | 1, .rdx = tdr, .r8 = sept,
			      .r12 = pair, .r13 = pair + PG};
	if ((st = retry(x, id, DPAMT_TDH_MEM_PAGE_DEMOTE, r)) !=
	    DPAMT_TDX_SUCCESS)
		return st;
	r = (struct dpamt_tdx_regs){.rcx = gpa | 1, .rdx = tdr};
	if (!dpamt_tdx_is_success(
		    st = retry(x, id, DPAMT_TDH_MEM_PAGE_PROMOTE, r)))
		return st;
	if (!dpamt_tdx_is_success(
		    st = retry(x, id, DPAMT_TDH_MEM_PAGE_REMOVE, r)))
		return st;
	return 0;
}

static void *mix_vcpu(void *p)
{
	struct mix *x = ((struct mix **)p)[0];
	unsigned id = (unsigned)(uintptr_t)((void **)p)[1];
	uint64_t seed = x->seed + id, tdr = x->td[id].tdr;
	bool mapped[64] = {false};

	pthread_barrier_wait(&x->bar);
	for (unsigned n = 0; n < ROUNDS * 8; n++) {
		unsigned i = (unsigned)(prng_next(&seed) % 64);
		uint64_t gpa = (i + 1) * PG, st;
		uint64_t pa = SBASE + (i % NS) * 2 * MiB +
			      (2 * (i / NS) + id) * PG;

		x->ops[id]++;
		if (n % 97 == 0 && (st = huge_cycle(x, id)))
			T_CHECK(x, false, st);
		if (mapped[i]) {
			st = retry(x, id, DPAMT_TDH_MEM_PAGE_REMOVE,
				   (struct dpamt_tdx_regs){ .rcx = gpa,
							    .rdx = tdr });
			T_CHECK(x, dpamt_tdx_is_success(st), st);
			mapped[i] = false;
			continue;
		}
		st = tm_sc(x->m, DPAMT_TDH_MEM_PAGE_AUG, gpa, tdr, pa, NULL);
		x->busy[id] += dpamt_tdx_is_busy(st);
		T_CHECK(x, st == DPAMT_TDX_SUCCESS || dpamt_tdx_is_busy(st) ||
			   st == (DPAMT_TDX_MISSING_PAMT_PAGE_PAIR |
				  DPAMT_TDX_OPERAND_ID_R8),
			st);
		mapped[i] = st == DPAMT_TDX_SUCCESS;
	}
	for (unsigned i = 0; i < 64; i++) {
		uint64_t st;

		if (!mapped[i])
			continue;
		st = retry(x, id, DPAMT_TDH_MEM_PAGE_REMOVE,
			   (struct dpamt_tdx_regs){ .rcx = (i + 1) * PG,
						    .rdx = tdr });
		T_CHECK(x, dpamt_tdx_is_success(st), st);
	}
	return NULL;
}

static void *mix_pamt(void *p)
{
	struct mix *x = p;
	uint64_t seed = x->seed + 7;

	pthread_barrier_wait(&x->bar);
	while (!atomic_load_explicit(&x->stop, memory_order_acquire)) {
		unsigned k = (unsigned)(prng_next(&seed) % NS);
		uint64_t range = SBASE + k * 2 * MiB, pp = P + k * 2 * PG, st;

		x->ops[2]++;
		pthread_rwlock_wrlock(&x->rm_lock);
		st = tm_pamt_remove(x->m, range, NULL, NULL);
		pthread_rwlock_unlock(&x->rm_lock);
		x->busy[2] += dpamt_tdx_is_busy(st);
		T_CHECK(x,
			st == DPAMT_TDX_SUCCESS || dpamt_tdx_is_busy(st) ||
				dpamt_tdx_status_class(st) ==
					DPAMT_TDX_PAMT_PAGE_NOT_EMPTY,
			st);
		if (st != DPAMT_TDX_SUCCESS)
			continue;
		pause_us(2);
		st = retry(x, 2, DPAMT_TDH_PHYMEM_PAMT_ADD,
			   (struct dpamt_tdx_regs){.rcx = range | 1, .rdx = pp,
					     .r8 = pp + PG});
		T_CHECK(x, st == DPAMT_TDX_SUCCESS, st);
	}
	return NULL;
}

static void test_mixed_stress(void **state)
{
	struct mix *x = calloc(1, sizeof(*x));
	void *args[2][2] = {{x, (void *)0}, {x, (void *)1}};
	pthread_t t[3];

	x->m = tm_model(MEM, true);
	x->seed = test_seed(__func__, 21);
	for (unsigned id = 0; id < 2; id++)
		tm_td_build(x->m, &x->td[id], CTL + id * 0x200000,
			    P + (32 + id * 2) * PG, 10 + id);
	for (unsigned k = 0; k < NS; k++)
		TM_EXPECT(tm_pamt_add(x->m, SBASE + k * 2 * MiB, P + k * 2 * PG,
				      P + k * 2 * PG + PG), DPAMT_TDX_SUCCESS);
	pthread_barrier_init(&x->bar, NULL, 3);
	pthread_rwlock_init(&x->rm_lock, NULL);
	pthread_create(&t[2], NULL, mix_pamt, x);
	for (unsigned id = 0; id < 2; id++)
		pthread_create(&t[id], NULL, mix_vcpu, args[id]);
	for (unsigned id = 0; id < 2; id++)
		pthread_join(t[id], NULL);
	atomic_store_explicit(&x->stop, 1, memory_order_release);
	pthread_join(t[2], NULL);
	printf("mixed: ops %llu/%llu/%llu busy %llu/%llu/%llu\n", x->ops[0],
	       x->ops[1], x->ops[2], x->busy[0], x->busy[1], x->busy[2]);
	if (tdxmod_is_fatal(x->m))
		printf("fatal: %s\n", tdxmod_fatal_reason(x->m));
	{
		int line = atomic_load_explicit(&x->failed_line,
						memory_order_acquire);
		char b[64];

		if (line)
			fail_msg("worker failed at line %d with %s", line,
				 dpamt_tdx_status_name(atomic_load_explicit(
						 &x->failed_status,
						 memory_order_acquire),
						 b, sizeof(b)));
	}
	assert_int_equal(tdxmod_pairs_installed(x->m), NS + 2);
	tm_check_ok(x->m);
	pthread_barrier_destroy(&x->bar);
	tdxmod_destroy(x->m);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_adds_one_range),
		cmocka_unit_test(test_aug_vs_pamt_remove),
		cmocka_unit_test(test_neighbours),
		cmocka_unit_test(test_injected_busy_threads),
		cmocka_unit_test(test_mixed_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
