/*
 * host_test_util.c - see host_test_util.h.
 */
#include "host/host_test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void ht_held_init(struct ht_held *h, uint64_t mem_bytes)
{
	h->n_ranges = mem_bytes / MiB2;
	h->refs = calloc(h->n_ranges, sizeof(*h->refs));
	assert_non_null(h->refs);
}

void ht_held_fini(struct ht_held *h)
{
	free(h->refs);
	h->refs = NULL;
}

uint32_t ht_held_cb(void *arg, uint64_t pa_2m)
{
	struct ht_held *h = arg;
	uint64_t i = pa_2m / MiB2;

	return i < h->n_ranges ? atomic_load_explicit(&h->refs[i],
						      memory_order_relaxed) : 0;
}

struct dpamt_config ht_cfg(uint64_t mem, enum dpamt_strategy s)
{
	struct dpamt_config c;

	memset(&c, 0, sizeof(c));
	c.strategy = s;
	c.n_tdmrs = 1;
	c.tdmrs[0].size = mem;
	return c;
}

void ht_host(struct model_host *h, uint64_t mem, const struct dpamt_config *c,
	     void (*tweak)(struct tdxmod_config *mc, void *arg), void *arg)
{
	char msg[256] = "";

	if (model_host_create(h, mem, c, tweak, arg, msg, sizeof(msg)) != 0)
		fail_msg("model_host_create: %s", msg);
}

unsigned ht_model_up(struct tdxmod **mod, struct phys_alloc **alloc,
		     struct model_ops *mo, uint64_t mem,
		     const struct ht_tweak *tw)
{
	struct tdxmod_config mc;
	struct phys_range pr = { 0, mem };
	char msg[256] = "";

	tdxmod_config_default(&mc, mem);
	mc.busy_inject_prob = tw->busy_prob;
	mc.busy_inject_seed = tw->seed;
	mc.dpamt_supported = !tw->no_dpamt;
	*mod = tdxmod_create(&mc, msg, sizeof(msg));
	if (!*mod)
		fail_msg("tdxmod_create: %s", msg);
	*alloc = phys_alloc_create(&pr, 1);
	assert_non_null(*alloc);
	model_ops_init(mo, *mod, *alloc, tw->core_lock);
	return mc.hkid_max;
}

struct dpamt *ht_dpamt_up(const struct dpamt_config *c,
			  const struct dpamt_ops *ops, unsigned hkid)
{
	struct dpamt_config cc = *c;
	struct dpamt *dp = NULL;
	int err;

	if (!cc.global_hkid)
		cc.global_hkid = hkid;
	err = dpamt_create(&cc, ops, &dp);
	if (err)
		fail_msg("dpamt_create: %s", dpamt_strerror(err));
	return dp;
}

void ht_host_ex(struct model_host *h, uint64_t mem,
		const struct dpamt_config *c, const struct ht_tweak *tw)
{
	unsigned hkid;

	memset(h, 0, sizeof(*h));
	hkid = ht_model_up(&h->mod, &h->alloc, &h->mo, mem, tw);
	h->dp = ht_dpamt_up(c, &h->mo.ops, hkid);
}

unsigned ht_check(struct model_host *h, const struct dpamt_check_opts *o)
{
	char msg[4096];
	unsigned v = dpamt_check(h->dp, h->mod, h->alloc, o, msg, sizeof(msg));

	if (v)
		printf("dpamt_check: %u violation(s):\n%s", v, msg);
	return v;
}

static struct tdxmod_leaf_stats ht_leaf(struct model_host *h, unsigned leaf)
{
	struct tdxmod_leaf_stats s;

	tdxmod_leaf_stats(h->mod, leaf, &s);
	return s;
}

uint64_t ht_leaf_calls(struct model_host *h, unsigned leaf)
{
	return ht_leaf(h, leaf).calls;
}

uint64_t ht_leaf_errors(struct model_host *h, unsigned leaf)
{
	return ht_leaf(h, leaf).errors;
}

uint64_t ht_leaf_busy(struct model_host *h, unsigned leaf)
{
	return ht_leaf(h, leaf).busy;
}
