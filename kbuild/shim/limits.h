/*
 * limits.h (kernel build shim) - INT_MAX, UINT_MAX and friends from the
 * kernel's headers.
 */
#ifndef DPAMT_KSHIM_LIMITS_H
#define DPAMT_KSHIM_LIMITS_H

#include <linux/limits.h>

#endif /* DPAMT_KSHIM_LIMITS_H */
