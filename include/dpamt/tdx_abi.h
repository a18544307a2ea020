/*
 * tdx_abi.h - the TDX module's host-facing ABI as dpamt models it.
 *
 * Leaf numbers, status classes, operand ids, PAMT page types and global
 * metadata field ids, plus small inline helpers to pick a status apart.
 * Facts only (public numbers and names); no policy lives here.  This header
 * is freestanding: the host core (src/host/) includes it.
 *
 * Names: every name here is DPAMT_TDX_* / DPAMT_TDH_* / dpamt_tdx_*, never
 * the module's or Linux's bare TDX_* / TDH_* / tdx_*, so this header can
 * be visible next to the kernel's asm/tdx.h (docs/linux-interface.md,
 * "Names"; the headers_linux_names test checks it).
 */
#ifndef DPAMT_TDX_ABI_H
#define DPAMT_TDX_ABI_H

#include <stdbool.h>
#include <stdint.h>

/* A static assertion any C11 or C++11 compiler takes at file scope. */
#ifdef __cplusplus
#define DPAMT_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define DPAMT_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Registers of one SEAMCALL (RAX = leaf in, status out) ------------ */
struct dpamt_tdx_regs {
	uint64_t rax, rcx, rdx, r8, r9, r10, r11, r12, r13;
};

/*
 * Leaf numbers and the module's api_calls file each follows
 * (intel/tdx-module include/tdx_api_defs.h, seamcall_leaf_opcode_t).
 * RAX bits 23:16 carry the leaf's version; the model runs version 0 of
 * every leaf and answers OPERAND_INVALID|RAX for any other (as the
 * module's dispatcher does for versions a leaf does not have).
 */
#define DPAMT_TDX_LEAF_NUM_MASK 0xFFFFULL
#define DPAMT_TDX_LEAF_VERSION_SHIFT 16
#define DPAMT_TDX_LEAF_VERSION_MASK (0xFFULL << DPAMT_TDX_LEAF_VERSION_SHIFT)

/* ---- Leaf numbers ------------------------------------------------------ */
#define DPAMT_TDX_LEAVES(X)                                                    \
	X(DPAMT_TDH_MNG_ADDCX, 1, "MNG.ADDCX")                                 \
	X(DPAMT_TDH_MEM_PAGE_ADD, 2, "MEM.PAGE.ADD")                           \
	X(DPAMT_TDH_MEM_SEPT_ADD, 3, "MEM.SEPT.ADD")                           \
	X(DPAMT_TDH_VP_ADDCX, 4, "VP.ADDCX")                                   \
	X(DPAMT_TDH_MEM_PAGE_AUG, 6, "MEM.PAGE.AUG")                           \
	X(DPAMT_TDH_MEM_RANGE_BLOCK, 7, "MEM.RANGE.BLOCK")                     \
	X(DPAMT_TDH_MNG_KEY_CONFIG, 8, "MNG.KEY.CONFIG")                       \
	X(DPAMT_TDH_MNG_CREATE, 9, "MNG.CREATE")                               \
	X(DPAMT_TDH_VP_CREATE, 10, "VP.CREATE")                                \
	X(DPAMT_TDH_MEM_PAGE_DEMOTE, 15, "MEM.PAGE.DEMOTE")                    \
	X(DPAMT_TDH_MR_FINALIZE, 17, "MR.FINALIZE")                            \
	X(DPAMT_TDH_MNG_VPFLUSHDONE, 19, "MNG.VPFLUSHDONE")                    \
	X(DPAMT_TDH_MNG_KEY_FREEID, 20, "MNG.KEY.FREEID")                      \
	X(DPAMT_TDH_MNG_INIT, 21, "MNG.INIT")                                  \
	X(DPAMT_TDH_VP_INIT, 22, "VP.INIT")                                    \
	X(DPAMT_TDH_MEM_PAGE_PROMOTE, 23, "MEM.PAGE.PROMOTE")                  \
	X(DPAMT_TDH_PHYMEM_PAGE_RECLAIM, 28, "PHYMEM.PAGE.RECLAIM")            \
	X(DPAMT_TDH_MEM_PAGE_REMOVE, 29, "MEM.PAGE.REMOVE")                    \
	X(DPAMT_TDH_MEM_SEPT_REMOVE, 30, "MEM.SEPT.REMOVE")                    \
	X(DPAMT_TDH_SYS_RD, 34, "SYS.RD")                                      \
	X(DPAMT_TDH_SYS_TDMR_INIT, 36, "SYS.TDMR.INIT")                        \
	X(DPAMT_TDH_MEM_TRACK, 38, "MEM.TRACK")                                \
	X(DPAMT_TDH_PHYMEM_CACHE_WB, 40, "PHYMEM.CACHE.WB")                    \
	X(DPAMT_TDH_SYS_CONFIG, 45, "SYS.CONFIG")                              \
	X(DPAMT_TDH_PHYMEM_PAMT_ADD, 58, "PHYMEM.PAMT.ADD")                    \
	X(DPAMT_TDH_PHYMEM_PAMT_REMOVE, 59, "PHYMEM.PAMT.REMOVE")

