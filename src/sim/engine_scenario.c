/*
 * engine_scenario.c - the engine's side of a scenario: the defaults (the
 * v3 cover letter's experiment), validation with one-line messages that
 * say what is wrong and how to fix it, and the host memory a scenario
 * needs.
 */
#include "sim/sim.h"

#include "dpamt/tdxmod.h"
#include "util/errmsg.h"

#include <stdio.h>
#include <string.h>

#define GiB (1ull << 30)
#define MiB (1ull << 20)
#define SIM_MAX_VCPUS 64u
#define SIM_MAX_THREADS 1024u
#define SIM_MAX_CYCLES 100000u
#define SIM_MAX_SEAMCALL_NS 10000000ull /* 10 ms */

/*
 * Default module latency per leaf (docs/cost-model.md, "Leaf latencies",
 * says where each figure comes from).  Every leaf that holds PAMT entry
 * locks while it works has one; the rest (RANGE.BLOCK, MEM.TRACK, the
 * key and system leaves) cost only seamcall_entry_ns.
 */
#define LEAF_WALK_NS 500u  /* S-EPT + PAMT walks and entry writes */
#define LEAF_PAGE_NS 330u  /* one 4 KiB page written (page_zero_ns) */
#define LEAF_PAMT_NS 3000u /* PAMT.ADD/REMOVE: a range's 512 4K entries */

void sim_leaf_latency_default(uint64_t lat[DPAMT_TDX_LEAF_MAX])
{
	memset(lat, 0, DPAMT_TDX_LEAF_MAX * sizeof(lat[0]));
	/* The v3 cover letter measured 4 ms of lock wait over 1136
	 * contentions: about 3.5 us per contended install/remove; 3 us of
	 * module work inside PAMT.ADD/REMOVE reproduces that order. */
	lat[DPAMT_TDH_PHYMEM_PAMT_ADD] = LEAF_PAMT_NS;
	lat[DPAMT_TDH_PHYMEM_PAMT_REMOVE] = LEAF_PAMT_NS;
	/* AUG maps a PENDING page: walks and two entries, no clearing (the
	 * guest's ACCEPT initialises the page). */
	lat[DPAMT_TDH_MEM_PAGE_AUG] = LEAF_WALK_NS;
	lat[DPAMT_TDH_MEM_PAGE_REMOVE] = LEAF_WALK_NS;
	lat[DPAMT_TDH_MEM_SEPT_REMOVE] = LEAF_WALK_NS;
	lat[DPAMT_TDH_PHYMEM_PAGE_RECLAIM] = LEAF_WALK_NS;
	/* The module writes the new page under the TD's key. */
	lat[DPAMT_TDH_MEM_SEPT_ADD] = LEAF_WALK_NS + LEAF_PAGE_NS;
	lat[DPAMT_TDH_MNG_CREATE] = LEAF_WALK_NS + LEAF_PAGE_NS;
	lat[DPAMT_TDH_MNG_ADDCX] = LEAF_WALK_NS + LEAF_PAGE_NS;
	lat[DPAMT_TDH_VP_CREATE] = LEAF_WALK_NS + LEAF_PAGE_NS;
	lat[DPAMT_TDH_VP_ADDCX] = LEAF_WALK_NS + LEAF_PAGE_NS;
	/* PAGE.ADD reads the source page and writes the TD page. */
	lat[DPAMT_TDH_MEM_PAGE_ADD] = LEAF_WALK_NS + 2 * LEAF_PAGE_NS;
	/* DEMOTE writes a new S-EPT table and the pair's 512 4K entries
	 * (PAMT.ADD's work); PROMOTE checks both and clears the entries. */
	lat[DPAMT_TDH_MEM_PAGE_DEMOTE] = LEAF_WALK_NS + LEAF_PAGE_NS + LEAF_PAMT_NS;
	lat[DPAMT_TDH_MEM_PAGE_PROMOTE] = LEAF_WALK_NS + LEAF_PAGE_NS + LEAF_PAMT_NS;
}

void sim_scenario_empty(struct sim_scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->cycles = 1;
	sc->mode = DPAMT_MODE_AUTO;
	sc->strategy = DPAMT_STRATEGY_GLOBAL_LOCK;
	sc->seed = 1;
	sc->clock = SIM_CLOCK_VIRTUAL;
	sc->sched = SIM_SCHED_FIFO;
	sc->pct_depth = 3;
	sc->hkids = SIM_DEFAULT_HKIDS;
	sc->low_watermark_pct = 2;
	sim_cost_default(&sc->cost);
	sim_leaf_latency_default(sc->seamcall_ns);
}

