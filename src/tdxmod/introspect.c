/*
 * introspect.c - read-only views of the model for tests and invariant
 * checkers: page and range info, pair count, and the whole-model check.
 *
 * Concurrency: every function here reads racy snapshots (atomic loads, no
 * locks, no storage created); results are exact only at quiescence.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tdxmod/model.h"

#define PG_SIZE DPAMT_TDX_PAGE_SIZE

static bool ready(const struct tdxmod *m)
{
	return atomic_load_explicit(&((struct tdxmod *)m)->sys_state,
				    memory_order_acquire) == SYS_READY;
}

int tdxmod_range_info(struct tdxmod *m, uint64_t pa_2m,
		      struct tdxmod_range_info *out)
{
	struct tdmr *t;
	uint64_t h, ref;

	memset(out, 0, sizeof(*out));
	pa_2m &= ~(DPAMT_TDX_2M_SIZE - 1);
	if (!ready(m) || !(t = tdmr_of(m, pa_2m)))
		return -1;
	out->in_tdmr = true;
	pe_peek(m, pe_addr_2m(t, pa_2m), &h, &ref);
	out->type_2m = pe_type(h);
	out->page_count = pe_count(h);
	if (out->type_2m == DPAMT_TDX_PT_PAMT) {
		out->has_pair = true;
		out->pair[0] = pair_page(ref, 0);
		out->pair[1] = pair_page(ref, 1);
	}
	return 0;
}

int tdxmod_page_info(struct tdxmod *m, uint64_t pa,
		     struct tdxmod_page_info *out)
{
	struct tdmr *t;
	uint64_t h1, r1, h2, r2, h4, r4;

	memset(out, 0, sizeof(*out));
	pa &= ~(DPAMT_TDX_PAGE_SIZE - 1);
	if (!ready(m) || (pa >> m->cfg.hkid_shift) || !(t = tdmr_of(m, pa)))
		return -1;
	out->in_tdmr = true;
	if (m->dpamt)
		out->bitmap_bit = bitmap_test(m, pa);
	pe_peek(m, pe_addr_1g(t, pa), &h1, &r1);
	pe_peek(m, pe_addr_2m(t, pa), &h2, &r2);
	if (pe_type(h1) != DPAMT_TDX_PT_NDA) {
		out->type = pe_type(h1);
		out->level = DPAMT_TDX_PS_1G;
		out->owner = r1;
		out->locked = (h1 & PE_LOCKMASK) != 0;
		return 0;
	}
	if (pe_type(h2) != DPAMT_TDX_PT_NDA &&
	    pe_type(h2) != DPAMT_TDX_PT_PAMT) {
		out->type = pe_type(h2);
		out->level = DPAMT_TDX_PS_2M;
		out->owner = r2;
		out->locked = (h2 & PE_LOCKMASK) != 0;
		return 0;
	}
	out->level = DPAMT_TDX_PS_4K;
	if (m->dpamt && pe_type(h2) == DPAMT_TDX_PT_NDA) {
		out->locked = (h2 & PE_LOCKMASK) != 0;
		return 0; /* no 4K entry exists: free */
	}
	pe_peek(m, pe_addr_4k(m, t, pa, r2), &h4, &r4);
	out->type = pe_type(h4);
	out->owner = pe_type(h4) == DPAMT_TDX_PT_NDA ||
		     pe_type(h4) == DPAMT_TDX_PT_PAMT ? 0 : r4;
	out->locked = (h4 & PE_LOCKMASK) != 0;
	return 0;
}

uint64_t tdxmod_pairs_installed(const struct tdxmod *m)
{
	int64_t n = 0;

	for (unsigned i = 0; i < STAT_STRIPES; i++)
		n += atomic_load_explicit(&((struct tdxmod *)m)->stats[i].pairs,
					  memory_order_relaxed);
	return (uint64_t)n;
}

struct checker {
	struct tdxmod *m;
	unsigned violations;
	char *err;
	size_t errlen, used;
	uint64_t last_owner_ok;
	uint64_t pairs, pair_bits, static_bits;
};