enum dpamt_tdx_leaf {
#define DPAMT_TDX_LEAF_ENUM(sym, num, name) sym = num,
	DPAMT_TDX_LEAVES(DPAMT_TDX_LEAF_ENUM)
#undef DPAMT_TDX_LEAF_ENUM
	DPAMT_TDX_LEAF_MAX = 64 /* every leaf number is below this */
};

/* ---- Status ------------------------------------------------------------ */
#define DPAMT_TDX_STATUS_ERROR_BIT (1ULL << 63)
#define DPAMT_TDX_STATUS_NONRECOVERABLE_BIT (1ULL << 62)
/*
 * PAMT_REMOVAL_HINT: never in RAX.  The leaves that free a page ORed it
 * into the output register that returns the freed page's address (RCX of
 * MEM.PAGE.REMOVE, MEM.SEPT.REMOVE and MEM.PAGE.PROMOTE; R9 of
 * PHYMEM.PAGE.RECLAIM) when that page's 2 MiB range's page_count reached
 * 0 (pamt_dec_nl_page_count_and_get_hint() in the module's
 * pamt_manager.c).  RAX stays DPAMT_TDX_SUCCESS.
 */
#define DPAMT_TDX_PAMT_REMOVAL_HINT (1ULL << 62)
#define DPAMT_TDX_STATUS_CLASS_MASK 0xFFFFFFFF00000000ULL
#define DPAMT_TDX_STATUS_OPERAND_MASK 0x00000000FFFFFFFFULL

