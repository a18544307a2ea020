/*
 * model.h - internals of the TDX-module model shared by the src/tdxmod files.
 *
 * The handle (struct tdxmod), the sparse simulated physical memory, the
 * 16-byte PAMT entry layout and its try-locks, the per-call context that
 * collects held locks so every leaf has a single exit path, and the
 * prototypes of the leaf functions.  Not a public header.
 */
#ifndef DPAMT_TDXMOD_MODEL_H
#define DPAMT_TDXMOD_MODEL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dpamt/tdxmod.h"

#define PAGE_SHIFT 12
#define WORDS_PER_PAGE 512 /* 4 KiB of 8-byte words */
#define ENTRIES_PER_PAGE 256 /* 16-byte PAMT entries in 4 KiB */
#define PAGES_PER_2M 512
#define GPA_BITS 48       /* 4-level S-EPT */
#define MAX_TDCS_PAGES 16
#define MAX_TDCX_PAGES 16
#define MAX_MEM_BYTES (1ULL << 44) /* pfns fit 32 bits in entries */

/* ---- Sparse simulated physical memory ---------------------------------
 * 1 GiB slot -> 2 MiB node (512 slots) -> leaf of a 2 MiB block -> page
 * buffer (512 words).  A leaf holds MEM_LEAF_KEYS page slots keyed by
 * the page's index in the block (claimed on first write along the page's
 * probe sequence, never re-keyed) and, once they are all claimed, a
 * dense overflow of all 512 page slots for the pages beyond them.  A
 * 2 MiB block of host memory usually holds one to three pages the model
 * stores (pair pages, an S-EPT page) among TD pages it never stores: the
 * keyed slots keep its index at 88 bytes (a 32-slot leaf and a 16-slot
 * group per page took 384 to 640); a block written densely (the static
 * PAMT arrays) pays 4 KiB more and is reached with as many loads as
 * before.  Nodes and buffers are installed atomically on first touch; a
 * page whose buffer is absent reads as zero.  Dropped buffers go to
 * per-thread pools and are reused, never freed while the model lives, so
 * racy introspection stays memory safe. */
#define MEM_LEAF_KEYS 8 /* a power of two: probes wrap with a mask */
struct mem_page {
	_Atomic uint64_t w[WORDS_PER_PAGE];
};
struct mem_over {
	_Atomic(struct mem_page *) p[PAGES_PER_2M];
};
struct mem_leaf {
	_Atomic(struct mem_over *) over;     /* or NULL */
	_Atomic uint16_t key[MEM_LEAF_KEYS]; /* page index + 1; 0 = free */
	_Atomic(struct mem_page *) p[MEM_LEAF_KEYS];
};
_Static_assert(sizeof(struct mem_leaf) == 88, "a leaf is 88 bytes");
_Static_assert(PAGES_PER_2M < UINT16_MAX, "keys fit 16 bits");
_Static_assert(!(MEM_LEAF_KEYS & (MEM_LEAF_KEYS - 1)), "a power of two");
struct mem_mid {
	_Atomic(struct mem_leaf *) l[512];
};

/* A pool of dropped page buffers (head[POOL_PAGES]) and of dropped
 * compact S-EPT tables (head[POOL_TABLES]), each linked through the
 * buffer's first word (w[0], e[0]). */
enum { POOL_PAGES, POOL_TABLES, POOL_KINDS };
struct mem_pool {
	_Alignas(128) pthread_mutex_t lock;
	void *head[POOL_KINDS];
};

/* ---- PAMT entry: 16 bytes, two atomic words ---------------------------
 * hdr: [13:0] reader count, [14] host priority, [15] exclusive,
 *      [19:16] page type, [31:20] reserved (0),
 *      [41:32] page_count (2M entries: 4K pages of the range in use),
 *      [63:42] BEPOCH: the TD epoch when RANGE.BLOCK blocked the page
 *              (low 22 bits; the module's pamt_entry_t.bepoch).
 * ref: 4K entry / 2M or 1G TD page: owner = TDR PA >> 12;
 *      2M entry of type PAMT: [31:0] pfn of pair page 0, [63:32] page 1. */
