/*
 * fake_module.c - see fake_module.h.
 */
#include "host/fake_module.h"

#include <stdlib.h>
#include <string.h>

static void fake_rd(struct fake *f, struct dpamt_tdx_regs *r)
{
	r->rax = DPAMT_TDX_SUCCESS;
	switch (r->rdx) {
	case DPAMT_TDX_MD_FEATURES0:
		r->r8 = f->dpamt_supported ? DPAMT_TDX_FEATURES0_DPAMT_BIT : 0;
		break;
	case DPAMT_TDX_MD_PAMT_4K_ENTRY_SIZE:
		r->r8 = f->entry_size_4k;
		break;
	case DPAMT_TDX_MD_PAMT_2M_ENTRY_SIZE:
	case DPAMT_TDX_MD_PAMT_1G_ENTRY_SIZE:
		r->r8 = 16;
		break;
	case DPAMT_TDX_MD_PAMT_PAGE_BITMAP_ENTRY_BITS:
		r->r8 = 1;
		break;
	case DPAMT_TDX_MD_PAMT_PAGES_PER_2M:
		r->r8 = f->pages_per_pair;
		break;
	default:
		r->rax = DPAMT_TDX_METADATA_FIELD_ID_INCORRECT;
	}
}

/* The pair slot of the 2 MiB range RCX names (level bits dropped). */
static uint64_t range_slot(const struct dpamt_tdx_regs *r)
{
	return ((r->rcx & ~7ULL) >> 21) % FAKE_MAX_RANGES;
}

/* An injected BUSY (on RCX) while *left > 0, counting it down. */
static bool injected_busy(unsigned *left, struct dpamt_tdx_regs *r)
{
	if (!*left)
		return false;
	(*left)--;
	r->rax = DPAMT_TDX_OPERAND_BUSY | DPAMT_TDX_OPERAND_ID_RCX;
	return true;
}

static void fake_add(struct fake *f, struct dpamt_tdx_regs *r)
{
	uint64_t idx = range_slot(r);

	f->adds++;
	if (injected_busy(&f->add_busy_next, r))
		return;
	if (!f->dynamic) {
		r->rax = DPAMT_TDX_OPERAND_INVALID;
	} else if (f->pair[idx]) {
		r->rax =
			DPAMT_TDX_HPA_RANGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RCX;
	} else {
		f->pair[idx] = true;
		f->pair_pages[idx][0] = r->rdx;
		f->pair_pages[idx][1] = r->r8;
		f->add_ok++;
		r->rax = DPAMT_TDX_SUCCESS;
	}
}

static void fake_remove(struct fake *f, struct dpamt_tdx_regs *r)
{
	uint64_t idx = range_slot(r);

	f->removes++;
	if (injected_busy(&f->remove_busy_next, r))
		return;
	if (!f->pair[idx]) {
		f->remove_no_pair++;
		r->rax = DPAMT_TDX_NO_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_RCX;
	} else {
		f->pair[idx] = false;
		r->rdx = f->pair_pages[idx][0];
		r->r8 = f->pair_pages[idx][1];
		f->remove_ok++;
		r->rax = DPAMT_TDX_SUCCESS;
	}
}

static void fake_seamcall(void *ctx, struct dpamt_tdx_regs *r)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->mu);
	switch (r->rax) {
	case DPAMT_TDH_SYS_RD:
		fake_rd(f, r);
		break;
	case DPAMT_TDH_SYS_CONFIG:
		f->configured = true;
		f->dynamic = (r->r8 & DPAMT_TDX_SYS_CONFIG_DPAMT_BIT) != 0;
		r->rax = DPAMT_TDX_SUCCESS;
		break;
	case DPAMT_TDH_PHYMEM_PAMT_ADD:
		fake_add(f, r);
		break;
	case DPAMT_TDH_PHYMEM_PAMT_REMOVE:
		fake_remove(f, r);
		break;
	default: /* TDMR.INIT, PAGE.RECLAIM */
		r->rax = DPAMT_TDX_SUCCESS;
	}
	pthread_mutex_unlock(&f->mu);
}

static bool fake_fail_now(struct fake *f)
{
	return ++f->alloc_calls == f->fail_nth;
}

static int fake_page_alloc(void *ctx, uint64_t *pa)
{
	struct fake *f = ctx;
	int ret = 0;

	pthread_mutex_lock(&f->mu);
	if (fake_fail_now(f)) {
		ret = -1;
	} else {
		*pa = f->n_free ? f->free_list[--f->n_free] : f->next_pa;
		if (*pa == f->next_pa)
			f->next_pa += 4096;
		f->pages_out++;
	}
	pthread_mutex_unlock(&f->mu);
	return ret;
}

static void fake_page_free(void *ctx, uint64_t pa)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->mu);
	if (f->n_free < 8192)
		f->free_list[f->n_free++] = pa;
	f->pages_out--;
	pthread_mutex_unlock(&f->mu);
}

static int fake_contig_alloc(void *ctx, uint64_t bytes, uint64_t *pa)
{
	struct fake *f = ctx;
	int ret = 0;

	pthread_mutex_lock(&f->mu);
	if (fake_fail_now(f)) {
		ret = -1;
	} else {
		*pa = f->next_pa;
		f->next_pa += (bytes + 4095) & ~4095ULL;
		f->contig_out_bytes += bytes;
	}
	pthread_mutex_unlock(&f->mu);
	return ret;
}

static void fake_contig_free(void *ctx, uint64_t pa, uint64_t bytes)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->mu);
	f->contig_out_bytes -= bytes;
	pthread_mutex_unlock(&f->mu);
}

static void *fake_mem_alloc(void *ctx, size_t bytes)
{
	struct fake *f = ctx;
	void *p;

	pthread_mutex_lock(&f->mu);
	p = fake_fail_now(f) ? NULL : calloc(1, bytes);
	if (p)
		f->mem_out_bytes += bytes;
	pthread_mutex_unlock(&f->mu);
	return p;
}

static void fake_mem_free(void *ctx, void *p, size_t bytes)
{
	struct fake *f = ctx;

	pthread_mutex_lock(&f->mu);
	f->mem_out_bytes -= bytes;
	pthread_mutex_unlock(&f->mu);
	free(p);
}

static void fake_phys_write(void *ctx, uint64_t pa, const void *s, size_t n)
{
}

void fake_init(struct fake *f, uint64_t mem)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->mu, NULL);
	f->dpamt_supported = true;
	f->pages_per_pair = 2;
	f->entry_size_4k = 16;
	f->pool = f->next_pa = mem;
	f->ops.ctx = f;
	f->ops.seamcall = fake_seamcall;
	f->ops.page_alloc = fake_page_alloc;
	f->ops.page_free = fake_page_free;
	f->ops.contig_alloc = fake_contig_alloc;
	f->ops.contig_free = fake_contig_free;
	f->ops.mem_alloc = fake_mem_alloc;
	f->ops.mem_free = fake_mem_free;
	f->ops.phys_write = fake_phys_write;
}

void fake_fini(struct fake *f)
{
	pthread_mutex_destroy(&f->mu);
}

unsigned fake_pairs(struct fake *f)
{
	unsigned n = 0;

	for (unsigned i = 0; i < FAKE_MAX_RANGES; i++)
		n += f->pair[i];
	return n;
}
