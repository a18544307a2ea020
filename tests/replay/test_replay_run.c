/*
 * test_replay_run.c - the replay runner on the real module model: output
 * lines, expect checking (status and expect.REG), the run going on after a
 * failed expect, set-up errors, and a model that goes fatal mid-trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dpamt/tdxmod.h"
#include "replay/replay.h"

struct run_out {
	int rc;
	char *out, *err;
};

static void parse_text(struct replay_trace *t, const char *text)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	char *errs = NULL;
	size_t len = 0;
	FILE *ef = open_memstream(&errs, &len);

	assert_non_null(in);
	assert_non_null(ef);
	replay_trace_init(t, "t.trace");
	assert_int_equal(replay_parse_stream(t, in, ef), 0);
	fclose(in);
	fclose(ef);
	assert_string_equal(errs, "");
	free(errs);
}

/* Parse text (must be well formed) and run it; m NULL: replay_run(). */
static struct run_out run_text(const char *text, struct tdxmod *m)
{
	struct replay_trace t;
	struct run_out r = {0, NULL, NULL};
	size_t lo = 0, le = 0;
	FILE *of = open_memstream(&r.out, &lo);
	FILE *ef = open_memstream(&r.err, &le);

	assert_non_null(of);
	assert_non_null(ef);
	parse_text(&t, text);
	r.rc = m ? replay_run_model(&t, m, of, ef) : replay_run(&t, of, ef);
	fclose(of);
	fclose(ef);
	replay_trace_free(&t);
	return r;
}

static void run_free(struct run_out *r)
{
	free(r->out);
	free(r->err);
}

static void test_output_lines(void **state)
{
	struct run_out r = run_text(
		"PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 r8=0x80001000\n"
		"# comment\n"
		"tdh.phymem.pamt.add rcx=0x40000001 rdx=0x80002000 "
		"r8=0x80003000\n"
		"PHYMEM.PAMT.REMOVE rcx=0x40000001 expect=SUCCESS "
		"expect.rdx=0x80000000 expect.r8=0x80001000\n"
		"PHYMEM.PAMT.REMOVE rcx=0x40000001 expect=NO_PAMT_PAGE_PAIR\n"
		"SYS.RD rdx=0x9100000100000014 expect.r8=2\n",
		NULL);

	(void)state;
	assert_int_equal(r.rc, REPLAY_EXIT_OK);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out,
		"1: PHYMEM.PAMT.ADD status=0x0000000000000000 SUCCESS\n"
		"3: PHYMEM.PAMT.ADD status=0xc000030400000001 "
		"HPA_RANGE_NOT_FREE|RCX\n"
		"4: PHYMEM.PAMT.REMOVE status=0x0000000000000000 SUCCESS "
		"rdx=0x80000000 r8=0x80001000\n"
		"5: PHYMEM.PAMT.REMOVE status=0xc000030500000001 "
		"NO_PAMT_PAGE_PAIR|RCX\n"
		"6: SYS.RD status=0x0000000000000000 SUCCESS r8=0x2\n");
	run_free(&r);
}

/* Every failed expect is reported; the calls after it still run. */
static void test_failed_expects(void **state)
{
	struct run_out r = run_text(
		"PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 r8=0x80001000 "
		"expect=HPA_RANGE_NOT_FREE\n"
		"PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80002000 r8=0x80003000 "
		"expect=HPA_RANGE_NOT_FREE|RDX\n"
		"PHYMEM.PAMT.REMOVE rcx=0x40000001 expect=SUCCESS "
		"expect.rdx=0x80000000 expect.r8=0x80003000\n"
		"PHYMEM.PAMT.REMOVE rcx=0x40000001 "
		"expect=0x4000000000000000\n"
		"PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 r8=0x80001000 "
		"expect=0\n",
		NULL);

	(void)state;
	assert_int_equal(r.rc, REPLAY_EXIT_FAILED);
	assert_string_equal(r.err,
		"t.trace:1: expect failed: expected HPA_RANGE_NOT_FREE, got "
		"0x0000000000000000 SUCCESS\n"
		"t.trace:2: expect failed: expected 0xc000030400000002 "
		"HPA_RANGE_NOT_FREE|RDX, got 0xc000030400000001 "
		"HPA_RANGE_NOT_FREE|RCX\n"
		"t.trace:3: expect failed: r8 expected 0x80003000, got "
		"0x80001000\n"
		"t.trace:4: expect failed: expected 0x4000000000000000 "
		"0x40000000, got 0xc000030500000001 "
		"NO_PAMT_PAGE_PAIR|RCX\n");
	/* all five calls ran, the last one succeeded */
	assert_non_null(strstr(r.out, "5: PHYMEM.PAMT.ADD "
				      "status=0x0000000000000000 SUCCESS\n"));
	run_free(&r);
}

