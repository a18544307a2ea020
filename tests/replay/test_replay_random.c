/*
 * test_replay_random.c - randomised tests of the replay parser.
 *
 * Round trip: random well-formed call lines (random leaf spelling, register
 * subset and order, case, hex or decimal, spacing, comments, expect forms)
 * must parse to exactly the values they were written from.  Garbage: random
 * mutations of such lines must either parse or be rejected with a message,
 * never crash or read out of bounds (ASan build), and a rejected line adds
 * no call.  Prints its seed; DPAMT_SEED=N replays a run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "replay/replay.h"
#include "test_seed.h"
#include "util/prng.h"

#define ROUNDS 4000

static uint64_t rng_state;

static uint64_t rnd(void)
{
	return prng_next(&rng_state);
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const unsigned leaves[] = {
	DPAMT_TDH_MNG_ADDCX,	      DPAMT_TDH_MEM_PAGE_ADD,
	DPAMT_TDH_MEM_SEPT_ADD,	      DPAMT_TDH_VP_ADDCX,
	DPAMT_TDH_MEM_PAGE_AUG,	      DPAMT_TDH_MNG_CREATE,
	DPAMT_TDH_VP_CREATE,	      DPAMT_TDH_MEM_PAGE_DEMOTE,
	DPAMT_TDH_MEM_PAGE_PROMOTE,   DPAMT_TDH_PHYMEM_PAGE_RECLAIM,
	DPAMT_TDH_MEM_PAGE_REMOVE,    DPAMT_TDH_MEM_SEPT_REMOVE,
	DPAMT_TDH_SYS_CONFIG,	      DPAMT_TDH_PHYMEM_PAMT_ADD,
	DPAMT_TDH_PHYMEM_PAMT_REMOVE, DPAMT_TDH_SYS_RD,
	DPAMT_TDH_MEM_TRACK,
};

static const uint64_t classes[] = {
	DPAMT_TDX_SUCCESS,
	DPAMT_TDX_OPERAND_INVALID,
	DPAMT_TDX_OPERAND_BUSY,
	DPAMT_TDX_PAGE_NOT_FREE,
	DPAMT_TDX_HPA_RANGE_NOT_FREE,
	DPAMT_TDX_NO_PAMT_PAGE_PAIR,
	DPAMT_TDX_PAMT_PAGE_NOT_EMPTY,
	DPAMT_TDX_MISSING_PAMT_PAGE_PAIR,
};

/* Append to a line buffer. */
struct line {
	char s[1024];
	size_t n;
};

static void put(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	l->n += (size_t)vsnprintf(l->s + l->n, sizeof(l->s) - l->n, fmt, ap);
	va_end(ap);
	assert_true(l->n < sizeof(l->s));
}

static void put_cased(struct line *l, const char *word)
{
	for (; *word; word++) {
		char c = *word;

		if (c >= 'a' && c <= 'z' && rnd_below(2))
			c = (char)(c - 'a' + 'A');
		else if (c >= 'A' && c <= 'Z' && rnd_below(2))
			c = (char)(c - 'A' + 'a');
		put(l, "%c", c);
	}
}

static void put_space(struct line *l)
{
	static const char *const sp[] = {" ", "  ", "\t", " \t "};

	put(l, "%s", sp[rnd_below(4)]);
}

static uint64_t rnd_value(void)
{
	switch (rnd_below(4)) {
	case 0: return rnd_below(16);
	case 1: return rnd() & 0xFFFFFFFFF000ULL;
	case 2: return UINT64_MAX - rnd_below(3);
	default: return rnd();
	}
}

static void put_value(struct line *l, uint64_t v)
{
	if (rnd_below(2))
		put(l, "%llu", (unsigned long long)v);
	else
		put(l, rnd_below(2) ? "0x%llx" : "0X%llX",
		    (unsigned long long)v);
}

/* The expect= item: fills *x with what the parser must produce. */
static void put_expect(struct line *l, struct replay_expect *x)
{
	uint64_t cls = classes[rnd_below(8)];

	put_space(l);
	put_cased(l, "expect=");
	switch (rnd_below(3)) {
	case 0:
		put_cased(l, dpamt_tdx_class_name(cls));
		x->kind = RX_CLASS;
		x->value = cls;
		break;
	case 1:
		put_cased(l, dpamt_tdx_class_name(cls));
		put(l, "|");
		put_cased(l, "R8");
		x->kind = RX_STATUS;
		x->value = cls | DPAMT_TDX_OPERAND_ID_R8;
		break;
	default:
		x->kind = RX_STATUS;
		x->value = rnd();
		put(l, "0x%llx", (unsigned long long)x->value);
	}
}