#define DPAMT_TDX_SUCCESS 0x0000000000000000ULL
#define DPAMT_TDX_OPERAND_INVALID 0xC000010000000000ULL
#define DPAMT_TDX_OPERAND_ADDR_RANGE_ERROR 0xC000010100000000ULL
#define DPAMT_TDX_OPERAND_BUSY 0x8000020000000000ULL
#define DPAMT_TDX_OPERAND_BUSY_HOST_PRIORITY 0x8000020400000000ULL
#define DPAMT_TDX_PAGE_METADATA_INCORRECT 0xC000030000000000ULL
#define DPAMT_TDX_PAGE_ALREADY_FREE 0x0000030100000000ULL
#define DPAMT_TDX_PAGE_NOT_FREE 0xC000030300000000ULL
#define DPAMT_TDX_HPA_RANGE_NOT_FREE 0xC000030400000000ULL
#define DPAMT_TDX_NO_PAMT_PAGE_PAIR 0xC000030500000000ULL
#define DPAMT_TDX_PAMT_PAGE_NOT_EMPTY 0xC000030600000000ULL
#define DPAMT_TDX_INTERRUPTED_PAMT 0x8000030700000000ULL
#define DPAMT_TDX_MISSING_PAMT_PAGE_PAIR 0x8000030800000000ULL
#define DPAMT_TDX_TD_ASSOCIATED_PAGES_EXIST 0xC000040000000000ULL
#define DPAMT_TDX_EPT_WALK_FAILED 0xC0000B0000000000ULL
#define DPAMT_TDX_GPA_RANGE_NOT_BLOCKED 0xC0000B0600000000ULL
#define DPAMT_TDX_GPA_RANGE_ALREADY_BLOCKED 0x00000B0700000000ULL
#define DPAMT_TDX_TLB_TRACKING_NOT_DONE 0xC0000B0800000000ULL
#define DPAMT_TDX_EPT_INVALID_PROMOTE_CONDITIONS 0xC0000B0900000000ULL
#define DPAMT_TDX_EPT_ENTRY_STATE_INCORRECT 0xC0000B0D00000000ULL
#define DPAMT_TDX_EPT_PAGE_NOT_FREE 0xC0000B0E00000000ULL
#define DPAMT_TDX_SYS_SHUTDOWN 0xC000050600000000ULL
#define DPAMT_TDX_PAGE_NOT_OWNED_BY_TD 0xC000030200000000ULL
/* Low 32 bits: the TD's OP_STATE (the module's op_state_e), not an id. */
#define DPAMT_TDX_OP_STATE_INCORRECT 0xC000060800000000ULL
#define DPAMT_TDX_TDCS_NOT_ALLOCATED 0xC000060600000000ULL
#define DPAMT_TDX_TDCX_NUM_INCORRECT 0xC000061000000000ULL
#define DPAMT_TDX_TD_FATAL 0xE000060400000000ULL
#define DPAMT_TDX_LIFECYCLE_STATE_INCORRECT 0xC000060700000000ULL
#define DPAMT_TDX_SYS_BUSY 0x8000020200000000ULL
#define DPAMT_TDX_SYS_NOT_READY 0xC000050500000000ULL
#define DPAMT_TDX_SYS_STATE_INCORRECT 0xC000050800000000ULL
#define DPAMT_TDX_SYS_CONFIG_NOT_PENDING 0xC000050C00000000ULL
#define DPAMT_TDX_TD_KEYS_NOT_CONFIGURED 0x8000081000000000ULL
#define DPAMT_TDX_KEY_STATE_INCORRECT 0xC000081100000000ULL
#define DPAMT_TDX_KEY_CONFIGURED 0x0000081500000000ULL
#define DPAMT_TDX_WBCACHE_NOT_COMPLETE 0x8000081700000000ULL
#define DPAMT_TDX_HKID_NOT_FREE 0xC000082000000000ULL
#define DPAMT_TDX_NO_HKID_READY_TO_WBCACHE 0x0000082100000000ULL
#define DPAMT_TDX_WBCACHE_RESUME_ERROR 0xC000082300000000ULL
#define DPAMT_TDX_FLUSHVP_NOT_DONE 0x8000082400000000ULL
#define DPAMT_TDX_METADATA_FIELD_ID_INCORRECT 0xC0000C0000000000ULL
/* Not a module status: the model's stand-in for the module's fatal error
 * (the real module shuts down and every later SEAMCALL fails). */
#define DPAMT_TDX_MODEL_FATAL 0xC0000FF000000000ULL
/*
 * TDH.SYS.CONFIG's TDMR checks (public module ABI).  The low 32 bits carry
 * the TDMR index in bits 7:0, then the reserved-area index or the PAMT
 * level (0 4K, 1 2M, 2 1G) in bits 15:8, and for PAMT_OVERLAP the other
 * TDMR's index in bits 23:16 (dpamt_tdx_status_make_info()).
 */
#define DPAMT_TDX_INVALID_TDMR 0xC0000A0000000000ULL
#define DPAMT_TDX_NON_ORDERED_TDMR 0xC0000A0100000000ULL
#define DPAMT_TDX_TDMR_OUTSIDE_CMRS 0xC0000A0200000000ULL
#define DPAMT_TDX_TDMR_ALREADY_INITIALIZED 0x00000A0300000000ULL
#define DPAMT_TDX_INVALID_PAMT 0xC0000A1000000000ULL
#define DPAMT_TDX_PAMT_OUTSIDE_CMRS 0xC0000A1100000000ULL
#define DPAMT_TDX_PAMT_OVERLAP 0xC0000A1200000000ULL
#define DPAMT_TDX_INVALID_RESERVED_IN_TDMR 0xC0000A2000000000ULL
#define DPAMT_TDX_NON_ORDERED_RESERVED_IN_TDMR 0xC0000A2100000000ULL