struct pamt_entry {
	_Atomic uint64_t hdr;
	_Atomic uint64_t ref;
};
_Static_assert(sizeof(struct pamt_entry) == 16, "PAMT entry is 16 bytes");
_Static_assert(_Alignof(struct pamt_entry) == 8, "entry word aligned");

#define PE_READERS 0x3FFFULL
#define PE_HOSTPRIO (1ULL << 14)
#define PE_EXCL (1ULL << 15)
#define PE_LOCKMASK 0xFFFFULL
#define PE_TYPE_SHIFT 16
#define PE_TYPE_MASK (0xFULL << PE_TYPE_SHIFT)
#define PE_COUNT_SHIFT 32
#define PE_COUNT_MASK (0x3FFULL << PE_COUNT_SHIFT)
#define PE_COUNT_ONE (1ULL << PE_COUNT_SHIFT)
#define PE_EPOCH_SHIFT 42
#define PE_EPOCH_MASK (0x3FFFFFULL << PE_EPOCH_SHIFT)
#define PE_RESERVED                                                          \
	(~(PE_LOCKMASK | PE_TYPE_MASK | PE_COUNT_MASK | PE_EPOCH_MASK))
_Static_assert((PE_LOCKMASK & PE_TYPE_MASK) == 0, "fields disjoint");
_Static_assert((PE_TYPE_MASK & PE_COUNT_MASK) == 0, "fields disjoint");
_Static_assert((PE_COUNT_MASK >> PE_COUNT_SHIFT) >= PAGES_PER_2M,
	       "page_count holds 512");

static inline unsigned pe_type(uint64_t hdr)
{
	return (unsigned)((hdr & PE_TYPE_MASK) >> PE_TYPE_SHIFT);
}

static inline unsigned pe_count(uint64_t hdr)
{
	return (unsigned)((hdr & PE_COUNT_MASK) >> PE_COUNT_SHIFT);
}

/* The one packing of a pair into a PAMT-type 2M entry's ref word: pfn of
 * page 0 in bits 31:0, of page 1 in bits 63:32. */
static inline uint64_t pair_ref(uint64_t pa0, uint64_t pa1)
{
	return (pa0 >> 12) | ((pa1 >> 12) << 32);
}

/* PA of pair page i (0 or 1) of a ref word packed by pair_ref(). */
static inline uint64_t pair_page(uint64_t ref, unsigned i)
{
	return (i ? ref >> 32 : ref & 0xFFFFFFFFULL) << 12;
}

/* ---- S-EPT entry (one word in an S-EPT page) -------------------------
 * [0] present, [1] leaf (maps a page, not a table), [2] blocked,
 * [51:12] PA, [61:52] reader count, [62] reserved, [63] exclusive. */
#define SE_PRESENT 1ULL
#define SE_LEAF 2ULL
#define SE_BLOCKED 4ULL
#define SE_PA_MASK 0x000FFFFFFFFFF000ULL
#define SE_READER_ONE (1ULL << 52)
#define SE_READERS (0x3FFULL << 52)
#define SE_EXCL (1ULL << 63)
#define SE_LOCKMASK (SE_READERS | SE_EXCL)

