/*
 * stddef.h (kernel build shim) - size_t, NULL and offsetof from the
 * kernel's headers.
 */
#ifndef DPAMT_KSHIM_STDDEF_H
#define DPAMT_KSHIM_STDDEF_H

#include <linux/stddef.h>
#include <linux/types.h>

#endif /* DPAMT_KSHIM_STDDEF_H */
