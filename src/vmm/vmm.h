/*
 * vmm.h - a minimal VMM that runs TDs on the host DPAMT manager.
 *
 * What KVM does for a TD, as far as PAMT cares: control structures (TDR,
 * TDCS pages, TDVPR and TDCX pages per vCPU), private memory mapped at 4K
 * or 2M through PAGE.AUG, S-EPT pages added as the tree grows, a fault path
 * that tops up a per-vCPU page cache before its non-sleeping section,
 * huge-page split/merge (DEMOTE/PROMOTE), private<->shared conversion and
 * teardown with reclaim.  Legacy (non-TD) VMs take pages from the allocator
 * and never touch PAMT.
 *
 * Memory bookkeeping is flat arrays sized by the TD (no per-page malloc):
 * a bit per 4 KiB GPA page (mapped at 4K), a state and count per 2 MiB
 * GPA chunk, S-EPT pages per chunk / GiB / 512 GiB.  Which host page a
 * GPA page is mapped to, the VMM reads from the module's S-EPT
 * (vmm_host.sept_4k, as KVM reads its mirror of it); only legacy VMs,
 * which have no S-EPT, keep a 32-bit host frame per page.
 *
 * Concurrency: each vCPU works only on its own share of the TD's chunks
 * (a contiguous run of 2 MiB GPA chunks), so chunk state, the level-1
 * S-EPT slots, the mapped bits and the frame array need no lock.  The level-2/3 S-EPT slots
 * are shared by the vCPUs of a TD: read with acquire loads, added under the
 * TD's mmu_lock.  TD create/destroy are single-threaded per TD; different
 * TDs run fully concurrently.  Hosted code (libc, pthreads).
 */
#ifndef DPAMT_VMM_H
#define DPAMT_VMM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "dpamt/dpamt.h"
#include "dpamt/tdx_abi.h"
#include "glue/phys_alloc.h"

#define VMM_PAGE 4096ull
#define VMM_2M (2ull << 20)
#define VMM_1G (1ull << 30)
#define VMM_512G (512ull << 30)
#define VMM_PAGES_PER_2M 512u
#define VMM_MAX_VCPUS 64u
/* HKIDs the pool can hand out: below the module's MAX_HKIDS (2048). */
#define VMM_MAX_HKIDS 2048u
/* A fault that fails this often in a row gives up (the vCPU stops);
 * failures because the module stayed BUSY get many more attempts, with a
 * randomised backoff (a guest would simply fault again). */
#define VMM_FAULT_ATTEMPTS 16u
#define VMM_FAULT_BUSY_ATTEMPTS 4096u
/* BUSY answers to one SEAMCALL before the VMM gives up on it. */
#define VMM_BUSY_RETRIES 100000u
/* PROMOTE is optional (the chunk may stay split): fewer BUSY retries. */
#define VMM_PROMOTE_RETRIES 64u
/* Pages the vCPU keeps for S-EPT pages: one per level a fault may add. */
#define VMM_SEPT_STASH 4u
/* Pages a vCPU takes from / gives back to the allocator in one go. */
#define VMM_MAG 64u
/* churn=PCT: rounds of "unmap that share of the 4K chunks wholly,
 * fault them back in" after boot. */
#define VMM_CHURN_ROUNDS 8u
/* Fault latency histogram (wall time): 8 buckets per power of two of
 * nanoseconds, up to 2^40 ns. */
#define VMM_LAT_SUB 8u
#define VMM_LAT_BUCKETS (40u * VMM_LAT_SUB)

/* pCPU tokens (pcpu.c): at most n vCPU threads work at once; 0 = all. */
struct vmm_pcpus {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	unsigned n, free;
};
void vmm_pcpus_init(struct vmm_pcpus *p, unsigned n);
void vmm_pcpus_set(struct vmm_pcpus *p, unsigned n);
void vmm_pcpus_fini(struct vmm_pcpus *p);
void vmm_pcpu_enter(struct vmm_pcpus *p);
void vmm_pcpu_leave(struct vmm_pcpus *p);