/* ---- Compact S-EPT table (sept_table.c) --------------------------------
 * The storage of a level-0 table (the 512 entries that map 4K pages, made
 * by SEPT.ADD at level 1 or DEMOTE), in place of the page's 4 KiB of
 * 8-byte words: one byte per entry, eight to a word (entry i: byte i%8 of
 * e[i/8]), holding the entry's exclusive lock (SLT_LOCK; a level-0 entry
 * is never a parent, so it never needs a reader count), its SE_BLOCKED
 * (SLT_BLK) and a code (SLT_CODE): 0 = the value 0; 1..SLT_RUNS = a
 * present 4K leaf at pfn run[code - 1] - SLT_ENTRIES + i; SLT_NEAR = a
 * present 4K leaf at pfn near->base - 1 + near->c[i] - SLT_NEAR_BIAS;
 * SLT_ESC = the value is wide[i].  run[] is a dictionary of "pfn - index"
 * values, filled in order on first use and fixed while the table is
 * linked: the pages a VMM maps in a chunk come in runs of consecutive
 * pages (its magazine batches), each run one dictionary word, so a table
 * typically needs a handful.  A leaf outside the runs (a chunk with more
 * than SLT_RUNS of them: pages faulted back one by one after churn) takes
 * a 16-bit code in near (made on first use, 1 KiB; its base is the first
 * such page, fixed while the table is linked), one farther than 32 Ki
 * pages from that base or anything else the host wrote takes wide[]
 * (made on first use, 4 KiB).  Neither is dropped while the model lives
 * (a pooled table keeps them).  The entry values the leaves see are the same
 * 8-byte values as in a plain page; only the lock bits live elsewhere.
 * Held in the sparse memory slot of the table page, tagged (SLT_TAG), so
 * a PA still finds it. */
#define SLT_ENTRIES 512
#define SLT_RUNS 12
#define SLT_LOCK 0x80u
#define SLT_BLK 0x40u
#define SLT_CODE 0x3Fu
#define SLT_ESC SLT_CODE
#define SLT_NEAR (SLT_CODE - 1)
#define SLT_NEAR_BIAS 0x8000u
#define SLT_TAG ((uintptr_t)1)
struct sept_near {
	_Atomic uint64_t base;             /* pfn + 1; 0 = not chosen yet */
	_Atomic uint16_t c[SLT_ENTRIES];   /* pfn - base + 1 + SLT_NEAR_BIAS */
};
struct sept_lt {
	_Atomic uint64_t e[SLT_ENTRIES / 8]; /* entry bytes, 8 per word */
	/* side arrays, one allocator (sept_table.c lt_side): */
	_Atomic(void *) wide; /* _Atomic uint64_t[SLT_ENTRIES] or NULL */
	_Atomic(void *) near; /* struct sept_near or NULL */
	_Atomic uint32_t run[SLT_RUNS];   /* pfn - i + SLT_ENTRIES; 0 free */
};
_Static_assert(sizeof(struct sept_lt) == SLT_ENTRIES + 16 + 4 * SLT_RUNS,
	       "compact S-EPT table: 576 bytes, no padding");
_Static_assert(_Alignof(struct sept_lt) == 8, "table word aligned");
_Static_assert(offsetof(struct sept_lt, e) == 0 &&
		       offsetof(struct mem_page, w) == 0,
	       "pooled buffers link through their first word");
_Static_assert(SLT_RUNS < SLT_NEAR && !(SLT_CODE & (SLT_LOCK | SLT_BLK)),
	       "dictionary codes fit below the escape, fields disjoint");

/* Entry i's lock bit in its word e[i / 8]. */
static inline uint64_t slt_lock_bit(unsigned i)
{
	return (uint64_t)SLT_LOCK << (8 * (i % 8));
}

/* An S-EPT entry: a word of a plain page (w) or entry i of a compact
 * table (lt). */
struct se_ref {
	_Atomic uint64_t *w;
	struct sept_lt *lt;
	unsigned i;
};

/* The compact table in a sparse-memory slot value, or NULL. */
static inline struct sept_lt *slot_lt(const void *slot)
{
	uintptr_t u = (uintptr_t)slot;

	return (u & SLT_TAG) ? (struct sept_lt *)(u & ~SLT_TAG) : NULL;
}

/* ---- TD state kept in the TDR page, vCPU state in the TDVPR page -----
 * TDW_LIFE is the TDR's LIFECYCLE_STATE, TDW_OP the TDCS's OP_STATE
 * (values as the module's enums). */
