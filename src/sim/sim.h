/*
 * sim.h - the boundary between the simulation engine and its front end.
 *
 * The front end (src/sim/scenario_*.c, src/sim/report_*.c, tools/cmd_sim.c)
 * parses flags or a JSON scenario into struct sim_scenario, calls
 * sim_run(), and renders struct sim_report as JSON, a human summary, a
 * timeline CSV and a plot.  The engine (src/vmm/, src/sim/engine.c) builds
 * the module model, the host manager and the VMM, runs the TDs on vCPU
 * threads and fills the report.  Hosted code (libc, pthreads).
 */
#ifndef DPAMT_SIM_H
#define DPAMT_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdx_abi.h"

/* Guests of one scenario.  The scenario and the report hold a spec and
 * a ~100-byte report per possible guest: front ends keep them on the
 * heap (sim_mem_estimate() counts both). */
#define SIM_MAX_GUESTS 1024
/* --hkids / hkids: the platform's private HKIDs (TDX KeyIDs), one of
 * them the module's global HKID: at most 2047 (the module's MAX_HKIDS,
 * TDXMOD_MAX_HKIDS, is 2048 with KeyID 0 never private); default 63. */
#define SIM_MIN_HKIDS 2u
#define SIM_MAX_HKIDS 2047u
#define SIM_DEFAULT_HKIDS 63u
/* The simulated host, and so any one guest, is at most 16 TiB (the
 * allocator stores 32-bit page frame numbers). */
#define SIM_MAX_HOST_MEM (16ull << 40)
#define SIM_MAX_ERRORS 32
/* --busy-attempts / busy_attempts: at most this many (the VMM's
 * VMM_FAULT_BUSY_ATTEMPTS, its default). */
#define SIM_MAX_BUSY_ATTEMPTS 4096u
/* --idle-pairs / idle_pairs: at most this many (2 GiB of pairs). */
#define SIM_MAX_IDLE_PAIRS (1u << 20)
/* --low-watermark / low_watermark: percent of host memory, at most. */
#define SIM_MAX_LOW_WATERMARK 99u
/* --host-frag / host_frag: percent of each fragmented block, at most. */
#define SIM_MAX_HOST_FRAG 99u

struct sim_guest_spec {
	bool legacy;        /* --vm: a non-TD VM, never any PAMT traffic */
	uint64_t size;      /* private memory bytes (2 MiB multiple) */
	unsigned vcpus;     /* default 4 */
	unsigned huge_pct;  /* share of memory mapped at 2M, default 0 */
	unsigned touch_pct; /* share of memory faulted in, default 100 */
	unsigned convert_pct; /* share converted private->shared->private */
	unsigned churn_pct; /* share of each 4K chunk unmapped and faulted
			       back in, VMM_CHURN_ROUNDS times, default 0 */
};

/*
 * The virtual-time cost model (docs/cost-model.md): what each simulated
 * action costs, in ns.  X(name, default, what): the scenario key and
 * --cost name is <name>_ns.  Per-leaf module latency is seamcall_ns[].
 */
#define SIM_COSTS(X)                                                        \
	X(seamcall_entry, 500, "SEAMCALL entry + exit (any leaf)")         \
	X(fault, 1500, "guest fault: VM exit + KVM handling + VM entry")  \
	X(page_zero, 330, "clearing one 4 KiB page")                      \
	X(atomic, 5, "uncontended atomic RMW / lock word write")          \
	X(transfer, 70, "cache line last written by another CPU")         \
	X(relax, 40, "one pause in a spin loop")                          \
	X(cpu_switch, 1000, "a vCPU put on a pCPU another one used")

struct sim_cost {
#define SIM_COST_FIELD(n, d, w) uint64_t n##_ns;
	SIM_COSTS(SIM_COST_FIELD)
#undef SIM_COST_FIELD
};
void sim_cost_default(struct sim_cost *c);

enum sim_clock { SIM_CLOCK_VIRTUAL = 0, SIM_CLOCK_WALL };
/* Tie-breaking / exploration policy of the virtual clock (vt.h). */
enum sim_sched { SIM_SCHED_FIFO = 0, SIM_SCHED_RANDOM, SIM_SCHED_PCT };
#define SIM_MAX_PCPUS 1024u
#define SIM_MAX_PCT_DEPTH 64u

