#!/bin/sh
# headers_linux_names.sh - the public headers and Linux's TDX headers can
# be visible in one translation unit (docs/linux-interface.md, "Names").
#
# 1. Every Linux TDX name (tests/tree/linux_tdx_names.txt, plus what the
#    installed linux-headers-* asm/tdx.h and asm/shared/tdx.h define) is
#    made a macro whose expansion is a stray '@', so any use of the name
#    by a dpamt header - a #define (redefinition), a declaration, an
#    enumerator, a use in an inline function - is an error.  Each public
#    header is compiled with those sentinels before it and after it, as
#    C11 and as C++17, -Wall -Wextra -Werror.  linux_seamcall.h, which
#    stands in for the kernel's SEAMCALL interface, is compiled with the
#    sentinels before it only and without the names it provides on
#    purpose (marked "NAME =" in the list); its leaf numbers are under
#    #ifndef, so the kernel's come first and win.
# 2. Every macro a public header defines is DPAMT_* or TDXMOD_* (plus, for
#    linux_seamcall.h, the Linux names it provides on purpose).
# 3. Self-check: a header that defines TDX_SUCCESS must fail step 1.
# Usage: headers_linux_names.sh SRC_DIR GEN_INCLUDE CC CXX
set -eu
src=$1
gen=$2
cc=$3
cxx=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
list=$src/tests/tree/linux_tdx_names.txt

# The names: the shipped list, then the installed kernel headers' names.
# A name line: NAME or NAME(ARGS) (function-like), " =" if provided.
sed -e 's/#.*//' -e 's/[[:space:]]*=[[:space:]]*$//' "$list" |
	grep -E '^[A-Za-z_][A-Za-z0-9_]*(\([^)]*\))?$' >"$tmp/names"
sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)\(([^)]*)\)\{0,1\}[[:space:]]*=[[:space:]]*$/\1/p' \
	"$list" >"$tmp/provided"
kh=""
for d in /usr/src/linux-headers-*-common /usr/src/linux-headers-*; do
	[ -f "$d/arch/x86/include/asm/tdx.h" ] && { kh=$d; break; }
done
if [ -n "$kh" ]; then
	for f in asm/tdx.h asm/shared/tdx.h asm/shared/tdx_errno.h; do
		[ -f "$kh/arch/x86/include/$f" ] || continue
		sed -n -e 's/^#[[:space:]]*define[[:space:]]\{1,\}\([A-Za-z_][A-Za-z0-9_]*\).*/\1/p' \
		       -e 's/.*struct[[:space:]]\{1,\}\(tdx[A-Za-z0-9_]*\)[[:space:]]*{.*/\1/p' \
		       "$kh/arch/x86/include/$f"
	done | grep -v '^_ASM_' >>"$tmp/names"
	echo "headers_linux_names: with the names of $kh"
else
	echo "headers_linux_names: no linux-headers installed; the shipped list only"
fi
sort -u "$tmp/names" -o "$tmp/names"
n_names=$(wc -l <"$tmp/names")

# sentinels.h: every name; sentinels_ls.h: without the provided ones.
mk_sentinels() {
	{
		echo '/* Linux TDX names: any use by a dpamt header is an error. */'
		while read -r nm; do
			printf '#define %s @ LINUX_NAME_%s\n' "$nm" "${nm%%(*}"
		done
	} >"$1"
}
mk_sentinels "$tmp/sentinels.h" <"$tmp/names"
sed 's/(.*//' "$tmp/names" | paste - "$tmp/names" |
	grep -vwF -f "$tmp/provided" | cut -f2 | mk_sentinels "$tmp/sentinels_ls.h"
sed -i 's/(.*//' "$tmp/names"