enum td_word {
	TDW_LIFE = 0,
	TDW_HKID,
	TDW_NTDCS,
	TDW_CHILDREN, /* pages (or 2M pages) owned besides the TDR */
	TDW_EPOCH,
	TDW_OP,
	TDW_NVCPU,
	TDW_SEPT_LOCK, /* the S-EPT tree lock (layout of a PAMT entry hdr) */
	TDW_TDCS0, /* MAX_TDCS_PAGES words of TDCS page PAs */
};
enum td_life {
	TD_LIFE_NONE = 0,
	TD_HKID_ASSIGNED,  /* MNG.CREATE */
	TD_KEYS_CONFIGURED, /* MNG.KEY.CONFIG */
	TD_BLOCKED,        /* MNG.VPFLUSHDONE */
	TD_TEARDOWN,       /* MNG.KEY.FREEID */
};
enum td_op {
	OP_UNINITIALIZED = 0, /* until MNG.INIT */
	OP_INITIALIZED = 1,   /* MNG.INIT: the TD is being built */
	OP_RUNNABLE = 2,      /* MR.FINALIZE */
};
/* The module's minimum TDCS page count in the TDX 2.0 tree with Dynamic
 * PAMT (MIN_NUM_TDCS_PAGES); the model uses its configured count. */
#define MODULE_MIN_TDCS_PAGES 6

/* KOT entry states (the module's key ownership table), one per HKID. */
enum kot_state {
	KOT_FREE = 0,
	KOT_ASSIGNED,     /* to a TD by MNG.CREATE */
	KOT_FLUSHED,      /* VPFLUSHDONE: caches hold its lines (WB due) */
	KOT_WB_DONE,      /* PHYMEM.CACHE.WB ran since: FREEID may free */
	KOT_RESERVED,     /* the module's global private HKID */
};
enum vp_word { VPW_TDR = 0, VPW_NTDCX, VPW_STATE, VPW_TDCX0 };
enum vp_state { VP_NONE = 0, VP_CREATED, VP_INITIALIZED };

/* ---- TDMRs -------------------------------------------------------------- */
struct tdmr {
	uint64_t base, end;
	uint64_t pamt_1g, pamt_2m, pamt_4k; /* 4k: bitmap in dynamic mode */
	uint64_t sz_1g, sz_2m, sz_4k;
	unsigned n_rsvd;
	struct {
		uint64_t base, end;
	} rsvd[DPAMT_TDX_MAX_RESERVED_PER_TDMR];
	bool initialized; /* under cfg_lock */
};

enum sys_state { SYS_FRESH = 0, SYS_CONFIGURED, SYS_READY };

/* Counters every SEAMCALL writes are split into stripes, picked per
 * thread (the CPU it first ran a SEAMCALL on, modulo STAT_STRIPES) and
 * summed on read, so two CPUs working on distinct ranges do not write
 * the same cache line for bookkeeping.
 * Each stripe starts on its own 128-byte block (line + adjacent-line
 * prefetch). */
#define STAT_STRIPES 16
#define MODEL_LINE 128
struct leaf_ctr {
	_Atomic uint64_t calls, busy, errors;
};
struct stat_stripe {
	_Alignas(MODEL_LINE) _Atomic int64_t pairs; /* PAMT pairs: +1/-1 */
	_Atomic int64_t footprint; /* bytes of nodes and page buffers */
	struct leaf_ctr leaf[DPAMT_TDX_LEAF_MAX];
};
unsigned stat_stripe_of(void);
/* pairs installed changes by d (+1 ADD/DEMOTE, -1 REMOVE/PROMOTE). */
void stat_pairs_add(struct tdxmod *m, int64_t d);

struct tdxmod {
	struct tdxmod_config cfg;
	uint64_t n_gib;          /* mem_bytes >> 30 */
	_Atomic(struct mem_mid *) *top; /* n_gib slots */

