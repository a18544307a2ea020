/*
 * model_ops.c - dpamt_ops over the TDX-module model and phys_alloc (see
 * model_ops.h), plus a one-call test host.
 */
#include "glue/model_ops.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void mo_seamcall(void *ctx, struct dpamt_tdx_regs *regs)
{
	struct model_ops *mo = ctx;

	if (mo->seamcall_filter && mo->seamcall_filter(mo->filter_arg, regs))
		return;
	tdxmod_seamcall(mo->mod, regs);
}

/* Spread threads over the allocator's arenas without shared state. */
static unsigned mo_hint(void)
{
	uintptr_t t = (uintptr_t)pthread_self();

	return (unsigned)((t >> 12) ^ (t >> 24));
}

static int mo_page_alloc(void *ctx, uint64_t *pa)
{
	struct model_ops *mo = ctx;

	if (phys_alloc_page(mo->alloc, mo_hint(), pa) == 0)
		return 0;
	atomic_fetch_add_explicit(&mo->page_alloc_failures, 1,
				  memory_order_relaxed);
	return -1;
}

static void mo_page_free(void *ctx, uint64_t pa)
{
	phys_free_page(((struct model_ops *)ctx)->alloc, pa);
}

static int mo_contig_alloc(void *ctx, uint64_t bytes, uint64_t *pa)
{
	return phys_alloc_contig(((struct model_ops *)ctx)->alloc, bytes,
				 DPAMT_TDX_PAGE_SIZE, pa);
}

static void mo_contig_free(void *ctx, uint64_t pa, uint64_t bytes)
{
	phys_free_contig(((struct model_ops *)ctx)->alloc, pa, bytes);
}

static void *mo_mem_alloc(void *ctx, size_t bytes)
{
	struct model_ops *mo = ctx;
	void *p = calloc(1, bytes ? bytes : 1);

	if (p)
		atomic_fetch_add_explicit(&mo->mem_bytes, bytes,
					  memory_order_relaxed);
	return p;
}

static void mo_mem_free(void *ctx, void *p, size_t bytes)
{
	struct model_ops *mo = ctx;

	if (!p)
		return;
	atomic_fetch_sub_explicit(&mo->mem_bytes, bytes, memory_order_relaxed);
	free(p);
}

static void mo_phys_write(void *ctx, uint64_t pa, const void *src, size_t n)
{
	tdxmod_phys_write(((struct model_ops *)ctx)->mod, pa, src, n);
}

