/*
 * atomic_hook.c - the per-thread simulator hook of dp_atomic.h, when the
 * build has it (DPAMT_ATOMIC_HOOK); otherwise this file defines nothing.
 */
#include "host/dp_atomic.h"

#ifdef DPAMT_ATOMIC_HOOK
_Thread_local const struct dp_atomic_hook *dp_atomic_hook_tls
	__attribute__((tls_model("initial-exec")));

/* Concurrency: affects the calling thread only. */
void dp_atomic_hook_set(const struct dp_atomic_hook *h)
{
	dp_atomic_hook_tls = h;
}
#else
typedef int dp_atomic_hook_unused; /* ISO C: not an empty unit */
#endif