	pthread_mutex_t cfg_lock; /* SYS.CONFIG / SYS.TDMR.INIT */
	_Atomic unsigned sys_state;
	bool dpamt;               /* set by SYS.CONFIG, read after READY */
	unsigned n_tdmr;
	struct tdmr tdmr[TDXMOD_MAX_TDMRS];
	uint8_t *gib_tdmr;        /* n_gib bytes: TDMR index or 0xFF */
	unsigned global_hkid;
	_Atomic uint8_t *kot;     /* hkid_max + 1 entries, enum kot_state */
	_Atomic uint64_t kot_lock; /* try-lock: 1 = held (BUSY|KOT) */
	_Atomic uint64_t wb_lock; /* CACHE.WB's try-lock (BUSY|WBCACHE) */

	uint64_t busy_thresh;     /* busy_inject_prob * 2^64 (per call) */
	uint64_t busy_lock_thresh;/* busy_inject_lock_prob * 2^64 (per lock) */

	_Atomic int fatal;        /* 0, 1 = being recorded, 2 = recorded */
	char fatal_reason[256];

	/* Written by every lock attempt while BUSY injection is on: alone
	 * on its block, away from the read-mostly fields above. */
	_Alignas(MODEL_LINE) _Atomic uint64_t busy_ctr;
	struct stat_stripe stats[STAT_STRIPES];
	struct mem_pool pools[STAT_STRIPES];
};

/* ---- Per-call context --------------------------------------------------- */
#define CALL_MAX_LOCKS 20 /* DEMOTE takes the most: 15 */
struct held_lock {
	_Atomic uint64_t *word;
	uint64_t release; /* fetch_sub amount (shared) or 0 = exclusive */
	uint64_t excl_bit;
};
/*
 * r: the input registers as the host passed them (leaves only read them).
 * o: the output registers; before the leaf runs they are the inputs with
 * the registers the module clears at entry set to 0 (its "no extended
 * error code by default" writes); the leaf writes its outputs there.
 */
struct call {
	struct tdxmod *m;
	const struct dpamt_tdx_regs *r;
	struct dpamt_tdx_regs *o;
	unsigned leaf;
	uint64_t t0;
	bool latency_spent; /* the leaf spent its latency in its window */
	unsigned nlocks;
	bool busy_drawn;          /* the per-call BUSY injection was drawn */
	struct held_lock locks[CALL_MAX_LOCKS];
};

/* tlb.c: RANGE.BLOCK's epoch and the TLB-tracking check */
void pe_set_epoch(struct pamt_entry *e, uint64_t epoch);
uint64_t tlb_tracked(struct call *c, _Atomic uint64_t *tdw, uint64_t septe,
		     const struct pamt_entry *e);
uint64_t leaf_range_block(struct call *c);

/* mem.c */
/* The lookups every SEAMCALL makes several of: inlined into their callers
 * (GCC would call them out of line, and the call costs more than the
 * lookup). */
#define MEM_HOT static inline __attribute__((always_inline))
struct mem_page *mem_page_slow(struct tdxmod *m, uint64_t pa, bool alloc);

/* pa's key in the leaf of its 2 MiB block. */
static inline unsigned mem_key(uint64_t pa)
{
	return (unsigned)((pa >> 12) & (PAGES_PER_2M - 1)) + 1;
}

/* The leaf of pa's 2 MiB block, or NULL where none was ever created. */
MEM_HOT struct mem_leaf *mem_leaf_get(struct tdxmod *m, uint64_t pa)
{
	uint64_t gib = pa >> 30;
	struct mem_mid *mid;

	if (gib >= m->n_gib ||
	    !(mid = atomic_load_explicit(&m->top[gib], memory_order_acquire)))
		return NULL;
	return atomic_load_explicit(&mid->l[(pa >> 21) & 511],
				    memory_order_acquire);
}

/* The first keyed slot page pa may have (then the next ones, wrapping). */
static inline unsigned mem_probe(uint64_t pa)
{
	return (unsigned)(pa >> 12) & (MEM_LEAF_KEYS - 1);
}

