/*
 * dpamt_check.c - the docs/design.md §7 invariants, host manager against
 * the module model and the allocator, at quiescence (see dpamt_check.h).
 */
#include "glue/dpamt_check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

struct chk {
	struct dpamt *m;
	struct tdxmod *mod;
	const struct phys_alloc *alloc;
	const struct dpamt_check_opts *o;
	char *msg;
	size_t len, off;
	unsigned violations;
	uint64_t pairs, idle;
};

__attribute__((format(printf, 2, 3)))
static void chk_fail(struct chk *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	c->violations++;
	if (!c->msg || c->off + 1 >= c->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->msg + c->off, c->len - c->off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	c->off += (size_t)n;
	if (c->off + 1 < c->len) {
		c->msg[c->off++] = '\n';
		c->msg[c->off] = '\0';
	} else {
		c->off = c->len;
	}
}

/* Invariants 3 and 4 for one installed pair. */
static void chk_pair_pages(struct chk *c, uint64_t pa,
			   const struct tdxmod_range_info *ri)
{
	unsigned ppp = dpamt_metadata(c->m)->pages_per_pair;

	for (unsigned i = 0; i < ppp && i < 2; i++) {
		struct tdxmod_page_info pi;

		if (c->alloc && phys_is_free(c->alloc, ri->pair[i]))
			chk_fail(c, "range %#" PRIx64 ": pair page %#" PRIx64
				 " is free in the allocator", pa, ri->pair[i]);
		if (tdxmod_page_info(c->mod, ri->pair[i], &pi) == 0 &&
		    !pi.bitmap_bit)
			chk_fail(c, "range %#" PRIx64 ": pair page %#" PRIx64
				 " has no bitmap bit", pa, ri->pair[i]);
	}
}

/* Invariant 1 (dynamic mode): installed <=> refcount > 0 or idle. */
static void chk_installed(struct chk *c, uint64_t pa, uint32_t refs,
			  const struct tdxmod_range_info *ri)
{
	bool idle = dpamt_range_idle(c->m, pa);

	if (ri->has_pair)
		c->pairs++;
	if (refs > 0 && !ri->has_pair)
		chk_fail(c, "range %#" PRIx64 ": refcount %u but no pair",
			 pa, refs);
	if (ri->has_pair && refs == 0 && !idle)
		chk_fail(c, "range %#" PRIx64 ": pair installed, refcount 0,"
			 " not recorded idle", pa);
	if (idle && !ri->has_pair)
		chk_fail(c, "range %#" PRIx64 ": recorded idle, no pair", pa);
	if (idle && refs == 0 && ri->has_pair)
		c->idle++;
	if (ri->has_pair)
		chk_pair_pages(c, pa, ri);
}

/* Invariant 2 and the module cross-check. */
static void chk_counts(struct chk *c, uint64_t pa, uint32_t refs,
		       const struct tdxmod_range_info *ri)
{
	if (c->o && c->o->held) {
		uint32_t held = c->o->held(c->o->held_arg, pa);

		if (held != refs)
			chk_fail(c, "range %#" PRIx64 ": refcount %u, host"
				 " holds %u pages", pa, refs, held);
	}
	if (c->o && c->o->exact_page_count ? ri->page_count != refs
					   : ri->page_count > refs)
		chk_fail(c, "range %#" PRIx64 ": module page_count %u vs"
			 " refcount %u", pa, ri->page_count, refs);
	if (c->o && c->o->all_gone && (refs || ri->has_pair))
		chk_fail(c, "range %#" PRIx64 ": all TDs gone but refcount"
			 " %u, pair %d", pa, refs, ri->has_pair);
}

static void chk_range(struct chk *c, uint64_t pa)
{
	struct tdxmod_range_info ri;
	uint32_t refs = dpamt_refcount(c->m, pa);

	if (tdxmod_range_info(c->mod, pa, &ri) != 0 || !ri.in_tdmr) {
		chk_fail(c, "range %#" PRIx64 ": not in a module TDMR", pa);
		return;
	}
	if (dpamt_is_dynamic(c->m))
		chk_installed(c, pa, refs, &ri);
	else if (ri.has_pair)
		chk_fail(c, "range %#" PRIx64 ": pair in static mode", pa);
	chk_counts(c, pa, refs, &ri);
}

static void chk_totals(struct chk *c)
{
	struct dpamt_stats s;
	uint64_t model_pairs = tdxmod_pairs_installed(c->mod);
	uint64_t pair_bytes = (uint64_t)dpamt_pages_per_get(c->m) * 4096;
	uint64_t max_idle = c->o ? c->o->max_idle : 0;

	dpamt_stats(c->m, &s);
	if (c->pairs != model_pairs)
		chk_fail(c, "model counts %" PRIu64 " pairs, ranges show %"
			 PRIu64, model_pairs, c->pairs);
	if (s.pairs_now != c->pairs)
		chk_fail(c, "stats.pairs_now %" PRIu64 " but %" PRIu64
			 " pairs installed", s.pairs_now, c->pairs);
	if (s.dynamic_bytes_now != s.pairs_now * pair_bytes)
		chk_fail(c, "stats.dynamic_bytes_now %" PRIu64 " != pairs %"
			 PRIu64 " x %" PRIu64, s.dynamic_bytes_now,
			 s.pairs_now, pair_bytes);
	if (c->idle > max_idle)
		chk_fail(c, "%" PRIu64 " idle pairs, at most %" PRIu64
			 " allowed", c->idle, max_idle);
	if (c->o && c->o->all_gone && (s.pairs_now || s.dynamic_bytes_now))
		chk_fail(c, "all TDs gone but %" PRIu64 " pairs, %" PRIu64
			 " dynamic bytes", s.pairs_now, s.dynamic_bytes_now);
}

unsigned dpamt_check(struct dpamt *m, struct tdxmod *mod,
		     const struct phys_alloc *alloc,
		     const struct dpamt_check_opts *opts, char *msg,
		     size_t len)
{
	struct chk c = { .m = m, .mod = mod, .alloc = alloc, .o = opts,
			 .msg = msg, .len = len };
	struct dpamt_range t[DPAMT_MAX_TDMRS];
	unsigned n = dpamt_tdmrs(m, t, DPAMT_MAX_TDMRS);
	char mbuf[512];
	unsigned mv;

	if (msg && len)
		msg[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		for (uint64_t pa = t[i].base; pa < t[i].base + t[i].size;
		     pa += 2ULL << 20)
			chk_range(&c, pa);
	chk_totals(&c);
	mv = tdxmod_check(mod, mbuf, sizeof(mbuf));
	if (mv) {
		c.violations += mv - 1;
		chk_fail(&c, "model: %u violation(s): %s", mv, mbuf);
	}
	if (tdxmod_is_fatal(mod))
		chk_fail(&c, "model fatal: %s", tdxmod_fatal_reason(mod));
	return c.violations;
}