/* Name table: X(symbol-without-TDX_) for every class above. */
#define DPAMT_TDX_STATUSES(X) \
	X(SUCCESS) \
	X(OPERAND_INVALID) \
	X(OPERAND_ADDR_RANGE_ERROR) \
	X(OPERAND_BUSY) \
	X(OPERAND_BUSY_HOST_PRIORITY) \
	X(PAGE_METADATA_INCORRECT) \
	X(PAGE_ALREADY_FREE) \
	X(PAGE_NOT_FREE) \
	X(HPA_RANGE_NOT_FREE) \
	X(NO_PAMT_PAGE_PAIR) \
	X(PAMT_PAGE_NOT_EMPTY) \
	X(INTERRUPTED_PAMT) \
	X(MISSING_PAMT_PAGE_PAIR) \
	X(TD_ASSOCIATED_PAGES_EXIST) \
	X(EPT_WALK_FAILED) \
	X(GPA_RANGE_NOT_BLOCKED) \
	X(GPA_RANGE_ALREADY_BLOCKED) \
	X(TLB_TRACKING_NOT_DONE) \
	X(EPT_INVALID_PROMOTE_CONDITIONS) \
	X(EPT_ENTRY_STATE_INCORRECT) \
	X(EPT_PAGE_NOT_FREE) \
	X(SYS_SHUTDOWN) \
	X(PAGE_NOT_OWNED_BY_TD) \
	X(OP_STATE_INCORRECT) \
	X(TDCS_NOT_ALLOCATED) \
	X(TDCX_NUM_INCORRECT) \
	X(TD_FATAL) \
	X(LIFECYCLE_STATE_INCORRECT) \
	X(SYS_BUSY) \
	X(SYS_NOT_READY) \
	X(SYS_STATE_INCORRECT) \
	X(SYS_CONFIG_NOT_PENDING) \
	X(TD_KEYS_NOT_CONFIGURED) \
	X(KEY_STATE_INCORRECT) \
	X(KEY_CONFIGURED) \
	X(WBCACHE_NOT_COMPLETE) \
	X(HKID_NOT_FREE) \
	X(NO_HKID_READY_TO_WBCACHE) \
	X(WBCACHE_RESUME_ERROR) \
	X(FLUSHVP_NOT_DONE) \
	X(METADATA_FIELD_ID_INCORRECT) \
	X(MODEL_FATAL) \
	X(INVALID_TDMR) \
	X(NON_ORDERED_TDMR) \
	X(TDMR_OUTSIDE_CMRS) \
	X(TDMR_ALREADY_INITIALIZED) \
	X(INVALID_PAMT) \
	X(PAMT_OUTSIDE_CMRS) \
	X(PAMT_OVERLAP) \
	X(INVALID_RESERVED_IN_TDMR) \
	X(NON_ORDERED_RESERVED_IN_TDMR)

/* ---- Operand ids (low 32 bits of an error status) ----------------------
 * As the module's operand id table (OPERAND_ID_* in its generated ABI
 * definitions): registers by number, then TD structures from 0x80. */