/*
 * The slot that holds page pa, or NULL where it holds nothing (a racing
 * install may not be seen, as if read just before it).  A block with an
 * overflow (the static PAMT arrays) is looked up there first: a page
 * that lives in a keyed slot never uses its overflow slot.  Keys are
 * claimed along the page's probe sequence at the first free slot and
 * never re-keyed: a free key ends the probe, and a sequence of claimed
 * keys without pa's sends it to the overflow.
 */
MEM_HOT _Atomic(struct mem_page *) *mem_slot_find(struct tdxmod *m,
						  uint64_t pa)
{
	struct mem_leaf *lf = mem_leaf_get(m, pa);
	unsigned key = mem_key(pa), h = mem_probe(pa), c;
	_Atomic(struct mem_page *) *slot;
	struct mem_over *ov;

	if (!lf)
		return NULL;
	if ((ov = atomic_load_explicit(&lf->over, memory_order_acquire)) &&
	    atomic_load_explicit(slot = &ov->p[key - 1], memory_order_relaxed))
		return slot;
	for (unsigned n = 0; n < MEM_LEAF_KEYS; n++) {
		c = atomic_load_explicit(&lf->key[h], memory_order_acquire);
		if (c == key)
			return &lf->p[h];
		if (!c)
			return NULL;
		h = (h + 1) & (MEM_LEAF_KEYS - 1);
	}
	return NULL;
}

/* The storage of page pa: five acquire loads and a key compare when
 * it exists; creates it (and the nodes above) when alloc.  NULL: never
 * written, reads as 0 -- or a compact S-EPT table, which has no words
 * (sept_table.c). */
MEM_HOT struct mem_page *mem_page_get(struct tdxmod *m, uint64_t pa,
				     bool alloc)
{
	_Atomic(struct mem_page *) *slot = mem_slot_find(m, pa);
	struct mem_page *pg = NULL;

	if (slot)
		pg = atomic_load_explicit(slot, memory_order_acquire);
	if (pg) /* a compact S-EPT table has no words */
		return slot_lt(pg) ? NULL : pg;
	if (!alloc)
		return NULL;
	return mem_page_slow(m, pa, alloc);
}
void mem_oom(struct tdxmod *m, uint64_t pa);
/* Bytes of model storage (counted in the footprint), zeroed; NULL when
 * out of memory.  mem_fini frees what the model still links to. */
void *mem_node_alloc(struct tdxmod *m, size_t bytes);
/* Free what mem_node_alloc gave and nothing links to. */
void mem_node_free(struct tdxmod *m, void *p, size_t bytes);
/* A zeroed compact table (from the pools or new), or NULL. */
struct sept_lt *mem_lt_alloc(struct tdxmod *m);
/* Make lt the storage of page pa, recycling what was there.  False:
 * out of memory for the index (lt recycled). */
bool mem_lt_install(struct tdxmod *m, uint64_t pa, struct sept_lt *lt);

/* The 8-byte word at pa (8-aligned); NULL if absent and !alloc (or out
 * of host memory, which is fatal). */
MEM_HOT _Atomic uint64_t *mem_word(struct tdxmod *m, uint64_t pa,
				  bool alloc)
{
	struct mem_page *pg = mem_page_get(m, pa, alloc);

	if (!pg) {
		if (alloc)
			mem_oom(m, pa);
		return NULL;
	}
	return &pg->w[(pa & 4095) >> 3];
}

/* Acquire load of the word at pa; 0 where nothing was written. */
MEM_HOT uint64_t mem_load(struct tdxmod *m, uint64_t pa)
{
	_Atomic uint64_t *w = mem_word(m, pa, false);

	return w ? atomic_load_explicit(w, memory_order_acquire) : 0;
}
void mem_drop(struct tdxmod *m, uint64_t pa);
void mem_init(struct tdxmod *m);
void mem_fini(struct tdxmod *m);