static uint64_t mo_now_ns(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Each mutex alone on a 128-byte block (line + adjacent-line prefetch):
 * malloc packs 40-byte mutexes side by side, and two CPUs taking
 * different locks (hashed stripes) then bounce one line between them. */
#define MO_LOCK_BLOCK 128
_Static_assert(sizeof(pthread_mutex_t) <= MO_LOCK_BLOCK, "mutex fits");

static void *mo_lock_new(void *ctx)
{
	pthread_mutex_t *l = aligned_alloc(MO_LOCK_BLOCK, MO_LOCK_BLOCK);

	(void)ctx;
	if (l && pthread_mutex_init(l, NULL) != 0) {
		free(l);
		l = NULL;
	}
	return l;
}

static void mo_lock_del(void *ctx, void *lock)
{
	(void)ctx;
	pthread_mutex_destroy(lock);
	free(lock);
}

static bool mo_lock_try(void *ctx, void *lock)
{
	(void)ctx;
	return pthread_mutex_trylock(lock) == 0;
}

static void mo_lock_acquire(void *ctx, void *lock)
{
	(void)ctx;
	pthread_mutex_lock(lock);
}

static void mo_lock_release(void *ctx, void *lock)
{
	(void)ctx;
	pthread_mutex_unlock(lock);
}

static void mo_yield(void *ctx, enum dpamt_yield_point where, uint64_t pa)
{
	struct model_ops *mo = ctx;

	if (mo->yield_hook)
		mo->yield_hook(mo->yield_arg, where, pa);
}

/* A few pauses first, then give the CPU away (2 cores, many threads). */
static void mo_relax(void *ctx, unsigned attempt)
{
	(void)ctx;
	if (attempt < 4) {
		for (unsigned i = 0; i < (8u << attempt); i++) {
#if defined(__x86_64__) || defined(__i386__)
			__asm__ __volatile__("pause");
#else
			atomic_signal_fence(memory_order_seq_cst);
#endif
		}
		return;
	}
	sched_yield();
}

/* The statistics stripe of the calling CPU (dpamt_ops.cpu). */
static unsigned mo_cpu(void *ctx)
{
	int cpu = sched_getcpu();

	(void)ctx;
	return cpu < 0 ? 0u : (unsigned)cpu;
}

void model_ops_init(struct model_ops *mo, struct tdxmod *mod,
		    struct phys_alloc *alloc, bool core_lock)
{
	memset(mo, 0, sizeof(*mo));
	mo->mod = mod;
	mo->alloc = alloc;
	mo->ops.ctx = mo;
	mo->ops.seamcall = mo_seamcall;
	mo->ops.page_alloc = mo_page_alloc;
	mo->ops.page_free = mo_page_free;
	mo->ops.contig_alloc = mo_contig_alloc;
	mo->ops.contig_free = mo_contig_free;
	mo->ops.mem_alloc = mo_mem_alloc;
	mo->ops.mem_free = mo_mem_free;
	mo->ops.phys_write = mo_phys_write;
	mo->ops.now_ns = mo_now_ns;
	mo->ops.yield = mo_yield;
	mo->ops.relax = mo_relax;
	mo->ops.cpu = mo_cpu;
	if (!core_lock) {
		mo->ops.lock_new = mo_lock_new;
		mo->ops.lock_del = mo_lock_del;
		mo->ops.lock_try = mo_lock_try;
		mo->ops.lock_acquire = mo_lock_acquire;
		mo->ops.lock_release = mo_lock_release;
	}
}

/* The allocator's low-watermark callback: the count/scan pair of a
 * shrinker, for want_pages pages (whole pairs, rounded up). */
static void mo_shrink(void *arg, uint64_t want_pages)
{
	struct model_ops *mo = arg;
	uint64_t ppp = dpamt_pages_per_get(mo->shrink_dp);
	uint64_t idle = dpamt_shrink_count(mo->shrink_dp);
	uint64_t nr = ppp ? (want_pages + ppp - 1) / ppp : idle;

	atomic_fetch_add_explicit(&mo->shrinker_runs, 1, memory_order_relaxed);
	if (idle == 0)
		return;
	atomic_fetch_add_explicit(&mo->shrinker_pairs,
				  dpamt_shrink_scan(mo->shrink_dp,
						    nr < idle ? nr : idle),
				  memory_order_relaxed);
}

void model_ops_shrinker(struct model_ops *mo, struct dpamt *dp,
			uint64_t low_pages, uint64_t high_pages)
{
	mo->shrink_dp = dp;
	phys_alloc_set_watermark(mo->alloc, low_pages, high_pages,
				 dp ? mo_shrink : NULL, mo);
}

int model_host_create(struct model_host *h, uint64_t mem_bytes,
		      const struct dpamt_config *cfg,
		      void (*tweak)(struct tdxmod_config *mc, void *arg),
		      void *arg, char *msg, size_t len)
{
	struct tdxmod_config mc;
	struct phys_range pr = { 0, mem_bytes };
	struct dpamt_config c;
	int err;

	memset(h, 0, sizeof(*h));
	tdxmod_config_default(&mc, mem_bytes);
	if (tweak)
		tweak(&mc, arg);
	h->mod = tdxmod_create(&mc, msg, len);
	if (!h->mod)
		return -1;
	h->alloc = phys_alloc_create(&pr, 1);
	if (!h->alloc) {
		snprintf(msg, len, "phys_alloc_create failed");
		model_host_destroy(h);
		return -1;
	}
	model_ops_init(&h->mo, h->mod, h->alloc, false);
	c = *cfg;
	if (!c.global_hkid)
		c.global_hkid = mc.hkid_max; /* the model wants a private one */
	err = dpamt_create(&c, &h->mo.ops, &h->dp);
	if (err) {
		snprintf(msg, len, "dpamt_create: %s", dpamt_strerror(err));
		h->dp = NULL;
		model_host_destroy(h);
		return -1;
	}
	return 0;
}

void model_host_destroy(struct model_host *h)
{
	if (h->alloc && h->mo.shrink_dp)
		model_ops_shrinker(&h->mo, NULL, 0, 0);
	if (h->dp)
		dpamt_destroy(h->dp);
	model_ops_pairs_fini(&h->mo);
	if (h->mod)
		tdxmod_destroy(h->mod);
	if (h->alloc)
		phys_alloc_destroy(h->alloc);
	memset(h, 0, sizeof(*h));
}
