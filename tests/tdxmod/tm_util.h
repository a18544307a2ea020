/*
 * tm_util.h - helpers shared by the module-model tests: a configured
 * model, one-line SEAMCALL wrappers, a TD built through SEAMCALLs, and
 * snapshots of page/range info to prove failed calls change nothing.
 */
#ifndef TM_UTIL_H
#define TM_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "dpamt/tdxmod.h"
#include "util/prng.h"
#include "test_seed.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define PG 4096ULL

/* Model with mem bytes, set up by tdxmod_setup_simple with its areas in
 * the top 1 GiB.  Asserts success. */
struct tdxmod *tm_model(uint64_t mem, bool dpamt);
struct tdxmod *tm_model_cfg(const struct tdxmod_config *cfg, bool dpamt);

/* One SEAMCALL; returns the status; *out (may be NULL) gets the regs. */
uint64_t tm_sc(struct tdxmod *m, unsigned leaf, uint64_t rcx, uint64_t rdx,
	       uint64_t r8, struct dpamt_tdx_regs *out);
uint64_t tm_sc_regs(struct tdxmod *m, unsigned leaf, struct dpamt_tdx_regs *r);

uint64_t tm_pamt_add(struct tdxmod *m, uint64_t range, uint64_t p0,
		     uint64_t p1);
uint64_t tm_pamt_remove(struct tdxmod *m, uint64_t range, uint64_t *p0,
			uint64_t *p1);

/* Assert a status equals want, printing both names on failure. */
#define TM_EXPECT(st, want) tm_expect((st), (want), __FILE__, __LINE__)
void tm_expect(uint64_t st, uint64_t want, const char *file, int line);

/* A TD with its control pages in range ctl (which gets a pair from
 * pairs/pairs+4K; pairs 0 in classic mode), one vCPU, and S-EPT tables so
 * GPA 0..2 MiB maps at 4K and GPA 2 MiB..1 GiB at 2M. */
struct tm_td {
	uint64_t tdr, tdcs[16], tdvpr, tdcx[16], sept[3];
	unsigned ntdcs, ntdcx;
};
void tm_td_build(struct tdxmod *m, struct tm_td *td, uint64_t ctl,
		 uint64_t pairs, unsigned hkid);
/* End the TD's key as KVM does: VPFLUSHDONE, PHYMEM.CACHE.WB,
 * KEY.FREEID; the pages are then the caller's to RECLAIM (TDR last). */
void tm_td_freeid(struct tdxmod *m, const struct tm_td *td);

/* Snapshot of the model state around an address set, for "unchanged". */
struct tm_snap {
	unsigned n;
	uint64_t pa[16];
	struct tdxmod_page_info pi[16];
	struct tdxmod_range_info ri[16];
	uint64_t pairs;
};
void tm_snap_take(struct tdxmod *m, struct tm_snap *s, unsigned n,
		  const uint64_t *pa);
void tm_snap_same(struct tdxmod *m, const struct tm_snap *s);

/* White-box: PA of the 2M PAMT entry covering pa, for a model made by
 * tm_model (one TDMR, TDMR_INFO at mem - 1 GiB). */
uint64_t tm_entry_2m_pa(struct tdxmod *m, uint64_t mem, uint64_t pa);
uint64_t tm_entry_1g_pa(struct tdxmod *m, uint64_t mem, uint64_t pa);
/* PA of pa's 4K entry in its range's pair (dynamic mode, pair present). */
uint64_t tm_entry_4k_pa(struct tdxmod *m, uint64_t pa);
/* Set or clear bit 63 (exclusive) of the S-EPT entry word at epa. */
void tm_sept_lock_bit(struct tdxmod *m, uint64_t epa, bool set);
/* Set or clear the exclusive lock bit (bit 15, see src/tdxmod/model.h) of
 * the PAMT entry at epa by writing simulated memory, as a buggy host could;
 * used to reach BUSY answers deterministically. */
void tm_entry_lock_bit(struct tdxmod *m, uint64_t epa, bool set);

/* Model consistency check passes (prints the reason otherwise). */
void tm_check_ok(struct tdxmod *m);


#endif