/* pamt.c */
struct tdmr *tdmr_of(struct tdxmod *m, uint64_t pa);
uint64_t pe_addr_1g(const struct tdmr *t, uint64_t pa);
uint64_t pe_addr_2m(const struct tdmr *t, uint64_t pa);
uint64_t pe_addr_4k(struct tdxmod *m, const struct tdmr *t, uint64_t pa,
		    uint64_t ref2m);
struct pamt_entry *pe_get(struct tdxmod *m, uint64_t epa);
void pe_peek(struct tdxmod *m, uint64_t epa, uint64_t *hdr, uint64_t *ref);
bool inject_busy(struct call *c);
bool pe_try_shared(struct call *c, struct pamt_entry *e);
bool pe_hold_1g(struct call *c, struct pamt_entry *e);
bool pe_try_excl(struct call *c, struct pamt_entry *e);
bool se_try_shared(struct call *c, _Atomic uint64_t *e);
bool word_try_excl(struct call *c, _Atomic uint64_t *w);
bool rw_try_shared(struct call *c, _Atomic uint64_t *w);
bool rw_try_excl(struct call *c, _Atomic uint64_t *w);
bool se_try_excl(struct call *c, _Atomic uint64_t *e);

bool word_bit_try_excl(struct call *c, _Atomic uint64_t *w, uint64_t bit);

/* sept.c: an S-EPT entry reached by sept_walk, locked exclusive. */
struct sept_pos {
	struct se_ref target;
	uint64_t val; /* target's value once locked (lock bits clear) */
};
uint64_t sept_walk(struct call *c, _Atomic uint64_t *tdw, uint64_t gpa,
		   unsigned lvl, struct sept_pos *p);

/* sept_table.c: S-EPT entries in either storage (plain page or compact
 * table), by the PA of their table and index 0..511. */
/* Make the page at pa (its old storage dropped) a compact table, every
 * entry 0.  The caller owns the page (its 4K entry held exclusive, not
 * linked yet).  False: out of memory (fatal). */
bool sept_lt_make(struct tdxmod *m, uint64_t pa);
/* Entry idx of the table at pa; plain storage is created when alloc.
 * False if there is none (or out of memory with alloc: fatal). */
bool se_ref_get(struct tdxmod *m, uint64_t table, unsigned idx, bool alloc,
		struct se_ref *r);
/* An entry's value without lock bits (acquire); 0 where none. */
uint64_t se_load(const struct se_ref *r);
uint64_t sept_load(struct tdxmod *m, uint64_t table, unsigned idx);
/* Under the entry's exclusive lock (or before the table is linked):
 * replace its value, keep the lock (out of memory: fatal). */
void se_set(struct tdxmod *m, const struct se_ref *r, uint64_t val);
bool se_ref_try_excl(struct call *c, const struct se_ref *r);
/* mem.c: the host's stores to / loads from word i of a compact table,
 * as a plain S-EPT page would hold it: the value, SE_EXCL the entry's
 * lock (a store sets or clears it, as it would in a plain page). */
void sept_lt_write_word(struct tdxmod *m, struct sept_lt *lt, unsigned i,
			uint64_t v);
