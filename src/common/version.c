/*
 * version.c - dpamt_version(): the version of the library linked, from
 * the generated dpamt/version.h.
 */
#include "dpamt/dpamt.h"
#include "dpamt/version.h"

/* Concurrency: pure; any time. */
const char *dpamt_version(void)
{
	return DPAMT_VERSION_STRING;
}