void sim_scenario_default(struct sim_scenario *sc)
{
	sim_scenario_empty(sc);
	sc->n_guests = 10;
	for (unsigned i = 0; i < sc->n_guests; i++) {
		struct sim_guest_spec *g = &sc->guests[i];

		g->legacy = false;
		g->size = 16 * GiB;
		g->vcpus = 4;
		g->huge_pct = 0;
		g->touch_pct = 100;
		g->convert_pct = 0;
	}
}

/* Pages of S-EPT, control pages and vCPU caches of guest g (none for a
 * legacy VM), in bytes. */
static uint64_t guest_extra(const struct sim_guest_spec *g)
{
	if (g->legacy)
		return 0;
	/* S-EPT: one page per 2 MiB, per GiB and per 512 GiB; TDR, TDCS,
	 * TDVPR + TDCX, and each vCPU's cache/stash. */
	return (g->size / (2 * MiB) + g->size / GiB + 2) * 4096 +
	       (1 + 16 + g->vcpus * (1 + 16 + 80)) * 4096ull;
}

/* Bytes of guest g mapped at 4K (a legacy VM's all). */
static uint64_t guest_small(const struct sim_guest_spec *g)
{
	if (g->legacy || g->huge_pct > 100)
		return g->size;
	return g->size / (2 * MiB) * (100 - g->huge_pct) / 100 * (2 * MiB);
}

uint64_t sim_host_frag_bytes(const struct sim_scenario *sc)
{
	unsigned host = (512 * sc->host_frag_pct + 50) / 100, room;
	uint64_t pages = 0, blocks, vcpus = 0;

	if (!sc->host_frag_pct || sc->host_frag_pct > SIM_MAX_HOST_FRAG)
		return 0;
	room = 512 - host - 2; /* a pair's two pages (eager) per block */
	for (unsigned i = 0; i < sc->n_guests && i < SIM_MAX_GUESTS; i++) {
		const struct sim_guest_spec *g = &sc->guests[i];

		if (g->size > SIM_MAX_HOST_MEM)
			return UINT64_MAX;
		pages += (guest_small(g) + guest_extra(g)) / 4096;
		vcpus += g->vcpus;
	}
	/* pages <= 2^55 here; the region at most ~2^63: no overflow.  The
	 * region is split into a home per vCPU and one for the manager
	 * (engine.c, host_fragment): one more home's worth, and 1/8. */
	blocks = (pages + room - 1) / room;
	blocks += vcpus ? blocks / vcpus : 0;
	return (blocks + blocks / 8 + 1) * (2 * MiB);
}

uint64_t sim_host_mem_needed(const struct sim_scenario *sc)
{
	uint64_t guests = 0, extra = 64 * MiB, need, small = 0;
	uint64_t frag = sim_host_frag_bytes(sc);

	for (unsigned i = 0; i < sc->n_guests && i < SIM_MAX_GUESTS; i++) {
		const struct sim_guest_spec *g = &sc->guests[i];

		/* Each size is at most SIM_MAX_HOST_MEM once validated, but
		 * this runs on unvalidated input too: saturate, never wrap. */
		if (g->size > SIM_MAX_HOST_MEM ||
		    __builtin_add_overflow(guests, g->size, &guests))
			return UINT64_MAX;
		small += guest_small(g);
		extra += guest_extra(g);
	}
	if (frag > SIM_MAX_HOST_MEM)
		return UINT64_MAX;
	/* With a fragmented region, 4K memory lives there: the rest holds
	 * the 2M share and the PAMT areas of the whole host. */
	if (frag)
		guests -= small;
	/* PAMT: classic is 1/256 of the host plus the 2M/1G arrays; dynamic
	 * is a pair (1/256) per 2 MiB of 4K-backed memory plus the bitmap.
	 * Reserving 1/200 of the host covers either. */
	if (guests > UINT64_MAX / 2 || extra > UINT64_MAX / 2)
		return UINT64_MAX;
	need = (guests + extra) / 199 * 200 + GiB / 4;
	need += frag + frag / 199;
	return need > UINT64_MAX - GiB ? UINT64_MAX :
	       (need + GiB - 1) / GiB * GiB;
}

