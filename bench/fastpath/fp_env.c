/*
 * fp_env.c - build and tear down one benchmark host: module model with
 * zero leaf latency and no BUSY injection, allocator over all of its
 * memory with the benchmark's target ranges reserved, model-backed ops
 * (pthread-mutex locks, as the sim uses), and a manager with one TDMR over
 * everything.  Fast-path targets get their pair and one extra reference.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpamt/tdxmod.h"
#include "fp_env.h"
#include "glue/model_ops.h"
#include "glue/phys_alloc.h"

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)

/* Layout: fast targets 1 GiB + i * 64 MiB, neighbours 2 GiB + i * 2 MiB,
 * crossed neighbours 2 GiB + 64 MiB + i * 2 MiB, far targets (3 + i) GiB
 * with their pair-page blocks 512 MiB above (the churn ranges lie
 * between); memory ends 1 GiB after the last far one. */
#define FP_FAST_BASE (1 * GIB)
#define FP_NEAR_BASE (2 * GIB)
#define FP_CROSS_BASE (2 * GIB + 64 * MIB)
#define FP_FAR_BASE (3 * GIB)
#define FP_OWN_OFFSET (512 * MIB)

struct fp_env_priv {
	struct tdxmod *mod;
	struct phys_alloc *alloc;
	struct model_ops mo;
	unsigned threads;
	unsigned hkid;      /* global HKID for SYS.CONFIG */
	unsigned installed; /* fast targets holding the extra reference */
};

static void place_targets(struct fp_env *e, unsigned threads)
{
	for (unsigned i = 0; i < threads; i++) {
		e->fast_pa[i] = FP_FAST_BASE + i * 64 * MIB;
		e->near_pa[i] = FP_NEAR_BASE + i * 2 * MIB;
		e->cross_pa[i] = FP_CROSS_BASE + i * 2 * MIB;
		e->far_pa[i] = FP_FAR_BASE + i * GIB;
		e->own_pa[i] = e->far_pa[i] + FP_OWN_OFFSET;
	}
}

static int reserve_targets(struct fp_env *e, unsigned threads)
{
	struct phys_alloc *a = e->priv->alloc;

	for (unsigned i = 0; i < threads; i++)
		if (phys_alloc_reserve(a, e->fast_pa[i], 2 * MIB) ||
		    phys_alloc_reserve(a, e->near_pa[i], 2 * MIB) ||
		    phys_alloc_reserve(a, e->cross_pa[i], 2 * MIB) ||
		    phys_alloc_reserve(a, e->far_pa[i], 2 * MIB) ||
		    phys_alloc_reserve(a, e->own_pa[i], 2 * MIB))
			return -1;
	return 0;
}

static int make_model(struct fp_env_priv *p, uint64_t mem, char *err,
		      size_t errlen)
{
	struct tdxmod_config mc;
	struct phys_range pr = {0, mem};

	tdxmod_config_default(&mc, mem);
	mc.busy_inject_prob = 0;
	memset(mc.leaf_latency_ns, 0, sizeof(mc.leaf_latency_ns));
	p->hkid = mc.hkid_max; /* the model wants a private HKID */
	p->mod = tdxmod_create(&mc, err, errlen);
	if (!p->mod)
		return -1;
	p->alloc = phys_alloc_create(&pr, 1);
	if (!p->alloc) {
		snprintf(err, errlen, "phys_alloc_create failed");
		return -1;
	}
	return 0;
}

static int make_manager(struct fp_env *e, uint64_t mem, char *err,
			size_t errlen)
{
	struct dpamt_config cfg;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.mode = DPAMT_MODE_DYNAMIC;
	cfg.strategy = e->strategy;
	cfg.fast_path_cas = e->cas;
	cfg.max_idle_pairs = e->max_idle;
	cfg.n_tdmrs = 1;
	cfg.tdmrs[0].base = 0;
	cfg.tdmrs[0].size = mem;
	cfg.global_hkid = e->priv->hkid;
	model_ops_init(&e->priv->mo, e->priv->mod, e->priv->alloc, false);
	rc = dpamt_create(&cfg, &e->priv->mo.ops, &e->m);
	if (rc) {
		e->m = NULL;
		snprintf(err, errlen, "dpamt_create(%s): %s",
			 dpamt_strategy_name(e->strategy), dpamt_strerror(rc));
		return -1;
	}
	e->pages_per_get = dpamt_pages_per_get(e->m);
	return 0;
}