# compile NAME SENTINELS ORDER HEADER...: C11 and C++17, -Werror.
compile() {
	what=$1 sent=$2 order=$3
	shift 3
	{
		[ "$order" = after ] || printf '#include "%s"\n' "$sent"
		for h in "$@"; do printf '#include <%s>\n' "$h"; done
		[ "$order" = before ] || printf '#include "%s"\n' "$sent"
		echo 'typedef int unit_not_empty;'
	} >"$tmp/u.c"
	cp "$tmp/u.c" "$tmp/u.cpp"
	"$cc" -std=c11 -Wall -Wextra -Werror -I"$src/include" -I"$gen" \
		-I"$tmp" -c "$tmp/u.c" -o "$tmp/u.o" 2>"$tmp/err" &&
	"$cxx" -std=c++17 -Wall -Wextra -Werror -I"$src/include" -I"$gen" \
		-I"$tmp" -c "$tmp/u.cpp" -o "$tmp/u.o" 2>>"$tmp/err" ||
	{ echo "headers_linux_names: $what clashes with Linux's names" \
	       "(sentinels $order):" >&2
	  grep -E 'error|LINUX_NAME' "$tmp/err" | head -n 8 >&2
	  return 1; }
}

# 3. The check can fail: a header using a Linux name is caught.
mkdir -p "$tmp/bad"
printf '#define TDX_SUCCESS 0ULL\n' >"$tmp/bad/clash.h"
if compile self-check sentinels.h before bad/clash.h 2>/dev/null; then
	echo "headers_linux_names: FAIL: a header defining TDX_SUCCESS passed" >&2
	exit 1
fi

# 1. Each public header with Linux's names visible.
n=0
for h in "$src"/include/dpamt/*.h "$gen"/dpamt/version.h; do
	b=dpamt/$(basename "$h")
	if [ "$b" = dpamt/linux_seamcall.h ]; then
		compile "$b" sentinels_ls.h before "$b"
	else
		compile "$b" sentinels.h before "$b"
		compile "$b" sentinels.h after "$b"
	fi
	n=$((n + 1))
done
compile "all headers" sentinels_ls.h before dpamt/dpamt.h dpamt/tdxmod.h \
	dpamt/linux_seamcall.h

# 2. Macro names: DPAMT_* / TDXMOD_*, or a Linux name linux_seamcall.h
# provides on purpose (its #ifndef-guarded leaf numbers and status).
printf '#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n' \
	>"$tmp/base.c"
"$cc" -std=c11 -dM -E "$tmp/base.c" | awk '{print $2}' | sed 's/(.*//' |
	sort -u >"$tmp/base.macros"
bad=0
for h in "$src"/include/dpamt/*.h "$gen"/dpamt/version.h; do
	b=dpamt/$(basename "$h")
	{ cat "$tmp/base.c"; printf '#include <%s>\n' "$b"; } >"$tmp/m.c"
	"$cc" -std=c11 -dM -E -I"$src/include" -I"$gen" "$tmp/m.c" |
		awk '{print $2}' | sed 's/(.*//' | sort -u |
		comm -23 - "$tmp/base.macros" >"$tmp/new"
	allowed='^(DPAMT_|TDXMOD_)'
	[ "$b" = dpamt/linux_seamcall.h ] &&
		allowed='^(DPAMT_|TDXMOD_|TDH_|TDX_SEAMCALL_VMFAILINVALID$)'
	if grep -vE "$allowed" "$tmp/new" >"$tmp/off"; then
		echo "headers_linux_names: $b defines macros outside DPAMT_*/TDXMOD_*:" >&2
		sed 's/^/  /' "$tmp/off" >&2
		bad=1
	fi
	if [ "$b" = dpamt/linux_seamcall.h ]; then
		grep -E '^(TDH_|TDX_)' "$tmp/new" | grep -vxF -f "$tmp/names" \
			>"$tmp/off" && {
			echo "headers_linux_names: $b gives names Linux does not have:" >&2
			sed 's/^/  /' "$tmp/off" >&2
			bad=1
		}
	fi
done
[ "$bad" -eq 0 ] || exit 1
echo "headers_linux_names: $n headers x $n_names Linux TDX names," \
     "C11 and C++17, no clash; every macro DPAMT_*/TDXMOD_*"
