/*
 * vcpu.c - what a vCPU thread does: boot (fault in its share of the TD's
 * memory, at 2M where the huge share says so, then convert part of it to
 * shared and back, then churn part of its 4K pages) and, at teardown,
 * reclaim its share's private pages and level-1 S-EPT pages.  Every 4K
 * fault's wall time goes into a per-vCPU histogram, folded into the
 * host's when the vCPU is done booting.
 */
#include "vmm/vmm.h"
#include "util/prng.h"

static unsigned touched_per_chunk(const struct vmm_td *td)
{
	unsigned n = 0;

	for (unsigned i = 0; i < VMM_PAGES_PER_2M; i++)
		n += vmm_page_touched(td, i);
	return n;
}

uint64_t vmm_vcpu_work(const struct vmm_vcpu *v)
{
	const struct vmm_td *td = v->td;
	uint64_t n = 0, t = touched_per_chunk(td);

	for (uint64_t c = v->chunk_first; c < v->chunk_first + v->chunk_count;
	     c++)
		n += !td->spec.legacy && vmm_chunk_is_huge(td, c) ? 1 : t;
	return n;
}

/* Concurrency: pure (h->busy_attempts is set before any vCPU runs). */
bool vmm_fault_again(const struct vmm_host *h, int err, unsigned attempt)
{
	if (err == DPAMT_EFATAL || err == DPAMT_EIO)
		return attempt < 2; /* the module said no: once more at most */
	return attempt < (err == DPAMT_EBUSY ? h->busy_attempts :
					      VMM_FAULT_ATTEMPTS);
}

/* Concurrency: the vCPU's thread; the counter is atomic. */
int vmm_step_failed(struct vmm_vcpu *v, int err, const char *what,
		    uint64_t gpa)
{
	struct vmm_host *h = v->td->h;

	if (err == DPAMT_EBUSY)
		atomic_fetch_add_explicit(&h->fault_busy_failures, 1,
					  memory_order_relaxed);
	else
		vmm_error(h, "td %d vcpu %u: %s at gpa 0x%llx failed: %s",
			  v->td->index, v->index, what,
			  (unsigned long long)gpa, dpamt_strerror(err));
	return err;
}

/* Concurrency: the vCPU's thread, holding a pCPU token. */
int vmm_map_2m_retry(struct vmm_vcpu *v, uint64_t chunk)
{
	int err;

	for (unsigned a = 1;; a++) {
		err = vmm_map_2m(v, chunk);
		if (err >= 0 || !vmm_fault_again(v->td->h, err, a))
			break;
		vmm_fault_backoff(v, a);
	}
	return err < 0 ? vmm_step_failed(v, err, "2M mapping",
					 chunk * VMM_2M) : err;
}

/* Concurrency: the caller holds a pCPU token and no lock. */
void vmm_fault_backoff(struct vmm_vcpu *v, unsigned attempt)
{
	struct vmm_host *h = v->td->h;
	uint64_t ns;

	atomic_fetch_add_explicit(&h->fault_retries, 1, memory_order_relaxed);
	if (attempt < 4) {
		vmm_yield(h);
		return;
	}
	/* 1..2^k us with k growing to 10: neighbours stop retrying in step */
	ns = 1000 * (1 + prng_next(&v->rng) %
		     (1u << (attempt < 14 ? attempt - 4 : 10)));
	/* Callers hold a pCPU token and no lock: a sleeping vCPU lets
	 * another one run, as a descheduled vCPU would. */
	vmm_cpu_leave(h);
	vmm_sleep_ns(h, ns);
	vmm_cpu_enter(h);
}

/* Concurrency: pure. */
unsigned vmm_lat_bucket(uint64_t ns)
{
	unsigned msb, b;

	if (ns < VMM_LAT_SUB)
		return (unsigned)ns;
	msb = 63u - (unsigned)__builtin_clzll(ns);
	b = msb * VMM_LAT_SUB + (unsigned)((ns >> (msb - 3)) & 7u);
	return b < VMM_LAT_BUCKETS ? b : VMM_LAT_BUCKETS - 1;
}

/* Upper bound (ns) of bucket b. */
static uint64_t lat_bucket_top(unsigned b)
{
	unsigned msb = b / VMM_LAT_SUB, sub = b % VMM_LAT_SUB;

	if (msb < 3)
		return b + 1;
	return ((uint64_t)(VMM_LAT_SUB + sub + 1)) << (msb - 3);
}

