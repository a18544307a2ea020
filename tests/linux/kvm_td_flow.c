// SPDX-License-Identifier: MIT
/*
 * kvm_td_flow.c - a kernel-style TDX host source file (KVM's SEAMCALL
 * wrappers and one TD's life with Dynamic PAMT), written against Linux's
 * interface only: struct tdx_module_args, seamcall(), seamcall_ret(),
 * the kernel's types and errno values.  It includes no dpamt header of
 * its own; the build passes tests/linux/shim/kernel_shim.h with -include,
 * as docs/linux-interface.md shows.  Like KVM it treats any non-zero
 * status as an error and reads the PAMT removal hint from RCX (R9 for
 * RECLAIM).
 */

/* The module's PAMT_REMOVAL_HINT: bit 62 of the register that returns a
 * freed page (Linux names no macro for it; a kernel file spells it). */
#define PAMT_REMOVAL_HINT BIT_ULL(62)

/* ---- the wrappers, one per leaf, in the kernel's style ----------------- */

static u64 tdh_phymem_pamt_add(u64 range, u64 p0, u64 p1)
{
	struct tdx_module_args args = {
		.rcx = range | 1, /* 2M level */
		.rdx = p0,
		.r8 = p1,
	};

	return seamcall(TDH_PHYMEM_PAMT_ADD, &args);
}

static u64 tdh_phymem_pamt_remove(u64 range, u64 *p0, u64 *p1)
{
	struct tdx_module_args args = { .rcx = range | 1 };
	u64 err = seamcall_ret(TDH_PHYMEM_PAMT_REMOVE, &args);

	*p0 = args.rdx;
	*p1 = args.r8;
	return err;
}

static u64 tdh_mng_create(u64 tdr, u16 hkid)
{
	struct tdx_module_args args = { .rcx = tdr, .rdx = hkid };

	return seamcall(TDH_MNG_CREATE, &args);
}

static u64 tdh_simple(u64 fn, u64 rcx)
{
	struct tdx_module_args args = { .rcx = rcx };

	return seamcall(fn, &args);
}

static u64 tdh_add_page(u64 fn, u64 page, u64 parent)
{
	struct tdx_module_args args = { .rcx = page, .rdx = parent };

	return seamcall(fn, &args);
}

static u64 tdh_sys_rd(u64 field, u64 *val)
{
	struct tdx_module_args args = { .rdx = field };
	u64 err = seamcall_ret(TDH_SYS_RD, &args);

	*val = args.r8;
	return err;
}

static u64 tdh_mem_sept_add(u64 tdr, u64 gpa, int level, u64 page)
{
	struct tdx_module_args args = {
		.rcx = gpa | level,
		.rdx = tdr,
		.r8 = page,
	};

	return seamcall(TDH_MEM_SEPT_ADD, &args);
}

static u64 tdh_mem_page_aug(u64 tdr, u64 gpa, u64 page)
{
	struct tdx_module_args args = { .rcx = gpa, .rdx = tdr, .r8 = page };

	return seamcall(TDH_MEM_PAGE_AUG, &args);
}

/* REMOVE: the removed page comes back in RCX with the hint in bit 62. */
static u64 tdh_mem_page_remove(u64 tdr, u64 gpa, u64 *page, bool *hint)
{
	struct tdx_module_args args = { .rcx = gpa, .rdx = tdr };
	u64 err = seamcall_ret(TDH_MEM_PAGE_REMOVE, &args);

	*page = args.rcx & ~PAMT_REMOVAL_HINT;
	*hint = args.rcx & PAMT_REMOVAL_HINT;
	return err;
}

static u64 tdh_phymem_page_reclaim(u64 page, u64 *type, bool *hint)
{
	struct tdx_module_args args = { .rcx = page };
	u64 err = seamcall_ret(TDH_PHYMEM_PAGE_RECLAIM, &args);

	*type = args.rcx;
	*hint = args.r9 & PAMT_REMOVAL_HINT;
	return err;
}

/* ---- one TD's life ------------------------------------------------------ */

#define NUM_TDCS_FIELD 0x9800000100000003ULL

struct kvm_like_td {
	u64 tdr, tdcs[16], sept[3], data;
	u64 ntdcs;
};

