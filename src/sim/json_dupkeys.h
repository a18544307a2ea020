/*
 * json_dupkeys.h - checks json-c does not make on a JSON text: a key
 * given twice in one object (json-c keeps the last without a word), a
 * string holding a NUL (json-c's C strings stop there, so "1G\u0000junk"
 * would read as "1G"), and an integer too large for 64 bits (json-c
 * clamps 18446744073709551616 to UINT64_MAX).  Keys are compared decoded: "hug\u0065" is "huge".
 */
#ifndef DPAMT_SIM_JSON_DUPKEYS_H
#define DPAMT_SIM_JSON_DUPKEYS_H

#include <stdbool.h>

enum json_scan {
	JSON_SCAN_OK = 0,
	JSON_SCAN_DUPKEY,    /* some object holds a key twice */
	JSON_SCAN_NUL,       /* a string (key or value) holds \u0000 */
	JSON_SCAN_MANY_KEYS, /* an object with more than JSON_SCAN_MAX_KEYS */
	JSON_SCAN_DEEP,      /* nesting deeper than JSON_SCAN_MAX_DEPTH */
	JSON_SCAN_BIGINT,    /* an integer outside INT64_MIN..UINT64_MAX,
				which json-c clamps without a word */
	JSON_SCAN_NOMEM,
};

#define JSON_SCAN_MAX_KEYS 256
/* Objects/arrays open at once.  json-c's tokener refuses more than 32 by
 * default, so a text it accepted never reaches this bound; deeper text is
 * refused (JSON_SCAN_DEEP), never scanned with a wrong frame. */
#define JSON_SCAN_MAX_DEPTH 64

/*
 * Scan well-formed JSON text (json-c accepted it in strict mode; any
 * other text is scanned safely, with no meaningful result).  On a
 * finding, path names where ("guests[1].huge").  Pure; the frame stack
 * lives on the C stack (about 1.5 KiB), the decoded keys of the open
 * objects in one buffer grown on demand (nothing is allocated for a text
 * without keys).
 */
enum json_scan json_scan_text(const char *text, char *path, unsigned len);

/* json_scan_text() == JSON_SCAN_DUPKEY. */
bool json_find_duplicate_key(const char *text, char *path, unsigned len);

#endif /* DPAMT_SIM_JSON_DUPKEYS_H */