/* Concurrency: any thread; racy while vCPUs still flush. */
uint64_t vmm_lat_quantile(struct vmm_host *h, double q, uint64_t *count)
{
	uint64_t n = 0, seen = 0, want;

	for (unsigned b = 0; b < VMM_LAT_BUCKETS; b++)
		n += atomic_load_explicit(&h->fault_lat[b],
					  memory_order_relaxed);
	*count = n;
	if (n == 0)
		return 0;
	want = (uint64_t)(q * (double)n);
	want = want < 1 ? 1 : want;
	for (unsigned b = 0; b < VMM_LAT_BUCKETS; b++) {
		seen += atomic_load_explicit(&h->fault_lat[b],
					     memory_order_relaxed);
		if (seen >= want)
			return lat_bucket_top(b);
	}
	return lat_bucket_top(VMM_LAT_BUCKETS - 1);
}

/* The vCPU's latencies into the host's histogram (once, at its end). */
static void lat_flush(struct vmm_vcpu *v)
{
	for (unsigned b = 0; b < VMM_LAT_BUCKETS; b++) {
		if (v->lat[b])
			atomic_fetch_add_explicit(&v->td->h->fault_lat[b],
						  v->lat[b],
						  memory_order_relaxed);
		v->lat[b] = 0;
	}
	atomic_fetch_add_explicit(&v->td->h->fault_lat_sum_ns, v->lat_sum_ns,
				  memory_order_relaxed);
	v->lat_sum_ns = 0;
}

int vmm_fault_retry(struct vmm_vcpu *v, uint64_t page)
{
	uint64_t t0 = vmm_now_ns(v->td->h);
	int err = vmm_fault_4k(v, page);

	for (unsigned a = 1; err && vmm_fault_again(v->td->h, err, a); a++) {
		vmm_fault_backoff(v, a);
		err = vmm_fault_4k(v, page);
	}
	t0 = vmm_now_ns(v->td->h) - t0;
	v->lat[vmm_lat_bucket(t0)]++;
	v->lat_sum_ns += t0;
	return err ? vmm_step_failed(v, err, "fault", page * VMM_PAGE) : 0;
}

/* Fault in the touched pages of chunk c; each counts as progress unless
 * done is NULL (a 2M chunk mapped at 4K counts once, by its caller). */
static int boot_chunk_4k(struct vmm_vcpu *v, uint64_t c, uint64_t *done)
{
	for (uint64_t p = c * VMM_PAGES_PER_2M;
	     p < (c + 1) * VMM_PAGES_PER_2M; p++) {
		if (!vmm_page_touched(v->td, p))
			continue;
		if (vmm_fault_retry(v, p))
			return -1;
		if (done)
			atomic_store_explicit(&v->faults, ++*done,
					      memory_order_relaxed);
	}
	return 0;
}

static int boot_chunk_2m(struct vmm_vcpu *v, uint64_t c, uint64_t *done)
{
	int err = vmm_map_2m_retry(v, c);

	if (err < 0)
		return -1;
	if (err > 0 && boot_chunk_4k(v, c, NULL)) /* no free 2 MiB block */
		return -1;
	atomic_store_explicit(&v->faults, ++*done, memory_order_relaxed);
	return 0;
}

/* churn=PCT: rounds over the vCPU's 4K chunks; that share of them is
 * wholly unmapped and faulted back in each round. */
static void churn(struct vmm_vcpu *v)
{
	struct vmm_td *td = v->td;

	for (unsigned r = 0; r < VMM_CHURN_ROUNDS && td->spec.churn_pct &&
	     !v->stopped; r++)
		for (uint64_t k = 0; k < v->chunk_count && !v->stopped; k++) {
			uint64_t c = v->chunk_first + k;
			int err;

			if (!vmm_chunk_churned(td, c))
				continue;
			vmm_pcpu_enter(&td->h->pcpus);
			err = vmm_churn_chunk(v, c);
			vmm_pcpu_leave(&td->h->pcpus);
			if (!err)
				continue;
			if (err != DPAMT_EBUSY) /* BUSY: counted already */
				vmm_error(td->h, "td %d vcpu %u: churn of gpa "
					  "0x%llx failed: %s", td->index,
					  v->index,
					  (unsigned long long)(c * VMM_2M),
					  dpamt_strerror(err));
			v->stopped = true;
		}
}

