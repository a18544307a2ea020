/*
 * fastpath.c - the measurement loops of the get/put benchmark: bare
 * atomic and CAS pairs, dpamt fast path and slow path, run on 1 or N
 * threads released together by a barrier, repeated with every variant
 * interleaved, medians taken at the end.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fastpath.h"
#include "fp_env.h"

enum fp_kind { FP_K_ATOMIC, FP_K_CAS, FP_K_FAST, FP_K_SLOW, FP_K_CHURN };

/* A baseline word alone in its 128-byte block (line + prefetch pair). */
struct fp_word {
	_Alignas(128) _Atomic uint32_t v;
};

struct fp_job {
	_Alignas(128) enum fp_kind kind; /* one job per 128-byte block */
	struct fp_word *word;
	struct dpamt *m;
	struct dpamt_cache *cache;
	uint64_t pa;
	const struct fp_env *env; /* churn: its ranges */
	unsigned ppg;           /* pages per get (slow path top-up) */
	uint64_t iters;
	_Atomic unsigned *gate; /* spinning start gate, NULL: go at once */
	unsigned n_threads;
	unsigned index;         /* thread slot: picks the CPU to pin to */
	uint64_t start, ns, done, errors; /* out */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void loop_atomic(struct fp_job *j)
{
	for (uint64_t i = 0; i < j->iters; i++) {
		atomic_fetch_add_explicit(&j->word->v, 1, memory_order_acq_rel);
		atomic_fetch_sub_explicit(&j->word->v, 1, memory_order_acq_rel);
	}
	j->done = j->iters;
}

static void loop_cas(struct fp_job *j)
{
	for (uint64_t i = 0; i < j->iters; i++) {
		uint32_t v = atomic_load_explicit(&j->word->v,
						  memory_order_relaxed);

		while (!atomic_compare_exchange_weak_explicit(
			&j->word->v, &v, v + 1, memory_order_acq_rel,
			memory_order_relaxed))
			;
		v = atomic_load_explicit(&j->word->v, memory_order_relaxed);
		while (!atomic_compare_exchange_weak_explicit(
			&j->word->v, &v, v - 1, memory_order_acq_rel,
			memory_order_relaxed))
			;
	}
	j->done = j->iters;
}

/* Counters stay in locals until the end: the jobs of one run sit next
 * to each other in memory and must not share written cache lines. */
static void loop_fast(struct fp_job *j)
{
	struct dpamt *m = j->m;
	struct dpamt_cache *c = j->cache;
	uint64_t pa = j->pa, done = 0, errors = 0;

	for (uint64_t i = 0; i < j->iters; i++) {
		if (dpamt_get(m, pa, c) || dpamt_put(m, pa, c))
			errors++;
		else
			done++;
	}
	j->done = done;
	j->errors = errors;
}

static void loop_slow(struct fp_job *j)
{
	struct dpamt *m = j->m;
	struct dpamt_cache *c = j->cache;
	uint64_t pa = j->pa, done = 0, errors = 0;

	for (uint64_t i = 0; i < j->iters; i++) {
		if (dpamt_cache_topup(m, c, j->ppg) ||
		    dpamt_get(m, pa, c)) {
			errors++;
			continue;
		}
		if (dpamt_put(m, pa, c))
			errors++;
		else
			done++;
	}
	j->done = done;
	j->errors = errors;
}

/* Churn: get+put on the thread's churn ranges in turn (each 0->1->0). */
static void loop_churn(struct fp_job *j)
{
	struct dpamt *m = j->m;
	struct dpamt_cache *c = j->cache;
	uint64_t done = 0, errors = 0;

	for (uint64_t i = 0; i < j->iters; i++) {
		uint64_t pa = fp_env_churn_pa(j->env, j->index,
					      (unsigned)(i % FP_CHURN_RANGES));

		if (dpamt_cache_topup(m, c, j->ppg) || dpamt_get(m, pa, c) ||
		    dpamt_put(m, pa, c))
			errors++;
		else
			done++;
	}
	j->done = done;
	j->errors = errors;
}

/*
 * Pin thread 'index' of a multi-thread run to the index-th CPU this
 * process may use (wrapping), so the threads of one run sit on different
 * CPUs: a freshly created thread otherwise starts on its creator's CPU
 * and, on a busy machine, often runs only after its sibling is done.
 */
static void pin_to_cpu(unsigned index)
{
	cpu_set_t allowed, one;
	unsigned k = 0, n;

	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return;
	n = (unsigned)CPU_COUNT(&allowed);
	if (n < 2)
		return;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &allowed) || k++ != index % n)
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
		return;
	}
}

