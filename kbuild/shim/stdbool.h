/*
 * stdbool.h (kernel build shim) - the kernel defines bool, true and false
 * itself (linux/types.h, linux/stddef.h).
 */
#ifndef DPAMT_KSHIM_STDBOOL_H
#define DPAMT_KSHIM_STDBOOL_H

#include <linux/stddef.h>
#include <linux/types.h>

#endif /* DPAMT_KSHIM_STDBOOL_H */
