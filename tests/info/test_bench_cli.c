/*
 * test_bench_cli.c - `dpamt bench` smoke run: exits 0 and prints JSON
 * with the documented keys; the counts that are exact by construction
 * (fast path takes no lock and no SEAMCALL; a lone 0->1->0 cycle is one
 * ADD and one REMOVE) are checked.  No timing is asserted, only that
 * timings are present and positive.  Bad usage exits 2.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cli/cli_run.h"

static json_object *key(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("JSON lacks key '%s'", k);
	return v;
}

static uint64_t ukey(json_object *o, const char *k)
{
	json_object *v = key(o, k);

	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_uint64(v);
}

static void positive(json_object *o, const char *k)
{
	json_object *v = key(o, k);

	if (!(json_object_get_double(v) > 0))
		fail_msg("'%s' is %f, want > 0", k, json_object_get_double(v));
}

static void in_unit(json_object *v)
{
	double d = json_object_get_double(v);

	if (!(d >= 0 && d <= 1))
		fail_msg("overlap %f is not within [0, 1]", d);
}

static void check_strategy(json_object *s, uint64_t reps, uint64_t slow)
{
	static const char *const multi[] = {"t2_distinct", "t2_neighbour",
					    "t2_crossed"};
	json_object *sl, *t1, *tn;

	positive(key(s, "fast_ns"), "t1");
	positive(key(s, "fast_ns"), "t2_distinct");
	positive(key(s, "fast_ns"), "t2_shared");
	positive(key(s, "ratio_vs_atomic"), "t1");
	positive(key(s, "ratio_vs_cas"), "t2_shared");
	/* 1000 pairs x 9 reps x (1 + 2 + 2 threads) */
	assert_int_equal(ukey(s, "fast_ops"), 1000 * reps * 5);
	assert_int_equal(ukey(s, "fast_errors"), 0);
	assert_int_equal(ukey(s, "fast_path_hits"), 2 * ukey(s, "fast_ops"));
	assert_int_equal(ukey(s, "fast_lock_acquisitions"), 0);
	assert_int_equal(ukey(s, "fast_pamt_seamcalls"), 0);
	sl = key(s, "slow");
	if (!strcmp(json_object_get_string(key(s, "fast_path")), "cas")) {
		/* the CAS variant: fast path only */
		assert_int_equal(json_object_object_length(sl), 0);
		return;
	}
	assert_string_equal(json_object_get_string(key(s, "fast_path")),
			    "one-atomic");
	t1 = key(sl, "t1");
	positive(t1, "ns_per_cycle");
	assert_int_equal(ukey(t1, "cycles"), slow * reps);
	assert_int_equal(ukey(t1, "errors"), 0);
	assert_int_equal(ukey(t1, "pamt_add_calls"), slow * reps);
	assert_int_equal(ukey(t1, "pamt_remove_calls"), slow * reps);
	assert_int_equal(ukey(t1, "busy_retries"), 0);
	assert_int_equal(ukey(t1, "lock_contentions"), 0);
	for (int i = 0; i < 3; i++) {
		tn = key(sl, multi[i]);
		positive(tn, "ns_per_cycle");
		/* every completed cycle issued its ADD and REMOVE */
		assert_true(ukey(tn, "pamt_add_calls") >= ukey(tn, "cycles"));
		assert_true(ukey(tn, "pamt_remove_calls") >=
			    ukey(tn, "cycles"));
		assert_true(ukey(tn, "cycles") + ukey(tn, "errors") ==
			    2 * slow * reps);
		(void)ukey(tn, "lock_wait_ns");
		(void)ukey(tn, "lock_acquisitions");
	}
}

