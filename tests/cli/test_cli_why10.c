/*
 * test_cli_why10.c - one regression per item of issue 10's Why list that
 * the CLI shows (each failed on the code before the fix):
 *   1, 6  in test_cli_output.c (existing files kept, devices never
 *         unlinked; every failed write is exit 1);
 *   2     a trace line over 64 KiB, a read error, /dev/zero: exit 2
 *         naming file:line, nothing ran;
 *   3     guest sizes whose sum wraps 64 bits: refused at validation;
 *   4     a scenario string with \u0000, a key duplicated via an escape;
 *   5     bench counts with no upper bound;
 *   7     in tests/sim/test_busy_inject.c (per-SEAMCALL injection);
 *   8     a scenario bigger than the machine: refused with the estimate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_run.h"
#include "test_skip.h"

#define CALL "PHYMEM.PAMT.ADD rcx=0x40000001 rdx=0x80000000 " \
	     "r8=0x80001000 expect=SUCCESS\n"

/* Why 2: a valid call, a 70000-byte line, another call.  The old reader
 * took the long line whole and ran both calls (exit 0). */
static void test_why2_long_line(void **state)
{
	char dir[64], path[128], line[192];
	const char *args[] = {"replay", path, NULL};
	size_t n = 70000;
	char *text = malloc(2 * sizeof(CALL) + n + 2);

	(void)state;
	assert_non_null(text);
	strcpy(text, CALL);
	memset(text + strlen(CALL), ' ', n);
	strcpy(text + strlen(CALL) + n, CALL);
	cli_tempdir(dir, "why2");
	snprintf(path, sizeof(path), "%s/long.trace", dir);
	cli_write_file(path, text);
	snprintf(line, sizeof(line), "%s:2: line longer than 65536", path);
	cli_run_expect(args, NULL, 2, line, NULL);
	free(text);
	cli_rmdir(dir);
}

/* Why 2: a read error is an error naming file:line, not end of input. */
static void test_why2_read_error(void **state)
{
	char dir[64], msg[128];
	const char *args[] = {"replay", dir, NULL};

	(void)state;
	cli_tempdir(dir, "why2dir");
	snprintf(msg, sizeof(msg), "%s:1: read error", dir);
	cli_run_expect(args, NULL, 2, msg, NULL);
	cli_rmdir(dir);
}

/* Why 2: /dev/zero is one endless line; it used to grow to 4 GB. */
static void test_why2_dev_zero(void **state)
{
	const char *args[] = {"replay", "/dev/zero", NULL};

	(void)state;
	cli_run_expect(args, NULL, 2, "/dev/zero:1: line longer than 65536",
		       NULL);
}

/* Why 3: 2^63 + 2^63 wrapped to 0 and passed validation. */
static void test_why3_size_overflow(void **state)
{
	const char *a[] = {"sim", "--vm", "8388608T", "--vm", "8388608T",
			   "--td", "256M", NULL};
	const char *b[] = {"sim", "--vm", "8T", "--vm", "8T", "--vm", "8T",
			   "--td", "256M", NULL};

	(void)state;
	cli_run_expect(a, NULL, 2, "'8388608T'", NULL);
	cli_run_expect(b, NULL, 2, "more than the 16384 GiB", NULL);
}

/* Why 4: "1G\u0000junk" read as 1G; "hug\u0065" beside "huge". */
static void test_why4_json_nul_and_escaped_dup(void **state)
{
	static const char *const docs[][2] = {
		{"{\"guests\": [{\"size\": \"1G\\u0000junk\"}]}",
		 "guests[0].size: a string holds a NUL"},
		{"{\"strategy\": \"hashed\\u0000junk\"}",
		 "strategy: a string holds a NUL"},
		{"{\"guests\": [{\"size\": \"1G\", \"hug\\u0065\": 10, "
		 "\"huge\": 20}]}", "guests[0].huge: key given twice"},
		{"{\"c\\u0079cles\": 2, \"cycles\": 3}",
		 "cycles: key given twice"},
	};
	char dir[64], path[128];
	const char *args[] = {"sim", "--scenario", path, NULL};

	(void)state;
	cli_tempdir(dir, "why4");
	snprintf(path, sizeof(path), "%s/s.json", dir);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cli_write_file(path, docs[i][0]);
		cli_run_expect(args, NULL, 2, docs[i][1], NULL);
	}
	cli_rmdir(dir);
}

/* Why 5: accepted and ran for ever. */
static void test_why5_bench_bounds(void **state)
{
	const char *a[] = {"bench", "--iters", "1099511627776", "--reps",
			   "1000", NULL};
	const char *b[] = {"bench", "--iters", "50000000", "--reps", "1000",
			   NULL};

	(void)state;
	cli_run_expect(a, NULL, 2, "--iters", NULL);
	cli_run_expect(b, NULL, 2, "--iters 50000000 x --reps 1000", NULL);
}

/* MemAvailable in MiB (0 if unknown). */
static unsigned long long mem_available_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[128];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

/* Why 8: a 12 TiB TD at 4K needs ~66 GiB of model state (the estimate's
 * 5.5 MiB per GiB, src/sim/engine_memest.c): refused with the estimate
 * and the limit before anything runs. */
static void test_why8_too_big_for_machine(void **state)
{
	const char *args[] = {"sim", "--td", "12T", "--quiet", NULL};

	(void)state;
	if (mem_available_mib() > 60ull * 1024)
		test_skip_because("this machine has more than 60 GiB "
				  "available, a 12T TD might fit");
	cli_run_expect(args, NULL, 2, "MiB of memory to simulate", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_why2_long_line),
		cmocka_unit_test(test_why2_read_error),
		cmocka_unit_test(test_why2_dev_zero),
		cmocka_unit_test(test_why3_size_overflow),
		cmocka_unit_test(test_why4_json_nul_and_escaped_dup),
		cmocka_unit_test(test_why5_bench_bounds),
		cmocka_unit_test(test_why8_too_big_for_machine),
	};

	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
