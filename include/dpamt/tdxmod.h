/*
 * tdxmod.h - public API of the executable TDX-module model.
 *
 * The model is the module side of Dynamic PAMT: TDMRs, the static 1G/2M
 * PAMT arrays, the 4K array (classic) or the page bitmap (dynamic), pairs
 * installed by PHYMEM.PAMT.ADD, per-entry try-locks that answer BUSY, TDs,
 * vCPUs and S-EPT as far as PAMT cares.  One entry point, tdxmod_seamcall(),
 * safe to call from many threads at once (like many logical CPUs).  Every
 * other function is an introspection or set-up helper and says what may run
 * concurrently with it.
 *
 * All state hangs off the handle; many models can live in one process.
 */
#ifndef DPAMT_TDXMOD_H
#define DPAMT_TDXMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpamt/tdx_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tdxmod;

#define TDXMOD_MAX_CMRS 32
/* The module's key ownership table has MAX_HKIDS (2048) entries: its
 * TDH.SYS.INIT refuses a platform whose private_hkid_max reaches it
 * (NUM_ACTIVATED_HKIDS_NOT_SUPPORTED).  hkid_max must stay below. */
#define TDXMOD_MAX_HKIDS 2048u
#define TDXMOD_MAX_TDMRS 64

struct tdxmod_range {
	uint64_t base; /* 1 GiB aligned */
	uint64_t size; /* multiple of 1 GiB */
};

struct tdxmod_config {
	uint64_t mem_bytes;            /* simulated memory: PA 0..mem_bytes */
	/*
	 * Convertible memory ranges: where memory exists.  0: one CMR
	 * [0, mem_bytes).  A sparse host lists its ranges here (1 GiB
	 * aligned).  The host chooses its TDMRs inside the CMRs and passes
	 * them with TDH.SYS.CONFIG, as on hardware.
	 */
	unsigned n_cmrs;
	struct tdxmod_range cmrs[TDXMOD_MAX_CMRS];
	bool dpamt_supported;          /* TDX_FEATURES0 bit 36 */
	unsigned pamt_entry_size_4k;   /* bytes, default 16 */
	unsigned pamt_entry_size_2m;   /* bytes, default 16 */
	unsigned pamt_entry_size_1g;   /* bytes, default 16 */
	unsigned bitmap_entry_bits;    /* default 1 */
	unsigned pages_per_pair;       /* default 2; must = 512*size_4k/4096 */
	unsigned num_tdcs_pages;       /* TDCS pages per TD, default 4 */
	unsigned num_tdcx_pages;       /* TDCX pages per vCPU, default 6 */
	/*
	 * Private HKIDs, a platform fact: the module reads
	 * IA32_MKTME_KEYID_PARTITIONING at TDH.SYS.INIT and takes
	 * min = (MKTME KeyIDs) + 1, max = (MKTME KeyIDs) + (TDX KeyIDs).
	 * 1 <= min <= max < TDXMOD_MAX_HKIDS.  Default 1..63: six KeyID bits,
	 * every KeyID but 0 given to TDX (one goes to the module's global
	 * HKID at SYS.CONFIG, so 62 TDs at once).
	 */
	unsigned hkid_min, hkid_max;
	unsigned max_pa_bits;          /* default 52 */
	unsigned hkid_shift;           /* key-id bits start here, default 46 */
	/* Optional fault injection and cost model. */
	/* 0..1: a SEAMCALL that would take a lock answers OPERAND_BUSY, as a
	 * whole, at this rate, before taking any lock (per call). */
	double busy_inject_prob;
	/* 0..1: each try-lock of a call fails as if contended at this rate
	 * (per lock: a call taking k locks fails with 1-(1-p)^k). */
	double busy_inject_lock_prob;
	uint64_t busy_inject_seed;
	/* Busy-wait per leaf, before its locks are released.  PAGE.REMOVE,
	 * SEPT.REMOVE and PROMOTE spend it inside the module's hazard
	 * window: after marking the freed page's 4K entry free, before
	 * decrementing its range's page_count (a PAMT.REMOVE of that range
	 * then is fatal, as in the module; see docs/model.md). */
	uint64_t leaf_latency_ns[DPAMT_TDX_LEAF_MAX];
	/*
	 * How a leaf spends its latency while it holds its entry locks.
	 * NULL: busy-wait on CLOCK_MONOTONIC until leaf_latency_ns has
	 * passed since the call began.  Set: hold(hold_arg, ns) once, with
	 * the full latency (a simulator advances its virtual clock and lets
	 * other CPUs run meanwhile; they get BUSY on the locked entries).
	 * Called on the calling thread, inside tdxmod_seamcall, with no
	 * model mutex held.
	 */
	void (*hold)(void *hold_arg, uint64_t ns);
	void *hold_arg;
};

