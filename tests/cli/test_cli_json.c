/*
 * test_cli_json.c - the JSON helpers of the CLI tests themselves
 * (cli_json.h, json_path.h): paths with keys and indexes find what they
 * name, and every way a report can be wrong -- a missing key, an index
 * past the end, the wrong type, text that is not JSON or has more after
 * the value, a non-zero exit, an expected failure without its message or
 * with output on stdout -- fails the test that asks, with a message
 * naming the path or the command.  A failure is observed from outside: the
 * check runs in a child process as a one-test cmocka group, and the parent
 * reads its exit status and output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_json.h"

static const char DOC[] = "{\"n\": 5, \"d\": 0.5, \"s\": \"x\", \"b\": true,"
			  " \"o\": {\"a\": [1, {\"k\": 7}, [8, 9]]}}";

static json_object *doc(void)
{
	return jpath_parse(DOC, "DOC");
}

static void test_paths_find(void **state)
{
	json_object *j = doc();

	(void)state;
	assert_int_equal(jpath_u64(j, "n"), 5);
	assert_true(jpath_num(j, "d") == 0.5);
	assert_true(jpath_num(j, "n") == 5.0); /* an integer is a number */
	assert_string_equal(jpath_str(j, "s"), "x");
	assert_true(jpath_bool(j, "b"));
	assert_int_equal(jpath_len(j, "o.a"), 3);
	assert_int_equal(jpath_u64(j, "o.a[0]"), 1);
	assert_int_equal(jpath_u64(j, "o.a[1].k"), 7);
	assert_int_equal(jpath_u64(j, "o.a[2][1]"), 9);
	assert_true(jpath_has(j, "o.a[2]"));
	assert_false(jpath_has(j, "o.b"));
	assert_false(jpath_has(j, "o.a[3]"));
	assert_false(jpath_has(j, "o.a[x]"));
	assert_false(jpath_has(j, "o.a[1"));
	assert_false(jpath_has(j, "o[0]"));    /* an object is not indexed */
	assert_false(jpath_has(j, "n.k"));     /* an integer has no keys */
	assert_false(jpath_has(j, "o.a[1]k")); /* junk after the index */
	json_object_put(j);
}

static void test_expect_passes(void **state)
{
	const char *args[] = { "--frobnicate", NULL };
	struct cli_out r;

	(void)state;
	cli_run_expect(args, NULL, 2, "unknown command '--frobnicate'", &r);
	assert_int_equal(r.status, 2); /* the outputs stay for more checks */
	assert_int_equal(cli_lines(r.err), 1);
	cli_out_free(&r);
}

/* Each of these must fail the test it runs in. */
static void bad_missing(void **state)
{
	(void)state;
	(void)jpath_u64(doc(), "o.a[1].missing");
}

static void bad_index(void **state)
{
	(void)state;
	(void)jpath_get(doc(), "o.a[3]");
}

static void bad_type(void **state)
{
	(void)state;
	(void)jpath_u64(doc(), "s");
}

static void bad_double_as_int(void **state)
{
	(void)state;
	(void)jpath_u64(doc(), "d");
}

static void bad_not_json(void **state)
{
	(void)state;
	(void)jpath_parse("exit 0 but no report", "stdout");
}

static void bad_trailing(void **state)
{
	(void)state;
	(void)jpath_parse("{\"a\": 1}\n{\"a\": 2}\n", "stdout");
}

static void bad_exit(void **state)
{
	const char *args[] = { "--frobnicate", NULL };

	(void)state;
	(void)cli_run_json(args, NULL, NULL);
}

static void bad_want(void **state)
{
	const char *args[] = { "--frobnicate", NULL };

	(void)state;
	cli_run_expect(args, NULL, 2, "no such words", NULL);
}

/* Bad usage (2) with something on stdout: a real run never does it, a
 * shell does. */
static void bad_stdout_on_2(void **state)
{
	const char *args[] = { "-c", "echo half a report; exit 2", NULL };
	const struct cli_env sh = { .bin = "/bin/sh" };

	(void)state;
	cli_run_expect(args, &sh, 2, NULL, NULL);
}

static void bad_no_file(void **state)
{
	(void)state;
	(void)cli_json_file("/nonexistent-dir/r.json");
}

struct must_fail {
	const char *name;
	CMUnitTestFunction fn;
	const char *says;
};

static const struct must_fail fails[] = {
	{ "missing", bad_missing, "no 'o.a[1].missing': nothing at 'missing'" },
	{ "index", bad_index, "no 'o.a[3]'" },
	{ "type", bad_type, "'s' is string \"x\", want an integer" },
	{ "double", bad_double_as_int, "'d' is double 0.5, want an integer" },
	{ "not json", bad_not_json, "stdout is not JSON" },
	{ "trailing", bad_trailing, "more than one JSON value" },
	{ "exit", bad_exit,
	  "`dpamt --frobnicate`: exit 2, stdout '', stderr 'dpamt: " },
	{ "want", bad_want, "want exit 2, no stdout, 'no such words' on " },
	{ "stdout", bad_stdout_on_2, "stdout 'half a report\n'" },
	{ "no file", bad_no_file, "cannot read /nonexistent-dir/r.json" },
};

/* Run fn as a one-test group in a child, its stdout and stderr into a
 * pipe; the child's exit status, its output in buf. */
static int run_child(CMUnitTestFunction fn, char *buf, size_t len)
{
	const struct CMUnitTest one[] = { cmocka_unit_test(fn) };
	int fd[2], ws;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		ws = cmocka_run_group_tests(one, NULL, NULL);
		fflush(NULL);
		_exit(ws);
	}
	close(fd[1]);
	while (got + 1 < len && (n = read(fd[0], buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd[0]);
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

static void test_failures_fail(void **state)
{
	char out[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(fails) / sizeof(fails[0]); i++) {
		int st = run_child(fails[i].fn, out, sizeof(out));

		if (st != 1 || !strstr(out, fails[i].says))
			fail_msg("%s: child exit %d (want 1), output lacks "
				 "'%s':\n%s",
				 fails[i].name, st, fails[i].says, out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_find),
		cmocka_unit_test(test_expect_passes),
		cmocka_unit_test(test_failures_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
