/*
 * linux_seamcall.h - Linux's SEAMCALL calling convention over the TDX-module
 * model, so kernel source (KVM's TDX code, the Dynamic PAMT host code) can
 * be compiled unchanged in user space against dpamt's model.
 *
 * Linux issues a SEAMCALL through struct tdx_module_args (fields in the
 * kernel's order) and one of three entry points that differ only in which
 * output registers they copy back, as the kernel's assembly does:
 *   __seamcall()            RAX only; args is not written;
 *   __seamcall_ret()        also RCX, RDX, R8, R9, R10, R11;
 *   __seamcall_saved_ret()  also R12, R13, R14, R15, RBX, RDI, RSI.
 * seamcall(), seamcall_ret() and seamcall_saved_ret() are the kernel's
 * names for the same calls (its retry on TDX_RND_NO_ENTROPY never fires:
 * the model never answers it).  The leaf in fn may carry a version in
 * bits 23:16 (TDH_VP_INIT is version 1, as Linux calls it).
 *
 * Binding: the kernel's calls take no context, so a thread first binds
 * itself to a model with tdxmod_bind_thread(); an unbound thread gets
 * TDX_SEAMCALL_VMFAILINVALID, what Linux sees when no module is loaded.
 * The binding is per thread and stays until changed.
 *
 * Names: this is the one public header that gives Linux's own names
 * (struct tdx_module_args, the SEAMCALL entry points, TDH_* leaf numbers,
 * TDX_SEAMCALL_VMFAILINVALID); it stands in for the kernel's SEAMCALL
 * interface and is not meant to sit next to it.  Every leaf number and
 * the status are under #ifndef and spelled as plain values, so a kernel
 * header's definitions seen first win.  Everything else it uses comes
 * from dpamt/tdx_abi.h, whose names are all DPAMT_* / dpamt_tdx_*
 * (docs/linux-interface.md, "Names", which also shows how to compile a
 * kernel source file against it).
 */
#ifndef DPAMT_LINUX_SEAMCALL_H
#define DPAMT_LINUX_SEAMCALL_H

#include <stdint.h>

#include "dpamt/tdx_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tdxmod;

/* The kernel's struct (arch/x86/include/asm/shared/tdx.h): field order
 * rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15, rbx, rdi, rsi. */
struct tdx_module_args {
	/* callee-clobbered */
	uint64_t rcx;
	uint64_t rdx;
	uint64_t r8;
	uint64_t r9;
	/* extra callee-clobbered */
	uint64_t r10;
	uint64_t r11;
	/* callee-saved + rdi/rsi */
	uint64_t r12;
	uint64_t r13;
	uint64_t r14;
	uint64_t r15;
	uint64_t rbx;
	uint64_t rdi;
	uint64_t rsi;
};

/* Bind the calling thread to m (NULL unbinds); the model bound now. */
/**
 * tdxmod_bind_thread() - Bind the calling thread to a model.
 * @m: the model, or NULL to unbind.
 *
 * Context: Any thread; changes only the calling thread's binding
 * (thread-local); the model must outlive the binding's use.
 * Return: nothing.
 */
void tdxmod_bind_thread(struct tdxmod *m);
/**
 * tdxmod_bound_thread() - The model the calling thread is bound to.
 *
 * Context: Any thread; reads the calling thread's binding.
 * Return: the model, or NULL if unbound.
 */
struct tdxmod *tdxmod_bound_thread(void);

/* The kernel's assembly entry points (RAX = fn in, status out). */
/**
 * __seamcall() - Issue SEAMCALL fn on the bound model (RAX only).
 * @fn: the leaf, version in bits 23:16.
 * @args: operands in; not written.
 *
 * Context: Any thread, any number at once; each thread uses its own
 * binding and the model is thread safe. Runs tdxmod_seamcall() on the
 * bound model: never sleeps except in the model's cfg.hold; entry
 * contention answers BUSY.
 * Return: the status (RAX); TDX_SEAMCALL_VMFAILINVALID when the thread
 * is unbound.
 */
uint64_t __seamcall(uint64_t fn, struct tdx_module_args *args);
/**
 * __seamcall_ret() - SEAMCALL fn on the bound model, RCX..R11 back.
 * @fn: the leaf, version in bits 23:16.
 * @args: operands in; outputs copied back as the kernel's assembly
 *   does.
 *
 * Context: Any thread, any number at once; each thread uses its own
 * binding and the model is thread safe. Runs tdxmod_seamcall() on the
 * bound model: never sleeps except in the model's cfg.hold; entry
 * contention answers BUSY.
 * Return: the status (RAX); TDX_SEAMCALL_VMFAILINVALID when the thread
 * is unbound.
 */
uint64_t __seamcall_ret(uint64_t fn, struct tdx_module_args *args);
/**
 * __seamcall_saved_ret() - SEAMCALL fn, RCX..R11 and R12/R13 back.
 * @fn: the leaf, version in bits 23:16.
 * @args: operands in; outputs copied back as the kernel's assembly
 *   does.
 *
 * Context: Any thread, any number at once; each thread uses its own
 * binding and the model is thread safe. Runs tdxmod_seamcall() on the
 * bound model: never sleeps except in the model's cfg.hold; entry
 * contention answers BUSY.
 * Return: the status (RAX); TDX_SEAMCALL_VMFAILINVALID when the thread
 * is unbound.
 */
uint64_t __seamcall_saved_ret(uint64_t fn, struct tdx_module_args *args);