#define DPAMT_TDX_OPERANDS(X)                                                  \
	X(DPAMT_TDX_OPERAND_ID_RAX, 0x00, "RAX")                               \
	X(DPAMT_TDX_OPERAND_ID_RCX, 0x01, "RCX")                               \
	X(DPAMT_TDX_OPERAND_ID_RDX, 0x02, "RDX")                               \
	X(DPAMT_TDX_OPERAND_ID_RBX, 0x03, "RBX")                               \
	X(DPAMT_TDX_OPERAND_ID_RSI, 0x06, "RSI")                               \
	X(DPAMT_TDX_OPERAND_ID_RDI, 0x07, "RDI")                               \
	X(DPAMT_TDX_OPERAND_ID_R8, 0x08, "R8")                                 \
	X(DPAMT_TDX_OPERAND_ID_R9, 0x09, "R9")                                 \
	X(DPAMT_TDX_OPERAND_ID_R10, 0x0A, "R10")                               \
	X(DPAMT_TDX_OPERAND_ID_R11, 0x0B, "R11")                               \
	X(DPAMT_TDX_OPERAND_ID_R12, 0x0C, "R12")                               \
	X(DPAMT_TDX_OPERAND_ID_R13, 0x0D, "R13")                               \
	X(DPAMT_TDX_OPERAND_ID_R14, 0x0E, "R14")                               \
	X(DPAMT_TDX_OPERAND_ID_R15, 0x0F, "R15")                               \
	X(DPAMT_TDX_OPERAND_ID_TDR, 0x80, "TDR")                               \
	X(DPAMT_TDX_OPERAND_ID_TDCX, 0x81, "TDCX")                             \
	X(DPAMT_TDX_OPERAND_ID_TDVPR, 0x82, "TDVPR")                           \
	X(DPAMT_TDX_OPERAND_ID_TDCS, 0x90, "TDCS")                             \
	X(DPAMT_TDX_OPERAND_ID_TDVPS, 0x91, "TDVPS")                           \
	X(DPAMT_TDX_OPERAND_ID_SEPT, 0x92, "SEPT")                             \
	X(DPAMT_TDX_OPERAND_ID_SEPT_ENTRY, 0x93, "SEPT_ENTRY")                 \
	X(DPAMT_TDX_OPERAND_ID_TD_EPOCH, 0xA9, "TD_EPOCH")                     \
	X(DPAMT_TDX_OPERAND_ID_OP_STATE, 0xAC, "OP_STATE")                     \
	X(DPAMT_TDX_OPERAND_ID_SYS, 0xB8, "SYS")                               \
	X(DPAMT_TDX_OPERAND_ID_KOT, 0xBA, "KOT")                               \
	X(DPAMT_TDX_OPERAND_ID_KET, 0xBB, "KET")                               \
	X(DPAMT_TDX_OPERAND_ID_WBCACHE, 0xBC, "WBCACHE")

enum dpamt_tdx_operand_id {
#define DPAMT_TDX_OPERAND_ENUM(sym, val, name) sym = val,
	DPAMT_TDX_OPERANDS(DPAMT_TDX_OPERAND_ENUM)
#undef DPAMT_TDX_OPERAND_ENUM
};

/* ---- PAMT page types and sizes ----------------------------------------- */
enum dpamt_tdx_page_type {
	DPAMT_TDX_PT_NDA = 0,   /* free: not assigned */
	DPAMT_TDX_PT_RSVD = 1,  /* reserved */
	DPAMT_TDX_PT_REG = 3,   /* TD private page */
	DPAMT_TDX_PT_TDR = 4,
	DPAMT_TDX_PT_TDCX = 5,  /* TDCS page or TDCX page */
	DPAMT_TDX_PT_TDVPR = 6,
	DPAMT_TDX_PT_EPT = 8,   /* S-EPT page */
	DPAMT_TDX_PT_PAMT =
		15, /* 2M entry: the range's 4K entries live in a pair */
};

enum dpamt_tdx_page_level {
	DPAMT_TDX_PS_4K = 0,
	DPAMT_TDX_PS_2M = 1,
	DPAMT_TDX_PS_1G = 2
};

#define DPAMT_TDX_PAGE_SIZE 4096ULL
#define DPAMT_TDX_2M_SIZE (2ULL << 20)
#define DPAMT_TDX_1G_SIZE (1ULL << 30)
#define DPAMT_TDX_LEVEL_MASK 0x7ULL

/* SYS.CONFIG R8 bit that turns Dynamic PAMT on. */
#define DPAMT_TDX_SYS_CONFIG_DPAMT_BIT (1ULL << 16)
/* TDX_FEATURES0 bit: Dynamic PAMT supported. */
#define DPAMT_TDX_FEATURES0_DPAMT_BIT (1ULL << 36)

/* ---- Global metadata field ids (TDH.SYS.RD RDX in, R8 out) ------------- */
#define DPAMT_TDX_MD_FEATURES0 0x0A00000300000008ULL
#define DPAMT_TDX_MD_PAMT_4K_ENTRY_SIZE 0x9100000100000010ULL
#define DPAMT_TDX_MD_PAMT_2M_ENTRY_SIZE 0x9100000100000011ULL
#define DPAMT_TDX_MD_PAMT_1G_ENTRY_SIZE 0x9100000100000012ULL
#define DPAMT_TDX_MD_PAMT_PAGE_BITMAP_ENTRY_BITS 0x9100000100000013ULL
#define DPAMT_TDX_MD_PAMT_PAGES_PER_2M                                         \
	0x9100000100000014ULL				  /* model-chosen id */
