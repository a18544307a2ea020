/*
 * test_cli_parse.c - the number/size/range parser and byte formatter of
 * src/util/units.c (the CLI's and the scenarios'): suffixes in every case, hex, overflow, garbage, empty,
 * negative, fractions, and that a failed parse leaves the output alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_seed.h"
#include "util/prng.h"
#include "util/units.h"

#define SENTINEL 0xDEADBEEFULL

static uint64_t size_ok(const char *s)
{
	uint64_t v = SENTINEL;
	char err[128] = "";

	assert_int_equal(units_parse_size(s, &v, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	return v;
}

/* Fails, leaves the output alone, and the message contains 'needle'. */
static void size_bad(const char *s, const char *needle)
{
	uint64_t v = SENTINEL;
	char err[128] = "";

	assert_int_equal(units_parse_size(s, &v, err, sizeof(err)), -1);
	assert_int_equal(v, SENTINEL);
	if (!strstr(err, needle))
		fail_msg("'%s': message '%s' lacks '%s'", s, err, needle);
}

static void test_size_plain_and_suffixes(void **state)
{
	(void)state;
	assert_int_equal(size_ok("0"), 0);
	assert_int_equal(size_ok("4096"), 4096);
	assert_int_equal(size_ok("4096B"), 4096);
	assert_int_equal(size_ok("1K"), 1024);
	assert_int_equal(size_ok("1k"), 1024);
	assert_int_equal(size_ok("3M"), 3ULL << 20);
	assert_int_equal(size_ok("3m"), 3ULL << 20);
	assert_int_equal(size_ok("16G"), 16ULL << 30);
	assert_int_equal(size_ok("16g"), 16ULL << 30);
	assert_int_equal(size_ok("16GB"), 16ULL << 30);
	assert_int_equal(size_ok("16GiB"), 16ULL << 30);
	assert_int_equal(size_ok("16gib"), 16ULL << 30);
	assert_int_equal(size_ok("4T"), 4ULL << 40);
	assert_int_equal(size_ok("4t"), 4ULL << 40);
	assert_int_equal(size_ok("007"), 7);
}

static void test_size_hex(void **state)
{
	(void)state;
	assert_int_equal(size_ok("0x1000"), 4096);
	assert_int_equal(size_ok("0X1000"), 4096);
	assert_int_equal(size_ok("0xfF"), 255);
	assert_int_equal(size_ok("0x10G"), 16ULL << 30);
	assert_int_equal(size_ok("0x1B"), 27);   /* B is a hex digit */
	assert_int_equal(size_ok("0xFFFFFFFFFFFFFFFF"), UINT64_MAX);
	size_bad("0x", "no hex digits");
	size_bad("0xg", "no hex digits");
	size_bad("0x10000000000000000", "over 64 bits");
}

static void test_size_limits(void **state)
{
	(void)state;
	assert_int_equal(size_ok("18446744073709551615"), UINT64_MAX);
	size_bad("18446744073709551616", "over 64 bits");
	size_bad("99999999999999999999999", "over 64 bits");
	assert_int_equal(size_ok("16777215T"), 16777215ULL << 40);
	size_bad("16777216T", "over 64 bits");  /* exactly 2^64 */
	size_bad("17179869184G", "over 64 bits");
}

static void test_size_garbage(void **state)
{
	(void)state;
	size_bad("", "empty");
	size_bad("-1", "negative");
	size_bad("-16G", "negative");
	size_bad("+5", "not a number");
	size_bad(" 5", "not a number");
	size_bad("5 ", "unknown unit");
	size_bad("G", "not a number");
	size_bad("abc", "not a number");
	size_bad("12X", "unknown unit");
	size_bad("12P", "unknown unit");
	size_bad("12GG", "unknown unit");
	size_bad("12Gi", "unknown unit");
	size_bad("12GiBx", "unknown unit");
	size_bad("1.5G", "fractions");
	assert_int_equal(units_parse_size(NULL, &(uint64_t){0}, NULL, 0), -1);
}

