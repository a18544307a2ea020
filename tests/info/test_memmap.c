/*
 * test_memmap.c - the iomem/memmap readers and the Linux-style TDMR
 * builder of src/util/memmap.h: nested lines skipped, adjacent RAM
 * merged, memory below 1 MiB left out, 1 GiB-aligned TDMRs with a
 * reserved area per hole, the module's limits as errors, and every
 * malformed line reported as FILE:LINE.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/memmap.h"

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)

/* Parse text as iomem: the reader's return value; msg filled. */
static int parse(const char *text, struct memmap *m, char *msg, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = memmap_parse_iomem(f, "t.iomem", m, msg, len);
	fclose(f);
	return rc;
}

static void test_nested_and_merge(void **state)
{
	struct memmap m = {0};
	char msg[256];

	(void)state;
	assert_int_equal(parse("00001000-0009ffff : System RAM\n"
			       "00100000-3fffffff : System RAM\n"
			       "  01000000-01ffffff : Kernel code\n"
			       "  02000000-02ffffff : System RAM\n"
			       "40000000-7fffffff : System RAM\n"
			       "80000000-ffffffff : Reserved\n",
			       &m, msg, sizeof(msg)), 0);
	assert_int_equal(m.n, 2); /* the two touching ranges merged */
	assert_int_equal(m.r[0].start, 0x1000);
	assert_int_equal(m.r[0].end, 0xa0000);
	assert_int_equal(m.r[1].start, MIB);
	assert_int_equal(m.r[1].end, 2 * GIB);
	memmap_free(&m);
}

static void expect_error(const char *text, const char *needle)
{
	struct memmap m = {0};
	char msg[256] = "";

	assert_int_equal(parse(text, &m, msg, sizeof(msg)), -1);
	if (!strstr(msg, needle))
		fail_msg("'%s' lacks '%s'", msg, needle);
	memmap_free(&m);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_error("00100000-7fffffff : System RAM\nzz-1 : x\n",
		     "t.iomem:2: bad hex start");
	expect_error("00100000-7fffgfff : System RAM\n",
		     "t.iomem:1: bad hex end");
	expect_error("00100000 : System RAM\n", "t.iomem:1: bad hex end");
	expect_error("00100000-7fffffff System RAM\n",
		     "t.iomem:1: missing ':'");
	expect_error("7fffffff-00100000 : System RAM\n",
		     "t.iomem:1: end 0x100000 < start 0x7fffffff");
	expect_error("00100000-7fffffff : System RAM\n"
		     "  01000000-01ffffff : Kernel code\n"
		     "70000000-8fffffff : Reserved\n",
		     "t.iomem:3: range 0x70000000-0x8fffffff overlaps");
	expect_error("00000000-00000000 : System RAM\n"
		     "00000000-00000000 : Reserved\n",
		     "every address is zero");
	expect_error("00000000-7fffffff : Reserved\n",
		     "no top-level 'System RAM'");
}

static void add(struct memmap *m, struct memmap_range *buf, uint64_t s,
		uint64_t e)
{
	m->r = buf;
	buf[m->n].start = s;
	buf[m->n].end = e;
	m->n++;
}

static void test_tdmrs_like_linux(void **state)
{
	struct memmap_range buf[4];
	struct memmap m = {0};
	struct memmap_plan p;
	char msg[256];

	(void)state;
	add(&m, buf, 0x1000, 0xa0000);          /* below 1 MiB: dropped */
	add(&m, buf, MIB, 2 * GIB);              /* TDMR 0: [0, 2G) */
	add(&m, buf, 4 * GIB, 65 * GIB);         /* TDMR 1: [4G, 65G) */
	add(&m, buf, 65 * GIB + 4 * MIB, 130 * GIB); /* TDMR 2 from 65G */
	assert_int_equal(memmap_build_tdmrs(&m, 64, 16, &p, msg,
					    sizeof(msg)), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.t[0].base, 0);
	assert_int_equal(p.t[0].size, 2 * GIB);
	assert_int_equal(p.t[0].n_rsvd, 1); /* [0, 1M) */
	assert_int_equal(p.t[0].rsvd[0].end, MIB);
	assert_int_equal(p.t[0].ram_bytes, 2 * GIB - MIB);
	assert_int_equal(p.t[1].base, 4 * GIB);
	assert_int_equal(p.t[1].size, 61 * GIB);
	assert_int_equal(p.t[1].n_rsvd, 0);
	assert_int_equal(p.t[2].base, 65 * GIB); /* previous end, not 64G */
	assert_int_equal(p.t[2].size, 65 * GIB);
	assert_int_equal(p.t[2].n_rsvd, 1);
	assert_int_equal(p.t[2].rsvd[0].start, 65 * GIB);
	assert_int_equal(p.t[2].rsvd[0].end, 65 * GIB + 4 * MIB);
}

static void test_limits(void **state)
{
	struct memmap_range buf[4];
	struct memmap m = {0};
	struct memmap_plan p;
	char msg[256] = "";

	(void)state;
	add(&m, buf, 1 * GIB, 2 * GIB);
	add(&m, buf, 3 * GIB, 4 * GIB);
	add(&m, buf, 5 * GIB, 5 * GIB + MIB);
	add(&m, buf, 5 * GIB + 2 * MIB, 5 * GIB + 3 * MIB);
	/* Three TDMRs needed, two allowed. */
	assert_int_equal(memmap_build_tdmrs(&m, 2, 16, &p, msg,
					    sizeof(msg)), -1);
	assert_non_null(strstr(msg, "needs TDMR 3, the module allows 2"));
	/* TDMR 2 has two holes, one reserved area allowed. */
	assert_int_equal(memmap_build_tdmrs(&m, 64, 1, &p, msg,
					    sizeof(msg)), -1);
	assert_non_null(strstr(msg, "TDMR 2 "));
	assert_int_equal(memmap_build_tdmrs(&m, 64, 2, &p, msg,
					    sizeof(msg)), 0);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.t[2].n_rsvd, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_and_merge),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_tdmrs_like_linux),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
