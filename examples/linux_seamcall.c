/*
 * linux_seamcall.c - example: drive the TDX-module model through Linux's
 * own SEAMCALL interface (struct tdx_module_args, seamcall_ret()), the
 * way the kernel's Dynamic PAMT code does: install a 2 MiB range's pair
 * with TDH.PHYMEM.PAMT.ADD, take it back with TDH.PHYMEM.PAMT.REMOVE
 * (the pair comes back in RDX/R8), and see a second REMOVE refused with
 * NO_PAMT_PAGE_PAIR.  Exit 0 when every answer is the expected one.
 *
 * Build: cc linux_seamcall.c -pthread \
 *            $(pkg-config --cflags --libs dpamt-tdxmod)
 * Include order: dpamt/tdxmod.h (enum names) before linux_seamcall.h
 * (the kernel's macro names, guarded by #ifndef).
 */
#include <stdio.h>

#include <dpamt/tdxmod.h>
#include <dpamt/linux_seamcall.h>

#define GiB (1ULL << 30)

static int expect(const char *what, uint64_t got, uint64_t want)
{
	char buf[64];

	printf("%-28s %s\n", what,
	       dpamt_tdx_status_name(got, buf, sizeof(buf)));
	return got == want ? 0 : 1;
}

int main(void)
{
	const uint64_t range = 1 * GiB, hpa0 = 2 * GiB, hpa1 = 2 * GiB + 4096;
	struct tdx_module_args a = { 0 };
	struct tdxmod_config c;
	struct tdxmod *m;
	char err[256];
	uint64_t end;
	int bad = 0;

	tdxmod_config_default(&c, 4 * GiB);
	m = tdxmod_create(&c, err, sizeof(err));
	if (!m || tdxmod_setup_simple(m, true, 3 * GiB, &end, err,
				      sizeof(err))) {
		fprintf(stderr, "linux_seamcall: model: %s\n", err);
		return 1;
	}
	tdxmod_bind_thread(m); /* this thread's SEAMCALLs go to m */

	a.rcx = range | DPAMT_TDX_PS_2M;
	a.rdx = hpa0;
	a.r8 = hpa1;
	bad |= expect("PAMT.ADD", seamcall_ret(TDH_PHYMEM_PAMT_ADD, &a),
		      DPAMT_TDX_SUCCESS);

	a = (struct tdx_module_args){ .rcx = range | DPAMT_TDX_PS_2M };
	bad |= expect("PAMT.REMOVE", seamcall_ret(TDH_PHYMEM_PAMT_REMOVE, &a),
		      DPAMT_TDX_SUCCESS);
	bad |= a.rdx != hpa0 || a.r8 != hpa1;
	printf("%-28s rdx=%#llx r8=%#llx\n", "  pair returned",
	       (unsigned long long)a.rdx, (unsigned long long)a.r8);

	a = (struct tdx_module_args){ .rcx = range | DPAMT_TDX_PS_2M };
	bad |= expect("PAMT.REMOVE again",
		      seamcall_ret(TDH_PHYMEM_PAMT_REMOVE, &a),
		      DPAMT_TDX_NO_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_RCX);

	tdxmod_bind_thread(NULL);
	tdxmod_destroy(m);
	return bad ? 1 : 0;
}