static void test_u64_and_range_of_uint(void **state)
{
	uint64_t v = SENTINEL;
	char err[128];

	(void)state;
	assert_int_equal(units_parse_u64("1000", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 1000);
	assert_int_equal(units_parse_u64("0x20", &v, err, sizeof(err)), 0);
	assert_int_equal(v, 32);
	v = SENTINEL;
	assert_int_equal(units_parse_u64("10K", &v, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "trailing"));
	assert_int_equal(v, SENTINEL);
	assert_int_equal(units_parse_uint_range("2", 1, 64, &v, err,
					      sizeof(err)), 0);
	assert_int_equal(v, 2);
	v = SENTINEL;
	assert_int_equal(units_parse_uint_range("0", 1, 64, &v, err,
					      sizeof(err)), -1);
	assert_non_null(strstr(err, "out of range (1..64)"));
	assert_int_equal(units_parse_uint_range("65", 1, 64, &v, err,
					      sizeof(err)), -1);
	assert_int_equal(units_parse_uint_range("-3", 1, 64, &v, err,
					      sizeof(err)), -1);
	assert_non_null(strstr(err, "negative"));
	assert_int_equal(v, SENTINEL);
}

static void test_range(void **state)
{
	uint64_t b = SENTINEL, z = SENTINEL;
	char err[128];

	(void)state;
	assert_int_equal(units_parse_range("4T:64G", &b, &z, err, sizeof(err)),
			 0);
	assert_int_equal(b, 4ULL << 40);
	assert_int_equal(z, 64ULL << 30);
	assert_int_equal(units_parse_range("0:0x40000000", &b, &z, err,
					 sizeof(err)), 0);
	assert_int_equal(b, 0);
	assert_int_equal(z, 1ULL << 30);
	b = z = SENTINEL;
	assert_int_equal(units_parse_range("64G", &b, &z, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "BASE:SIZE"));
	assert_int_equal(units_parse_range(":64G", &b, &z, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(units_parse_range("0:", &b, &z, err, sizeof(err)), -1);
	assert_int_equal(units_parse_range("0:1G:2G", &b, &z, err,
					 sizeof(err)), -1);
	assert_int_equal(units_parse_range("16777215T:2T", &b, &z, err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, "past 2^64"));
	assert_int_equal(b, SENTINEL);
	assert_int_equal(z, SENTINEL);
}

/* Random values written in random syntax parse back to value << shift,
 * or fail with "over 64 bits" exactly when that overflows. */
static void test_size_roundtrip_random(void **state)
{
	static const char *const units[] = {"", "k", "M", "g", "T", "KiB",
					    "mb", "GiB", "tib", "B"};
	static const int shifts[] = {0, 10, 20, 30, 40, 10, 20, 30, 40, 0};
	uint64_t x = test_seed(__func__, 0xC0FFEEULL);
	char buf[64], err[128];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		uint64_t v = prng_next(&x) >> (prng_next(&x) % 64), got = 0;
		unsigned u = (unsigned)(prng_next(&x) % 10);
		bool hex = prng_next(&x) & 1;
		int rc;

		if (hex && units[u][0] == 'B')
			u = 0; /* "0x..B" reads B as a hex digit */
		snprintf(buf, sizeof(buf), hex ? "0x%llx%s" : "%llu%s",
			 (unsigned long long)v, units[u]);
		rc = units_parse_size(buf, &got, err, sizeof(err));
		if (v > (UINT64_MAX >> shifts[u])) {
			if (rc != -1 || !strstr(err, "over 64 bits"))
				fail_msg("'%s' should overflow", buf);
		} else if (rc != 0 || got != v << shifts[u]) {
			fail_msg("'%s' -> rc %d value %llu (%s)", buf, rc,
				 (unsigned long long)got, err);
		}
	}
}

static void test_human_bytes(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(units_human_bytes(0, buf, sizeof(buf)), "0 B");
	assert_string_equal(units_human_bytes(1023, buf, sizeof(buf)),
			    "1023 B");
	assert_string_equal(units_human_bytes(1024, buf, sizeof(buf)),
			    "1.00 KiB");
	assert_string_equal(units_human_bytes(8192, buf, sizeof(buf)),
			    "8.00 KiB");
	assert_string_equal(units_human_bytes(10489856, buf, sizeof(buf)),
			    "10.00 MiB");
	assert_string_equal(units_human_bytes(1075843072ULL, buf, sizeof(buf)),
			    "1.00 GiB");
	assert_string_equal(units_human_bytes(3ULL << 39, buf, sizeof(buf)),
			    "1.50 TiB");
	assert_string_equal(units_human_bytes(UINT64_MAX, buf, sizeof(buf)),
			    "16.00 EiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_plain_and_suffixes),
		cmocka_unit_test(test_size_hex),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_size_garbage),
		cmocka_unit_test(test_u64_and_range_of_uint),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_size_roundtrip_random),
		cmocka_unit_test(test_human_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