/* Install each fast target and keep one reference on it. */
static int install_fast(struct fp_env *e, char *err, size_t errlen)
{
	for (unsigned i = 0; i < e->priv->threads; i++) {
		int rc = dpamt_cache_topup(e->m, &e->cache[0].c,
					   e->pages_per_get);

		if (!rc)
			rc = dpamt_get(e->m, e->fast_pa[i], &e->cache[0].c);
		if (rc) {
			snprintf(err, errlen, "installing bench range: %s",
				 dpamt_strerror(rc));
			return -1;
		}
		e->priv->installed++;
	}
	return 0;
}

int fp_env_create(struct fp_env *e, enum dpamt_strategy s, bool cas,
		  unsigned max_idle, unsigned threads, char *err, size_t errlen)
{
	uint64_t mem = FP_FAR_BASE + (uint64_t)(threads + 1) * GIB;

	memset(e, 0, sizeof(*e));
	e->strategy = s;
	e->cas = cas;
	e->max_idle = max_idle;
	e->priv = calloc(1, sizeof(*e->priv));
	if (!e->priv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->priv->threads = threads;
	place_targets(e, threads);
	if (make_model(e->priv, mem, err, errlen))
		goto fail;
	if (reserve_targets(e, threads)) {
		snprintf(err, errlen, "cannot reserve the bench ranges");
		goto fail;
	}
	if (make_manager(e, mem, err, errlen) || install_fast(e, err, errlen))
		goto fail;
	return 0;
fail:
	fp_env_destroy(e);
	return -1;
}

uint64_t fp_env_churn_pa(const struct fp_env *e, unsigned i, unsigned k)
{
	return e->far_pa[i] + (uint64_t)(k + 1) * 4 * MIB;
}

/* A page of a reserved pair-page block (not the allocator's)? */
static bool in_reserved(const struct fp_env *e, uint64_t pa)
{
	for (unsigned i = 0; i < e->priv->threads; i++)
		if (pa - e->cross_pa[i] < 2 * MIB ||
		    pa - e->own_pa[i] < 2 * MIB)
			return true;
	return false;
}

/* Take the reserved pair pages out of a cache. */
static void strip_reserved(struct fp_env *e, struct dpamt_cache *c)
{
	unsigned k = 0;

	for (unsigned i = 0; i < c->n; i++)
		if (!in_reserved(e, c->pa[i]))
			c->pa[k++] = c->pa[i];
	c->n = k;
}

void fp_env_pairs_prepare(struct fp_env *e, unsigned n, bool crossed)
{
	for (unsigned i = 0; i < n; i++) {
		struct dpamt_cache *c = &e->cache[i].c;
		uint64_t src = crossed ? e->cross_pa[(i + 1) % n] :
					 e->own_pa[i];

		strip_reserved(e, c);
		dpamt_cache_drain(e->m, c);
		for (unsigned k = 0; k < e->pages_per_get; k++)
			c->pa[c->n++] = src + (k + 1) * 4096;
	}
}

void fp_env_pairs_finish(struct fp_env *e, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		strip_reserved(e, &e->cache[i].c);
}

void fp_env_destroy(struct fp_env *e)
{
	struct fp_env_priv *p = e->priv;

	if (!p)
		return;
	if (e->m) {
		for (unsigned i = 0; i < p->installed; i++)
			dpamt_put(e->m, e->fast_pa[i], &e->cache[0].c);
		for (int tries = 0; tries < 1000; tries++)
			if (dpamt_retry_deferred(e->m) == 0 &&
			    dpamt_shrink(e->m, 0) == 0)
				break;
		for (unsigned i = 0; i < FP_MAX_THREADS; i++) {
			strip_reserved(e, &e->cache[i].c);
			dpamt_cache_drain(e->m, &e->cache[i].c);
		}
		dpamt_destroy(e->m);
	}
	if (p->mod)
		tdxmod_destroy(p->mod);
	if (p->alloc)
		phys_alloc_destroy(p->alloc);
	free(p);
	memset(e, 0, sizeof(*e));
}
