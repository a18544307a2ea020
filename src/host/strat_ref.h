/*
 * strat_ref.h - REFERENCE ONLY: the helpers the linux-* reference
 * strategies share (strat_ref_common.c).  Not used by the production
 * strategies; kept apart so the two never mix.
 */
#ifndef DPAMT_HOST_STRAT_REF_H
#define DPAMT_HOST_STRAT_REF_H

#include "host/strategy.h"

/* init/fini: the dense refcount table (dynamic mode only). */
int dp_ref_init(struct dpamt *m);
void dp_ref_fini(struct dpamt *m);
/* The word of the 2 MiB range holding pa / of range index idx. */
dp_atomic32_t *dp_ref_word_pa(struct dpamt *m, uint64_t pa);
dp_atomic32_t *dp_ref_word_of(struct dpamt *m, uint64_t idx);
/* Two pair pages from c, or from pair_alloc when c is NULL. */
int dp_ref_pages_take(struct dpamt *m, struct dpamt_cache *c,
		      uint64_t *pages);
void dp_ref_pages_free(struct dpamt *m, const uint64_t *pages);
unsigned dp_ref_retry_none(struct dpamt *m);
/* Global lock held: one ADD of the caller's pages (count 0 -> 1 on
 * success, *used set), the status returned; one REMOVE, false (and
 * pairs_pinned++) if it failed.  No BUSY retry in either. */
uint64_t dp_ref_add_locked(struct dpamt *m, uint64_t idx, uint64_t pa,
			   dp_atomic32_t *w, const uint64_t *pages,
			   bool *used);
bool dp_ref_remove_locked(struct dpamt *m, uint64_t idx, uint64_t pa);

#endif /* DPAMT_HOST_STRAT_REF_H */
