/*
 * replay_values.c - the value syntax of replay traces: 64-bit numbers,
 * memory sizes with binary suffixes, and expect= statuses (parse, compare,
 * print).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "replay/replay.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, uint64_t *v)
{
	uint64_t acc = 0;
	int overflow = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		int d = hex_digit(*s);

		if (d < 0)
			return -1;
		if (acc >> 60)
			overflow = 1;
		acc = (acc << 4) | (uint64_t)d;
	}
	if (overflow)
		return -2;
	*v = acc;
	return 0;
}

static int parse_dec(const char *s, uint64_t *v)
{
	uint64_t acc = 0;
	int overflow = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		uint64_t d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (uint64_t)(*s - '0');
		if (acc > (UINT64_MAX - d) / 10)
			overflow = 1;
		else
			acc = acc * 10 + d;
	}
	if (overflow)
		return -2;
	*v = acc;
	return 0;
}

int replay_parse_u64(const char *s, uint64_t *v)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex(s + 2, v);
	return parse_dec(s, v);
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	default: return 0;
	}
}

int replay_parse_size(const char *s, uint64_t *v)
{
	char num[64];
	size_t n = strlen(s);
	unsigned shift = n ? suffix_shift(s[n - 1]) : 0;
	uint64_t base;
	int rc;

	if (shift)
		n--;
	if (n == 0 || n >= sizeof(num))
		return n == 0 ? -1 : -2;
	memcpy(num, s, n);
	num[n] = '\0';
	rc = replay_parse_u64(num, &base);
	if (rc)
		return rc;
	if (shift && (base >> (64 - shift)))
		return -2;
	*v = base << shift;
	return 0;
}

/* OPERAND after '|': a name from tdx_abi.h or a number below 2^32. */
static int parse_operand(const char *s, uint32_t *id)
{
	uint64_t v;

	if (dpamt_tdx_operand_from_name(s, id) == 0)
		return 0;
	if (replay_parse_u64(s, &v) || v > 0xFFFFFFFFULL)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

static bool is_hint_name(const char *s)
{
	return !strcasecmp(s, "HINT") || !strcasecmp(s, "REMOVAL_HINT");
}

/* expect.REG=V: a number, or a number then "|HINT" for a register that
 * returns a freed page's address with the PAMT removal hint (bit 62). */
int replay_parse_reg_value(const char *s, uint64_t *v)
{
	char num[64];
	const char *bar = strchr(s, '|');
	size_t n = bar ? (size_t)(bar - s) : strlen(s);
	int rc;

	if (!bar)
		return replay_parse_u64(s, v);
	if (n >= sizeof(num) || !is_hint_name(bar + 1))
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	rc = replay_parse_u64(num, v);
	if (rc)
		return rc;
	if (*v & DPAMT_TDX_PAMT_REMOVAL_HINT)
		return -1;
	*v |= DPAMT_TDX_PAMT_REMOVAL_HINT;
	return 0;
}

/* The old place of the hint: say where it is now. */
static int hint_not_in_status(const char *s, char *err, size_t errlen)
{
	snprintf(err, errlen, "bad expect '%s': the removal hint is not in "
		 "the status (RAX stays SUCCESS); write expect=SUCCESS and "
		 "expect.rcx=PA|HINT (expect.r9=...|HINT for RECLAIM)", s);
	return -1;
}

/* expect=0x... or a decimal: the whole status. */
static int expect_number(const char *s, struct replay_expect *x, char *err,
			 size_t errlen)
{
	int rc = replay_parse_u64(s, &x->value);

	if (rc) {
		snprintf(err, errlen, "bad expect '%s': %s", s,
			 rc == -2 ? "status exceeds 64 bits" : "bad number");
		return -1;
	}
	x->kind = RX_STATUS;
	return 0;
}

int replay_parse_expect(const char *s, struct replay_expect *x, char *err,
			size_t errlen)
{
	char name[64];
	const char *bar = strchr(s, '|');
	size_t n = bar ? (size_t)(bar - s) : strlen(s);
	uint64_t cls;
	uint32_t op;

	if (s[0] >= '0' && s[0] <= '9')
		return expect_number(s, x, err, errlen);
	if (is_hint_name(s))
		return hint_not_in_status(s, err, errlen);
	if (n == 0 || n >= sizeof(name)) {
		snprintf(err, errlen, "bad expect '%s': no status name", s);
		return -1;
	}
	memcpy(name, s, n);
	name[n] = '\0';
	if (dpamt_tdx_class_from_name(name, &cls)) {
		snprintf(err, errlen, "bad expect '%s': unknown status '%s'",
			 s, name);
		return -1;
	}
	if (!bar) {
		x->kind = RX_CLASS;
		x->value = cls;
		return 0;
	}
	if (cls == DPAMT_TDX_SUCCESS && is_hint_name(bar + 1))
		return hint_not_in_status(s, err, errlen);
	if (parse_operand(bar + 1, &op)) {
		snprintf(err, errlen, "bad expect '%s': unknown operand '%s'",
			 s, bar + 1);
		return -1;
	}
	x->kind = RX_STATUS;
	x->value = dpamt_tdx_status_make(cls, op);
	return 0;
}

bool replay_expect_holds(const struct replay_expect *x, uint64_t status)
{
	switch (x->kind) {
	case RX_CLASS:
		return dpamt_tdx_status_class(status) == x->value;
	case RX_STATUS:
		return status == x->value;
	default:
		return true;
	}
}

char *replay_expect_str(const struct replay_expect *x, char *buf,
			size_t len)
{
	char name[64];
	const char *cls = dpamt_tdx_class_name(x->value);

	if (x->kind == RX_CLASS) {
		if (cls)
			snprintf(buf, len, "%s", cls);
		else
			snprintf(buf, len, "class 0x%08llx",
				 (unsigned long long)(x->value >> 32));
		return buf;
	}
	dpamt_tdx_status_name(x->value, name, sizeof(name));
	snprintf(buf, len, "0x%016llx %s", (unsigned long long)x->value,
		 name);
	return buf;
}
