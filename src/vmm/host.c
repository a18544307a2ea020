/*
 * host.c - what the TDs of one VMM host share: the manager, the allocator,
 * the SEAMCALL entry with bounded BUSY retry, the HKID pool and the error
 * sink.
 */
#include "vmm/vmm.h"
#include "util/bitmap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vmm_host_init(struct vmm_host *h, struct dpamt *dp,
		  struct phys_alloc *pa, uint64_t mem_bytes,
		  void (*seamcall)(void *ctx, struct dpamt_tdx_regs *regs),
		  void *seamcall_ctx)
{
	const struct dpamt_metadata *md = dpamt_metadata(dp);

	memset(h, 0, sizeof(*h));
	h->seamcall = seamcall;
	h->seamcall_ctx = seamcall_ctx;
	h->dp = dp;
	h->pa = pa;
	h->dynamic = dpamt_is_dynamic(dp);
	h->tdcs_pages = md->num_tdcs_pages;
	h->tdcx_pages = md->num_tdcx_pages;
	h->pages_per_get = dpamt_pages_per_get(dp);
	h->mem_bytes = mem_bytes;
	h->n_ranges = (mem_bytes + VMM_2M - 1) / VMM_2M;
	/* Private HKIDs: the model's defaults until the caller sets the
	 * platform's range (the pool holds HKIDs below VMM_MAX_HKIDS). */
	h->hkid_min = 1;
	h->hkid_max = 63;
	atomic_init(&h->busy_retries, 0);
	atomic_init(&h->fault_retries, 0);
	h->busy_attempts = VMM_FAULT_BUSY_ATTEMPTS;
	atomic_init(&h->fault_busy_failures, 0);
	atomic_init(&h->td_create_busy_failures, 0);
	for (unsigned b = 0; b < VMM_LAT_BUCKETS; b++)
		atomic_init(&h->fault_lat[b], 0);
	atomic_init(&h->fault_lat_sum_ns, 0);
	atomic_init(&h->seamcall_errors, 0);
	atomic_init(&h->idle_blocks, 0);
	atomic_init(&h->fatal, false);
	h->range_held = calloc(h->n_ranges, sizeof(*h->range_held));
	h->range_holders = calloc(h->n_ranges, sizeof(*h->range_holders));
	if (!h->range_held || !h->range_holders ||
	    pthread_mutex_init(&h->hkid_lock, NULL)) {
		free(h->range_held);
		free(h->range_holders);
		return -1;
	}
	vmm_pcpus_init(&h->pcpus, 0);
	return 0;
}

void vmm_host_fini(struct vmm_host *h)
{
	vmm_pcpus_fini(&h->pcpus);
	pthread_mutex_destroy(&h->hkid_lock);
	free(h->range_held);
	free(h->range_holders);
	h->range_held = h->range_holders = NULL;
}

void vmm_put(struct vmm_host *h, uint64_t pa, struct dpamt_cache *c)
{
	int err = dpamt_put(h->dp, pa, c);

	if (err)
		vmm_error(h, "put of page 0x%llx failed: %s",
			  (unsigned long long)pa, dpamt_strerror(err));
}

/* Concurrency: any thread, no lock held (it may sleep). */
void vmm_busy_backoff(struct vmm_host *h, unsigned attempt)
{
	atomic_fetch_add_explicit(&h->fault_retries, 1, memory_order_relaxed);
	if (attempt < 4) {
		vmm_yield(h);
		return;
	}
	/* 1 us..1 ms */
	vmm_sleep_ns(h, 1000ull << (attempt < 14 ? attempt - 4 : 10));
}

/* Must complete (docs/vmm.md, "Retry policy"): BUSY is retried for ever. */
int vmm_reclaim(struct vmm_host *h, uint64_t pa, struct dpamt_cache *c)
{
	int err;

	for (unsigned a = 1;; a++) {
		err = dpamt_reclaim_page(h->dp, pa, c);
		if (err != DPAMT_EBUSY)
			return err;
		vmm_busy_backoff(h, a);
	}
}

void vmm_error(struct vmm_host *h, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (h->error)
		h->error(h->error_arg, msg);
}

int vmm_call_failed(struct vmm_host *h, uint64_t st, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	if (dpamt_tdx_is_busy(st))
		return DPAMT_EBUSY;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vmm_error(h, "%s: status 0x%llx", msg, (unsigned long long)st);
	return DPAMT_EIO;
}

static void busy_relax(struct vmm_host *h, unsigned attempt)
{
	if (attempt < 8)
		vmm_pause(h);
	else
		vmm_yield(h);
}

uint64_t vmm_seamcall(struct vmm_host *h, struct dpamt_tdx_regs *regs)
{
	return vmm_seamcall_n(h, regs, VMM_BUSY_RETRIES);
}

uint64_t vmm_seamcall_n(struct vmm_host *h, struct dpamt_tdx_regs *regs,
			unsigned retries)
{
	struct dpamt_tdx_regs in = *regs;

	for (unsigned attempt = 0;; attempt++) {
		h->seamcall(h->seamcall_ctx, regs);
		if (!dpamt_tdx_is_busy(regs->rax) || attempt >= retries)
			break;
		atomic_fetch_add_explicit(&h->busy_retries, 1,
					  memory_order_relaxed);
		busy_relax(h, attempt);
		*regs = in;
	}
	if (dpamt_tdx_is_error(regs->rax) && !dpamt_tdx_is_busy(regs->rax))
		atomic_fetch_add_explicit(&h->seamcall_errors, 1,
					  memory_order_relaxed);
	if (regs->rax == DPAMT_TDX_MODEL_FATAL)
		atomic_store_explicit(&h->fatal, true, memory_order_relaxed);
	return regs->rax;
}

bool vmm_fatal(struct vmm_host *h)
{
	return atomic_load_explicit(&h->fatal, memory_order_relaxed);
}

void vmm_note(struct vmm_host *h, int err)
{
	if (err == DPAMT_EFATAL)
		atomic_store_explicit(&h->fatal, true, memory_order_relaxed);
}

int vmm_hkid_get(struct vmm_host *h, unsigned *hkid)
{
	int ret = -1;

	pthread_mutex_lock(&h->hkid_lock);
	for (unsigned k = h->hkid_min; k <= h->hkid_max && k < VMM_MAX_HKIDS;
	     k++) {
		if (!bm_test(h->hkid_used, k)) {
			bm_set(h->hkid_used, k);
			*hkid = k;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&h->hkid_lock);
	return ret;
}

void vmm_hkid_put(struct vmm_host *h, unsigned hkid)
{
	pthread_mutex_lock(&h->hkid_lock);
	bm_clear(h->hkid_used, hkid);
	pthread_mutex_unlock(&h->hkid_lock);
}