/*
 * Where the vCPU threads run (env.c).  NULL in vmm_host.env: real threads
 * on the wall clock (pCPU tokens, pthread mutexes, nanosleep, sched_yield,
 * pause).  A simulator sets its own: every call below is then one of its
 * yield points.  cost: work the simulator charges time for (may be NULL).
 */
enum vmm_cost {
	VMM_COST_FAULT,   /* a guest fault: VM exit + KVM handling + entry */
	VMM_COST_ZERO_4K, /* a 4 KiB page cleared for the guest / S-EPT */
	VMM_COST_ZERO_2M, /* a 2 MiB block cleared for the guest */
};
struct vmm_env {
	void *ctx;
	void (*cpu_enter)(void *ctx);
	void (*cpu_leave)(void *ctx);
	void (*sleep_ns)(void *ctx, uint64_t ns);
	void (*yield)(void *ctx);
	void (*pause)(void *ctx);
	void *(*lock_new)(void *ctx);
	void (*lock_del)(void *ctx, void *lock);
	void (*lock)(void *ctx, void *lock);
	void (*unlock)(void *ctx, void *lock);
	void (*cost)(void *ctx, enum vmm_cost what);
	/* The calling vCPU's clock, ns (faults are timed with it). */
	uint64_t (*now_ns)(void *ctx);
};

/* Everything the TDs of one host share. */
struct vmm_host {
	void (*seamcall)(void *ctx, struct dpamt_tdx_regs *regs);
	void *seamcall_ctx;
	struct dpamt *dp;
	struct phys_alloc *pa;
	bool dynamic;                  /* manager runs Dynamic PAMT */
	unsigned tdcs_pages, tdcx_pages, pages_per_get;
	uint64_t mem_bytes;            /* host memory: PA 0..mem_bytes */
	uint64_t n_ranges;             /* 2 MiB ranges of host memory */
	struct vmm_pcpus pcpus;        /* vmm_pcpus_set() after init */
	const struct vmm_env *env;     /* NULL: real threads (set after init) */
	pthread_mutex_t hkid_lock;
	unsigned hkid_min, hkid_max;
	/* Per host range, over the TDs whose range_refs exist: the 4K
	 * module pages they hold (sum of range_refs) and how many of them
	 * hold some; kept by vmm_td_ref / vmm_td_free for the checkers. */
	_Atomic uint32_t *range_held, *range_holders;
	uint64_t hkid_used[VMM_MAX_HKIDS / 64]; /* bit per HKID (util/bitmap.h) */
	_Atomic uint64_t busy_retries; /* BUSY retries of the VMM's calls */
	_Atomic uint64_t fault_retries;/* faults retried after a failure */
	/* Attempts of a may-fail step (fault, 2M mapping, DEMOTE, a TD
	 * creation's page get) while the module answers BUSY; 1..
	 * VMM_FAULT_BUSY_ATTEMPTS, set after init (default the maximum). */
	unsigned busy_attempts;
	/* May-fail steps that gave up with the module still BUSY after
	 * busy_attempts: undone, counted here, not errors (docs/vmm.md,
	 * "Retry policy"). */
	_Atomic uint64_t fault_busy_failures;     /* faults, DEMOTEs */
	_Atomic uint64_t td_create_busy_failures; /* TD creations */
	/* Every 4K fault's time on vmm_now_ns (retries included), all
	 * vCPUs: virtual ns under a simulator's env, wall ns without. */
	_Atomic uint64_t fault_lat[VMM_LAT_BUCKETS];
	_Atomic uint64_t fault_lat_sum_ns;
	_Atomic uint64_t seamcall_errors;
	_Atomic uint64_t idle_blocks;  /* free 2M blocks found holding a pair */
	_Atomic bool fatal;            /* the module answered MODEL_FATAL */
	/* Shared ranges: every vCPU of every guest takes its 4K pages one
	 * at a time, vCPU number k (hint) of shared_lanes the pages at
	 * indexes = k mod shared_lanes of each 2 MiB block, so the vCPUs of
	 * all guests share ranges (set before the first TD is created). */
	bool shared_ranges;
	unsigned shared_lanes;
	/* Error sink (thread-safe); may be NULL. */
	void (*error)(void *arg, const char *msg);
	void *error_arg;
	/* The module's S-EPT, read (tdxmod_sept_4k's contract): the n pages
	 * mapped at 4K from gpa (one 2 MiB of GPA) into pa, 0 where none;
	 * returns how many.  Set before the first TD is created. */
	unsigned (*sept_4k)(void *ctx, uint64_t tdr, uint64_t gpa, unsigned n,
			    uint64_t *pa);
	void *sept_ctx;
};

