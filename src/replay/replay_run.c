/*
 * replay_run.c - run a parsed trace against the TDX-module model: set the
 * model up as a simple host would (PAMT areas in the top 1 GiB), issue the
 * calls in order on one logical CPU, print each answer, check expects.
 */
#include <string.h>

#include "dpamt/tdxmod.h"
#include "replay/replay.h"

static uint64_t *reg_slot(struct dpamt_tdx_regs *regs, enum replay_reg r)
{
	switch (r) {
	case RR_RCX: return &regs->rcx;
	case RR_RDX: return &regs->rdx;
	case RR_R8: return &regs->r8;
	case RR_R9: return &regs->r9;
	case RR_R10: return &regs->r10;
	case RR_R11: return &regs->r11;
	case RR_R12: return &regs->r12;
	default: return &regs->r13;
	}
}

/* "file:line: " of the config item, or "file: " without one. */
static void config_where(const struct replay_trace *t, FILE *errf)
{
	if (t->config.line)
		fprintf(errf, "%s:%u: ", t->file, t->config.line);
	else
		fprintf(errf, "%s: ", t->file);
}

static struct tdxmod *setup_model(const struct replay_trace *t, FILE *errf)
{
	const struct replay_config *rc = &t->config;
	struct tdxmod_config cfg;
	struct tdxmod *m;
	uint64_t area_base = rc->mem_bytes - REPLAY_RESERVED_TOP, end = 0;
	char err[256] = "";

	tdxmod_config_default(&cfg, rc->mem_bytes);
	cfg.dpamt_supported = rc->dpamt;
	cfg.busy_inject_prob = rc->busy_prob;
	cfg.busy_inject_seed = rc->seed;
	if (rc->tdcs_pages)
		cfg.num_tdcs_pages = rc->tdcs_pages;
	m = tdxmod_create(&cfg, err, sizeof(err));
	if (!m) {
		config_where(t, errf);
		fprintf(errf, "cannot create the model: %s\n", err);
		return NULL;
	}
	if (tdxmod_setup_simple(m, rc->dpamt, area_base, &end, err,
				sizeof(err))) {
		config_where(t, errf);
		fprintf(errf, "model set-up failed: %s%s\n", err, rc->dpamt ? ""
			: " (dpamt=off: the classic 4K PAMT array, mem/256, "
			  "must fit in the top 1 GiB, so mem is at most 255G)");
	} else if (end > rc->mem_bytes) {
		config_where(t, errf);
		fprintf(errf, "PAMT areas need %llu MiB, more than the top "
			"1 GiB\n",
			(unsigned long long)((end - area_base) >> 20));
	} else {
		return m;
	}
	tdxmod_destroy(m);
	return NULL;
}

static void print_call(const struct replay_call *c,
		       const struct dpamt_tdx_regs *regs, FILE *out)
{
	unsigned outmask = replay_leaf_out_regs(c->leaf);
	unsigned hintmask = replay_leaf_hint_regs(c->leaf);
	struct dpamt_tdx_regs copy = *regs;
	char name[64];

	fprintf(out, "%u: %s status=0x%016llx %s", c->line,
		dpamt_tdx_leaf_name(c->leaf), (unsigned long long)regs->rax,
		dpamt_tdx_status_name(regs->rax, name, sizeof(name)));
	if (!dpamt_tdx_is_success(regs->rax))
		outmask = 0;
	for (int r = 0; r < RR_COUNT; r++) {
		uint64_t v = *reg_slot(&copy, (enum replay_reg)r);
		bool hint = (hintmask & (1u << r)) && dpamt_tdx_removal_hint(v);

		if (!(outmask & (1u << r)))
			continue;
		fprintf(out, " %s=0x%llx%s",
			replay_reg_name((enum replay_reg)r),
			(unsigned long long)(hint ? dpamt_tdx_hint_strip(v)
						  : v),
			hint ? "|HINT" : "");
	}
	fputc('\n', out);
}

