/*
 * bench_tdxmod.c - how fast the module model answers its hot leaves.
 *
 * One TD per thread, each with its own GPA space and data ranges: PAMT.ADD
 * every range, 4K AUG every page, then either PAGE.REMOVE every page or
 * (teardown) RECLAIM every page, then PAMT.REMOVE.  Prints calls/s per
 * phase.  Usage: dpamt-bench-tdxmod [GiB-per-thread [threads]].
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dpamt/tdxmod.h"

#define PG 4096ULL
#define MB2 (2ULL << 20)
#define GB (1ULL << 30)

struct worker {
	struct tdxmod *m;
	unsigned idx;
	uint64_t gib;       /* data GiB for this worker */
	uint64_t ctl, data; /* control area, data base */
	uint64_t tdr;
	uint64_t ns[5];     /* add, aug, remove, reclaim, pamt remove */
	uint64_t errors;
	uint64_t first_bad; /* first unexpected status, with its leaf */
	unsigned first_leaf;
};

static uint64_t now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static uint64_t sc_raw(struct tdxmod *m, unsigned leaf, uint64_t rcx,
		       uint64_t rdx, uint64_t r8)
{
	struct dpamt_tdx_regs r = {
		.rax = leaf, .rcx = rcx, .rdx = rdx, .r8 = r8
	};

	do {
		r = (struct dpamt_tdx_regs){.rax = leaf, .rcx = rcx, .rdx = rdx,
				      .r8 = r8};
		tdxmod_seamcall(m, &r);
	} while (dpamt_tdx_is_busy(r.rax));
	return r.rax;
}

/* One call, retried while BUSY; 1 (and remembered) if not a success. */
static int sc_bad(struct worker *w, unsigned leaf, uint64_t rcx,
		  uint64_t rdx, uint64_t r8)
{
	uint64_t st = sc_raw(w->m, leaf, rcx, rdx, r8);

	if (dpamt_tdx_is_success(st))
		return 0;
	if (!w->errors) {
		w->first_bad = st;
		w->first_leaf = leaf;
	}
	return 1;
}

/* Control GiB layout: data ranges' pairs from ctl + 32 KiB (8 KiB per
 * data range, at most 256 MiB), control ranges' pairs at ctl + 500 MiB,
 * the TD's pages and S-EPT tables from ctl + 512 MiB. */