enum vmm_chunk_state {
	VMM_CH_NONE = 0, /* nothing mapped, no block */
	VMM_CH_4K,       /* 4K pages from the allocator, one by one */
	VMM_CH_2M,       /* one 2 MiB block mapped at 2M */
	VMM_CH_SPLIT,    /* a 2 MiB block mapped as 4K pages (demoted) */
};

struct vmm_td;

struct vmm_vcpu {
	struct vmm_td *td;
	unsigned index;        /* within the TD */
	unsigned hint;         /* allocator arena (global vCPU number) */
	uint64_t tdvpr;
	uint64_t *tdcx;        /* tdcx_pages entries */
	struct dpamt_cache cache;
	uint64_t stash[VMM_SEPT_STASH]; /* pre-allocated S-EPT pages */
	unsigned n_stash;
	uint64_t target;       /* pre-allocated private page, 0 if none */
	uint64_t mag[VMM_MAG]; /* pages taken from the allocator, unused */
	unsigned mag_pos, mag_n;
	uint64_t lane_cursor;  /* shared_ranges: block its lane scan is at */
	uint64_t fbuf[VMM_MAG];/* pages on their way back to the allocator */
	unsigned n_fbuf;
	uint64_t chunk_first, chunk_count; /* this vCPU's share */
	uint64_t rng;
	uint32_t lat[VMM_LAT_BUCKETS]; /* its faults' wall times, flushed
					  into the host's at the end */
	uint64_t lat_sum_ns;
	/* Owner writes (relaxed atomics: the sampler reads them). */
	_Atomic uint64_t faults;        /* 4K faults + 2M mappings done */
	_Atomic uint64_t work_total;    /* faults this vCPU will do */
	uint64_t pages_4k, pages_4k_peak, pages_2m, pages_2m_peak;
	uint64_t sept_pages, sept_peak, demotes, promotes, conversions;
	uint64_t promote_busy; /* merges given up after BUSY (stay split) */
	uint64_t errors;
	bool stopped;          /* gave up after a failed fault */
};

struct vmm_td_spec {
	bool legacy;
	uint64_t size;         /* bytes, 2 MiB multiple */
	unsigned vcpus;
	unsigned huge_pct, touch_pct, convert_pct;
	unsigned churn_pct;    /* share of each 4K chunk unmapped + refaulted */
	uint64_t seed;
};

struct vmm_td {
	struct vmm_host *h;
	int index;
	struct vmm_td_spec spec;
	uint64_t n_chunks, n_pages;
	bool created;          /* MNG.CREATE done: teardown must run */
	bool keyed;            /* HKID taken */
	bool key_freed;        /* MNG.KEY.FREEID done: HKID reusable */
	uint64_t tdr;
	unsigned hkid;
	uint64_t *tdcs;        /* tdcs_pages entries, 0 = none */
	unsigned n_vcpus;      /* vCPUs created */
	struct vmm_vcpu *vcpu; /* spec.vcpus entries */
	uint32_t *pfn;         /* legacy: per GPA page, its host frame */
	uint64_t *mapped;      /* TD: bit per GPA page, mapped at 4K */
	uint32_t *chunk_pfn;   /* per chunk: base frame of its 2 MiB block */
	uint8_t *chunk_state;  /* enum vmm_chunk_state */
	uint16_t *chunk_mapped;/* 4K pages of the chunk mapped now */
	uint32_t *sept1;       /* per chunk: level-1 S-EPT page frame */
	_Atomic uint32_t *sept2; /* per GiB */
	_Atomic uint32_t *sept3; /* per 512 GiB */
	uint64_t n_sept2, n_sept3;
	void *mmu_lock;        /* adds of level-2/3 S-EPT pages (vmm_lock) */
	/* Host 2 MiB ranges this TD holds 4K module pages in. */
	_Atomic uint32_t *range_refs; /* per host range, NULL for legacy */
	_Atomic uint64_t pairs_now, pairs_peak;
	uint64_t control_pages;
};

