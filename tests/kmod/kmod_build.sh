#!/bin/sh
# kmod_build.sh - build the host core as a Linux kernel module out of tree
# (kbuild/Makefile: stage into the build tree, then make -C KDIR M=... W=1)
# and fail on any warning or error, on a missing dpamt.ko, on a src/host
# file left out of the module, on the C11 dp_atomic.h reaching it, or on
# dpamt's headers not compiled next to the kernel's <asm/tdx.h>.
# Usage: kmod_build.sh SRCDIR BUILDDIR
# No kernel headers: skip (exit 77) unless CI is set, then fail.
set -u

src=$1
out=$2/kmod
log=$2/kmod.log

kdir=${KDIR:-}
if [ -z "$kdir" ]; then
	kdir=/lib/modules/$(uname -r)/build
	[ -f "$kdir/Makefile" ] ||
		kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
		       sort -V | tail -n 1)
fi
if [ -z "$kdir" ] || [ ! -f "$kdir/Makefile" ]; then
	why="no kernel headers (KDIR=${KDIR:-unset}, /lib/modules/$(uname -r)/build, /usr/src/linux-headers-*-amd64); install linux-headers-amd64 (scripts/install-deps.sh) or set KDIR"
	case "${CI:-}" in
	"" | false | 0)
		echo "kmod_build: SKIPPED: $why"
		exit 77 ;;
	*)
		echo "kmod_build: FAIL (CI=$CI): $why"
		exit 1 ;;
	esac
fi

fail() {
	echo "kmod_build: FAIL: $*"
	exit 1
}

echo "kmod_build: make -C $src/kbuild KDIR=$kdir OUT=$out W=1"
rm -rf "$out"
make -C "$src/kbuild" KDIR="$kdir" OUT="$out" W=1 >"$log" 2>&1
rc=$?
tail -n 8 "$log"
[ "$rc" -eq 0 ] || { cat "$log"; fail "the module build exited $rc"; }
if grep -Ei '(warning|error)( |:|$)' "$log"; then
	fail "the module build printed the warnings/errors above (log: $log)"
fi
[ -f "$out/dpamt.ko" ] || fail "no $out/dpamt.ko"

# Every production source of the core is in the module.
for c in "$src"/src/host/*.c; do
	o=$out/src/host/$(basename "$c" .c).o
	[ -f "$o" ] || fail "$c was not compiled into the module"
done
# The kernel atomics shim, never the C11 header, reached the core.
if grep -l 'src/host/dp_atomic\.h' "$out"/src/host/.*.o.cmd; then
	fail "the files above compiled with src/host/dp_atomic.h"
fi
grep -q 'shim/host/dp_atomic\.h' "$out/src/host/.getput.o.cmd" ||
	fail "getput.o does not depend on kbuild/shim/host/dp_atomic.h"
# dpamt's headers were compiled next to the kernel's TDX names.
grep -q 'include/asm/tdx\.h' "$out/.dpamt_kmod.o.cmd" ||
	fail "dpamt_kmod.o was not compiled with the kernel's asm/tdx.h"
# The sizing API and every production strategy are linked in.
syms=$(nm "$out/dpamt.ko") || fail "nm $out/dpamt.ko"
for s in dpamt_size dpamt_create dp_strat_global_lock dp_strat_hashed \
	 dp_strat_lockless dp_strat_ref_linux_v6 dp_strat_ref_linux_v3; do
	echo "$syms" | grep -q " [TR] $s\$" || fail "dpamt.ko lacks $s"
done
lic=$(objcopy -O binary --only-section=.modinfo "$out/dpamt.ko" \
	/dev/stdout | tr '\0' '\n' | sed -n 's/^license=//p')
[ "$lic" = "Dual MIT/GPL" ] || fail "license '$lic', want 'Dual MIT/GPL'"

n=$(ls "$src"/src/host/*.c | wc -l)
echo "kmod_build: dpamt.ko built warning-free with W=1 against $kdir" \
     "($n src/host files + dpamt_kmod.c)"