static void violation(struct checker *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct checker *k, const char *fmt, ...)
{
	va_list ap;

	k->violations++;
	if (!k->err || k->violations > 4 || k->used + 2 >= k->errlen)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(k->err + k->used, k->errlen - k->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		k->used += (size_t)n < k->errlen - k->used ?
				   (size_t)n : k->errlen - k->used - 1;
	if (k->used + 2 < k->errlen) {
		k->err[k->used++] = ';';
		k->err[k->used] = '\0';
	}
}

/* Is owner (a pfn) a live TDR? */
static bool owner_live(struct checker *k, uint64_t owner)
{
	struct tdxmod_page_info pi;

	if (owner && owner == k->last_owner_ok)
		return true;
	if (tdxmod_page_info(k->m, owner << PAGE_SHIFT, &pi) ||
	    pi.type != DPAMT_TDX_PT_TDR)
		return false;
	k->last_owner_ok = owner;
	return true;
}

/* The two pages holding a range's 512 4K entries (pair, or the slice of
 * the classic array); NULL for a page never written (all free). */
static void entry_pages(struct tdxmod *m, struct tdmr *t, uint64_t r,
			uint64_t ref, struct mem_page *pg[2])
{
	for (unsigned i = 0; i < 2; i++)
		pg[i] = mem_page_get(m, pe_addr_4k(m, t, r + i * 256 * PG_SIZE,
						   ref) & ~(PG_SIZE - 1),
				     false);
}

static void check_4k_entries(struct checker *k, struct tdmr *t, uint64_t r,
			     uint64_t h2, uint64_t ref)
{
	struct mem_page *pg[2];
	unsigned used = 0;

	entry_pages(k->m, t, r, ref, pg);
	for (unsigned i = 0; i < PAGES_PER_2M; i++) {
		uint64_t pa = r + i * PG_SIZE, h = 0, o = 0;
		struct mem_page *p = pg[i / ENTRIES_PER_PAGE];

		if (p) {
			unsigned w = (i % ENTRIES_PER_PAGE) * 2;

			h = atomic_load_explicit(&p->w[w],
						 memory_order_acquire);
			o = atomic_load_explicit(&p->w[w + 1],
						 memory_order_relaxed);
		}
		if (h & (PE_LOCKMASK | PE_RESERVED | PE_COUNT_MASK))
			violation(k, "4K entry of 0x%llx locked or corrupt "
				  "(0x%llx)", (unsigned long long)pa,
				  (unsigned long long)h);
		if (pe_type(h) == DPAMT_TDX_PT_NDA ||
		    pe_type(h) == DPAMT_TDX_PT_PAMT ||
		    pe_type(h) == DPAMT_TDX_PT_RSVD)
			continue;
		used++;
		/* A TDR's own entry has owner 0 (tdh_mng_create.c). */
		if (!(pe_type(h) == DPAMT_TDX_PT_TDR && o == 0) &&
		    !owner_live(k, o))
			violation(k, "page 0x%llx owned by 0x%llx, not a live "
				  "TDR", (unsigned long long)pa,
				  (unsigned long long)(o << PAGE_SHIFT));
	}
	if (used != pe_count(h2))
		violation(k, "range 0x%llx: page_count %u but %u pages used",
			  (unsigned long long)r, pe_count(h2), used);
}

static void check_range(struct checker *k, struct tdmr *t, uint64_t r)
{
	struct tdxmod *m = k->m;
	uint64_t h2, ref;

	pe_peek(m, pe_addr_2m(t, r), &h2, &ref);
	if (h2 & (PE_LOCKMASK | PE_RESERVED))
		violation(k, "2M entry of 0x%llx locked or corrupt (0x%llx)",
			  (unsigned long long)r, (unsigned long long)h2);
	switch (pe_type(h2)) {
	case DPAMT_TDX_PT_PAMT:
		k->pairs++;
		for (unsigned i = 0; i < 2; i++) {
			uint64_t p = pair_page(ref, i);

			if (!tdmr_of(m, p) || !bitmap_test(m, p))
				violation(k, "pair page 0x%llx of 0x%llx not "
					  "marked", (unsigned long long)p,
					  (unsigned long long)r);
			else
				k->pair_bits++;
		}
		check_4k_entries(k, t, r, h2, ref);
		break;
	case DPAMT_TDX_PT_NDA:
		if (!m->dpamt)
			check_4k_entries(k, t, r, h2, 0);
		else if (pe_count(h2))
			violation(k, "range 0x%llx without pair has "
				  "page_count %u", (unsigned long long)r,
				  pe_count(h2));
		break;
	case DPAMT_TDX_PT_REG:
		if (pe_count(h2) || !owner_live(k, ref))
			violation(k, "2M page 0x%llx: count %u owner 0x%llx",
				  (unsigned long long)r, pe_count(h2),
				  (unsigned long long)(ref << PAGE_SHIFT));
		break;
	default:
		violation(k, "2M entry of 0x%llx has type %u",
			  (unsigned long long)r, pe_type(h2));
	}
}

/* Number of bitmap bits set, and how many belong to reserved areas (which
 * hold the static PAMT areas lying in a TDMR). */
static uint64_t bitmap_popcount(struct checker *k)
{
	struct tdxmod *m = k->m;
	uint64_t n = 0;

	for (unsigned i = 0; i < m->n_tdmr; i++) {
		struct tdmr *t = &m->tdmr[i];

		for (uint64_t o = 0; o < t->sz_4k; o += 8)
			n += (uint64_t)__builtin_popcountll(
				mem_load(m, t->pamt_4k + o));
		for (unsigned j = 0; j < t->n_rsvd; j++)
			k->static_bits += (t->rsvd[j].end - t->rsvd[j].base) /
					  DPAMT_TDX_PAGE_SIZE;
	}
	return n;
}

unsigned tdxmod_check(struct tdxmod *m, char *err, size_t errlen)
{
	struct checker k = {.m = m, .err = err, .errlen = errlen};

	if (err && errlen)
		err[0] = '\0';
	if (tdxmod_is_fatal(m))
		violation(&k, "model is fatal: %s", tdxmod_fatal_reason(m));
	if (!ready(m))
		return k.violations;
	for (unsigned i = 0; i < m->n_tdmr; i++) {
		struct tdmr *t = &m->tdmr[i];

		for (uint64_t r = t->base; r < t->end; r += DPAMT_TDX_2M_SIZE) {
			uint64_t h1, r1;

			if ((r & (DPAMT_TDX_1G_SIZE - 1)) == 0) {
				pe_peek(m, pe_addr_1g(t, r), &h1, &r1);
				if (h1)
					violation(&k, "1G entry of 0x%llx not "
						  "free (0x%llx)",
						  (unsigned long long)r,
						  (unsigned long long)h1);
			}
			check_range(&k, t, r);
		}
	}
	if (m->dpamt) {
		uint64_t bits = bitmap_popcount(&k);

		if (bits != k.pair_bits + k.static_bits)
			violation(&k, "bitmap has %llu bits set, expected %llu "
				  "pair + %llu static",
				  (unsigned long long)bits,
				  (unsigned long long)k.pair_bits,
				  (unsigned long long)k.static_bits);
		if (k.pairs != tdxmod_pairs_installed(m))
			violation(&k, "pair counter %llu, found %llu",
				  (unsigned long long)tdxmod_pairs_installed(m),
				  (unsigned long long)k.pairs);
	}
	return k.violations;
}