static void test_smoke_json(void **state)
{
	const char *args[] = {"bench", "--iters", "1000", "--json", "-",
			      "--sim-rss", "0", NULL};
	struct cli_out r;
	json_object *j, *list;
	uint64_t reps, slow;

	(void)state;
	cli_run(args, &r);
	if (r.status != 0)
		fail_msg("exit %d, stderr: %s", r.status, r.err);
	j = json_tokener_parse(r.out);
	if (!j)
		fail_msg("stdout is not JSON:\n%s", r.out);
	assert_int_equal(ukey(j, "version"), 1);
	assert_int_equal(ukey(j, "iters"), 1000);
	assert_int_equal(ukey(j, "threads"), 2);
	reps = ukey(j, "reps");
	slow = ukey(j, "slow_iters");
	assert_int_equal(slow, 10); /* iters / 100, at least 10 */
	positive(j, "target_ratio");
	positive(key(j, "atomic_pair_ns"), "t1");
	positive(key(j, "atomic_pair_ns"), "t2_shared");
	positive(key(j, "cas_pair_ns"), "t2_distinct");
	/* overlap is a share: 1 for one thread, 0..1 for two */
	assert_true(json_object_get_double(key(key(j, "fast_overlap"),
					       "t1")) == 1.0);
	in_unit(key(key(j, "fast_overlap"), "t2_shared"));
	in_unit(key(key(j, "slow_overlap"), "t2_neighbour"));
	list = key(j, "strategies");
	/* default: global-lock, then the same with the CAS fast path */
	assert_int_equal(json_object_array_length(list), 2);
	assert_string_equal(json_object_get_string(key(
		json_object_array_get_idx(list, 0), "strategy")),
			    "global-lock");
	assert_string_equal(json_object_get_string(key(
		json_object_array_get_idx(list, 1), "strategy")),
			    "global-lock");
	assert_string_equal(json_object_get_string(key(
		json_object_array_get_idx(list, 1), "fast_path")), "cas");
	positive(j, "target_ratio_shared");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *s = json_object_array_get_idx(list, i);
		double t1, t2, sc;

		check_strategy(s, reps, slow);
		if (!strcmp(json_object_get_string(key(s, "fast_path")),
			    "cas")) { /* no slow path: no scaling */
			assert_false(json_object_object_get_ex(
				s, "slow_scaling", NULL));
			continue;
		}
		/* t2_distinct over t1, per thread: the two figures above */
		t2 = json_object_get_double(key(key(key(s, "slow"),
						    "t2_distinct"),
						"ns_per_cycle"));
		t1 = json_object_get_double(key(key(key(s, "slow"), "t1"),
						"ns_per_cycle"));
		sc = json_object_get_double(key(s, "slow_scaling"));
		assert_true(fabs(sc - t2 / t1) <= 1e-9 * sc);
		/* the same with each figure's lock wait taken out: never
		 * above the measured one (the wait is >= 0) */
		t2 = json_object_get_double(key(key(key(s, "slow"),
						    "t2_distinct"),
						"ns_per_cycle_nowait"));
		t1 = json_object_get_double(key(key(key(s, "slow"), "t1"),
						"ns_per_cycle_nowait"));
		assert_true(t2 <= json_object_get_double(key(
			key(key(s, "slow"), "t2_distinct"), "ns_per_cycle")));
		sc = json_object_get_double(key(s, "slow_scaling_nowait"));
		assert_true(fabs(sc - t2 / t1) <= 1e-9 * sc);
		/* the target is for strategies with no all-range lock */
		assert_int_equal(json_object_get_boolean(key(
					 s, "scaling_target_applies")),
				 strcmp(json_object_get_string(key(
						s, "strategy")),
					"global-lock") != 0);
	}
	/* churn rows: global-lock with 0 and 1024 idle pairs; the eager
	 * one pays an ADD and a REMOVE per cycle, the idle one only the
	 * first ADD of each range (64 per thread), never a REMOVE */
	list = key(j, "churn");
	assert_int_equal(json_object_array_length(list), 1);
	{
		json_object *c = json_object_array_get_idx(list, 0);
		json_object *e = key(c, "eager"), *d = key(c, "idle");

		assert_int_equal(ukey(e, "cycles"), 2 * slow * reps);
		assert_int_equal(ukey(e, "pamt_add_calls"), 2 * slow * reps);
		assert_int_equal(ukey(e, "pamt_remove_calls"), 2 * slow * reps);
		assert_int_equal(ukey(d, "cycles"), 2 * slow * reps);
		assert_true(ukey(d, "pamt_add_calls") <= 2 * 64);
		assert_int_equal(ukey(d, "pamt_remove_calls"), 0);
		assert_int_equal(ukey(c, "max_idle_pairs"), 1024);
	}
	positive(j, "scaling_target");
	assert_false(json_object_object_get_ex(j, "sim_rss", NULL));
	json_object_put(j);
	cli_out_free(&r);
}