static int check_guest(const struct sim_guest_spec *g, unsigned i,
		       char *msg, unsigned len)
{
	const char *kind = g->legacy ? "vm" : "td";

	if (g->size == 0)
		return errmsg(msg, len, "%s %u: size is 0; give a size such as "
			      "256M or 16G", kind, i);
	if (g->size > SIM_MAX_HOST_MEM)
		return errmsg(msg, len,
			      "%s %u: size %llu GiB is above the %llu GiB "
			      "the simulator supports",
			      kind, i, (unsigned long long)(g->size / GiB),
			      (unsigned long long)(SIM_MAX_HOST_MEM / GiB));
	if (g->size % (2 * MiB))
		return errmsg(msg, len,
			      "%s %u: size %llu bytes is not a multiple "
			      "of 2 MiB; round it, e.g. to %lluM",
			      kind, i, (unsigned long long)g->size,
			      (unsigned long long)((g->size + 2 * MiB - 1) /
						   (2 * MiB) * 2));
	if (g->vcpus == 0 || g->vcpus > SIM_MAX_VCPUS)
		return errmsg(msg, len, "%s %u: vcpus=%u is out of range; use "
			      "1..%u", kind, i, g->vcpus, SIM_MAX_VCPUS);
	if (g->huge_pct > 100 || g->touch_pct > 100 || g->convert_pct > 100)
		return errmsg(msg, len,
			      "%s %u: a percentage is above 100 "
			      "(huge=%u touch=%u convert=%u); use 0..100",
			      kind, i, g->huge_pct, g->touch_pct,
			      g->convert_pct);
	if (g->churn_pct > 100)
		return errmsg(msg, len,
			      "guest %u: churn=%u is not a share; use "
			      "0..100",
			      i, g->churn_pct);
	if (g->legacy && (g->huge_pct || g->convert_pct || g->churn_pct))
		return errmsg(msg, len,
			      "vm %u: huge=, convert= and churn= apply "
			      "to TDs only; drop them or use --td",
			      i);
	return 0;
}

static int check_host(const struct sim_scenario *sc, char *msg,
		      unsigned len)
{
	uint64_t need = sim_host_mem_needed(sc);

	if (need > SIM_MAX_HOST_MEM && sc->host_frag_pct)
		return errmsg(msg, len, "with --host-frag %u the guests need "
			      "%s%llu GiB of host memory, more than the %llu "
			      "GiB the simulator supports; lower --host-frag "
			      "or make the guests smaller (or map more at 2M)",
			      sc->host_frag_pct,
			      need == UINT64_MAX ? "over " : "",
			      (unsigned long long)(need == UINT64_MAX ?
						SIM_MAX_HOST_MEM / GiB :
						need / GiB),
			      (unsigned long long)(SIM_MAX_HOST_MEM / GiB));
	if (need > SIM_MAX_HOST_MEM)
		return errmsg(msg, len, "the guests need %s%llu GiB of host "
			      "memory, more than the %llu GiB the simulator "
			      "supports; make them smaller",
			      need == UINT64_MAX ? "over " : "",
			      (unsigned long long)(need == UINT64_MAX ?
						SIM_MAX_HOST_MEM / GiB :
						need / GiB),
			      (unsigned long long)(SIM_MAX_HOST_MEM / GiB));
	if (!sc->host_mem)
		return 0;
	if (sc->host_mem % GiB)
		return errmsg(
			msg, len,
			"host memory %llu bytes is not a multiple "
			"of 1 GiB; use e.g. --host-mem %lluG",
			(unsigned long long)sc->host_mem,
			(unsigned long long)((sc->host_mem + GiB - 1) / GiB));
	if (sc->host_mem > SIM_MAX_HOST_MEM)
		return errmsg(msg, len, "host memory above %llu GiB is not "
			      "supported; lower --host-mem",
			      (unsigned long long)(SIM_MAX_HOST_MEM / GiB));
	if (sc->host_mem < need)
		return errmsg(
			msg, len,
			"the guests do not fit: they need about "
			"%llu GiB of host memory but the host has %llu GiB; "
			"raise --host-mem to %lluG or leave it out",
			(unsigned long long)(need / GiB),
			(unsigned long long)(sc->host_mem / GiB),
			(unsigned long long)(need / GiB));
	return 0;
}

/* Every cost-model figure at its default (the wall clock uses none). */
static bool cost_is_default(const struct sim_cost *c)
{
	struct sim_cost d;

	sim_cost_default(&d);
	return !memcmp(&d, c, sizeof(d));
}