static void test_empty_trace(void **state)
{
	struct run_out r = run_text("# nothing\n\n", NULL);

	(void)state;
	assert_int_equal(r.rc, REPLAY_EXIT_OK);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	run_free(&r);
}

/* The config item reaches the model: dpamt=off (FEATURES0 bit 36 clear,
 * PAMT.ADD refused), mem=8G (TDMRs end there), busy=1 (every try-lock of a
 * call answers BUSY; set-up's system leaves take none). */
static void test_config_applied(void **state)
{
	struct run_out r = run_text(
		"config mem=8G dpamt=off\n"
		"SYS.RD rdx=0x0A00000300000008 expect=SUCCESS expect.r8=0\n"
		"PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 r8=0x80001000 "
		"expect=OPERAND_INVALID|RAX\n"
		/* 6G is below the top 1 GiB of 8G, where the set-up's
		 * reserved block lies: a free page */
		"MNG.CREATE rcx=0x180000000 rdx=1 expect=SUCCESS\n"
		/* beyond 8G: in no TDMR */
		"MNG.CREATE rcx=0x200000000 rdx=2 "
		"expect=OPERAND_ADDR_RANGE_ERROR|RCX\n",
		NULL);

	(void)state;
	assert_string_equal(r.err, "");
	assert_int_equal(r.rc, REPLAY_EXIT_OK);
	run_free(&r);

	r = run_text("config busy=1 seed=7\n"
		     "PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 "
		     "r8=0x80001000 expect=OPERAND_BUSY|RCX\n", NULL);
	assert_string_equal(r.err, "");
	assert_int_equal(r.rc, REPLAY_EXIT_OK);
	run_free(&r);
}

static void test_setup_fails(void **state)
{
	struct run_out r = run_text("config mem=32T\nSYS.RD rdx=1\n", NULL);

	(void)state;
	assert_int_equal(r.rc, REPLAY_EXIT_BADINPUT);
	assert_string_equal(r.out, "");
	assert_non_null(strstr(r.err, "t.trace:1: cannot create the model: "));
	run_free(&r);
}

/*
 * The host scribbles over a live pair page (as a buggy host could): the
 * PAMT.REMOVE that scans it finds a corrupted entry, the model goes fatal,
 * replay names the line and the reason, stops, and exits 1.
 */
static void test_fatal_model(void **state)
{
	struct tdxmod_config cfg;
	struct tdxmod *m;
	uint64_t end, junk[2] = {~0ULL, ~0ULL};
	char err[256];
	struct run_out r;

	(void)state;
	tdxmod_config_default(&cfg, 4ULL << 30);
	m = tdxmod_create(&cfg, err, sizeof(err));
	assert_non_null(m);
	assert_int_equal(tdxmod_setup_simple(m, true, 3ULL << 30, &end, err,
					     sizeof(err)), 0);
	r = run_text("PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 "
		     "r8=0x80001000 expect=SUCCESS\n", m);
	assert_int_equal(r.rc, REPLAY_EXIT_OK);
	run_free(&r);
	tdxmod_phys_write(m, 0x80000000, junk, sizeof(junk));
	r = run_text("PHYMEM.PAMT.REMOVE rcx=0x40000001\n"
		     "SYS.RD rdx=0x0A00000300000008\n", m);
	assert_int_equal(r.rc, REPLAY_EXIT_FAILED);
	assert_true(tdxmod_is_fatal(m));
	assert_string_equal(r.out, "1: PHYMEM.PAMT.REMOVE "
			    "status=0xc0000ff000000000 MODEL_FATAL|RAX\n");
	assert_non_null(strstr(r.err, "t.trace:1: the model went fatal: "));
	assert_non_null(strstr(r.err, tdxmod_fatal_reason(m)));
	assert_null(strstr(r.out, "SYS.RD")); /* stopped at the fatal line */
	run_free(&r);
	tdxmod_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_lines),
		cmocka_unit_test(test_failed_expects),
		cmocka_unit_test(test_empty_trace),
		cmocka_unit_test(test_config_applied),
		cmocka_unit_test(test_setup_fails),
		cmocka_unit_test(test_fatal_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