uint64_t sept_lt_read_word(struct sept_lt *lt, unsigned i);
void call_release_all(struct call *c);
void call_hold_latency(struct call *c); /* seamcall.c */
void pe_set_type(struct pamt_entry *e, unsigned type);
bool bitmap_test(struct tdxmod *m, uint64_t pa);
bool bitmap_test_and_set(struct tdxmod *m, uint64_t pa);
void bitmap_clear(struct tdxmod *m, uint64_t pa);
bool bitmap_any_in_2m(struct tdxmod *m, uint64_t pa2m);
void model_fatal(struct tdxmod *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
uint64_t st_err(uint64_t cls, uint32_t op);
uint64_t hpa_check(struct tdxmod *m, uint64_t pa, uint64_t align,
		   uint32_t op);
bool sept_pa_ok(struct tdxmod *m, uint64_t pa);

/* Result of pamt_walk: the entries locked on the way and the leaf. */
struct pwalk {
	struct pamt_entry *e1, *e2, *e4, *leaf;
	unsigned level; /* DPAMT_TDX_PS_4K / 2M / 1G: where the walk stopped */
};
uint64_t pamt_walk(struct call *c, uint64_t pa, unsigned target, bool excl,
		   uint32_t op, struct pwalk *w);
bool pe_promote(struct call *c, struct pamt_entry *e);

/* Result of a walk to a page's 4K entry (page-assigning leaves). */
struct walk4k {
	struct pamt_entry *e2, *e4;
};
uint64_t walk_assign_4k(struct call *c, uint64_t pa, uint32_t op,
			struct walk4k *w);
void assign_commit_4k(struct call *c, struct walk4k *w, unsigned type,
		      uint64_t owner_pa);
uint64_t walk_leaf_4k(struct call *c, uint64_t pa, uint32_t op,
		      struct walk4k *w);
bool release_commit_4k(struct call *c, uint64_t pa, struct walk4k *w);

/* init.c: system leaves */
uint64_t leaf_sys_rd(struct call *c);
uint64_t leaf_sys_config(struct call *c);
uint64_t leaf_sys_tdmr_init(struct call *c);

/* leaf_pamt.c */
uint64_t leaf_pamt_add(struct call *c);
uint64_t leaf_pamt_remove(struct call *c);
uint64_t pair_page_claim(struct call *c, uint64_t hpa, uint64_t target2m,
			 uint32_t op);

/* td_access.c */
_Atomic uint64_t *page_words(struct tdxmod *m, uint64_t pa);
uint64_t explicit_page_lock(struct call *c, uint64_t pa, uint32_t op,
			    bool excl, unsigned want, struct pwalk *w);
uint64_t td_lock(struct call *c, uint64_t tdr, uint32_t op, bool excl,
		 _Atomic uint64_t **tdw);
uint64_t td_word(_Atomic uint64_t *tdw, unsigned i);
uint64_t td_state_check(struct call *c, _Atomic uint64_t *tdw, unsigned ops);
uint64_t td_ready(struct call *c, unsigned ops, _Atomic uint64_t **tdw);
uint64_t td_ready_excl(struct call *c, unsigned ops, _Atomic uint64_t **tdw);
uint64_t kot_lock(struct call *c);
#define OPS_BUILT ((1u << OP_INITIALIZED) | (1u << OP_RUNNABLE))

/* leaf_td.c */
uint64_t leaf_mng_create(struct call *c);
uint64_t leaf_mng_key_config(struct call *c);
uint64_t leaf_mr_finalize(struct call *c);
uint64_t leaf_mng_addcx(struct call *c);
uint64_t leaf_mng_init(struct call *c);
uint64_t leaf_vp_create(struct call *c);
uint64_t leaf_vp_addcx(struct call *c);
uint64_t leaf_vp_init(struct call *c);
uint64_t leaf_mem_track(struct call *c);

/* leaf_key.c */
uint64_t leaf_mng_vpflushdone(struct call *c);
uint64_t leaf_phymem_cache_wb(struct call *c);
uint64_t leaf_mng_key_freeid(struct call *c);

/* leaf_reclaim.c */
uint64_t leaf_page_reclaim(struct call *c);

/* leaf_mem.c */
uint64_t leaf_sept_add(struct call *c);
uint64_t leaf_sept_remove(struct call *c);
uint64_t leaf_page_aug(struct call *c);
uint64_t leaf_page_add(struct call *c);
uint64_t leaf_page_remove(struct call *c);

/* leaf_huge.c */
uint64_t leaf_page_demote(struct call *c);
uint64_t leaf_page_promote(struct call *c);

#endif /* DPAMT_TDXMOD_MODEL_H */
