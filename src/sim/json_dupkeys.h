/*
 * json_dupkeys.h - duplicate-key detection for JSON texts (json-c keeps
 * the last of two equal keys without a word).
 */
#ifndef DPAMT_SIM_JSON_DUPKEYS_H
#define DPAMT_SIM_JSON_DUPKEYS_H

#include <stdbool.h>

/*
 * Scan well-formed JSON text; true if some object holds a key twice, with
 * its path ("guests[1].huge") in path.  Keys compare as written.  Pure.
 */
bool json_find_duplicate_key(const char *text, char *path, unsigned len);

#endif /* DPAMT_SIM_JSON_DUPKEYS_H */
