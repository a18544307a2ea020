#!/bin/sh
# headers_alone.sh - every public header compiles on its own, as C11 and
# as C++17, with warnings as errors: nothing missing from its includes, no
# C-only construct at file scope (static assertions go through
# DPAMT_STATIC_ASSERT), and extern "C" so a C++ caller links.  The C++
# pass also calls one function per header, so a missing extern "C" shows
# as an undefined mangled symbol when linked against the C library.
# Usage: headers_alone.sh SRC_DIR GEN_INCLUDE CC CXX LIBDIR
set -eu
src=$1
gen=$2
cc=$3
cxx=$4
libdir=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
for h in "$src"/include/dpamt/*.h "$gen"/dpamt/version.h; do
	b=$(basename "$h")
	printf '#include <dpamt/%s>\n#include <dpamt/%s>\ntypedef int unit_not_empty;\n' "$b" "$b" \
		>"$tmp/one.c"
	"$cc" -std=c11 -Wall -Wextra -Werror -pedantic -I"$src/include" \
		-I"$gen" -c "$tmp/one.c" -o "$tmp/one.o" ||
		{ echo "headers_alone: $b fails as C11" >&2; exit 1; }
	cp "$tmp/one.c" "$tmp/one.cpp"
	"$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -I"$src/include" \
		-I"$gen" -c "$tmp/one.cpp" -o "$tmp/one.o" ||
		{ echo "headers_alone: $b fails as C++17" >&2; exit 1; }
	n=$((n + 1))
done
# Linking from C++: C names, not mangled ones.
cat >"$tmp/link.cpp" <<'CPP'
#include <dpamt/dpamt.h>
#include <dpamt/tdxmod.h>
#include <cstdio>
int main()
{
	char buf[64];
	struct tdxmod_config c;
	tdxmod_config_default(&c, 1ULL << 30);
	std::printf("%s %s %u\n", dpamt_version(),
		    dpamt_tdx_status_name(DPAMT_TDX_OPERAND_BUSY | 1, buf,
					  sizeof(buf)),
		    c.pages_per_pair);
	return 0;
}
CPP
"$cxx" -std=c++17 -Wall -Wextra -Werror -I"$src/include" -I"$gen" \
	"$tmp/link.cpp" "$libdir/libdpamt.a" "$libdir/libdpamt-tdxmod.a" \
	-pthread -o "$tmp/link" ||
	{ echo "headers_alone: C++ program does not link" >&2; exit 1; }
"$tmp/link"
echo "headers_alone: $n headers compile alone as C11 and C++17; C++ links"