static void test_table(void **state)
{
	const char *args[] = {"bench", "--iters", "200", "--reps", "1",
			      "--threads", "1", "--strategy", "all",
			      "--sim-rss", "0", NULL};
	struct cli_out r;

	(void)state;
	cli_run(args, &r);
	if (r.status != 0)
		fail_msg("exit %d, stderr: %s", r.status, r.err);
	assert_non_null(strstr(r.out, "atomic add+sub"));
	assert_non_null(strstr(r.out, "CAS-loop pair"));
	assert_non_null(strstr(r.out, "global-lock"));
	assert_non_null(strstr(r.out, "slow path"));
	assert_null(strstr(r.out, "t1_distinct")); /* 1 thread: no multi */
	assert_null(strstr(r.out, "broken-"));      /* test-only excluded */
	cli_out_free(&r);
}

#if !defined(DPAMT_TSAN)
/* The sim RSS rows: 1 and 2 GiB at 4K, 8 and 16 GiB at 2M.  Each run
 * maps all of its TD, so the bigger TD holds more; 4K costs PAMT pairs
 * and S-EPT pages per 2 MiB that 2M does not. */
static void test_sim_rss(void **state)
{
	const char *args[] = {"bench", "--iters", "10", "--reps", "1",
			      "--threads", "1", "--slow-iters", "0",
			      "--sim-rss", "1", "--json", "-", NULL};
	struct cli_out r;
	json_object *j, *k4, *k2;

	(void)state;
	cli_run(args, &r);
	if (r.status != 0)
		fail_msg("exit %d, stderr: %s", r.status, r.err);
	j = json_tokener_parse(r.out);
	if (!j)
		fail_msg("stdout is not JSON:\n%s", r.out);
	k4 = key(key(j, "sim_rss"), "at_4k");
	k2 = key(key(j, "sim_rss"), "at_2m");
	assert_int_equal(ukey(k4, "gib_lo"), 1);
	assert_int_equal(ukey(k4, "gib_hi"), 2);
	assert_int_equal(ukey(k2, "gib_lo"), 8);
	assert_int_equal(ukey(k2, "gib_hi"), 16);
	assert_true(ukey(k4, "kib_hi") > ukey(k4, "kib_lo"));
	positive(k4, "mib_per_gib");
	assert_true(json_object_get_double(key(k2, "mib_per_gib")) <
		    json_object_get_double(key(k4, "mib_per_gib")));
	json_object_put(j);
	cli_out_free(&r);
}
#endif

static void test_bad_usage(void **state)
{
	static const char *const cases[][4] = {
		{"bench", "--threads", "0", NULL},
		{"bench", "--threads", "17", NULL},
		{"bench", "--iters", "1k", NULL},
		{"bench", "--iters", "-5", NULL},
		{"bench", "--reps", NULL, NULL},
		{"bench", "--strategy", "fastest", NULL},
		{"bench", "--turbo", NULL, NULL},
		{"bench", "--sim-rss", "17", NULL},
	};
	static const char *const msgs[] = {
		"out of range", "out of range", "trailing", "negative",
		"needs a value", "unknown strategy", "unknown option",
		"out of range",
	};
	struct cli_out r;

	(void)state;
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		cli_run(cases[i], &r);
		if (r.status != 2 || !strstr(r.err, msgs[i]))
			fail_msg("case %zu: exit %d, stderr '%s', want 2 and "
				 "'%s'", i, r.status, r.err, msgs[i]);
		cli_out_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smoke_json),
		cmocka_unit_test(test_table),
#if !defined(DPAMT_TSAN)
		cmocka_unit_test(test_sim_rss),
#endif
		cmocka_unit_test(test_bad_usage),
	};

#if defined(DPAMT_TSAN)
	/* Not a pass: not run.  The plain and ASan builds run it. */
	printf("test_sim_rss: not in the TSan build (a 2 GiB all-4K sim "
	       "takes ~20 s under TSan)\n");
#endif
	return cmocka_run_group_tests(tests, NULL, NULL);
}