static int check_run(const struct sim_scenario *sc, char *msg, unsigned len)
{
	if (sc->cycles == 0 || sc->cycles > SIM_MAX_CYCLES)
		return errmsg(msg, len, "cycles=%u is out of range; use 1..%u",
			      sc->cycles, SIM_MAX_CYCLES);
	if (sc->mode != DPAMT_MODE_AUTO && sc->mode != DPAMT_MODE_DYNAMIC &&
	    sc->mode != DPAMT_MODE_STATIC)
		return errmsg(msg, len, "unknown PAMT mode %d; use dynamic or "
			      "static", (int)sc->mode);
	if (!dpamt_strategy_name(sc->strategy))
		return errmsg(msg, len, "unknown strategy %d; use global-lock",
			      (int)sc->strategy);
	if (!dpamt_strategy_available(sc->strategy))
		return errmsg(msg, len, "strategy %s is not available in this "
			      "build; use global-lock",
			      dpamt_strategy_name(sc->strategy));
	if (sc->pcpus > SIM_MAX_PCPUS)
		return errmsg(msg, len, "pcpus=%u is too many; use 0 (the "
			      "default) or 1..%u", sc->pcpus, SIM_MAX_PCPUS);
	if (sc->clock != SIM_CLOCK_VIRTUAL && sc->clock != SIM_CLOCK_WALL)
		return errmsg(msg, len, "unknown clock %d; use virtual or wall",
			      (int)sc->clock);
	if ((unsigned)sc->sched > SIM_SCHED_PCT || sc->pct_depth < 1 ||
	    sc->pct_depth > SIM_MAX_PCT_DEPTH)
		return errmsg(msg, len,
			      "bad scheduling policy; use fifo, random "
			      "or pct:D with D = 1..%u",
			      SIM_MAX_PCT_DEPTH);
	if (sc->clock == SIM_CLOCK_WALL && sc->sched != SIM_SCHED_FIFO)
		return errmsg(msg, len,
			      "--sched %s needs the virtual clock; drop "
			      "--clock wall",
			      sc->sched == SIM_SCHED_PCT ? "pct" : "random");
	if (sc->clock == SIM_CLOCK_WALL && !cost_is_default(&sc->cost))
		return errmsg(msg, len,
			      "--cost needs the virtual clock (the wall clock "
			      "spends real time, only --seamcall-ns applies "
			      "there); drop --clock wall or --cost");
	if (sc->threads > SIM_MAX_THREADS)
		return errmsg(msg, len,
			      "threads=%u is too many; use 0 (one per "
			      "vCPU) or 1..%u",
			      sc->threads, SIM_MAX_THREADS);
	if (!(sc->busy_inject >= 0.0 && sc->busy_inject < 1.0) ||
	    !(sc->busy_inject_lock >= 0.0 && sc->busy_inject_lock < 1.0))
		return errmsg(msg, len, "busy injection rate %g/%g is out of "
			      "range; use 0 <= rate < 1", sc->busy_inject,
			      sc->busy_inject_lock);
	if (sc->host_frag_pct > SIM_MAX_HOST_FRAG)
		return errmsg(msg, len,
			      "host_frag=%u is not a share of a block; use "
			      "0..%u", sc->host_frag_pct, SIM_MAX_HOST_FRAG);
	if (sc->busy_attempts > SIM_MAX_BUSY_ATTEMPTS)
		return errmsg(msg, len,
			      "busy_attempts=%u is too many; use 1..%u "
			      "(0: %u)",
			      sc->busy_attempts, SIM_MAX_BUSY_ATTEMPTS,
			      SIM_MAX_BUSY_ATTEMPTS);
	for (unsigned l = 0; l < DPAMT_TDX_LEAF_MAX; l++) {
		if (sc->seamcall_ns[l] > SIM_MAX_SEAMCALL_NS)
			return errmsg(msg, len,
				      "SEAMCALL latency %llu ns for "
				      "leaf %u is above 10 ms; lower "
				      "--seamcall-ns",
				      (unsigned long long)sc->seamcall_ns[l],
				      l);
	}
	return 0;
}

/* TDs that can live at once: the platform's private HKIDs, less the one
 * the host gives the module itself (the engine takes the top one). */
static unsigned max_tds(const struct sim_scenario *sc)
{
	return sc->hkids - 1;
}

int sim_validate(const struct sim_scenario *sc, char *msg, unsigned len)
{
	unsigned tds = 0;

	if (msg && len)
		msg[0] = '\0';
	if (sc->n_guests == 0)
		return errmsg(
			msg, len,
			"nothing to run: add a TD with --td SIZE "
			"or a legacy VM with --vm SIZE (or drop all guest "
			"options for the default scenario)");
	if (sc->n_guests > SIM_MAX_GUESTS)
		return errmsg(msg, len, "%u guests is too many; at most %u",
			      sc->n_guests, SIM_MAX_GUESTS);
	for (unsigned i = 0; i < sc->n_guests; i++) {
		if (check_guest(&sc->guests[i], i, msg, len))
			return -1;
		tds += !sc->guests[i].legacy;
	}
	if (sc->hkids < SIM_MIN_HKIDS || sc->hkids > SIM_MAX_HKIDS)
		return errmsg(msg, len,
			      "%u private HKIDs is out of range; use "
			      "--hkids %u..%u (one is the module's own)",
			      sc->hkids, SIM_MIN_HKIDS, SIM_MAX_HKIDS);
	if (tds > max_tds(sc))
		return errmsg(msg, len,
			      "%u TDs cannot run at once: %u private HKIDs, "
			      "one of them the module's, leave %u for TDs; "
			      "raise --hkids (up to %u) or use at most %u --td",
			      tds, sc->hkids, max_tds(sc), SIM_MAX_HKIDS,
			      max_tds(sc));
	if (check_run(sc, msg, len))
		return -1;
	return check_host(sc, msg, len);
}