void vmm_vcpu_boot(struct vmm_vcpu *v)
{
	struct vmm_td *td = v->td;
	uint64_t n = v->chunk_count, start, done = 0;
	unsigned conv = vmm_convert_count(td);

	if (td->spec.legacy) {
		vmm_legacy_boot(v);
		return;
	}
	start = n ? prng_next(&v->rng) % n : 0;
	for (uint64_t k = 0; k < n && !v->stopped; k++) {
		uint64_t c = v->chunk_first + (start + k) % n;
		int err;

		vmm_cpu_enter(td->h);
		err = vmm_chunk_is_huge(td, c) ? boot_chunk_2m(v, c, &done) :
						 boot_chunk_4k(v, c, &done);
		vmm_cpu_leave(td->h);
		if (err)
			v->stopped = true;
	}
	for (uint64_t k = 0; k < n && conv && !v->stopped; k++) {
		uint64_t c = v->chunk_first + k;
		int err;

		vmm_cpu_enter(td->h);
		err = vmm_convert_chunk(v, c, conv);
		vmm_cpu_leave(td->h);
		if (!err)
			continue;
		if (err != DPAMT_EBUSY) /* BUSY: counted already */
			vmm_error(td->h, "td %d vcpu %u: conversion of gpa "
				  "0x%llx failed: %s", td->index, v->index,
				  (unsigned long long)(c * VMM_2M),
				  dpamt_strerror(err));
		v->stopped = true;
	}
	churn(v);
	lat_flush(v);
	if (v->stopped)
		v->errors++;
}

/* Reclaim a 4K page the TD holds: RECLAIM + put, then back to the
 * allocator unless it belongs to a split block.  False if the module
 * kept it. */
static bool reclaim_4k(struct vmm_vcpu *v, uint64_t page, uint64_t pa,
		       bool free_it)
{
	struct vmm_td *td = v->td;
	int err = vmm_reclaim(td->h, pa, &v->cache);

	vmm_note(td->h, err);
	if (err) {
		vmm_error(td->h, "td %d: reclaim of private page 0x%llx "
			  "failed: %s", td->index, (unsigned long long)pa,
			  dpamt_strerror(err));
		return false;
	}
	vmm_td_ref(td, pa, -1);
	vmm_page_mark(td, page, 0);
	td->chunk_mapped[page / VMM_PAGES_PER_2M]--;
	v->pages_4k--;
	if (free_it)
		vmm_page_free(v, pa);
	return true;
}

static void reclaim_2m(struct vmm_vcpu *v, uint64_t c)
{
	struct vmm_td *td = v->td;
	uint64_t pa = vmm_pfn_pa(td->chunk_pfn[c]);
	struct dpamt_tdx_regs r = { 0 };

	r.rax = DPAMT_TDH_PHYMEM_PAGE_RECLAIM;
	r.rcx = pa;
	if (!dpamt_tdx_is_success(vmm_seamcall(td->h, &r))) {
		vmm_error(td->h, "td %d: reclaim of 2M page 0x%llx: status "
			  "0x%llx", td->index, (unsigned long long)pa,
			  (unsigned long long)r.rax);
		return;
	}
	phys_free_2m(td->h->pa, pa);
	td->chunk_pfn[c] = 0;
	td->chunk_state[c] = VMM_CH_NONE;
	v->pages_2m--;
}

static void reclaim_chunk(struct vmm_vcpu *v, uint64_t c)
{
	struct vmm_td *td = v->td;
	uint8_t st = td->chunk_state[c];
	uint64_t first = c * VMM_PAGES_PER_2M, pa[VMM_PAGES_PER_2M];
	bool all = true;

	if (st == VMM_CH_2M) {
		reclaim_2m(v, c);
		return;
	}
	if (td->chunk_mapped[c])
		vmm_chunk_pas(td, c, pa);
	for (unsigned i = 0; i < VMM_PAGES_PER_2M && td->chunk_mapped[c] &&
	     !vmm_fatal(td->h); i++) {
		if (vmm_page_mapped(td, first + i) &&
		    !reclaim_4k(v, first + i, pa[i], st == VMM_CH_4K))
			all = false;
	}
	if (st == VMM_CH_SPLIT && all) {
		phys_free_2m(td->h->pa, vmm_pfn_pa(td->chunk_pfn[c]));
		td->chunk_pfn[c] = 0;
	}
	if (all)
		td->chunk_state[c] = VMM_CH_NONE;
}

void vmm_vcpu_reclaim(struct vmm_vcpu *v)
{
	struct vmm_td *td = v->td;

	if (td->spec.legacy) {
		vmm_legacy_reclaim(v);
		return;
	}
	for (uint64_t c = v->chunk_first; c < v->chunk_first + v->chunk_count &&
	     !vmm_fatal(td->h); c++) {
		uint64_t sept = vmm_pfn_pa(td->sept1[c]);
		int err;

		vmm_cpu_enter(td->h);
		reclaim_chunk(v, c);
		err = sept ? vmm_reclaim(td->h, sept, &v->cache) : 0;
		vmm_cpu_leave(td->h);
		if (!sept)
			continue;
		if (err) {
			vmm_error(td->h, "td %d: reclaim of S-EPT page 0x%llx "
				  "failed", td->index,
				  (unsigned long long)sept);
			continue;
		}
		vmm_td_ref(td, sept, -1);
		td->sept1[c] = 0;
		v->sept_pages--;
		vmm_page_free(v, sept);
	}
	vmm_vcpu_release(v);
}