/* A random well-formed call line and the call it must parse to. */
static void gen_call(struct line *l, struct replay_call *want)
{
	unsigned order[RR_COUNT];

	memset(want, 0, sizeof(*want));
	want->leaf = leaves[rnd_below(sizeof(leaves) / sizeof(leaves[0]))];
	if (rnd_below(3) == 0)
		put_space(l);
	if (rnd_below(2))
		put_cased(l, "tdh.");
	put_cased(l, dpamt_tdx_leaf_name(want->leaf));
	for (unsigned i = 0; i < RR_COUNT; i++)
		order[i] = i;
	for (unsigned i = RR_COUNT - 1; i > 0; i--) {
		unsigned j = rnd_below(i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned i = 0; i < RR_COUNT; i++) {
		unsigned r = order[i];

		if (rnd_below(2))
			continue;
		want->reg[r] = rnd_value();
		want->reg_set |= 1u << r;
		put_space(l);
		put_cased(l, replay_reg_name((enum replay_reg)r));
		put(l, "=");
		put_value(l, want->reg[r]);
	}
	if (rnd_below(2))
		put_expect(l, &want->expect);
	if (rnd_below(3) == 0)
		put(l, " # comment rcx=zz expect=NOPE");
}

static void test_round_trip(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ROUNDS; i++) {
		struct line l = {"", 0};
		struct replay_call want;
		struct replay_trace t;
		char err[256] = "";
		int rc;

		gen_call(&l, &want);
		replay_trace_init(&t, "r");
		rc = replay_parse_line(&t, l.s, 1, err, sizeof(err));
		if (rc)
			print_error("line '%s': %s\n", l.s, err);
		assert_int_equal(rc, 0);
		assert_int_equal(t.n_calls, 1);
		assert_int_equal(t.calls[0].leaf, want.leaf);
		assert_int_equal(t.calls[0].reg_set, want.reg_set);
		assert_memory_equal(t.calls[0].reg, want.reg, sizeof(want.reg));
		assert_int_equal(t.calls[0].expect.kind, want.expect.kind);
		assert_true(t.calls[0].expect.value == want.expect.value);
		replay_trace_free(&t);
	}
}

/* Mutate a line in place: overwrite, delete or duplicate some bytes. */
static void mutate(struct line *l)
{
	static const char alphabet[] = "=|#x0fZ9 .\t-\x01\xff";
	unsigned k = 1 + rnd_below(4);

	for (unsigned i = 0; i < k && l->n; i++) {
		unsigned at = rnd_below((unsigned)l->n);

		switch (rnd_below(3)) {
		case 0:
			l->s[at] = alphabet[rnd_below(sizeof(alphabet) - 1)];
			break;
		case 1:
			memmove(l->s + at, l->s + at + 1, l->n - at);
			l->n--;
			break;
		default:
			if (l->n + 2 < sizeof(l->s)) {
				memmove(l->s + at + 1, l->s + at,
					l->n - at + 1);
				l->n++;
			}
		}
	}
}

static void test_garbage(void **state)
{
	unsigned accepted = 0, rejected = 0;

	(void)state;
	for (unsigned i = 0; i < ROUNDS; i++) {
		struct line l = {"", 0};
		struct replay_call want;
		struct replay_trace t;
		char err[256] = "";
		int rc;

		if (rnd_below(4) == 0)
			put(&l, "config mem=%uG dpamt=on", 2 + rnd_below(8));
		else
			gen_call(&l, &want);
		mutate(&l);
		replay_trace_init(&t, "g");
		rc = replay_parse_line(&t, l.s, 1, err, sizeof(err));
		assert_true(rc == 0 || rc == -1);
		if (rc) {
			assert_true(err[0] != '\0');
			assert_int_equal(t.n_calls, 0);
			rejected++;
		} else {
			assert_true(t.n_calls <= 1);
			accepted++;
		}
		replay_trace_free(&t);
	}
	/* the mutations reach both outcomes */
	assert_true(accepted > 0);
	assert_true(rejected > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_garbage),
	};
	/* A new seed each run unless DPAMT_SEED pins it. */
	rng_state = test_seed("test_replay_random",
			      (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
