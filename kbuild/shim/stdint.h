/*
 * stdint.h (kernel build shim) - the <stdint.h> names the host core and
 * the public headers use, from the kernel's own types.  Kernel builds run
 * with -nostdinc, so kbuild/shim/ stands in for the C library headers.
 */
#ifndef DPAMT_KSHIM_STDINT_H
#define DPAMT_KSHIM_STDINT_H

#include <linux/limits.h>
#include <linux/types.h>

#ifndef UINT32_MAX
#define UINT32_MAX U32_MAX
#endif
#ifndef UINT64_MAX
#define UINT64_MAX U64_MAX
#endif

#endif /* DPAMT_KSHIM_STDINT_H */
