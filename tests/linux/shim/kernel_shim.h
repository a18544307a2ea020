/*
 * kernel_shim.h - the few kernel definitions a TDX host source file needs
 * to compile in user space against dpamt's model (tools/testing style):
 * integer types, errno values, printk and WARN stand-ins, bit helpers, and
 * Linux's SEAMCALL interface from dpamt/linux_seamcall.h.  Pass it with
 * -include so the kernel file itself stays unchanged.  See
 * docs/linux-interface.md.
 */
#ifndef KERNEL_SHIM_H
#define KERNEL_SHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpamt/linux_seamcall.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t hpa_t;
typedef uint64_t gpa_t;

#define pr_err(...) fprintf(stderr, __VA_ARGS__)
#define pr_warn(...) fprintf(stderr, __VA_ARGS__)
#define WARN_ON_ONCE(c) ((c) ? (fprintf(stderr, "WARN: %s\n", #c), 1) : 0)
#define BIT_ULL(n) (1ULL << (n))
#define PAGE_SIZE 4096UL
#define unlikely(x) __builtin_expect(!!(x), 0)
#define likely(x) __builtin_expect(!!(x), 1)

/* Kernel status helpers as in asm/shared/tdx_errno.h. */
#define TDX_SUCCESS 0ULL
#define TDX_SEAMCALL_STATUS_MASK 0xFFFFFFFF00000000ULL
#define TDX_OPERAND_BUSY 0x8000020000000000ULL
#define TDX_NO_HKID_READY_TO_WBCACHE 0x0000082100000000ULL

#endif /* KERNEL_SHIM_H */