struct sim_scenario {
	uint64_t host_mem;            /* 0: sized to fit the guests */
	unsigned n_guests;
	struct sim_guest_spec guests[SIM_MAX_GUESTS];
	unsigned cycles;              /* default 1 */
	enum dpamt_mode mode;         /* AUTO = dynamic */
	enum dpamt_strategy strategy; /* default global-lock */
	unsigned threads;             /* 0: one per vCPU; N: at most N */
	/* pCPUs: at most this many vCPUs work at once (a holder of a
	 * non-sleeping section is never parked behind another vCPU);
	 * 0: virtual clock: one per vCPU (at most 1024); wall clock: the
	 * machine's online CPUs. */
	unsigned pcpus;
	enum sim_clock clock;         /* default virtual */
	enum sim_sched sched;         /* virtual clock only; default fifo */
	unsigned pct_depth;           /* pct: D, default 3 */
	struct sim_cost cost;         /* virtual clock only */
	uint64_t seed;
	uint64_t seamcall_ns[DPAMT_TDX_LEAF_MAX]; /* module latency per leaf */
	double busy_inject;           /* BUSY injection per SEAMCALL, 0..1 */
	double busy_inject_lock;      /* BUSY injection per try-lock, 0..1 */
	/* Attempts of a fault or a TD creation while the module answers
	 * BUSY before it fails, counted (docs/vmm.md, "Retry policy"):
	 * 1..SIM_MAX_BUSY_ATTEMPTS; 0: the maximum. */
	unsigned busy_attempts;
	/* Pair pages from a pool of whole 2 MiB blocks (docs/design.md §9)
	 * instead of the allocator's 4K pages; default off. */
	bool pair_pool;
	/* Guests' and vCPUs' 4K pages interleaved in shared 2 MiB ranges
	 * (exploration of put/put and get/put races); default off. */
	bool shared_ranges;
	/* Pairs the manager keeps installed at refcount 0 for reuse
	 * (cfg.max_idle_pairs); default 0. */
	unsigned idle_pairs;
	/* Private HKIDs of the platform (the model's hkid_min..hkid_max is
	 * 1..hkids); TDs at once: at most hkids - 1.  Default 63. */
	unsigned hkids;
	/* With idle_pairs: below this percent of host memory free, the
	 * allocator's low-watermark shrinker gives idle pairs back until
	 * twice that is free (0: no shrinker); default 2. */
	unsigned low_watermark_pct;
	/* A fragmented host (docs/sim.md, "Fragmented host"): this percent
	 * of the 4K pages of every 2 MiB block of a region sized for the
	 * guests' 4K memory belong to the host's other users, so TDs' 4K
	 * pages lie thinly over many ranges; 0..99, default 0 (none). */
	unsigned host_frag_pct;
	bool quiet;
	bool progress;                /* draw a progress bar on stderr */
	/* Test hook: in each cycle, the k-th host allocation from the start
	 * of guest creation fails (phys_alloc_fail_nth; disarmed once the
	 * guests booted); 0: off.  Not a CLI flag. */
	uint64_t alloc_fail_nth;
};

/* Default per-leaf module latency, ns (docs/cost-model.md): 3000 for
 * PAMT.ADD/REMOVE, 3830 for DEMOTE/PROMOTE, 500..1160 for the other leaves
 * that hold PAMT entry locks, 0 for the rest. */
void sim_leaf_latency_default(uint64_t lat[DPAMT_TDX_LEAF_MAX]);
/* Defaults: seed experiment (10 TDs x 16 GiB, 4 vCPUs), the leaf
 * latencies above, seed 1, global-lock, dynamic. */
void sim_scenario_default(struct sim_scenario *sc);
/* Same but with no guests (for front ends that add their own). */
void sim_scenario_empty(struct sim_scenario *sc);
/* Host memory a scenario needs (guests, S-EPT and control pages, PAMT,
 * headroom, the fragmented region), rounded up to 1 GiB: what host_mem
 * 0 resolves to.  Saturates at UINT64_MAX. */
uint64_t sim_host_mem_needed(const struct sim_scenario *sc);
/* The fragmented region of a scenario with host_frag_pct (0 without):
 * 2 MiB blocks enough for the guests' 4K memory, their S-EPT and control
 * pages and one pair per block in the pages the host leaves free, plus a
 * home for the manager's pages (one vCPU's share) and 1/8; it is the top
 * of host memory.  Saturates at UINT64_MAX. */
uint64_t sim_host_frag_bytes(const struct sim_scenario *sc);

/* One point on the timeline, emitted at every phase change and quiescent
 * point (and periodically while vCPUs run). */
struct sim_event {
	uint64_t t_ns;          /* since start */
	const char *what;       /* "td_boot", "td_booted", "td_destroyed"... */
	int guest;              /* index or -1 */
	uint64_t pairs;         /* installed now */
	uint64_t dynamic_bytes;
	uint64_t busy;          /* BUSY answers so far (all leaves) */
	uint64_t contentions;   /* host lock contentions so far */
};

struct sim_callbacks {
	void *arg;
	void (*event)(void *arg, const struct sim_event *ev);      /* may be NULL */
	void (*progress)(void *arg, uint64_t done, uint64_t total); /* may be NULL */
};

struct sim_guest_report {
	struct sim_guest_spec spec;
	uint64_t pages_4k;      /* private pages mapped at 4K (peak) */
	uint64_t pages_2m;      /* private 2M mappings (peak) */
	uint64_t sept_pages;    /* S-EPT pages (peak) */
	uint64_t control_pages; /* TDR + TDCS + TDVPR + TDCX */
	uint64_t pairs_peak;    /* pairs for ranges this guest used (peak) */
	uint64_t demotes, promotes, conversions;
};

struct sim_leaf_report {
	uint64_t calls, busy, errors;
};