static void build_td(struct worker *w)
{
	uint64_t pairs = w->ctl + 500 * (1ULL << 20), pg = w->ctl + GB / 2;
	uint64_t n2m = w->gib * 512, nctl = (8 + w->gib + n2m) / 512 + 1;

	for (uint64_t i = 0; i < nctl; i++)
		w->errors +=
			sc_bad(w, DPAMT_TDH_PHYMEM_PAMT_ADD, (pg + i * MB2) | 1,
			       pairs + i * 2 * PG, pairs + i * 2 * PG + PG);
	w->tdr = pg;
	w->errors += sc_bad(w, DPAMT_TDH_MNG_CREATE, w->tdr, 1 + w->idx, 0);
	pg += PG;
	for (unsigned i = 0; i < 4; i++, pg += PG)
		w->errors += sc_bad(w, DPAMT_TDH_MNG_ADDCX, pg, w->tdr, 0);
	w->errors += sc_bad(w, DPAMT_TDH_MNG_INIT, w->tdr, 0, 0);
	w->errors += sc_bad(w, DPAMT_TDH_MEM_SEPT_ADD, 0 | 3, w->tdr, pg);
	pg += PG;
	for (uint64_t g = 0; g < w->gib; g++, pg += PG)
		w->errors += sc_bad(w, DPAMT_TDH_MEM_SEPT_ADD, (g * GB) | 2,
				    w->tdr, pg);
	for (uint64_t r = 0; r < n2m; r++, pg += PG)
		w->errors += sc_bad(w, DPAMT_TDH_MEM_SEPT_ADD, (r * MB2) | 1,
				    w->tdr, pg);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	uint64_t n2m = w->gib * 512, npg = n2m * 512, t;
	uint64_t pairs = w->ctl + 8 * PG;

	build_td(w);
	t = now();
	for (uint64_t r = 0; r < n2m; r++)
		w->errors += sc_bad(w, DPAMT_TDH_PHYMEM_PAMT_ADD,
				    (w->data + r * MB2) | 1, pairs + r * 2 * PG,
				    pairs + r * 2 * PG + PG);
	w->ns[0] = now() - t;
	t = now();
	for (uint64_t p = 0; p < npg; p++)
		w->errors += sc_bad(w, DPAMT_TDH_MEM_PAGE_AUG, p * PG, w->tdr,
				w->data + p * PG);
	w->ns[1] = now() - t;
	t = now();
	for (uint64_t p = 0; p < npg / 2; p++)
		w->errors += (sc_bad(w, DPAMT_TDH_MEM_PAGE_REMOVE, p * PG,
						w->tdr, 0));
	w->ns[2] = now() - t;
	w->errors += sc_bad(w, DPAMT_TDH_MNG_VPFLUSHDONE, w->tdr, 0, 0);
	w->errors += sc_bad(w, DPAMT_TDH_MNG_KEY_FREEID, w->tdr, 0, 0);
	t = now();
	for (uint64_t p = npg / 2; p < npg; p++)
		w->errors += (sc_bad(w, DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
						w->data + p * PG, 0, 0));
	w->ns[3] = now() - t;
	t = now();
	for (uint64_t r = 0; r < n2m; r++)
		w->errors += sc_bad(w, DPAMT_TDH_PHYMEM_PAMT_REMOVE,
				(w->data + r * MB2) | 1, 0, 0);
	w->ns[4] = now() - t;
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t gib = argc > 1 ? strtoull(argv[1], NULL, 0) : 4;
	unsigned nt = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
	/* per thread: 1 GiB of control pages + gib GiB of data */
	uint64_t mem = (2 + nt * (gib + 1)) * GB, end;
	struct tdxmod_config cfg;
	struct worker w[16];
	pthread_t th[16];
	char err[128];
	const char *names[5] = {"PAMT.ADD", "PAGE.AUG 4K", "PAGE.REMOVE",
				"PAGE.RECLAIM", "PAMT.REMOVE"};
	uint64_t calls[5];

	if (nt < 1 || nt > 16 || gib < 1 || gib > 64)
		return 2;
	tdxmod_config_default(&cfg, mem);
	struct tdxmod *m = tdxmod_create(&cfg, err, sizeof(err));
	if (!m || tdxmod_setup_simple(m, true, mem - GB, &end, err,
				      sizeof(err))) {
		fprintf(stderr, "setup: %s\n", err);
		return 1;
	}
	for (unsigned i = 0; i < nt; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].m = m;
		w[i].idx = i;
		w[i].gib = gib;
		w[i].ctl = (1 + i * (gib + 1)) * GB;
		w[i].data = w[i].ctl + GB;
		pthread_create(&th[i], NULL, run, &w[i]);
	}
	for (unsigned i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	calls[0] = calls[4] = gib * 512 * nt;
	calls[1] = gib * 512 * 512 * nt;
	calls[2] = calls[3] = calls[1] / 2;
	printf("tdxmod bench: %u threads x %llu GiB, model footprint %llu "
	       "KiB\n", nt, (unsigned long long)gib,
	       (unsigned long long)tdxmod_footprint_bytes(m) / 1024);
	for (unsigned k = 0; k < 5; k++) {
		uint64_t ns = 0;

		for (unsigned i = 0; i < nt; i++)
			ns = w[i].ns[k] > ns ? w[i].ns[k] : ns;
		printf("  %-14s %10llu calls %8.1f ns/call/thread %6.2f M "
		       "calls/s total\n", names[k],
		       (unsigned long long)calls[k],
		       (double)ns * nt / (double)calls[k],
		       (double)calls[k] / (double)ns * 1e3);
	}
	for (unsigned i = 0; i < nt; i++) {
		char b[64];

		if (w[i].errors)
			printf("  worker %u: %llu unexpected statuses, first "
			       "%s from %s\n",
			       i, (unsigned long long)w[i].errors,
			       dpamt_tdx_status_name(w[i].first_bad, b,
						     sizeof(b)),
			       dpamt_tdx_leaf_name(w[i].first_leaf));
	}
	printf("  pairs installed at end %llu, fatal: %s\n",
	       (unsigned long long)tdxmod_pairs_installed(m),
	       tdxmod_is_fatal(m) ? tdxmod_fatal_reason(m) : "no");
	tdxmod_destroy(m);
	return 0;
}