static void *job_main(void *arg)
{
	struct fp_job *j = arg;
	uint64_t t0;

	/* Spin rather than block, so every thread is on a CPU when the
	 * last one arrives and the timed loops start together. */
	if (j->gate) {
		pin_to_cpu(j->index);
		atomic_fetch_add_explicit(j->gate, 1, memory_order_acq_rel);
		while (atomic_load_explicit(j->gate, memory_order_acquire) <
		       j->n_threads)
			;
	}
	t0 = now_ns();
	j->start = t0;
	switch (j->kind) {
	case FP_K_ATOMIC: loop_atomic(j); break;
	case FP_K_CAS: loop_cas(j); break;
	case FP_K_FAST: loop_fast(j); break;
	case FP_K_SLOW: loop_slow(j); break;
	case FP_K_CHURN: loop_churn(j); break;
	}
	j->ns = now_ns() - t0;
	return NULL;
}

/* Share of the run during which all n threads were inside their loops:
 * (latest start .. earliest end) over (earliest start .. latest end).
 * Near 1: they really ran together; near 0: the scheduler ran them one
 * after the other and the figure is not a concurrent one. */
static double overlap(const struct fp_job *jobs, unsigned n)
{
	uint64_t s_min = UINT64_MAX, s_max = 0, e_min = UINT64_MAX, e_max = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t s = jobs[i].start, e = s + jobs[i].ns;

		s_min = s < s_min ? s : s_min;
		s_max = s > s_max ? s : s_max;
		e_min = e < e_min ? e : e_min;
		e_max = e > e_max ? e : e_max;
	}
	if (e_min <= s_max || e_max == s_min)
		return 0;
	return (double)(e_min - s_max) / (double)(e_max - s_min);
}

/* Run n jobs at once: one on this thread, or n pinned threads of their
 * own (this thread's affinity stays untouched); mean ns per iteration. */
static void run_jobs(struct fp_job *jobs, unsigned n, double *ns_per_op,
		     double *ovl)
{
	pthread_t tid[FP_MAX_THREADS];
	_Atomic unsigned gate;
	double sum = 0;

	atomic_init(&gate, 0);
	for (unsigned i = 0; i < n; i++) {
		jobs[i].gate = n > 1 ? &gate : NULL;
		jobs[i].n_threads = n;
		jobs[i].index = i;
	}
	if (n == 1) {
		job_main(&jobs[0]);
	} else {
		for (unsigned i = 0; i < n; i++)
			if (pthread_create(&tid[i], NULL, job_main, &jobs[i]))
				abort(); /* the gate would never open */
		for (unsigned i = 0; i < n; i++)
			pthread_join(tid[i], NULL);
	}
	for (unsigned i = 0; i < n; i++)
		sum += (double)jobs[i].ns / (double)(jobs[i].iters ?
						     jobs[i].iters : 1);
	*ns_per_op = sum / n;
	*ovl = overlap(jobs, n);
}

static unsigned scen_threads(const struct fp_config *cfg, unsigned scen)
{
	return scen == FP_T1 ? 1 : cfg->threads;
}

bool fp_scen_ran(const struct fp_config *cfg, unsigned scen)
{
	return scen == 0 || cfg->threads >= 2;
}

struct fp_ctx {
	const struct fp_config *cfg;
	struct fp_result *res;
	struct fp_env env[FP_MAX_ENV];
	unsigned n_env;
	struct fp_word words[FP_MAX_THREADS];
	double *atomic_s[FP_FAST_COUNT], *cas_s[FP_FAST_COUNT];
	double *fast_s[FP_MAX_ENV][FP_FAST_COUNT];
	double *slow_s[FP_MAX_ENV][FP_SLOW_COUNT];
	double *slow_w[FP_MAX_ENV][FP_SLOW_COUNT]; /* lock wait taken out */
	/* thread overlap of every run: [scen][rep * variants + variant] */
	double *fast_ovl[FP_FAST_COUNT], *slow_ovl[FP_SLOW_COUNT];
};

