#!/bin/sh
# check-exports.sh - a shared library exports exactly the functions its
# public headers declare: nothing internal leaks (dp_*, leaf_*, bitmap_*,
# the strategy tables...) and nothing declared is missing.  Also checks
# the SONAME.
# Usage: check-exports.sh LIB.so SONAME INCLUDE_DIR... -- HEADER...
#   (HEADER names as included: dpamt/dpamt.h)
set -eu

lib=$1
soname=$2
shift 2
incs=""
while [ "$1" != "--" ]; do
	incs="$incs -I$1"
	shift
done
shift
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

for h in "$@"; do
	echo "#include \"$h\"" >>"$tmp/all.c"
done
# -aux-info lists every prototype seen, with its file; keep the extern
# ones from the public headers (static inline helpers are not exported).
# shellcheck disable=SC2086
"$cc" -std=c11 $incs -aux-info "$tmp/aux" -c "$tmp/all.c" -o "$tmp/all.o"
grep 'include/dpamt/' "$tmp/aux" | grep -E '\*/ extern ' |
	sed -E 's/^[^(]*[ *]([A-Za-z_][A-Za-z0-9_]*) \(.*/\1/' | sort -u \
	>"$tmp/declared"
nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}' |
	sed 's/@.*//' | sort -u >"$tmp/exported"

bad=0
leaked=$(comm -13 "$tmp/declared" "$tmp/exported")
missing=$(comm -23 "$tmp/declared" "$tmp/exported")
if [ -n "$leaked" ]; then
	echo "check-exports: $lib exports symbols no public header declares:" >&2
	echo "$leaked" | sed 's/^/  /' >&2
	bad=1
fi
if [ -n "$missing" ]; then
	echo "check-exports: $lib lacks declared functions:" >&2
	echo "$missing" | sed 's/^/  /' >&2
	bad=1
fi
got=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$got" != "$soname" ]; then
	echo "check-exports: $lib SONAME is '$got', want '$soname'" >&2
	bad=1
fi
[ "$bad" -eq 0 ] || exit 1
echo "check-exports: $(basename "$lib"): SONAME $got, $(wc -l <"$tmp/exported") symbols = the public API"