/* ---- host ---------------------------------------------------------------
 * vmm_host_init: fill the host from a manager and an allocator (reads the
 * manager's metadata).  Single-threaded.  0 or -1. */
int vmm_host_init(struct vmm_host *h, struct dpamt *dp,
		  struct phys_alloc *pa, uint64_t mem_bytes,
		  void (*seamcall)(void *ctx, struct dpamt_tdx_regs *regs),
		  void *seamcall_ctx);
void vmm_host_fini(struct vmm_host *h);
/* Report one error line through h->error.  Any thread (the sink must be
 * thread-safe). */
void vmm_error(struct vmm_host *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A SEAMCALL of a may-fail step did not succeed with final status st:
 * DPAMT_EBUSY if the module stayed BUSY (the step's budget decides, no
 * report), else the message (fmt, then ": status 0x..") is reported and
 * DPAMT_EIO returned.  Any thread. */
int vmm_call_failed(struct vmm_host *h, uint64_t st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One SEAMCALL with BUSY retried (bounded, counted).  Returns the final
 * status; regs hold the outputs.  Any thread. */
uint64_t vmm_seamcall(struct vmm_host *h, struct dpamt_tdx_regs *regs);
/* Same with a caller-chosen retry budget (for optional operations). */
uint64_t vmm_seamcall_n(struct vmm_host *h, struct dpamt_tdx_regs *regs,
			unsigned retries);

/* The module is in its fatal state: stop calling it (any thread). */
bool vmm_fatal(struct vmm_host *h);
/* dpamt_put that reports a failure (a refused REMOVE, an unbalanced put)
 * as an error of the run instead of dropping it. */
void vmm_put(struct vmm_host *h, uint64_t pa, struct dpamt_cache *c);
/* dpamt_reclaim_page, retried with backoff for as long as the module
 * stays BUSY past the manager's budget (teardown has no caller to hand
 * BUSY to: docs/vmm.md, "Retry policy").  Any thread, no lock held. */
int vmm_reclaim(struct vmm_host *h, uint64_t pa, struct dpamt_cache *c);
/* The backoff between BUSY retries outside a vCPU: yield, then sleep
 * 1 us doubling to 1 ms; counted in fault_retries.  May sleep. */
void vmm_busy_backoff(struct vmm_host *h, unsigned attempt);
/* Note an error code from the manager (DPAMT_EFATAL marks the host). */
void vmm_note(struct vmm_host *h, int err);

/* The environment (env.c): pCPU enter/leave, sleep, sched_yield, one
 * pause, the per-TD mmu_lock (a mutex; NULL from lock_new on ENOMEM), and
 * the cost of simulated work.  Any vCPU thread; lock_new/del single-
 * threaded per TD. */
void vmm_cpu_enter(struct vmm_host *h);
void vmm_cpu_leave(struct vmm_host *h);
void vmm_sleep_ns(struct vmm_host *h, uint64_t ns);
/* The env's clock (CLOCK_MONOTONIC without one), ns.  Concurrency: a
 * vCPU thread (the env's clock is the calling task's). */
uint64_t vmm_now_ns(struct vmm_host *h);
void vmm_yield(struct vmm_host *h);
void vmm_pause(struct vmm_host *h);
void *vmm_lock_new(struct vmm_host *h);
void vmm_lock_del(struct vmm_host *h, void *lock);
void vmm_lock(struct vmm_host *h, void *lock);
void vmm_unlock(struct vmm_host *h, void *lock);
void vmm_cost(struct vmm_host *h, enum vmm_cost what);

/* HKID pool: 0 and a free HKID, or -1 when all are in use.  Any thread. */
int vmm_hkid_get(struct vmm_host *h, unsigned *hkid);
void vmm_hkid_put(struct vmm_host *h, unsigned hkid);

/* ---- TD memory bookkeeping (td_mem.c) ------------------------------------
 * Allocate / free the flat arrays of a TD.  Single-threaded. */
int vmm_td_alloc(struct vmm_td *td, struct vmm_host *h, int index,
		 const struct vmm_td_spec *spec, unsigned first_hint);
void vmm_td_free(struct vmm_td *td);
/* Note that this TD took (+1) or dropped (-1) a 4K module page at pa, or
 * n of them.  Any vCPU of the TD. */
void vmm_td_ref(struct vmm_td *td, uint64_t pa, int delta);
/* A GPA page's 4K mapping: is it mapped; set it (pa != 0) or clear it;
 * its host page (0 if none); the host pages of chunk c into pa[512],
 * returning how many are mapped.  The vCPU that owns the chunk (or
 * anyone at quiescence). */
bool vmm_page_mapped(const struct vmm_td *td, uint64_t page);
/* Is any page of chunk c mapped at 4K (vmm_page_mapped for some page)? */
bool vmm_chunk_any_mapped(const struct vmm_td *td, uint64_t c);
void vmm_page_mark(struct vmm_td *td, uint64_t page, uint64_t pa);
uint64_t vmm_page_pa(const struct vmm_td *td, uint64_t page);
unsigned vmm_chunk_pas(const struct vmm_td *td, uint64_t c, uint64_t *pa);
/* Pure functions of the TD's spec (any thread): */
/* Is the chunk c of the TD backed at 2M under the huge_pct share? */
bool vmm_chunk_is_huge(const struct vmm_td *td, uint64_t c);
/* Pages of chunk c the TD touches at boot (touch_pct), as a bitmap test. */
bool vmm_page_touched(const struct vmm_td *td, uint64_t page);
/* Pages of chunk c converted private->shared->private (convert_pct). */
unsigned vmm_convert_count(const struct vmm_td *td);
/* churn=PCT picks chunk c (every 100/PCT-th chunk). */
bool vmm_chunk_churned(const struct vmm_td *td, uint64_t c);

/* ---- TD life (td_create.c, td_teardown.c) --------------------------------
 * vmm_td_create: TDR, MNG.CREATE, TDCS pages, MNG.INIT, every vCPU's
 * TDVPR/TDCX, VP.CREATE/ADDCX/INIT.  On failure whatever was made is left
 * for vmm_td_destroy; DPAMT_EBUSY (the module stayed BUSY past the
 * budget) is counted in td_create_busy_failures, not reported.  vmm_td_destroy: VPFLUSHDONE, KEY.FREEID, reclaim
 * every page.  The private pages are reclaimed by vmm_vcpu_reclaim (run it
 * for every vCPU first, concurrently if wanted), then vmm_td_destroy does
 * S-EPT, TDCX, TDVPR, TDCS, TDR.  Legacy VMs skip all module calls. */
/* Concurrency: create, teardown_begin and destroy run on one thread per
 * TD with no vCPU work running on it; other TDs may run anything. */
int vmm_td_create(struct vmm_td *td);
int vmm_td_teardown_begin(struct vmm_td *td);
void vmm_vcpu_reclaim(struct vmm_vcpu *v);
void vmm_td_destroy(struct vmm_td *td);

/* ---- vCPU work (fault.c, huge.c, convert.c, vcpu.c, pages.c) ------------
 * vmm_vcpu_boot: fault in the vCPU's share (touch_pct, huge_pct), then
 * convert convert_pct of it to shared and back.  Every function below
 * runs on the vCPU's own thread, on chunks of its own share; vCPUs of one
 * TD and of different TDs run concurrently (level-2/3 S-EPT adds are
 * serialised per TD by mmu_lock inside vmm_sept_ensure). */
void vmm_vcpu_boot(struct vmm_vcpu *v);
/* Work units vmm_vcpu_boot will count in v->faults. */
uint64_t vmm_vcpu_work(const struct vmm_vcpu *v);
int vmm_fault_4k(struct vmm_vcpu *v, uint64_t page);
/* vmm_fault_4k until it succeeds or the attempts run out (counted in
 * fault_retries); reports the failure. */
int vmm_fault_retry(struct vmm_vcpu *v, uint64_t page);
/* Back off before re-trying a failed fault (attempt = failures so far). */
void vmm_fault_backoff(struct vmm_vcpu *v, unsigned attempt);
/* Should a fault that failed with err after 'attempt' tries go on? */
bool vmm_fault_again(const struct vmm_host *h, int err, unsigned attempt);
/* A may-fail step (fault, 2M mapping, DEMOTE) gave up with err: still
 * BUSY is counted in fault_busy_failures, anything else reported as an
 * error ("td N vcpu M: <what> at gpa X failed: ...").  Returns err.  A
 * step returns DPAMT_EBUSY to its caller only after this counted it, so
 * callers report no DPAMT_EBUSY again. */
int vmm_step_failed(struct vmm_vcpu *v, int err, const char *what,
		    uint64_t gpa);
/* vmm_map_2m until it maps, finds no block (1) or gives up (an error,
 * through vmm_step_failed). */
int vmm_map_2m_retry(struct vmm_vcpu *v, uint64_t chunk);
/* 0 mapped, 1 no free 2 MiB block (map it at 4K), or an error. */
int vmm_map_2m(struct vmm_vcpu *v, uint64_t chunk);
/* A free 2 MiB block has no (idle) pair left in it: usable at 2M. */
bool vmm_block_pair_free(struct vmm_host *h, uint64_t block);
/* Split a 2M chunk (DEMOTE): 0 or an error (chunk unchanged). */
int vmm_demote(struct vmm_vcpu *v, uint64_t chunk);
/* KVM's prelude to a removal in a runnable TD (convert.c): RANGE.BLOCK of
 * the S-EPT entry at gpa|level (already blocked is fine), then MEM.TRACK.
 * 0 or DPAMT_EIO (reported).  Any vCPU thread of the TD. */
int vmm_block_track(struct vmm_td *td, uint64_t gpa_level);
/* 0 merged, 1 left split (module stayed BUSY), or an error. */
int vmm_promote(struct vmm_vcpu *v, uint64_t chunk);
/* First n pages of the chunk to shared and back: 0 or an error. */
int vmm_convert_chunk(struct vmm_vcpu *v, uint64_t chunk, unsigned n);
/* churn: unmap every page of 4K or split chunk c (a 4K chunk's pages
 * back to the allocator), fault them all back in. */
int vmm_churn_chunk(struct vmm_vcpu *v, uint64_t chunk);
/* Fault latency histogram: bucket of ns, its upper bound, and the
 * quantile q (0..1) of the host's histogram (0 if empty). */
unsigned vmm_lat_bucket(uint64_t ns);
uint64_t vmm_lat_quantile(struct vmm_host *h, double q, uint64_t *count);
/* S-EPT: make sure the tables above gpa down to level 'lowest' exist
 * (called inside the fault section: pages come from v->stash). */
int vmm_sept_ensure(struct vmm_vcpu *v, uint64_t gpa, unsigned lowest);
/* Outside the section: stash pages and cache for a fault at gpa. */
int vmm_fault_prepare(struct vmm_vcpu *v, uint64_t gpa, unsigned lowest,
		      bool need_target_pair);
void vmm_vcpu_release(struct vmm_vcpu *v); /* stash, target, cache back */

/* The vCPU's page magazine (pages.c): one page from it (refilled from
 * the allocator in batches), or DPAMT_ENOMEM; a page back (batched);
 * everything held back to the allocator. */
int vmm_page_alloc(struct vmm_vcpu *v, uint64_t *pa);
void vmm_page_free(struct vmm_vcpu *v, uint64_t pa);
void vmm_pages_flush(struct vmm_vcpu *v);

/* Legacy VM pages (legacy.c), on the vCPU's thread. */
void vmm_legacy_boot(struct vmm_vcpu *v);
void vmm_legacy_reclaim(struct vmm_vcpu *v);

static inline uint64_t vmm_pfn_pa(uint32_t pfn)
{
	return (uint64_t)pfn * VMM_PAGE;
}

static inline uint32_t vmm_pa_pfn(uint64_t pa)
{
	return (uint32_t)(pa / VMM_PAGE);
}

#endif /* DPAMT_VMM_H */