static void baseline_rep(struct fp_ctx *c, enum fp_kind k, unsigned scen,
			 unsigned rep)
{
	double *out = k == FP_K_ATOMIC ? &c->atomic_s[scen][rep] :
					 &c->cas_s[scen][rep];
	double *ovl = &c->fast_ovl[scen][rep * (2 + c->n_env) +
					 (k == FP_K_ATOMIC ? 0 : 1)];
	struct fp_job jobs[FP_MAX_THREADS];
	unsigned n = scen_threads(c->cfg, scen);

	for (unsigned i = 0; i < n; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].kind = k;
		jobs[i].iters = c->cfg->iters;
		jobs[i].word = &c->words[scen == FP_TN_SHARED ? 0 : i];
	}
	run_jobs(jobs, n, out, ovl);
}

static void stats_delta(struct dpamt *m, struct dpamt_stats *before,
			struct dpamt_stats *delta)
{
	struct dpamt_stats now;

	dpamt_stats(m, &now);
#define FP_DELTA(f) delta->f = now.f - before->f;
	DPAMT_STATS(FP_DELTA)
#undef FP_DELTA
}

/* One timed run of the manager; returns the stats delta in *d. */
static void dpamt_rep(struct fp_ctx *c, struct fp_env *e, enum fp_kind k,
		      unsigned scen, double *out, double *ovl,
		      struct dpamt_stats *d, uint64_t *done, uint64_t *errors)
{
	struct fp_job jobs[FP_MAX_THREADS];
	unsigned n = k == FP_K_FAST ? scen_threads(c->cfg, scen) :
		     (scen == FP_S1 ? 1 : c->cfg->threads);
	struct dpamt_stats before;

	if (k == FP_K_SLOW && scen != FP_SN_NEIGHBOUR)
		fp_env_pairs_prepare(e, n, scen == FP_SN_CROSSED);
	dpamt_stats(e->m, &before);
	for (unsigned i = 0; i < n; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].kind = k;
		jobs[i].m = e->m;
		jobs[i].cache = &e->cache[i].c;
		jobs[i].ppg = e->pages_per_get;
		if (k == FP_K_FAST) {
			jobs[i].iters = c->cfg->iters;
			jobs[i].pa = e->fast_pa[scen == FP_TN_SHARED ? 0 : i];
		} else {
			jobs[i].iters = c->cfg->slow_iters;
			jobs[i].pa = scen == FP_SN_NEIGHBOUR ? e->near_pa[i] :
				     scen == FP_SN_CROSSED ? e->cross_pa[i] :
							     e->far_pa[i];
		}
	}
	run_jobs(jobs, n, out, ovl);
	for (unsigned i = 0; i < n; i++) {
		dpamt_cache_flush_stats(e->m, &e->cache[i].c);
		*done += jobs[i].done;
		*errors += jobs[i].errors;
	}
	stats_delta(e->m, &before, d);
	if (k == FP_K_SLOW && scen != FP_SN_NEIGHBOUR)
		fp_env_pairs_finish(e, n);
}

static void fast_rep(struct fp_ctx *c, unsigned si, unsigned scen,
		     unsigned rep)
{
	struct fp_strategy_result *r = &c->res->strat[si];
	struct dpamt_stats d;

	dpamt_rep(c, &c->env[si], FP_K_FAST, scen, &c->fast_s[si][scen][rep],
		  &c->fast_ovl[scen][rep * (2 + c->n_env) + 2 + si], &d,
		  &r->fast_ops, &r->fast_errors);
	r->fast_hits += d.fast_gets + d.fast_puts;
	r->fast_lock_acquisitions += d.lock_acquisitions;
	r->fast_seamcalls += d.pamt_add_calls + d.pamt_remove_calls;
}

