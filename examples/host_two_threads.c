/*
 * host_two_threads.c - example: the host manager (libdpamt) over the
 * TDX-module model (libdpamt-tdxmod), driven by two threads at once.
 *
 * The program is the "hypervisor": it owns physical memory (the model's
 * simulated 4 GiB), gives the manager its ops (SEAMCALL = the model, a
 * page allocator, a bump allocator for the static PAMT areas), creates
 * the manager with Dynamic PAMT, and then two threads allocate and free
 * control-structure pages (dpamt_alloc_page / dpamt_free_page: page +
 * refcount; the first page of a 2 MiB range installs its pair with
 * PAMT.ADD, the last one removes it).  At the end every pair must be
 * gone and the model must agree: exit 0, else 1.
 *
 * Build: cc host_two_threads.c -pthread \
 *            $(pkg-config --cflags --libs dpamt dpamt-tdxmod)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <dpamt/dpamt.h>
#include <dpamt/tdxmod.h>

#define GiB (1ULL << 30)
#define MEM (4 * GiB)
#define PAGES_PER_THREAD 2000

struct host {
	struct tdxmod *mod;
	struct dpamt *dp;
	pthread_mutex_t lock;     /* guards the allocators below */
	uint64_t next_page;       /* 4K pages: bump from 1 GiB, then free list */
	uint64_t *free_list;
	size_t n_free;
	uint64_t next_contig;     /* static PAMT areas: bump from 3 GiB */
};

static int page_alloc(void *ctx, uint64_t *pa)
{
	struct host *h = ctx;
	int err = 0;

	pthread_mutex_lock(&h->lock);
	if (h->n_free)
		*pa = h->free_list[--h->n_free];
	else if (h->next_page < 3 * GiB)
		*pa = (h->next_page += 4096) - 4096;
	else
		err = -1;
	pthread_mutex_unlock(&h->lock);
	return err;
}

static void page_free(void *ctx, uint64_t pa)
{
	struct host *h = ctx;

	pthread_mutex_lock(&h->lock);
	h->free_list[h->n_free++] = pa;
	pthread_mutex_unlock(&h->lock);
}

static int contig_alloc(void *ctx, uint64_t bytes, uint64_t *pa)
{
	struct host *h = ctx;

	bytes = (bytes + 4095) & ~4095ULL;
	if (h->next_contig + bytes > MEM)
		return -1;
	*pa = h->next_contig;
	h->next_contig += bytes;
	return 0;
}

static void contig_free(void *ctx, uint64_t pa, uint64_t bytes)
{
	(void)ctx, (void)pa, (void)bytes; /* bump allocator: never reused */
}

static void *mem_alloc(void *ctx, size_t bytes)
{
	(void)ctx;
	return calloc(1, bytes);
}

static void mem_free(void *ctx, void *p, size_t bytes)
{
	(void)ctx, (void)bytes;
	free(p);
}

static void phys_write(void *ctx, uint64_t pa, const void *src, size_t n)
{
	tdxmod_phys_write(((struct host *)ctx)->mod, pa, src, n);
}

static void seamcall(void *ctx, struct dpamt_tdx_regs *regs)
{
	tdxmod_seamcall(((struct host *)ctx)->mod, regs);
}

/* One vCPU-like thread: take pages for the module, then give them back. */
static void *worker(void *arg)
{
	struct host *h = arg;
	struct dpamt_cache cache = { 0 };
	static __thread uint64_t pages[PAGES_PER_THREAD];
	long failed = 0;

	for (int i = 0; i < PAGES_PER_THREAD; i++) {
		dpamt_cache_topup(h->dp, &cache, dpamt_pages_per_get(h->dp));
		if (dpamt_alloc_page(h->dp, &cache, &pages[i]))
			failed++, pages[i] = 0;
	}
	for (int i = 0; i < PAGES_PER_THREAD; i++)
		if (pages[i])
			dpamt_free_page(h->dp, pages[i], &cache);
	dpamt_cache_drain(h->dp, &cache);
	return (void *)failed;
}

int main(void)
{
	static struct host h = { .next_page = GiB, .next_contig = 3 * GiB };
	struct tdxmod_config mc;
	struct dpamt_ops ops = {
		.ctx = &h, .seamcall = seamcall, .page_alloc = page_alloc,
		.page_free = page_free, .contig_alloc = contig_alloc,
		.contig_free = contig_free, .mem_alloc = mem_alloc,
		.mem_free = mem_free, .phys_write = phys_write,
	};
	struct dpamt_config cfg = {
		.mode = DPAMT_MODE_DYNAMIC,
		.strategy = DPAMT_STRATEGY_LOCKLESS,
		.n_tdmrs = 1, .tdmrs = { { 0, MEM } },
	};
	struct dpamt_stats st;
	pthread_t t[2];
	char err[256], msg[256];
	void *failed[2];
	int rc;

	pthread_mutex_init(&h.lock, NULL);
	h.free_list = calloc(2 * GiB / 4096, sizeof(uint64_t));
	tdxmod_config_default(&mc, MEM);
	h.mod = tdxmod_create(&mc, err, sizeof(err));
	cfg.global_hkid = mc.hkid_max; /* the module's own key: a private one */
	if (!h.free_list || !h.mod) {
		fprintf(stderr, "host_two_threads: model: %s\n", err);
		return 1;
	}
	rc = dpamt_create(&cfg, &ops, &h.dp);
	if (rc) {
		fprintf(stderr, "host_two_threads: dpamt_create: %s\n",
			dpamt_strerror(rc));
		return 1;
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, worker, &h);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], &failed[i]);
	dpamt_stats(h.dp, &st);
	printf("%s, 2 threads x %d pages: PAMT.ADD %llu, PAMT.REMOVE %llu, "
	       "pairs now %llu, peak %llu (%llu KiB)\n",
	       dpamt_is_dynamic(h.dp) ? "dynamic" : "static", PAGES_PER_THREAD,
	       (unsigned long long)st.pamt_add_ok,
	       (unsigned long long)st.pamt_remove_ok,
	       (unsigned long long)st.pairs_now,
	       (unsigned long long)st.pairs_peak,
	       (unsigned long long)(st.dynamic_bytes_peak >> 10));
	rc = failed[0] || failed[1] || st.pairs_now ||
	     st.pamt_add_ok != st.pamt_remove_ok || !st.pamt_add_ok ||
	     tdxmod_pairs_installed(h.mod) ||
	     tdxmod_check(h.mod, msg, sizeof(msg));
	if (rc)
		fprintf(stderr, "host_two_threads: inconsistent end state\n");
	dpamt_destroy(h.dp);
	tdxmod_destroy(h.mod);
	free(h.free_list);
	return rc ? 1 : 0;
}
