/*
 * replay_regs.c - register names of call lines and the one table of which
 * output registers `dpamt replay` prints after each leaf's status.
 *
 * The table follows what the module model (src/tdxmod/, docs/model.md)
 * writes back on success; a leaf not listed returns nothing but its
 * status.
 */
#include "replay/replay.h"

static const char *const reg_names[RR_COUNT] = {
	[RR_RCX] = "rcx", [RR_RDX] = "rdx", [RR_R8] = "r8",
	[RR_R9] = "r9",   [RR_R10] = "r10", [RR_R11] = "r11",
	[RR_R12] = "r12", [RR_R13] = "r13",
};

const char *replay_reg_name(enum replay_reg r)
{
	return (unsigned)r < RR_COUNT ? reg_names[r] : "?";
}

#define OUT(r) (1u << (r))

struct leaf_out {
	unsigned leaf;
	unsigned regs;
	unsigned hint; /* the register that may carry the removal hint */
};

static const struct leaf_out leaf_out_table[] = {
	/* R8 = value of the field id given in RDX */
	{DPAMT_TDH_SYS_RD, OUT(RR_R8), 0},
	/* RDX/R8 = the pair pages handed back to the host */
	{DPAMT_TDH_PHYMEM_PAMT_REMOVE, OUT(RR_RDX) | OUT(RR_R8), 0},
	/* RDX = next TDMR to initialise (end of this one) */
	{DPAMT_TDH_SYS_TDMR_INIT, OUT(RR_RDX), 0},
	/* RCX = the removed page | removal hint (bit 62) */
	{DPAMT_TDH_MEM_PAGE_REMOVE, OUT(RR_RCX), OUT(RR_RCX)},
	{DPAMT_TDH_MEM_SEPT_REMOVE, OUT(RR_RCX), OUT(RR_RCX)},
	/* RCX = the freed S-EPT page | hint, R12/R13 = the pair the 2 MiB
	 * mapping no longer needs */
	{DPAMT_TDH_MEM_PAGE_PROMOTE, OUT(RR_RCX) | OUT(RR_R12) | OUT(RR_R13),
	 OUT(RR_RCX)},
	/* RCX = page type, RDX = owner TDR (0 for a TDR), R8 = page level,
	 * R9 = the removal hint */
	{DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
	 OUT(RR_RCX) | OUT(RR_RDX) | OUT(RR_R8) | OUT(RR_R9), OUT(RR_R9)},
};

/* The leaf's entry, or NULL: a leaf not listed returns only its status. */
static const struct leaf_out *leaf_out_of(unsigned leaf)
{
	for (unsigned i = 0;
	     i < sizeof(leaf_out_table) / sizeof(leaf_out_table[0]); i++)
		if (leaf_out_table[i].leaf == leaf)
			return &leaf_out_table[i];
	return NULL;
}

unsigned replay_leaf_out_regs(unsigned leaf)
{
	const struct leaf_out *e = leaf_out_of(leaf);

	return e ? e->regs : 0;
}

unsigned replay_leaf_hint_regs(unsigned leaf)
{
	const struct leaf_out *e = leaf_out_of(leaf);

	return e ? e->hint : 0;
}