static void slow_rep(struct fp_ctx *c, unsigned si, unsigned scen,
		     unsigned rep)
{
	struct fp_slow *s = &c->res->strat[si].slow[scen];
	struct dpamt_stats d;
	uint64_t cycles = s->cycles;

	dpamt_rep(c, &c->env[si], FP_K_SLOW, scen, &c->slow_s[si][scen][rep],
		  &c->slow_ovl[scen][rep * c->res->n_slow + si], &d,
		  &s->cycles,
		  &s->errors);
	cycles = s->cycles - cycles;
	c->slow_w[si][scen][rep] = c->slow_s[si][scen][rep] -
				   (cycles ? (double)d.lock_wait_ns /
						     (double)cycles : 0);
	s->add_calls += d.pamt_add_calls;
	s->remove_calls += d.pamt_remove_calls;
	s->busy_retries += d.busy_retries;
	s->lock_acquisitions += d.lock_acquisitions;
	s->lock_contentions += d.lock_contentions;
	s->lock_wait_ns += d.lock_wait_ns;
}

/* One repetition: every variant of every scenario once, interleaved. */
static void one_rep(struct fp_ctx *c, unsigned rep)
{
	for (unsigned scen = 0; scen < FP_FAST_COUNT; scen++) {
		if (!fp_scen_ran(c->cfg, scen))
			continue;
		baseline_rep(c, FP_K_ATOMIC, scen, rep);
		baseline_rep(c, FP_K_CAS, scen, rep);
		for (unsigned si = 0; si < c->n_env; si++)
			fast_rep(c, si, scen, rep);
	}
	for (unsigned scen = 0; scen < FP_SLOW_COUNT; scen++) {
		if (!fp_scen_ran(c->cfg, scen) || c->cfg->slow_iters == 0)
			continue;
		for (unsigned si = 0; si < c->res->n_slow; si++)
			slow_rep(c, si, scen, rep);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of n samples (sorts them). */
static double median(double *s, unsigned n)
{
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

void fp_config_default(struct fp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->strategies[DPAMT_STRATEGY_GLOBAL_LOCK] = true;
	cfg->cas_rows = true;
	cfg->churn_rows = true;
	cfg->threads = 2;
	cfg->iters = 50000;
	cfg->slow_iters = 500;
	cfg->reps = 31;
	cfg->rss_gib = 4;
}

const char *fp_fast_name(const struct fp_config *cfg, enum fp_fast_scen s,
			 char *buf, size_t len)
{
	if (s == FP_T1)
		snprintf(buf, len, "t1");
	else
		snprintf(buf, len, "t%u_%s", cfg->threads,
			 s == FP_TN_SHARED ? "shared" : "distinct");
	return buf;
}

const char *fp_slow_name(const struct fp_config *cfg, enum fp_slow_scen s,
			 char *buf, size_t len)
{
	if (s == FP_S1)
		snprintf(buf, len, "t1");
	else
		snprintf(buf, len, "t%u_%s", cfg->threads,
			 s == FP_SN_NEIGHBOUR ? "neighbour" :
			 s == FP_SN_CROSSED ? "crossed" : "distinct");
	return buf;
}

/* One block of samples: [variant][scenario][rep]. */
static int alloc_samples(struct fp_ctx *c)
{
	unsigned r = c->cfg->reps, per = FP_FAST_COUNT + 2 * FP_SLOW_COUNT;
	size_t ovl = (size_t)FP_FAST_COUNT * (2 + c->n_env) +
		     (size_t)FP_SLOW_COUNT * c->res->n_slow;
	double *p = calloc(((size_t)(2 * FP_FAST_COUNT + c->n_env * per) +
			    ovl) * r, sizeof(double));

	if (!p)
		return -1;
	for (unsigned s = 0; s < FP_FAST_COUNT; s++) {
		c->atomic_s[s] = p, p += r;
		c->cas_s[s] = p, p += r;
	}
	for (unsigned i = 0; i < c->n_env; i++) {
		for (unsigned s = 0; s < FP_FAST_COUNT; s++)
			c->fast_s[i][s] = p, p += r;
		for (unsigned s = 0; s < FP_SLOW_COUNT; s++) {
			c->slow_s[i][s] = p, p += r;
			c->slow_w[i][s] = p, p += r;
		}
	}
	for (unsigned s = 0; s < FP_FAST_COUNT; s++)
		c->fast_ovl[s] = p, p += (size_t)r * (2 + c->n_env);
	for (unsigned s = 0; s < FP_SLOW_COUNT; s++)
		c->slow_ovl[s] = p, p += (size_t)r * c->res->n_slow;
	return 0;
}

static void take_medians(struct fp_ctx *c)
{
	unsigned r = c->cfg->reps;

	for (unsigned s = 0; s < FP_FAST_COUNT; s++) {
		if (!fp_scen_ran(c->cfg, s))
			continue;
		c->res->atomic_ns[s] = median(c->atomic_s[s], r);
		c->res->cas_ns[s] = median(c->cas_s[s], r);
		c->res->fast_overlap[s] = median(c->fast_ovl[s],
						 r * (2 + c->n_env));
		for (unsigned i = 0; i < c->n_env; i++)
			c->res->strat[i].fast_ns[s] =
				median(c->fast_s[i][s], r);
	}
	for (unsigned s = 0; s < FP_SLOW_COUNT; s++) {
		if (!fp_scen_ran(c->cfg, s) || c->cfg->slow_iters == 0 ||
		    c->res->n_slow == 0)
			continue;
		c->res->slow_overlap[s] = median(c->slow_ovl[s],
						 r * c->res->n_slow);
		for (unsigned i = 0; i < c->res->n_slow; i++) {
			c->res->strat[i].slow[s].ns_per_cycle =
				median(c->slow_s[i][s], r);
			c->res->strat[i].slow[s].ns_per_cycle_nowait =
				median(c->slow_w[i][s], r);
		}
	}
}

static int check_config(const struct fp_config *cfg, char *err,
			size_t errlen)
{
	if (cfg->threads < 1 || cfg->threads > FP_MAX_THREADS) {
		snprintf(err, errlen, "threads must be 1..%d", FP_MAX_THREADS);
		return -1;
	}
	if (cfg->reps < 1 || cfg->iters < 1) {
		snprintf(err, errlen, "iters and reps must be at least 1");
		return -1;
	}
	for (unsigned s = 0; s < DPAMT_STRATEGY_COUNT; s++)
		if (cfg->strategies[s] && !dpamt_strategy_available(s)) {
			snprintf(err, errlen, "strategy %s is not built",
				 dpamt_strategy_name(s));
			return -1;
		}
	return 0;
}

static int make_env(struct fp_ctx *c, enum dpamt_strategy s, bool cas,
		    char *err, size_t errlen)
{
	if (fp_env_create(&c->env[c->n_env], s, cas, 0, c->cfg->threads, err,
			  errlen))
		return -1;
	c->res->strat[c->n_env].strategy = s;
	c->res->strat[c->n_env].cas = cas;
	c->n_env++;
	return 0;
}

/* The strategies first (slow path too), then their CAS variants. */
static int make_envs(struct fp_ctx *c, char *err, size_t errlen)
{
	for (unsigned s = 0; s < DPAMT_STRATEGY_COUNT; s++)
		if (c->cfg->strategies[s] && make_env(c, s, false, err, errlen))
			return -1;
	c->res->n_slow = c->n_env;
	for (unsigned s = 0; s < DPAMT_STRATEGY_COUNT && c->cfg->cas_rows; s++)
		if (c->cfg->strategies[s] && fp_has_cas_variant(s) &&
		    make_env(c, s, true, err, errlen))
			return -1;
	c->res->n_strategies = c->n_env;
	return 0;
}

bool fp_has_cas_variant(enum dpamt_strategy s)
{
	return s == DPAMT_STRATEGY_GLOBAL_LOCK ||
	       s == DPAMT_STRATEGY_HASHED || s == DPAMT_STRATEGY_LOCKLESS;
}

const char *fp_row_name(const struct fp_strategy_result *r, char *buf,
			size_t len)
{
	snprintf(buf, len, "%s%s", dpamt_strategy_name(r->strategy),
		 r->cas ? "/cas" : "");
	return buf;
}

/* One churn run of e on cfg->threads threads; stats into r[w]. */
static double churn_rep(const struct fp_config *cfg, struct fp_env *e,
			struct fp_churn *r, unsigned w)
{
	struct fp_job jobs[FP_MAX_THREADS];
	struct dpamt_stats before, d;
	double ns, ovl;

	dpamt_stats(e->m, &before);
	for (unsigned i = 0; i < cfg->threads; i++) {
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].kind = FP_K_CHURN;
		jobs[i].m = e->m;
		jobs[i].env = e;
		jobs[i].cache = &e->cache[i].c;
		jobs[i].ppg = e->pages_per_get;
		jobs[i].iters = cfg->slow_iters;
	}
	run_jobs(jobs, cfg->threads, &ns, &ovl);
	for (unsigned i = 0; i < cfg->threads; i++) {
		dpamt_cache_flush_stats(e->m, &e->cache[i].c);
		r->cycles[w] += jobs[i].done;
		r->errors[w] += jobs[i].errors;
	}
	stats_delta(e->m, &before, &d);
	r->add_calls[w] += d.pamt_add_calls;
	r->remove_calls[w] += d.pamt_remove_calls;
	return ns;
}

/*
 * Idle-pair hysteresis on a churn workload: each strategy with
 * max_idle_pairs 0 and FP_CHURN_IDLE, the two runs alternating within
 * every repetition, medians at the end.
 */
static int churn_run(const struct fp_config *cfg, struct fp_result *res,
		     char *err, size_t errlen)
{
	struct fp_env *env = calloc(2, sizeof(*env));
	double *ns = calloc(2 * (size_t)cfg->reps, sizeof(double));
	int rc = -1;

	if (!env || !ns) {
		snprintf(err, errlen, "out of memory for the churn rows");
		goto out;
	}
	for (unsigned s = 0; s < DPAMT_STRATEGY_COUNT; s++) {
		struct fp_churn *r = &res->churn[res->n_churn];

		if (!cfg->strategies[s] || !fp_has_cas_variant(s))
			continue;
		if (fp_env_create(&env[0], s, false, 0, cfg->threads, err,
				  errlen) ||
		    fp_env_create(&env[1], s, false, FP_CHURN_IDLE,
				  cfg->threads, err, errlen))
			goto out;
		r->strategy = s;
		for (unsigned rep = 0; rep < cfg->reps; rep++)
			for (unsigned w = 0; w < 2; w++)
				ns[w * cfg->reps + rep] =
					churn_rep(cfg, &env[w], r, w);
		for (unsigned w = 0; w < 2; w++) {
			r->ns_per_cycle[w] = median(ns + w * cfg->reps,
						    cfg->reps);
			fp_env_destroy(&env[w]);
		}
		res->n_churn++;
	}
	rc = 0;
out:
	if (env) {
		fp_env_destroy(&env[0]);
		fp_env_destroy(&env[1]);
	}
	free(env);
	free(ns);
	return rc;
}

int fp_run(const struct fp_config *cfg, struct fp_result *res, char *err,
	   size_t errlen)
{
	/* over-aligned members (words, caches): no plain calloc */
	size_t sz = (sizeof(struct fp_ctx) + 127) / 128 * 128;
	struct fp_ctx *c = aligned_alloc(128, sz);
	uint64_t t0 = now_ns();
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (c)
		memset(c, 0, sz);
	if (!c || check_config(cfg, err, errlen))
		goto out;
	c->cfg = cfg;
	c->res = res;
	for (unsigned i = 0; i < FP_MAX_THREADS; i++)
		atomic_init(&c->words[i].v, 1); /* like a held reference */
	if (make_envs(c, err, errlen))
		goto out;
	if (alloc_samples(c)) {
		snprintf(err, errlen, "out of memory for samples");
		goto out;
	}
	for (unsigned rep = 0; rep < cfg->reps; rep++)
		one_rep(c, rep);
	take_medians(c);
	if (cfg->churn_rows && cfg->slow_iters &&
	    churn_run(cfg, res, err, errlen))
		goto out;
	if (fp_sim_rss(cfg, &res->rss, err, errlen) ||
	    fp_sim_frag(cfg, &res->frag, err, errlen))
		goto out;
	res->wall_ns = now_ns() - t0;
	rc = 0;
out:
	if (c) {
		for (unsigned i = 0; i < c->n_env; i++)
			fp_env_destroy(&c->env[i]);
		free(c->atomic_s[0]);
	}
	free(c);
	return rc;
}