/* The kernel's wrappers of those (sc_retry() in asm/tdx.h). */
/**
 * seamcall() - The kernel's wrapper of __seamcall().
 * @fn: the leaf, version in bits 23:16.
 * @args: as __seamcall().
 *
 * Context: Any thread, any number at once; each thread uses its own
 * binding and the model is thread safe. Runs tdxmod_seamcall() on the
 * bound model: never sleeps except in the model's cfg.hold; entry
 * contention answers BUSY. No retry: the model never answers
 * TDX_RND_NO_ENTROPY.
 * Return: as __seamcall().
 */
uint64_t seamcall(uint64_t fn, struct tdx_module_args *args);
/**
 * seamcall_ret() - The kernel's wrapper of __seamcall_ret().
 * @fn: the leaf, version in bits 23:16.
 * @args: as __seamcall_ret().
 *
 * Context: Any thread, any number at once; each thread uses its own
 * binding and the model is thread safe. Runs tdxmod_seamcall() on the
 * bound model: never sleeps except in the model's cfg.hold; entry
 * contention answers BUSY. No retry: the model never answers
 * TDX_RND_NO_ENTROPY.
 * Return: as __seamcall_ret().
 */
uint64_t seamcall_ret(uint64_t fn, struct tdx_module_args *args);
/**
 * seamcall_saved_ret() - The kernel's wrapper of __seamcall_saved_ret().
 * @fn: the leaf, version in bits 23:16.
 * @args: as __seamcall_saved_ret().
 *
 * Context: Any thread, any number at once; each thread uses its own
 * binding and the model is thread safe. Runs tdxmod_seamcall() on the
 * bound model: never sleeps except in the model's cfg.hold; entry
 * contention answers BUSY. No retry: the model never answers
 * TDX_RND_NO_ENTROPY.
 * Return: as __seamcall_saved_ret().
 */
uint64_t seamcall_saved_ret(uint64_t fn, struct tdx_module_args *args);

/* Linux's status for "no TDX module" (TDX_SW_ERROR | 0xFFFF0000). */
#ifndef TDX_SEAMCALL_VMFAILINVALID
#define TDX_SEAMCALL_VMFAILINVALID 0x8000FF00FFFF0000ULL
#endif

/* ---- Leaf numbers with version bits (the module's tdx_api_defs.h) ----- */
#ifndef TDH_MNG_ADDCX
#define TDH_MNG_ADDCX 1
#endif
#ifndef TDH_MEM_PAGE_ADD
#define TDH_MEM_PAGE_ADD 2
#endif
#ifndef TDH_MEM_SEPT_ADD
#define TDH_MEM_SEPT_ADD 3
#endif
#ifndef TDH_VP_ADDCX
#define TDH_VP_ADDCX 4
#endif
#ifndef TDH_MEM_PAGE_AUG
#define TDH_MEM_PAGE_AUG 6
#endif
#ifndef TDH_MEM_RANGE_BLOCK
#define TDH_MEM_RANGE_BLOCK 7
#endif
#ifndef TDH_MNG_KEY_CONFIG
#define TDH_MNG_KEY_CONFIG 8
#endif
#ifndef TDH_MNG_CREATE
#define TDH_MNG_CREATE 9
#endif
#ifndef TDH_VP_CREATE
#define TDH_VP_CREATE 10
#endif
#ifndef TDH_MEM_PAGE_DEMOTE
#define TDH_MEM_PAGE_DEMOTE 15
#endif
#ifndef TDH_MR_FINALIZE
#define TDH_MR_FINALIZE 17
#endif
#ifndef TDH_MNG_VPFLUSHDONE
#define TDH_MNG_VPFLUSHDONE 19
#endif
#ifndef TDH_MNG_KEY_FREEID
#define TDH_MNG_KEY_FREEID 20
#endif
#ifndef TDH_MNG_INIT
#define TDH_MNG_INIT 21
#endif
#ifndef TDH_VP_INIT
#define TDH_VP_INIT (22 | (1ULL << 16))
#endif
#ifndef TDH_MEM_PAGE_PROMOTE
#define TDH_MEM_PAGE_PROMOTE 23
#endif
#ifndef TDH_PHYMEM_PAGE_RECLAIM
#define TDH_PHYMEM_PAGE_RECLAIM 28
#endif
#ifndef TDH_MEM_PAGE_REMOVE
#define TDH_MEM_PAGE_REMOVE 29
#endif
#ifndef TDH_MEM_SEPT_REMOVE
#define TDH_MEM_SEPT_REMOVE 30
#endif
#ifndef TDH_SYS_RD
#define TDH_SYS_RD 34
#endif
#ifndef TDH_SYS_TDMR_INIT
#define TDH_SYS_TDMR_INIT 36
#endif
#ifndef TDH_MEM_TRACK
#define TDH_MEM_TRACK 38
#endif
#ifndef TDH_PHYMEM_CACHE_WB
#define TDH_PHYMEM_CACHE_WB 40
#endif
#ifndef TDH_SYS_CONFIG
#define TDH_SYS_CONFIG 45
#endif
#ifndef TDH_PHYMEM_PAMT_ADD
#define TDH_PHYMEM_PAMT_ADD 58
#endif
#ifndef TDH_PHYMEM_PAMT_REMOVE
#define TDH_PHYMEM_PAMT_REMOVE 59
#endif

#ifdef __cplusplus
}
#endif

#endif /* DPAMT_LINUX_SEAMCALL_H */