static int td_build(struct kvm_like_td *td, u64 ctl, u16 hkid)
{
	u64 err;

	err = tdh_mng_create(td->tdr = ctl, hkid);
	if (!err)
		err = tdh_simple(TDH_MNG_KEY_CONFIG, td->tdr);
	if (!err)
		err = tdh_sys_rd(NUM_TDCS_FIELD, &td->ntdcs);
	for (u64 i = 0; !err && i < td->ntdcs && i < 16; i++)
		err = tdh_add_page(TDH_MNG_ADDCX,
				   td->tdcs[i] = ctl + (i + 1) * PAGE_SIZE,
				   td->tdr);
	if (!err)
		err = tdh_simple(TDH_MNG_INIT, td->tdr);
	for (int l = 3; !err && l >= 1; l--)
		err = tdh_mem_sept_add(td->tdr, 0, l,
				       td->sept[3 - l] =
					       ctl + (17 + 3 - l) * PAGE_SIZE);
	if (err) {
		pr_err("td build: status 0x%llx\n", (unsigned long long)err);
		return -EIO;
	}
	return 0;
}

/* Map one page, unmap it the way KVM does (err != 0 is an error), and
 * give its range's pair back when the module hints so. */
static int td_page_cycle(struct kvm_like_td *td, u64 data, u64 pair)
{
	u64 err, page, p0, p1;
	bool hint;

	err = tdh_phymem_pamt_add(data, pair, pair + PAGE_SIZE);
	if (!err)
		err = tdh_mem_page_aug(td->tdr, 0x1000, data);
	if (err)
		return -EIO;
	err = tdh_mem_page_remove(td->tdr, 0x1000, &page, &hint);
	if (err) {
		pr_err("page remove: status 0x%llx\n", (unsigned long long)err);
		return -EIO;
	}
	if (page != data || !hint)
		return -EINVAL;
	err = tdh_phymem_pamt_remove(data, &p0, &p1);
	if (err || p0 != pair || p1 != pair + PAGE_SIZE)
		return -EIO;
	return 0;
}

/* KVM's teardown: VPFLUSHDONE, PHYMEM.CACHE.WB, KEY.FREEID, RECLAIM. */
static int td_teardown(struct kvm_like_td *td, int *hints)
{
	u64 err, type;
	bool hint;

	err = tdh_simple(TDH_MNG_VPFLUSHDONE, td->tdr);
	if (!err) {
		err = tdh_simple(TDH_PHYMEM_CACHE_WB, 0);
		if (err == TDX_NO_HKID_READY_TO_WBCACHE)
			err = 0;
	}
	if (!err)
		err = tdh_simple(TDH_MNG_KEY_FREEID, td->tdr);
	for (int i = 0; !err && i < 3; i++) {
		err = tdh_phymem_page_reclaim(td->sept[i], &type, &hint);
		*hints += hint;
	}
	for (u64 i = 0; !err && i < td->ntdcs; i++) {
		err = tdh_phymem_page_reclaim(td->tdcs[i], &type, &hint);
		*hints += hint;
	}
	if (!err) {
		err = tdh_phymem_page_reclaim(td->tdr, &type, &hint);
		*hints += hint;
	}
	if (err) {
		pr_err("teardown: status 0x%llx\n", (unsigned long long)err);
		return -EIO;
	}
	return 0;
}

/* The whole flow: control pages from ctl (a pair at ctl_pair), one data
 * page at data (a pair at data_pair).  0, or a negative errno; *hints
 * counts the removal hints teardown saw (1: the control range's last). */
int kvm_like_td_flow(u64 ctl, u64 ctl_pair, u64 data, u64 data_pair,
		     int *hints);
int kvm_like_td_flow(u64 ctl, u64 ctl_pair, u64 data, u64 data_pair,
		     int *hints)
{
	struct kvm_like_td td = { 0 };
	u64 p0, p1;
	int ret;

	*hints = 0;
	if (tdh_phymem_pamt_add(ctl, ctl_pair, ctl_pair + PAGE_SIZE))
		return -EIO;
	ret = td_build(&td, ctl, 1);
	if (!ret)
		ret = td_page_cycle(&td, data, data_pair);
	if (!ret)
		ret = td_teardown(&td, hints);
	if (!ret && tdh_phymem_pamt_remove(ctl, &p0, &p1))
		ret = -EIO;
	return ret;
}
