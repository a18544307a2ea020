/*
 * replay_values.c - the value syntax of replay traces that is replay's
 * own: expect= statuses (parse, compare, print) and expect.REG=PA|HINT.
 * Plain numbers and sizes are the one shared syntax of src/util/units.h.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "replay/replay.h"
#include "util/units.h"

/* OPERAND after '|': a name from tdx_abi.h or a number below 2^32. */
static int parse_operand(const char *s, uint32_t *id)
{
	uint64_t v;

	if (dpamt_tdx_operand_from_name(s, id) == 0)
		return 0;
	if (units_parse_u64(s, &v, NULL, 0) || v > 0xFFFFFFFFULL)
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
int replay_parse_reg_value(const char *s, uint64_t *v, char *err,
			   size_t errlen)
{
	char num[64];
	const char *bar = strchr(s, '|');
	size_t n = bar ? (size_t)(bar - s) : strlen(s);
	uint64_t pa;

	if (!bar)
		return units_parse_u64(s, v, err, errlen);
	if (n >= sizeof(num) || !is_hint_name(bar + 1)) {
		snprintf(err, errlen, "'%.40s': a number, or PA|HINT", s);
		return -1;
	}
	memcpy(num, s, n);
	num[n] = '\0';
	if (units_parse_u64(num, &pa, err, errlen))
		return -1;
	if (pa & DPAMT_TDX_PAMT_REMOVAL_HINT) {
		snprintf(err, errlen, "'%.40s': PA has bit 62 (the hint) set",
			 s);
		return -1;
	}
	*v = pa | DPAMT_TDX_PAMT_REMOVAL_HINT;
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
	char why[160];

	if (units_parse_u64(s, &x->value, why, sizeof(why))) {
		snprintf(err, errlen, "bad expect %s", why);
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