struct sim_report {
	enum dpamt_mode mode;       /* resolved: DYNAMIC or STATIC */
	enum dpamt_strategy strategy;
	uint64_t seed;
	uint64_t host_mem;
	unsigned pcpus;             /* resolved pCPU count */
	unsigned hkids;             /* the scenario's private HKIDs */
	struct dpamt_stats pamt;    /* manager stats at the end (bytes too) */
	struct sim_leaf_report leaves[DPAMT_TDX_LEAF_MAX];
	uint64_t invariant_checks, invariant_violations;
	uint64_t leaked_pages;
	bool pair_pool;             /* the scenario's pair_pool */
	bool shared_ranges;         /* the scenario's shared_ranges */
	/* 2 MiB ranges in which two or more guests held 4K module pages,
	 * at most, over the quiescent checks. */
	uint64_t ranges_shared_peak;
	/* 2 MiB ranges holding at least one pair page (installed or in a
	 * cache), at most at once; with the pool, its blocks (peak) and the
	 * pair pages it could not serve (no free block: ordinary pages). */
	uint64_t ranges_blocked_by_pairs_peak;
	uint64_t pair_pool_blocks_peak, pair_pool_fallbacks;
	unsigned idle_pairs;        /* the scenario's idle_pairs */
	/* The scenario's host_frag_pct, its region (bytes at the top of
	 * host memory) and the 4K pages the host owns there. */
	unsigned host_frag_pct;
	uint64_t host_frag_bytes, host_owned_pages;
	/* The low-watermark shrinker (idle_pairs > 0): times it ran, idle
	 * pairs it gave back (--low-watermark). */
	uint64_t shrinker_runs, shrinker_pairs;
	/* Time of the 4K faults (retries included) on the run's clock
	 * (virtual ns, or wall ns with SIM_CLOCK_WALL), from a histogram
	 * with 8 buckets per power of two: a bucket's upper bound. */
	uint64_t faults_timed, fault_p50_ns, fault_p99_ns;
	uint64_t fault_p999_ns, fault_mean_ns;
	uint64_t busy_retries_vmm;  /* BUSY retries of the VMM's own calls */
	uint64_t fault_retries_vmm; /* faults retried after a failure */
	/* Faults (and DEMOTEs) and TD creations that gave up with the module
	 * still BUSY after busy_attempts: undone, not errors. */
	uint64_t fault_busy_failures, td_create_busy_failures;
	unsigned n_guests;
	struct sim_guest_report guests[SIM_MAX_GUESTS];
	unsigned n_errors;
	char errors[SIM_MAX_ERRORS][160];
	/* Virtual clock (clock == SIM_CLOCK_VIRTUAL): the run's makespan in
	 * simulated ns, each pCPU's busy / spin / idle time, the install/
	 * remove lock's waits, and the engine's context switches. */
	enum sim_clock clock;
	enum sim_sched sched;
	unsigned pct_depth;
	struct sim_cost cost;
	uint64_t seamcall_ns[DPAMT_TDX_LEAF_MAX]; /* per-leaf latency used */
	uint64_t makespan_ns;
	uint64_t cpu_busy_ns[SIM_MAX_PCPUS], cpu_spin_ns[SIM_MAX_PCPUS];
	uint64_t cpu_idle_ns[SIM_MAX_PCPUS];
	uint64_t busy_ns, spin_ns, idle_ns; /* sums over the pCPUs */
	uint64_t lock_wait_p50_ns, lock_wait_p99_ns, lock_wait_max_ns;
	uint64_t lock_hold_ns;       /* install/remove lock held, all CPUs */
	uint64_t vt_switches;
	uint64_t wall_ns;
	/* Where the wall time went: vCPUs booting (all cycles), guests
	 * shutting down (reclaim), invariant checks. */
	uint64_t boot_ns, shutdown_ns, check_ns;
};

/*
 * Validate a scenario without running it: 0, or -1 with a one-line
 * message (what is wrong and how to fix it) in msg.
 */
int sim_validate(const struct sim_scenario *sc, char *msg, unsigned len);

/*
 * Memory this process needs to simulate sc, in bytes (resident: model
 * state, host manager, VMM; coefficients in engine_memest.c, the one
 * place to retune them).  sim_mem_check(): 0 if it fits in the smaller
 * of MemAvailable (/proc/meminfo) and RLIMIT_AS, else -1 with a message
 * giving the estimate and the limit (the front end exits 2, nothing ran).
 * Unknown limits (no /proc) count as no limit.  Any thread.
 */
uint64_t sim_mem_estimate(const struct sim_scenario *sc);
int sim_mem_check(const struct sim_scenario *sc, char *msg, unsigned len);

/*
 * Run the scenario.  Returns 0 if it ran clean, 1 if any invariant was
 * violated or anything leaked (report filled either way), 2 if the
 * scenario is invalid (msg in report->errors[0], nothing ran).
 */
int sim_run(const struct sim_scenario *sc, const struct sim_callbacks *cb,
	    struct sim_report *report);

#endif /* DPAMT_SIM_H */