#define DPAMT_TDX_MD_NUM_TDCS_PAGES 0x9800000100000003ULL /* model-chosen id */
#define DPAMT_TDX_MD_NUM_TDCX_PAGES 0x9800000100000004ULL /* model-chosen id */
/* Sizes in bytes, as the public module reports them. */
#define DPAMT_TDX_MD_TDR_BASE_SIZE 0x9800000100000000ULL
#define DPAMT_TDX_MD_TDCS_BASE_SIZE 0x9800000100000100ULL
#define DPAMT_TDX_MD_TDVPS_BASE_SIZE 0x9800000100000200ULL
#define DPAMT_TDX_MD_MAX_TDMRS 0x9100000100000008ULL
#define DPAMT_TDX_MD_MAX_RESERVED_PER_TDMR 0x9100000100000009ULL

/*
 * The metadata values the model reports by default, and what the host
 * assumes where it has no module to ask (`dpamt info`): the one source of
 * both dpamt_metadata_default() and tdxmod_config_default().  16-byte
 * PAMT entries at every level, a 1-bit-per-page bitmap, a pair of
 * 2 pages (512 4K entries x 16 bytes / 4096), 4 TDCS pages per TD and 6
 * TDCX pages per vCPU.
 */
#define DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_4K 16u
#define DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_2M 16u
#define DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_1G 16u
#define DPAMT_TDX_DEFAULT_BITMAP_ENTRY_BITS 1u
#define DPAMT_TDX_DEFAULT_PAGES_PER_PAIR 2u
#define DPAMT_TDX_DEFAULT_NUM_TDCS_PAGES 4u
#define DPAMT_TDX_DEFAULT_NUM_TDCX_PAGES 6u
DPAMT_STATIC_ASSERT(DPAMT_TDX_DEFAULT_PAGES_PER_PAIR * DPAMT_TDX_PAGE_SIZE ==
			    512 * DPAMT_TDX_DEFAULT_PAMT_ENTRY_SIZE_4K,
		    "a pair holds one 2 MiB range's 512 4K PAMT entries");


/* ---- TDMR_INFO: one per TDMR, in the array TDH.SYS.CONFIG points at ---- */
#define DPAMT_TDX_MAX_RESERVED_PER_TDMR 16
#define DPAMT_TDX_TDMR_INFO_ALIGN 512

struct dpamt_tdx_tdmr_info {
	uint64_t base;        /* 1 GiB aligned */
	uint64_t size;        /* multiple of 1 GiB */
	uint64_t pamt_1g_base, pamt_1g_size;
	uint64_t pamt_2m_base, pamt_2m_size;
	uint64_t pamt_4k_base, pamt_4k_size; /* bitmap in dynamic mode */
	struct {
		uint64_t offset, size;
	} reserved[DPAMT_TDX_MAX_RESERVED_PER_TDMR];
	uint8_t pad[DPAMT_TDX_TDMR_INFO_ALIGN - 64 -
		    16 * DPAMT_TDX_MAX_RESERVED_PER_TDMR];
};

DPAMT_STATIC_ASSERT(sizeof(struct dpamt_tdx_tdmr_info) ==
			    DPAMT_TDX_TDMR_INFO_ALIGN,
		    "TDMR_INFO is 512 bytes");

/*
 * TDH.SYS.CONFIG (the module's tdh_sys_config.c): RCX = PA of an array of
 * RDX 8-byte PAs, each the PA of one struct dpamt_tdx_tdmr_info; the array and
 * every entry 512-byte aligned (DPAMT_TDX_TDMR_INFO_ALIGN).  R8 = global
 * private HKID in bits 15:0 | DPAMT_TDX_SYS_CONFIG_DPAMT_BIT.
 * TDH.SYS.TDMR.INIT: RCX = TDMR base.  TDH.SYS.RD: RDX = field id in, R8 =
 * value out.
 */

/* ---- Helpers ----------------------------------------------------------- */
static inline uint64_t dpamt_tdx_status_class(uint64_t status)
{
	return status & DPAMT_TDX_STATUS_CLASS_MASK;
}

static inline uint32_t dpamt_tdx_status_operand(uint64_t status)
{
	return (uint32_t)(status & DPAMT_TDX_STATUS_OPERAND_MASK);
}

