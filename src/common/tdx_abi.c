/*
 * tdx_abi.c - names of TDX leaves, status classes and operand ids.
 *
 * Freestanding (no libc): used by the module model, the replay parser and
 * any report that prints a status.
 */
#include "dpamt/tdx_abi.h"

#include <stddef.h>

struct name_u64 {
	uint64_t value;
	const char *name;
};

static const struct name_u64 leaf_names[] = {
#define LEAF_ROW(sym, num, name) {num, name},
	DPAMT_TDX_LEAVES(LEAF_ROW)
#undef LEAF_ROW
};

static const struct name_u64 class_names[] = {
#define CLASS_ROW(sym) {DPAMT_TDX_##sym, #sym},
	DPAMT_TDX_STATUSES(CLASS_ROW)
#undef CLASS_ROW
};

static const struct name_u64 operand_names[] = {
#define OPERAND_ROW(sym, val, name) {val, name},
	DPAMT_TDX_OPERANDS(OPERAND_ROW)
#undef OPERAND_ROW
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive string equality. */
static int name_eq(const char *a, const char *b)
{
	while (*a && *b && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

static const char *lookup_name(const struct name_u64 *t, size_t n,
			       uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

static int lookup_value(const struct name_u64 *t, size_t n, const char *s,
			uint64_t *v)
{
	for (size_t i = 0; i < n; i++) {
		if (name_eq(s, t[i].name)) {
			*v = t[i].value;
			return 0;
		}
	}
	return -1;
}

const char *dpamt_tdx_leaf_name(unsigned leaf)
{
	return lookup_name(leaf_names, ARRAY_LEN(leaf_names), leaf);
}

int dpamt_tdx_leaf_from_name(const char *name)
{
	uint64_t v;

	if (lower(name[0]) == 't' && lower(name[1]) == 'd' &&
	    lower(name[2]) == 'h' && name[3] == '.')
		name += 4;
	if (lookup_value(leaf_names, ARRAY_LEN(leaf_names), name, &v))
		return -1;
	return (int)v;
}

const char *dpamt_tdx_class_name(uint64_t status)
{
	return lookup_name(class_names, ARRAY_LEN(class_names),
			   dpamt_tdx_status_class(status));
}

int dpamt_tdx_class_from_name(const char *name, uint64_t *cls)
{
	if (lower(name[0]) == 't' && lower(name[1]) == 'd' &&
	    lower(name[2]) == 'x' && name[3] == '_')
		name += 4;
	return lookup_value(class_names, ARRAY_LEN(class_names), name, cls);
}

const char *dpamt_tdx_operand_name(uint32_t id)
{
	return lookup_name(operand_names, ARRAY_LEN(operand_names), id);
}

int dpamt_tdx_operand_from_name(const char *name, uint32_t *id)
{
	uint64_t v;

	if (lookup_value(operand_names, ARRAY_LEN(operand_names), name, &v))
		return -1;
	*id = (uint32_t)v;
	return 0;
}

/* Append s to buf[*pos..len-1], always NUL-terminated. */
static void put_str(char *buf, unsigned len, unsigned *pos, const char *s)
{
	while (*s && *pos + 1 < len)
		buf[(*pos)++] = *s++;
	if (len)
		buf[*pos < len ? *pos : len - 1] = '\0';
}

static void put_hex(char *buf, unsigned len, unsigned *pos, uint64_t v,
		    int digits)
{
	char tmp[19] = "0x";
	int n = 2;

	for (int i = digits - 1; i >= 0; i--)
		tmp[n++] = "0123456789abcdef"[(v >> (4 * i)) & 0xF];
	tmp[n] = '\0';
	put_str(buf, len, pos, tmp);
}

/* "CLASS|OPERAND"; the TDMR-check classes (0x..0A..) carry info bytes
 * instead of an operand and print them as "CLASS|0xNNNNNN". */
char *dpamt_tdx_status_name(uint64_t status, char *buf, unsigned len)
{
	unsigned pos = 0;
	uint32_t op = dpamt_tdx_status_operand(status);
	const char *cls = dpamt_tdx_class_name(status);

	if (!len)
		return buf;
	buf[0] = '\0';
	if (cls)
		put_str(buf, len, &pos, cls);
	else
		put_hex(buf, len, &pos, dpamt_tdx_status_class(status) >> 32,
			8);
	if (((status >> 40) & 0xFF) == 0x0A) { /* TDMR checks: info bytes */
		put_str(buf, len, &pos, "|");
		put_hex(buf, len, &pos, op, 6);
		return buf;
	}
	if (dpamt_tdx_status_class(status) == DPAMT_TDX_PAMT_PAGE_NOT_EMPTY &&
	    op < 10) {
		/* the operand is the index of the pair page, not a register */
		char idx[2] = { (char)('0' + op), '\0' };

		put_str(buf, len, &pos, "|");
		put_str(buf, len, &pos, idx);
		return buf;
	}
	if (op || dpamt_tdx_is_error(status)) {
		const char *on = dpamt_tdx_operand_name(op);

		put_str(buf, len, &pos, "|");
		if (on)
			put_str(buf, len, &pos, on);
		else
			put_hex(buf, len, &pos, op, 2);
	}
	return buf;
}
