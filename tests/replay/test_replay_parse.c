/*
 * test_replay_parse.c - the replay trace parser: values, call lines, the
 * config item, and the exact message of every kind of malformed line.
 * Needs no module model.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "replay/replay.h"

/* Parse one line into a fresh trace; return its result, message in err. */
static int parse1(struct replay_trace *t, const char *line, char *err,
		  size_t len)
{
	replay_trace_init(t, "x.trace");
	err[0] = '\0';
	return replay_parse_line(t, line, 7, err, len);
}

/* The line must be rejected with exactly msg, and add no call. */
static void bad_line(const char *line, const char *msg)
{
	struct replay_trace t;
	char err[512];

	assert_int_equal(parse1(&t, line, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_int_equal(t.n_calls, 0);
	replay_trace_free(&t);
}

/* What a value parses to in one place of a trace: a register (rcx=), the
 * config's mem= or a write's len=.  The line must be accepted. */
enum value_place { AT_RCX, AT_MEM, AT_LEN };

static uint64_t value_at(enum value_place at, const char *val)
{
	static const char *const fmt[] = {"MNG.CREATE rcx=%s",
					  "config mem=%s", "write pa=0 len=%s"};
	struct replay_trace t;
	char line[128], err[256];
	uint64_t v;

	snprintf(line, sizeof(line), fmt[at], val);
	if (parse1(&t, line, err, sizeof(err)))
		fail_msg("'%s' refused: %s", line, err);
	v = at == AT_MEM ? t.config.mem_bytes
	    : at == AT_LEN ? t.calls[0].write_len : t.calls[0].reg[RR_RCX];
	replay_trace_free(&t);
	return v;
}

#define reg_value(v) value_at(AT_RCX, v)
#define mem_value(v) value_at(AT_MEM, v)
#define len_value(v) value_at(AT_LEN, v)

/* Register values and addresses: plain numbers (units_parse_u64), decimal
 * or 0x hex, exactly what the trace format accepted before. */
static void test_numbers(void **state)
{
	(void)state;
	assert_true(reg_value("0") == 0);
	assert_true(reg_value("18446744073709551615") == UINT64_MAX);
	assert_true(reg_value("0xffffffffffffffff") == UINT64_MAX);
	assert_true(reg_value("0x00000000000000000001") == 1);
	assert_true(reg_value("0X40000001") == 0x40000001);
	assert_true(reg_value("007") == 7); /* decimal, not octal */
	bad_line("MNG.CREATE rcx=18446744073709551616",
		 "bad number for rcx '18446744073709551616': too large "
		 "(over 64 bits)");
	bad_line("MNG.CREATE rcx=0x10000000000000000",
		 "bad number for rcx '0x10000000000000000': too large "
		 "(over 64 bits)");
	bad_line("MNG.CREATE rcx=0x", "bad number for rcx '0x': no hex "
		 "digits after 0x");
	bad_line("MNG.CREATE rcx=12a", "bad number for rcx '12a': trailing "
		 "characters after the number");
	bad_line("MNG.CREATE rcx=+1", "bad number for rcx '+1': not a number");
	bad_line("MNG.CREATE rcx=0xg", "bad number for rcx '0xg': no hex "
		 "digits after 0x");
	/* a register value is no size: no unit suffix */
	bad_line("MNG.CREATE rcx=4K", "bad number for rcx '4K': trailing "
		 "characters after the number");
}

/* mem= and len= are sizes (units_parse_size): what --host-mem accepts,
 * the old K/M/G/T forms with the same meaning, and now B/iB as well. */
static void test_sizes(void **state)
{
	(void)state;
	assert_true(mem_value("4G") == 4ULL << 30);
	assert_true(mem_value("2048m") == 2ULL << 30);
	assert_true(mem_value("1T") == 1ULL << 40);
	assert_true(mem_value("4294967296") == 4ULL << 30);
	assert_true(mem_value("0x100000000") == 4ULL << 30);
	assert_true(mem_value("0x2g") == 2ULL << 30);
	assert_true(mem_value("4GiB") == 4ULL << 30);
	assert_true(mem_value("4gb") == 4ULL << 30);
	assert_true(mem_value("8192MiB") == 8ULL << 30);
	assert_true(len_value("8k") == 8192);
	assert_true(len_value("4KiB") == 4096);
	assert_true(len_value("4096B") == 4096);
	assert_true(len_value("0x1B") == 27); /* B is a hex digit there */
	assert_true(len_value("2M") == 2ULL << 20);
	bad_line("config mem=4GiBx", "bad mem size '4GiBx': unknown unit "
		 "(use K, M, G or T, binary: 16G = 16 GiB)");
	bad_line("config mem=", "missing value after 'mem='");
	bad_line("config mem=G", "bad mem size 'G': not a number");
	bad_line("config mem=1.5G", "bad mem size '1.5G': fractions are not "
		 "supported (use a smaller unit, e.g. 1536M)");
	bad_line("config mem=16777216T", "bad mem size '16777216T': too "
		 "large (over 64 bits)");
	bad_line("config mem=0x10000000000000000G", "bad mem size "
		 "'0x10000000000000000G': too large (over 64 bits)");
	bad_line("config mem=-4G", "bad mem size '-4G': negative values are "
		 "not allowed");
	bad_line("write pa=0 len=4P", "bad size for len '4P': unknown unit "
		 "(use K, M, G or T, binary: 16G = 16 GiB)");
	bad_line("write pa=0 len=2MiB1", "bad size for len '2MiB1': unknown "
		 "unit (use K, M, G or T, binary: 16G = 16 GiB)");
	bad_line("write pa=4K len=1", "bad number for pa '4K': trailing "
		 "characters after the number");
}

static void expect_ok(const char *s, enum replay_expect_kind kind,
		      uint64_t value)
{
	struct replay_expect x = {RX_NONE, 0};
	char err[256] = "";

	assert_int_equal(replay_parse_expect(s, &x, err, sizeof(err)), 0);
	assert_int_equal(x.kind, kind);
	assert_true(x.value == value);
}

static void test_expect_values(void **state)
{
	(void)state;
	expect_ok("SUCCESS", RX_CLASS, DPAMT_TDX_SUCCESS);
	expect_ok("hpa_range_not_free", RX_CLASS, DPAMT_TDX_HPA_RANGE_NOT_FREE);
	expect_ok("TDX_OPERAND_BUSY", RX_CLASS, DPAMT_TDX_OPERAND_BUSY);
	expect_ok("HPA_RANGE_NOT_FREE|RCX", RX_STATUS,
		  DPAMT_TDX_HPA_RANGE_NOT_FREE | DPAMT_TDX_OPERAND_ID_RCX);
	expect_ok("OPERAND_INVALID|rax", RX_STATUS, DPAMT_TDX_OPERAND_INVALID);
	expect_ok("MISSING_PAMT_PAGE_PAIR|TDR", RX_STATUS,
		  DPAMT_TDX_MISSING_PAMT_PAGE_PAIR | DPAMT_TDX_OPERAND_ID_TDR);
	expect_ok("PAMT_PAGE_NOT_EMPTY|1", RX_STATUS,
		  DPAMT_TDX_PAMT_PAGE_NOT_EMPTY | 1);
	expect_ok("PAGE_NOT_FREE|0x92", RX_STATUS,
		  DPAMT_TDX_PAGE_NOT_FREE | 0x92);
	expect_ok("0xc000030400000001", RX_STATUS,
		  DPAMT_TDX_HPA_RANGE_NOT_FREE | 1);
	expect_ok("0", RX_STATUS, 0);
}

static void test_expect_holds(void **state)
{
	struct replay_expect cls = {RX_CLASS, DPAMT_TDX_HPA_RANGE_NOT_FREE};
	struct replay_expect full = {RX_STATUS,
				     DPAMT_TDX_HPA_RANGE_NOT_FREE | 1};
	struct replay_expect ok = {RX_CLASS, DPAMT_TDX_SUCCESS};
	struct replay_expect none = {RX_NONE, 0};
	char buf[128];

	(void)state;
	assert_true(
		replay_expect_holds(&cls, DPAMT_TDX_HPA_RANGE_NOT_FREE | 1));
	assert_true(
		replay_expect_holds(&cls, DPAMT_TDX_HPA_RANGE_NOT_FREE | 2));
	assert_false(replay_expect_holds(&cls, DPAMT_TDX_PAGE_NOT_FREE | 1));
	assert_true(
		replay_expect_holds(&full, DPAMT_TDX_HPA_RANGE_NOT_FREE | 1));
	assert_false(
		replay_expect_holds(&full, DPAMT_TDX_HPA_RANGE_NOT_FREE | 2));
	assert_true(replay_expect_holds(&ok, DPAMT_TDX_SUCCESS));
	assert_true(replay_expect_holds(&none, DPAMT_TDX_OPERAND_BUSY));
	assert_string_equal(replay_expect_str(&cls, buf, sizeof(buf)),
			    "HPA_RANGE_NOT_FREE");
	assert_string_equal(replay_expect_str(&full, buf, sizeof(buf)),
			    "0xc000030400000001 HPA_RANGE_NOT_FREE|RCX");
}

/* The removal hint lives in RCX/R9 (the module's tdh_mem_page_remove.c,
 * tdh_phymem_page_reclaim.c), never in the status: expect=HINT is refused
 * with a message saying where it is, expect.REG=PA|HINT sets bit 62. */
static void test_hint_values(void **state)
{
	struct replay_expect x;
	char err[256];
	uint64_t v;

	(void)state;
	assert_int_equal(replay_parse_expect("SUCCESS|REMOVAL_HINT", &x, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "expect.rcx=PA|HINT"));
	assert_int_equal(replay_parse_expect("HINT", &x, err, sizeof(err)),
			 -1);
	assert_int_equal(replay_parse_reg_value("0x80003000|HINT", &v, err,
						sizeof(err)), 0);
	assert_int_equal(v, 0x4000000080003000ULL);
	assert_int_equal(replay_parse_reg_value("0x80003000", &v, err,
						sizeof(err)), 0);
	assert_int_equal(v, 0x80003000ULL);
	assert_int_equal(replay_parse_reg_value("0x80003000|RCX", &v, err,
						sizeof(err)), -1);
	assert_string_equal(err, "'0x80003000|RCX': a number, or PA|HINT");
	assert_int_equal(replay_parse_reg_value("0x4000000000000000|HINT",
						&v, err, sizeof(err)), -1);
	assert_string_equal(err, "'0x4000000000000000|HINT': PA has bit 62 "
			    "(the hint) set");
	assert_int_equal(v, 0x80003000ULL); /* untouched on error */
}

static void test_call_line(void **state)
{
	struct replay_trace t;
	char err[256];
	const struct replay_call *c;

	(void)state;
	assert_int_equal(parse1(&t, "  tdh.phymem.pamt.add RCX=0x40000001 "
				"rdx=2147483648\tr8=0x80001000 r13=0 "
				"expect=SUCCESS # add a pair\r",
				err, sizeof(err)), 0);
	assert_int_equal(t.n_calls, 1);
	c = &t.calls[0];
	assert_int_equal(c->line, 7);
	assert_int_equal(c->leaf, DPAMT_TDH_PHYMEM_PAMT_ADD);
	assert_true(c->reg[RR_RCX] == 0x40000001);
	assert_true(c->reg[RR_RDX] == 0x80000000);
	assert_true(c->reg[RR_R8] == 0x80001000);
	assert_int_equal(c->reg_set, (1u << RR_RCX) | (1u << RR_RDX) |
				     (1u << RR_R8) | (1u << RR_R13));
	assert_int_equal(c->expect.kind, RX_CLASS);
	assert_true(c->expect.value == DPAMT_TDX_SUCCESS);
	assert_int_equal(replay_parse_line(&t, "MNG.CREATE rcx=0x1000 rdx=1",
					   8, err, sizeof(err)), 0);
	assert_int_equal(t.n_calls, 2);
	assert_int_equal(t.calls[1].leaf, DPAMT_TDH_MNG_CREATE);
	assert_int_equal(t.calls[1].expect.kind, RX_NONE);
	replay_trace_free(&t);
}

static void test_blank_and_comment(void **state)
{
	struct replay_trace t;
	char err[64];

	(void)state;
	assert_int_equal(parse1(&t, "", err, sizeof(err)), 0);
	assert_int_equal(replay_parse_line(&t, "   \t ", 2, err, 64), 0);
	assert_int_equal(replay_parse_line(&t, "# MNG.CREATE", 3, err, 64), 0);
	assert_int_equal(replay_parse_line(&t, "#config mem=x", 4, err, 64),
			 0);
	assert_int_equal(t.n_calls, 0);
	assert_int_equal(t.config.line, 0);
	replay_trace_free(&t);
}

static void test_bad_call_lines(void **state)
{
	(void)state;
	bad_line("PHYMEM.PAMT.ADDX rcx=1", "unknown leaf 'PHYMEM.PAMT.ADDX'");
	bad_line("TDH.FOO", "unknown leaf 'TDH.FOO'");
	bad_line("MNG.CREATE rbx=1",
		 "unknown register 'rbx' (rcx rdx r8 r9 r10 r11 r12 r13)");
	bad_line("MNG.CREATE rax=9",
		 "unknown register 'rax' (rcx rdx r8 r9 r10 r11 r12 r13)");
	bad_line("MNG.CREATE rcx=0x1000z", "bad number for rcx '0x1000z': "
		 "trailing characters after the number");
	bad_line("MNG.CREATE rcx=-1", "bad number for rcx '-1': negative "
		 "values are not allowed");
	bad_line("MNG.CREATE rdx=0x10000000000000000", "bad number for rdx "
		 "'0x10000000000000000': too large (over 64 bits)");
	bad_line("MNG.CREATE r8=18446744073709551616", "bad number for r8 "
		 "'18446744073709551616': too large (over 64 bits)");
	bad_line("MNG.CREATE rcx=1 RCX=2", "duplicate register 'RCX'");
	bad_line("MNG.CREATE rcx=", "missing value after 'rcx='");
	bad_line("MNG.CREATE rcx 1", "expected key=value, got 'rcx'");
	bad_line("MNG.CREATE =1", "expected key=value, got '=1'");
	bad_line("MNG.CREATE expect=FOO",
		 "bad expect 'FOO': unknown status 'FOO'");
	bad_line("MNG.CREATE expect=PAGE_NOT_FREE|RBP",
		 "bad expect 'PAGE_NOT_FREE|RBP': unknown operand 'RBP'");
	bad_line("MNG.CREATE expect=PAGE_NOT_FREE|0x100000000",
		 "bad expect 'PAGE_NOT_FREE|0x100000000': unknown operand "
		 "'0x100000000'");
	bad_line("MNG.CREATE expect=|RCX",
		 "bad expect '|RCX': no status name");
	bad_line("MNG.CREATE expect=0x1ffffffffffffffff",
		 "bad expect '0x1ffffffffffffffff': too large (over 64 bits)");
	bad_line("MNG.CREATE expect=0xzz",
		 "bad expect '0xzz': no hex digits after 0x");
	bad_line("MNG.CREATE expect=SUCCESS expect=SUCCESS",
		 "duplicate expect=");
	bad_line("PHYMEM.PAMT.REMOVE expect.rbx=1",
		 "unknown register 'rbx' in 'expect.rbx=' (rcx rdx r8 r9 r10 "
		 "r11 r12 r13)");
	bad_line("PHYMEM.PAMT.REMOVE expect.=1",
		 "unknown register '' in 'expect.=' (rcx rdx r8 r9 r10 r11 "
		 "r12 r13)");
	bad_line("PHYMEM.PAMT.REMOVE expect.rdx=1 EXPECT.RDX=2",
		 "duplicate 'EXPECT.RDX='");
	bad_line("PHYMEM.PAMT.REMOVE expect.r8=0x1g", "bad number for "
		 "expect.r8 '0x1g': trailing characters after the number");
	bad_line("PHYMEM.PAMT.REMOVE expect.r8=0x11112222333344445",
		 "bad number for expect.r8 '0x11112222333344445': too large "
		 "(over 64 bits)");
	bad_line("PHYMEM.PAMT.REMOVE expect.rcx=0x1000|RCX", "bad number "
		 "for expect.rcx '0x1000|RCX': a number, or PA|HINT");
}

static void test_expect_regs(void **state)
{
	struct replay_trace t;
	char err[256];

	(void)state;
	assert_int_equal(parse1(&t, "PHYMEM.PAMT.REMOVE rcx=0x40000001 "
				"expect.rdx=0x80000000 Expect.R8=0x80001000 "
				"expect=SUCCESS", err, sizeof(err)), 0);
	assert_int_equal(t.n_calls, 1);
	assert_int_equal(t.calls[0].out_set, (1u << RR_RDX) | (1u << RR_R8));
	assert_true(t.calls[0].out[RR_RDX] == 0x80000000);
	assert_true(t.calls[0].out[RR_R8] == 0x80001000);
	/* an output expectation is no input register */
	assert_int_equal(t.calls[0].reg_set, 1u << RR_RCX);
	assert_int_equal(t.calls[0].expect.kind, RX_CLASS);
	replay_trace_free(&t);
}

static void test_config(void **state)
{
	struct replay_trace t;
	char err[256];

	(void)state;
	assert_int_equal(parse1(&t, "CONFIG mem=8G dpamt=OFF busy=0.25 "
				"seed=0x2a", err, sizeof(err)), 0);
	assert_true(t.config.mem_bytes == 8ULL << 30);
	assert_false(t.config.dpamt);
	assert_true(t.config.busy_prob == 0.25);
	assert_int_equal(t.config.seed, 42);
	assert_int_equal(t.config.line, 7);
	assert_int_equal(replay_parse_line(&t, "config mem=4G", 9, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "second config line (first at line 7)");
	replay_trace_free(&t);

	replay_trace_init(&t, "y");
	assert_true(t.config.mem_bytes == 4ULL << 30);
	assert_true(t.config.dpamt);
	assert_int_equal(replay_parse_line(&t, "config", 1, err, 64), 0);
	assert_true(t.config.mem_bytes == 4ULL << 30);
	assert_int_equal(replay_parse_line(&t, "SYS.RD rdx=1", 2, err, 64), 0);
	assert_int_equal(replay_parse_line(&t, "config mem=8G", 3, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "second config line (first at line 1)");
	replay_trace_free(&t);

	replay_trace_init(&t, "z");
	assert_int_equal(replay_parse_line(&t, "SYS.RD rdx=1", 4, err, 64), 0);
	assert_int_equal(replay_parse_line(&t, "config mem=8G", 5, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "config after the first call (line 4)");
	assert_true(t.config.mem_bytes == 4ULL << 30);
	replay_trace_free(&t);
}

static void test_bad_config(void **state)
{
	(void)state;
	bad_line("config mem=lots", "bad mem size 'lots': not a number");
	bad_line("config mem=3000M", "mem=3000M is not a multiple of 1 GiB");
	bad_line("config mem=1G", "mem=1G must be more than 1G (the top 1 "
		 "GiB holds replay's PAMT areas)");
	bad_line("config mem=0", "mem=0 must be more than 1G (the top 1 "
		 "GiB holds replay's PAMT areas)");
	bad_line("config mem=128T", "mem=128T is too large (at most 64T)");
	bad_line("config mem=99999999999T",
		 "bad mem size '99999999999T': too large (over 64 bits)");
	bad_line("config dpamt=maybe", "bad dpamt value 'maybe' (on or off)");
	bad_line("config busy=2", "bad busy probability '2' (0 to 1)");
	bad_line("config busy=nan", "bad busy probability 'nan' (0 to 1)");
	bad_line("config seed=x", "bad seed 'x': not a number");
	bad_line("config tdcs_pages=17", "bad tdcs_pages '17' (1 to 16)");
	bad_line("config colour=blue",
		 "unknown config option 'colour' (mem, dpamt, busy, seed, tdcs_pages)");
	bad_line("config mem=4G MEM=8G", "duplicate config option 'MEM'");
	bad_line("config tdcs_pages=6 TDCS_PAGES=5",
		 "duplicate config option 'TDCS_PAGES'");
	bad_line("config mem", "expected key=value, got 'mem'");
}

static void test_write_item(void **state)
{
	struct replay_trace t;
	char err[256];

	(void)state;
	assert_int_equal(parse1(&t, "WRITE len=0x1000 pa=0x80002000 "
				"Byte=0xA5 # scribble", err, sizeof(err)), 0);
	assert_int_equal(t.n_calls, 1);
	assert_true(t.calls[0].is_write);
	assert_true(t.calls[0].write_pa == 0x80002000);
	assert_true(t.calls[0].write_len == 0x1000);
	assert_int_equal(t.calls[0].write_byte, 0xA5);
	assert_int_equal(replay_parse_line(&t, "config mem=8G", 9, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "config after the first write (line 7)");
	replay_trace_free(&t);

	/* the last byte of memory is writable, one more is not */
	assert_int_equal(parse1(&t, "write pa=0xffffffff len=1", err,
				sizeof(err)), 0);
	replay_trace_free(&t);
	bad_line("write pa=0xffffffff len=2",
		 "write beyond mem (0x100000000 bytes)");
	bad_line("write pa=0xffffffffffffffff len=2",
		 "write beyond mem (0x100000000 bytes)");
	bad_line("write len=8", "write needs pa= and len=");
	bad_line("write pa=1 len=0x200001", "write len=2097153 not in "
		 "1..2097152");
	bad_line("write pa=1 len=1 byte=0x100",
		 "byte=0x100 does not fit in a byte");
	bad_line("write pa=1 len=1 LEN=2", "duplicate write option 'LEN'");
	bad_line("write pa=zz len=1", "bad number for pa 'zz': not a number");
	bad_line("write pa=1 len=1 rcx=1",
		 "unknown write option 'rcx' (pa, len, byte)");
	bad_line("write pa=1 len=1 expect=SUCCESS",
		 "unknown write option 'expect' (pa, len, byte)");
}

static void test_require_expect(void **state)
{
	struct replay_trace t;
	char err[128];

	(void)state;
	replay_trace_init(&t, "r");
	t.require_expect = true;
	assert_int_equal(replay_parse_line(&t, "SYS.RD rdx=1", 1, err,
					   sizeof(err)), -1);
	assert_string_equal(err, "call without expect= (--require-expect)");
	assert_int_equal(replay_parse_line(&t, "SYS.RD rdx=1 expect=SUCCESS",
					   2, err, sizeof(err)), 0);
	/* a write item is no SEAMCALL: nothing to expect */
	assert_int_equal(replay_parse_line(&t, "write pa=0 len=1", 3, err,
					   sizeof(err)), 0);
	assert_int_equal(t.n_calls, 2);
	replay_trace_free(&t);
}

/* The stream parser: every malformed line reported with file:line. */
static void test_stream(void **state)
{
	static const char text[] =
		"# a trace\n"
		"config mem=8G\n"
		"\n"
		"PHYMEM.PAMT.ADD rcx=0x1 expect=SUCCESS\n"
		"NOPE\n"
		"MNG.CREATE rcx=zz\n"
		"MNG.CREATE rcx=0x1000 rdx=1"; /* no final newline */
	struct replay_trace t;
	char *errs = NULL;
	size_t errlen = 0;
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	FILE *ef = open_memstream(&errs, &errlen);

	(void)state;
	assert_non_null(in);
	assert_non_null(ef);
	replay_trace_init(&t, "s.trace");
	assert_int_equal(replay_parse_stream(&t, in, ef), 2);
	fclose(ef);
	fclose(in);
	assert_string_equal(errs, "s.trace:5: unknown leaf 'NOPE'\n"
				  "s.trace:6: bad number for rcx 'zz': not a number\n");
	assert_int_equal(t.n_calls, 2);
	assert_int_equal(t.calls[0].line, 4);
	assert_int_equal(t.calls[1].line, 7);
	assert_true(t.config.mem_bytes == 8ULL << 30);
	free(errs);
	replay_trace_free(&t);
}

static void test_stream_nul(void **state)
{
	static const char text[] = "SYS.RD rdx=1\nSYS.RD\0 rdx=1\n";
	struct replay_trace t;
	char *errs = NULL;
	size_t errlen = 0;
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
	FILE *ef = open_memstream(&errs, &errlen);

	(void)state;
	replay_trace_init(&t, "<stdin>");
	assert_int_equal(replay_parse_stream(&t, in, ef), 1);
	fclose(ef);
	fclose(in);
	assert_string_equal(errs, "<stdin>:2: NUL byte in line\n");
	assert_int_equal(t.n_calls, 1);
	free(errs);
	replay_trace_free(&t);
}

static void test_out_regs(void **state)
{
	(void)state;
	assert_string_equal(replay_reg_name(RR_RCX), "rcx");
	assert_string_equal(replay_reg_name(RR_R13), "r13");
	assert_int_equal(replay_leaf_out_regs(DPAMT_TDH_PHYMEM_PAMT_REMOVE),
			 (1u << RR_RDX) | (1u << RR_R8));
	assert_int_equal(replay_leaf_out_regs(DPAMT_TDH_SYS_RD), 1u << RR_R8);
	assert_int_equal(replay_leaf_out_regs(DPAMT_TDH_PHYMEM_PAMT_ADD), 0);
	/* tdh_phymem_page_reclaim.c: RCX/RDX/R8 and the hint in R9 */
	assert_int_equal(replay_leaf_out_regs(DPAMT_TDH_PHYMEM_PAGE_RECLAIM),
			 (1u << RR_RCX) | (1u << RR_RDX) | (1u << RR_R8) |
				 (1u << RR_R9));
	assert_int_equal(replay_leaf_hint_regs(DPAMT_TDH_PHYMEM_PAGE_RECLAIM),
			 1u << RR_R9);
	assert_int_equal(replay_leaf_hint_regs(DPAMT_TDH_MEM_PAGE_REMOVE),
			 1u << RR_RCX);
	assert_int_equal(replay_leaf_out_regs(DPAMT_TDH_MEM_PAGE_PROMOTE),
			 (1u << RR_RCX) | (1u << RR_R12) | (1u << RR_R13));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_expect_values),
		cmocka_unit_test(test_expect_holds),
		cmocka_unit_test(test_hint_values),
		cmocka_unit_test(test_call_line),
		cmocka_unit_test(test_blank_and_comment),
		cmocka_unit_test(test_bad_call_lines),
		cmocka_unit_test(test_expect_regs),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_write_item),
		cmocka_unit_test(test_require_expect),
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_stream_nul),
		cmocka_unit_test(test_out_regs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