/* Fill *cfg with defaults for mem_bytes of memory (a multiple of 1 GiB). */
/**
 * tdxmod_config_default() - Default configuration for a memory size.
 * @cfg: filled in full.
 * @mem_bytes: simulated memory, a multiple of 1 GiB.
 *
 * Context: Any thread; pure.
 * Return: nothing.
 */
void tdxmod_config_default(struct tdxmod_config *cfg, uint64_t mem_bytes);

/*
 * Create a model in the "not configured" state: TDH.SYS.RD works, then the
 * host must call TDH.SYS.CONFIG and TDH.SYS.TDMR.INIT for every TDMR.
 * Returns NULL and writes a message into err on a bad configuration.
 */
/**
 * tdxmod_create() - Create a model in the not-configured state.
 * @cfg: the configuration; copied.
 * @err: message buffer for a refusal, or NULL.
 * @errlen: its size.
 *
 * Context: Any thread; may sleep (allocates).
 * Return: the model, or NULL with a message in err (a NULL cfg or any
 * field out of its documented range is refused).
 */
struct tdxmod *tdxmod_create(const struct tdxmod_config *cfg, char *err,
			     size_t errlen);
/**
 * tdxmod_destroy() - Free a model and all its memory.
 * @m: the model, or NULL.
 *
 * Context: No other call on m may run or follow.
 * Return: nothing.
 */
void tdxmod_destroy(struct tdxmod *m);

/*
 * Configure the model as a simple host would, through SEAMCALLs only:
 * TDH.SYS.RD the metadata, TDMRs = the CMRs (one per CMR, split into at
 * most TDXMOD_MAX_TDMRS), PAMT areas (1G, 2M, and 4K array or bitmap)
 * placed contiguously from area_base upward, TDMR_INFO array written there
 * too, TDH.SYS.CONFIG (Dynamic PAMT on if dpamt and supported; global
 * HKID = hkid_max, so TDs use hkid_min..hkid_max-1), then
 * TDH.SYS.TDMR.INIT for each TDMR.  On success *area_end is the first byte
 * after everything placed.  0, or -1 with a message in err (which names
 * the failing leaf and status).  Concurrency: no other call on m.
 * For dpamt replay and tests; the host manager does its own set-up.
 */
/**
 * tdxmod_setup_simple() - Configure the model as a simple host would.
 * @m: a model fresh from tdxmod_create().
 * @dpamt: turn Dynamic PAMT on if supported.
 * @area_base: where the PAMT areas start.
 * @area_end: first byte after them, on success.
 * @err: message buffer.
 * @errlen: its size.
 *
 * Context: No other call on m; issues SEAMCALLs on the calling thread.
 * Return: 0, or -1 with the failing leaf and status in err.
 */
int tdxmod_setup_simple(struct tdxmod *m, bool dpamt, uint64_t area_base,
			uint64_t *area_end, char *err, size_t errlen);

/* The SEAMCALL instruction: regs->rax is the leaf in, the status out. */
/**
 * tdxmod_seamcall() - Execute one SEAMCALL.
 * @m: the model.
 * @regs: rax the leaf in, the status out; operands in and out.
 *
 * Context: Any thread, any number at once (like logical CPUs). Entry
 * locks are try-locks: contention answers BUSY, never waits. Busy-waits
 * for leaf latency, or calls cfg.hold (which may block) with no model
 * mutex held; set-up leaves (SYS.CONFIG, TDMR.INIT) serialise on a
 * model mutex.
 * Return: nothing; the status is in regs->rax (DPAMT_TDX_MODEL_FATAL once
 * fatal).
 */