/* Every expect.REG of c against regs; returns the number that failed. */
static unsigned check_out_regs(const struct replay_trace *t,
			       const struct replay_call *c,
			       struct dpamt_tdx_regs *regs, FILE *errf)
{
	unsigned failed = 0;

	for (int r = 0; r < RR_COUNT; r++) {
		uint64_t got = *reg_slot(regs, (enum replay_reg)r);

		if (!(c->out_set & (1u << r)) || got == c->out[r])
			continue;
		fprintf(errf, "%s:%u: expect failed: %s expected 0x%llx, got "
			"0x%llx\n", t->file, c->line,
			replay_reg_name((enum replay_reg)r),
			(unsigned long long)c->out[r],
			(unsigned long long)got);
		failed++;
	}
	return failed;
}

/* A write item: fill the range with the byte, as a host store would. */
static void run_write(struct tdxmod *m, const struct replay_call *c,
		      FILE *out)
{
	uint8_t buf[4096];
	uint64_t done = 0;

	memset(buf, c->write_byte, sizeof(buf));
	while (done < c->write_len) {
		uint64_t n = c->write_len - done;

		if (n > sizeof(buf))
			n = sizeof(buf);
		tdxmod_phys_write(m, c->write_pa + done, buf, (size_t)n);
		done += n;
	}
	fprintf(out, "%u: WRITE pa=0x%llx len=%llu byte=0x%02x\n", c->line,
		(unsigned long long)c->write_pa,
		(unsigned long long)c->write_len, c->write_byte);
	fflush(out);
}

/* Issue one call; 0 ok, 1 an expect failed, -1 the model went fatal. */
static int run_call(const struct replay_trace *t, struct tdxmod *m,
		    const struct replay_call *c, FILE *out, FILE *errf)
{
	struct dpamt_tdx_regs regs;
	char want[96], got[64];
	unsigned failed;

	memset(&regs, 0, sizeof(regs));
	regs.rax = c->leaf;
	for (int r = 0; r < RR_COUNT; r++)
		*reg_slot(&regs, (enum replay_reg)r) = c->reg[r];
	tdxmod_seamcall(m, &regs);
	print_call(c, &regs, out);
	fflush(out);
	if (tdxmod_is_fatal(m)) {
		fprintf(errf, "%s:%u: the model went fatal: %s\n", t->file,
			c->line, tdxmod_fatal_reason(m));
		return -1;
	}
	failed = 0;
	if (!replay_expect_holds(&c->expect, regs.rax)) {
		fprintf(errf, "%s:%u: expect failed: expected %s, got "
			"0x%016llx %s\n", t->file, c->line,
			replay_expect_str(&c->expect, want, sizeof(want)),
			(unsigned long long)regs.rax,
			dpamt_tdx_status_name(regs.rax, got, sizeof(got)));
		failed++;
	}
	failed += check_out_regs(t, c, &regs, errf);
	return failed ? 1 : 0;
}

int replay_run_model(const struct replay_trace *t, struct tdxmod *m,
		     FILE *out, FILE *errf)
{
	unsigned failed = 0, violations;
	char err[512] = "";
	int rc;

	for (size_t i = 0; i < t->n_calls; i++) {
		if (t->calls[i].is_write) {
			run_write(m, &t->calls[i], out);
			continue;
		}
		rc = run_call(t, m, &t->calls[i], out, errf);
		if (rc < 0)
			return REPLAY_EXIT_FAILED;
		failed += (unsigned)rc;
	}
	violations = tdxmod_check(m, err, sizeof(err));
	if (violations)
		fprintf(errf, "%s: model consistency check failed after the "
			"last call (%u violations): %s\n", t->file,
			violations, err);
	return failed || violations ? REPLAY_EXIT_FAILED : REPLAY_EXIT_OK;
}

int replay_run(const struct replay_trace *t, FILE *out, FILE *errf)
{
	struct tdxmod *m = setup_model(t, errf);
	int rc;

	if (!m)
		return REPLAY_EXIT_BADINPUT;
	rc = replay_run_model(t, m, out, errf);
	tdxmod_destroy(m);
	return rc;
}