static inline bool dpamt_tdx_is_error(uint64_t status)
{
	return (status & DPAMT_TDX_STATUS_ERROR_BIT) != 0;
}

static inline bool dpamt_tdx_is_busy(uint64_t status)
{
	uint64_t c = dpamt_tdx_status_class(status);

	return c == DPAMT_TDX_OPERAND_BUSY ||
	       c == DPAMT_TDX_OPERAND_BUSY_HOST_PRIORITY;
}

/* The removal hint in an output register (RCX/R9), not in RAX. */
static inline bool dpamt_tdx_removal_hint(uint64_t reg)
{
	return (reg & DPAMT_TDX_PAMT_REMOVAL_HINT) != 0;
}

/* The page address of an output register that may carry the hint. */
static inline uint64_t dpamt_tdx_hint_strip(uint64_t reg)
{
	return reg & ~DPAMT_TDX_PAMT_REMOVAL_HINT;
}

static inline bool dpamt_tdx_is_success(uint64_t status)
{
	return status == DPAMT_TDX_SUCCESS;
}

static inline uint64_t dpamt_tdx_status_make(uint64_t cls, uint32_t operand)
{
	return cls | operand;
}

/* Class with info bytes in bits 7:0, 15:8, 23:16 (e.g. TDMR index, PAMT
 * level or reserved-area index, other TDMR index). */
static inline uint64_t dpamt_tdx_status_make_info(uint64_t cls, uint8_t info0,
					    uint8_t info1, uint8_t info2)
{
	return cls | info0 | ((uint64_t)info1 << 8) | ((uint64_t)info2 << 16);
}

/* Level bits of a GPA/HPA operand (RCX bits 2:0). */
static inline unsigned dpamt_tdx_operand_level(uint64_t op)
{
	return (unsigned)(op & DPAMT_TDX_LEVEL_MASK);
}

DPAMT_STATIC_ASSERT(sizeof(struct dpamt_tdx_regs) == 9 * 8,
		    "dpamt_tdx_regs is 9 registers");
DPAMT_STATIC_ASSERT((DPAMT_TDX_MODEL_FATAL & DPAMT_TDX_STATUS_ERROR_BIT) != 0,
	       "model fatal is an error");
DPAMT_STATIC_ASSERT((DPAMT_TDX_OPERAND_BUSY & DPAMT_TDX_STATUS_ERROR_BIT) !=
				    0 &&
			    (DPAMT_TDX_OPERAND_BUSY &
			     DPAMT_TDX_STATUS_NONRECOVERABLE_BIT) == 0,
		    "BUSY is a recoverable error");
DPAMT_STATIC_ASSERT(DPAMT_TDH_PHYMEM_PAMT_REMOVE < DPAMT_TDX_LEAF_MAX,
		    "leaf table size");
DPAMT_STATIC_ASSERT((DPAMT_TDX_PAMT_REMOVAL_HINT & 0x000FFFFFFFFFFFFFULL) == 0,
	       "the hint lies above every physical address bit");

/*
 * Non-inline helpers (src/common/tdx_abi.c, hosted and freestanding safe):
 * names for leaves, status classes and operand ids.  Unknown values give
 * NULL.  dpamt_tdx_status_name() formats "CLASS" or "CLASS|OPERAND" into buf
 * (e.g. "HPA_RANGE_NOT_FREE|RCX"; an unnamed operand prints as hex) and
 * returns buf.
 */
const char *dpamt_tdx_leaf_name(unsigned leaf); /* "PHYMEM.PAMT.ADD" */
int dpamt_tdx_leaf_from_name(const char *name);             /* -1 if unknown */
const char *dpamt_tdx_class_name(uint64_t status);          /* "OPERAND_BUSY" */
int dpamt_tdx_class_from_name(const char *name, uint64_t *cls); /* 0 ok, -1 */
const char *dpamt_tdx_operand_name(uint32_t id);            /* "RCX" */
int dpamt_tdx_operand_from_name(const char *name, uint32_t *id);
char *dpamt_tdx_status_name(uint64_t status, char *buf, unsigned len);

#ifdef __cplusplus
}
#endif

#endif /* DPAMT_TDX_ABI_H */