void tdxmod_seamcall(struct tdxmod *m, struct dpamt_tdx_regs *regs);

/* Same, for callers holding only a void * (ops structs). */
/**
 * tdxmod_seamcall_ops() - tdxmod_seamcall() for a void * context.
 * @m: a struct tdxmod *.
 * @regs: as tdxmod_seamcall().
 *
 * Context: As tdxmod_seamcall().
 * Return: nothing; status in regs->rax.
 */
void tdxmod_seamcall_ops(void *m, struct dpamt_tdx_regs *regs);

/* ---- Fatal state --------------------------------------------------------
 * A broken internal invariant puts the model in a fatal state: the call
 * that found it returns DPAMT_TDX_MODEL_FATAL, every later call returns it too.
 * Concurrency: any time. */
/**
 * tdxmod_is_fatal() - Whether the model hit a broken invariant.
 * @m: the model.
 *
 * Context: Any thread, any time; no lock, no callback. Acquire load.
 * Return: true once fatal (never reset).
 */
bool tdxmod_is_fatal(const struct tdxmod *m);
/**
 * tdxmod_fatal_reason() - Why the model went fatal.
 * @m: the model.
 *
 * Context: Any thread, any time; no lock, no callback. Acquire load;
 * the text is complete once returned.
 * Return: a string, "" if not fatal; valid until tdxmod_destroy().
 */
const char *tdxmod_fatal_reason(const struct tdxmod *m); /* "" if none */

/* ---- Introspection (for invariant checkers and tests) -------------------
 * Concurrency: these read racy snapshots while calls run; exact only at
 * quiescence (no seamcall in flight). */
struct tdxmod_page_info {
	bool in_tdmr;
	unsigned type;        /* enum dpamt_tdx_page_type of the 4K entry, or of
				 the 2M/1G entry covering it when mapped large */
	unsigned level;       /* level the page is tracked at */
	uint64_t owner;       /* TDR PA >> 12, 0 if none */
	bool bitmap_bit;      /* dynamic mode: page is a pair page */
	bool locked;          /* any lock bit set on its entry */
};
/**
 * tdxmod_page_info() - Describe the 4 KiB page at pa.
 * @m: the model.
 * @pa: any address.
 * @out: filled on success.
 *
 * Context: Any thread; racy while SEAMCALLs run, exact at quiescence
 * (no tdxmod_seamcall() in flight).
 * Return: 0, or -1 if pa is outside simulated memory.
 */
int tdxmod_page_info(struct tdxmod *m, uint64_t pa,
		     struct tdxmod_page_info *out);

struct tdxmod_range_info {
	bool in_tdmr;
	unsigned type_2m; /* DPAMT_TDX_PT_NDA, DPAMT_TDX_PT_PAMT (pair),
			     DPAMT_TDX_PT_REG */
	bool has_pair;
	uint64_t pair[2];     /* pair pages when has_pair (pages_per_pair) */
	unsigned page_count;  /* 4K pages of the range in module use */
};
/**
 * tdxmod_range_info() - Describe the 2 MiB range at pa_2m.
 * @m: the model.
 * @pa_2m: any address in the range.
 * @out: filled on success.
 *
 * Context: Any thread; racy while SEAMCALLs run, exact at quiescence
 * (no tdxmod_seamcall() in flight).
 * Return: 0, or -1 if pa_2m is outside simulated memory.
 */
int tdxmod_range_info(struct tdxmod *m, uint64_t pa_2m,
		      struct tdxmod_range_info *out);

