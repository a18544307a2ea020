// SPDX-License-Identifier: MIT OR GPL-2.0
/*
 * dpamt_kmod.c - the module init of the kernel-module build of the host
 * core (kbuild/): proves src/host/ compiles and links as a Linux module.
 *
 * On load it sizes one memory layout with the public sizing API
 * (dpamt_size) and prints classic vs Dynamic PAMT with pr_info; it
 * touches no hardware and issues no SEAMCALL, so it loads on any x86-64
 * kernel.  The layout is two TDMRs, 0-64 GiB and 4 TiB..4 TiB+64 GiB, the
 * same one examples/size_layout.c prints by default.  It includes the
 * kernel's <asm/tdx.h> next to dpamt's headers, proving their names do
 * not clash with the kernel's.
 *
 * Concurrency: module init and exit run once each, in process context,
 * serialised by the module loader; nothing here is shared.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <asm/tdx.h>

/* After the kernel's TDX names: dpamt's headers must not clash with them
 * (docs/linux-interface.md, "Names"); W=1 makes any redefinition fail
 * the build. */
#include "dpamt/dpamt.h"
#include "dpamt/tdx_abi.h"

#define DPAMT_KMOD_GIB (1ULL << 30)

static const struct dpamt_range dpamt_kmod_layout[] = {
	{ .base = 0, .size = 64 * DPAMT_KMOD_GIB },
	{ .base = 4096 * DPAMT_KMOD_GIB, .size = 64 * DPAMT_KMOD_GIB },
};

/* Print one sizing; sizes in KiB. */
static void dpamt_kmod_print(const struct dpamt_sizing *s)
{
	pr_info("%u TDMR(s): classic PAMT %llu KiB\n", s->n_tdmrs,
		s->classic_bytes >> 10);
	pr_info("dynamic PAMT: static %llu KiB (bitmap %llu KiB), up to %llu KiB\n",
		s->dynamic_static_bytes >> 10, s->bitmap_bytes >> 10,
		s->dynamic_max_bytes >> 10);
	pr_info("host refcounts %llu KiB, %llu bytes of pair pages per 2 MiB\n",
		s->refcount_bytes >> 10, s->pair_bytes_per_2m);
}

static int __init dpamt_kmod_init(void)
{
	struct dpamt_metadata md;
	struct dpamt_sizing *s;
	int rc;

	/* ~4 KiB: too big for a kernel stack frame. */
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	dpamt_metadata_default(&md);
	rc = dpamt_size(&md, dpamt_kmod_layout,
			ARRAY_SIZE(dpamt_kmod_layout), s);
	if (rc) {
		pr_err("dpamt_size failed: %s\n", dpamt_strerror(rc));
		kfree(s);
		return -EINVAL;
	}
	dpamt_kmod_print(s);
	kfree(s);
	return 0;
}

static void __exit dpamt_kmod_exit(void)
{
	pr_info("unloaded\n");
}

module_init(dpamt_kmod_init);
module_exit(dpamt_kmod_exit);

MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("dpamt host core (Intel TDX Dynamic PAMT), sizing demo");
