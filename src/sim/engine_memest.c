/*
 * engine_memest.c - how much memory simulating a scenario takes, and the
 * refusal of a scenario larger than this machine (issue 10, Why 8: a
 * `--td 4T` started and ran into the OOM killer).
 *
 * The estimate is linear in the guests' memory; its coefficients live in
 * the one table below.  They were measured with /usr/bin/time (max RSS)
 * on the plain build, one TD of 4 vCPUs: 16 GiB all 4K-mapped and touched
 * 84 MiB (5.1 MiB per GiB: the 4 MiB of 4K PAMT entries, compact level-0
 * S-EPT tables, no frame per page in the VMM; 121 MiB before, 152 MB
 * before that), touch=50 49 MiB (an untouched 4K page: its share of the
 * S-EPT table, 0.7 MiB per GiB), huge=50 44 MiB, huge=100 4 MB, a 64 GiB
 * legacy VM 70 MiB, host memory ~35 KiB per GiB, 1000 TDs of 2 MiB
 * with one vCPU each 51 MiB (per_vcpu covers a guest's own state) -- and
 * rounded up.  A fragmented host (--host-frag) spreads the same 4K pages
 * over 512 / (free pages per block) times the ranges, each with its pair
 * and the model's 4K PAMT entries (~8 KiB: a 4 GiB TD at 95% measured
 * 351 MB against 23 MB, 7.9 KiB per added range), and its region costs
 * the allocator a 64-byte host bitmap per block.  When
 * the simulator's footprint changes (sparse memory, smaller model
 * structures), re-measure and retune the table; nothing else depends on
 * the numbers.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "sim/sim.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Resident bytes per unit; the one place to retune. */
static const struct mem_coeffs {
	uint64_t base;            /* process, libraries, report */
	uint64_t host_per_gib;    /* allocator, PAMT bitmap per host GiB */
	uint64_t td_4k_touched;   /* per GiB of a TD mapped 4K and touched */
	uint64_t td_4k_untouched; /* per GiB mapped 4K, never touched */
	uint64_t td_2m;           /* per GiB mapped 2M */
	uint64_t vm_per_gib;      /* per GiB of a legacy VM */
	uint64_t per_vcpu;        /* thread, caches */
	uint64_t frag_range;      /* per added range of a fragmented host */
	uint64_t frag_per_gib;    /* host bitmap per GiB of the region */
	unsigned sanitizer_x;     /* factor under ASan/TSan builds */
} coeffs = {
	.base = 32 * MiB,
	.host_per_gib = 64 * KiB,
	.td_4k_touched = 5632 * KiB,
	.td_4k_untouched = 1 * MiB,
	.td_2m = 256 * KiB,
	.vm_per_gib = 1280 * KiB,
	.per_vcpu = 256 * KiB,
	.frag_range = 8 * KiB,
	.frag_per_gib = 32 * KiB,
#if defined(DPAMT_TSAN)
	.sanitizer_x = 8,
#elif defined(DPAMT_SANITIZED)
	.sanitizer_x = 3,
#else
	.sanitizer_x = 1,
#endif
};

/* Bytes for one guest; sizes are validated (<= 16 TiB): no overflow. */
static uint64_t guest_bytes(const struct sim_guest_spec *g)
{
	uint64_t mib = g->size / MiB; /* per-GiB coefficients x MiB / 1024 */
	uint64_t small = mib * (100 - g->huge_pct) / 100;
	uint64_t touched = small * g->touch_pct / 100;

	if (g->legacy)
		return mib * coeffs.vm_per_gib / 1024 +
		       g->vcpus * coeffs.per_vcpu;
	return touched * coeffs.td_4k_touched / 1024 +
	       (small - touched) * coeffs.td_4k_untouched / 1024 +
	       (mib - small) * coeffs.td_2m / 1024 +
	       g->vcpus * coeffs.per_vcpu;
}

/* With --host-frag, the ranges guest g's touched 4K pages take beyond
 * the 512 per GiB of a clean host, times their cost. */
static uint64_t frag_bytes(const struct sim_guest_spec *g, unsigned pct)
{
	uint64_t mib = g->size / MiB;
	uint64_t touched = mib * (g->legacy ? 0 : 100 - g->huge_pct) / 100 *
			   g->touch_pct / 100;
	unsigned room = 512 - (512 * pct + 50) / 100 - 2;

	if (!pct || pct > SIM_MAX_HOST_FRAG)
		return 0;
	/* ranges per MiB: 256 pages / room, against 0.5 */
	return touched * (256 * 2 - room) / (2 * room) * coeffs.frag_range;
}

uint64_t sim_mem_estimate(const struct sim_scenario *sc)
{
	uint64_t host = sc->host_mem ? sc->host_mem : sim_host_mem_needed(sc);
	uint64_t b = coeffs.base;

	if (host > SIM_MAX_HOST_MEM)
		host = SIM_MAX_HOST_MEM;
	/* The report and the scenario (the front end's and a run's copy)
	 * hold SIM_MAX_GUESTS entries each, on the heap: ~180 KiB. */
	b += sizeof(struct sim_report) + 2 * sizeof(struct sim_scenario);
	b += host / GiB * coeffs.host_per_gib;
	for (unsigned i = 0; i < sc->n_guests && i < SIM_MAX_GUESTS; i++) {
		if (sc->guests[i].size > SIM_MAX_HOST_MEM)
			return UINT64_MAX;
		b += guest_bytes(&sc->guests[i]) +
		     frag_bytes(&sc->guests[i], sc->host_frag_pct);
	}
	b += sim_host_frag_bytes(sc) / GiB * coeffs.frag_per_gib;
	return b * coeffs.sanitizer_x;
}

/* MemAvailable in bytes, or UINT64_MAX if unknown. */
static uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb;
	uint64_t v = UINT64_MAX;
	char line[128];

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
			v = kb * KiB;
			break;
		}
	fclose(f);
	return v;
}

int sim_mem_check(const struct sim_scenario *sc, char *msg, unsigned len)
{
	uint64_t need = sim_mem_estimate(sc), avail = mem_available();
	uint64_t limit = avail;
	const char *what = "MemAvailable";
	struct rlimit rl;

	if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    (uint64_t)rl.rlim_cur < limit) {
		limit = rl.rlim_cur;
		what = "RLIMIT_AS (ulimit -v)";
	}
	if (need <= limit)
		return 0;
	snprintf(msg, len, "the scenario needs about %llu MiB of memory to "
		 "simulate, more than the %llu MiB this machine allows (%s); "
		 "make the guests smaller, map more at 2M (huge=)%s or touch "
		 "less (touch=)", (unsigned long long)(need / MiB),
		 (unsigned long long)(limit / MiB), what,
		 sc->host_frag_pct ? ", lower --host-frag" : "");
	return -1;
}