/**
 * tdxmod_sept_4k() - The pages a TD maps at 4K at some GPAs, from its
 * S-EPT (what KVM keeps in its mirror of the S-EPT; the simulated VMM
 * reads it here instead of holding a frame per page).
 * @m: the model.
 * @tdr: the TD's TDR page.
 * @gpa: 4K aligned; gpa .. gpa + n pages stay in one 2 MiB of GPA.
 * @n: 1..512.
 * @pa: n entries out: the page mapped at 4K at gpa + i * 4 KiB, or 0 (not
 *      mapped, mapped at 2M, no table there).
 *
 * Context: Any thread, SEAMCALLs in flight: no lock is taken and no
 * storage made; an entry a SEAMCALL is changing reads as its old or new
 * value, the others exactly.
 * Return: how many of the n are mapped at 4K.
 */
unsigned tdxmod_sept_4k(struct tdxmod *m, uint64_t tdr, uint64_t gpa,
			unsigned n, uint64_t *pa);

/* Count of 2 MiB ranges with a pair installed now. */
/**
 * tdxmod_pairs_installed() - Number of ranges with a pair installed.
 * @m: the model.
 *
 * Context: Any thread; racy while SEAMCALLs run, exact at quiescence
 * (no tdxmod_seamcall() in flight). Relaxed sums of striped counters.
 * Return: the count.
 */
uint64_t tdxmod_pairs_installed(const struct tdxmod *m);

/*
 * Whole-model consistency check at quiescence: bitmap bit set <=> page is a
 * pair page of an installed range; page_count = used 4K entries of each
 * range; no lock held; every owner is a live TDR.  Returns the number of
 * violations; the first few are written into err.
 */
/**
 * tdxmod_check() - Whole-model consistency check.
 * @m: the model.
 * @err: the first violations, as text.
 * @errlen: its size.
 *
 * Context: Only at quiescence: no tdxmod_seamcall() in flight.
 * Return: the number of violations (0: consistent).
 */
unsigned tdxmod_check(struct tdxmod *m, char *err, size_t errlen);

/* Per-leaf counters. Concurrency: any time (relaxed reads). */
struct tdxmod_leaf_stats {
	uint64_t calls, busy, errors;
};
/**
 * tdxmod_leaf_stats() - Per-leaf counters.
 * @m: the model.
 * @leaf: a TDX leaf number.
 * @out: filled (zeros for an unknown leaf).
 *
 * Context: Any thread, any time; relaxed reads.
 * Return: nothing.
 */
void tdxmod_leaf_stats(const struct tdxmod *m, unsigned leaf,
		       struct tdxmod_leaf_stats *out);

/* Bytes of host memory the model itself holds (sparse storage, tables).
 * Storage dropped by the module is pooled for reuse, so this follows the
 * peak of pages in use, never the simulated memory size.
 * Concurrency: any time (relaxed read). */
/**
 * tdxmod_footprint_bytes() - Host memory the model itself holds.
 * @m: the model.
 *
 * Context: Any thread, any time; relaxed read.
 * Return: bytes.
 */
uint64_t tdxmod_footprint_bytes(const struct tdxmod *m);

/*
 * Simulated physical memory: the host may write to pages it owns, as real
 * software would.  Writing to a page that is a live pair page corrupts the
 * PAMT entries stored there, exactly as on hardware; the model's checks
 * then notice.  Concurrency: like a plain store to memory.
 */
/**
 * tdxmod_phys_write() - Store to simulated physical memory.
 * @m: the model.
 * @pa: destination.
 * @src: bytes to store.
 * @len: how many.
 *
 * Context: Any thread; each aligned 8-byte word is stored atomically
 * with release order, the caller orders anything wider; may allocate
 * backing storage.
 * Return: nothing.
 */
void tdxmod_phys_write(struct tdxmod *m, uint64_t pa, const void *src,
		       size_t len);
/**
 * tdxmod_phys_read() - Load from simulated physical memory.
 * @m: the model.
 * @pa: source.
 * @dst: where to copy.
 * @len: how many.
 *
 * Context: Any thread; each aligned 8-byte word is loaded atomically;
 * memory never written (or outside the model) reads as zeros.
 * Return: nothing.
 */
void tdxmod_phys_read(struct tdxmod *m, uint64_t pa, void *dst, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DPAMT_TDXMOD_H */
