#!/bin/sh
# build_options.sh - the build options do what they say:
#  1. -DDPAMT_BUILD_CLI=OFF -DDPAMT_BUILD_TESTS=OFF configures with
#     pkg-config forbidden (so neither json-c nor cmocka can be looked
#     up) and builds both shared libraries, and no CLI;
#  2. tests without the CLI is refused with a message naming the option;
#  3. the older name -DDPAMT_TESTS=OFF still turns the tests off.
# Usage: build_options.sh SRC_DIR BUILD_DIR CC
set -eu
src=$1
out=$2/test-options
cc=$3
rm -rf "$out"
mkdir -p "$out"
fail() { echo "build_options: FAIL: $*" >&2; exit 1; }

cmake -S "$src" -B "$out/lib" -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_BUILD_TYPE=Debug -DDPAMT_SANITIZE=none \
	-DDPAMT_BUILD_CLI=OFF -DDPAMT_BUILD_TESTS=OFF \
	-DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON >"$out/lib.log" 2>&1 ||
	{ cat "$out/lib.log" >&2; fail "library-only configure"; }
cmake --build "$out/lib" -j 2 >"$out/lib-build.log" 2>&1 ||
	{ tail -20 "$out/lib-build.log" >&2; fail "library-only build"; }
for f in lib/libdpamt.so.0 lib/libdpamt-tdxmod.so.0 lib/libdpamt.a; do
	[ -e "$out/lib/$f" ] || fail "library-only build lacks $f"
done
[ ! -e "$out/lib/dpamt" ] || fail "CLI built with DPAMT_BUILD_CLI=OFF"

if cmake -S "$src" -B "$out/bad" -DDPAMT_BUILD_CLI=OFF \
	-DDPAMT_BUILD_TESTS=ON >"$out/bad.log" 2>&1; then
	fail "tests without the CLI accepted"
fi
grep -q "DPAMT_BUILD_TESTS=ON needs DPAMT_BUILD_CLI=ON" "$out/bad.log" ||
	fail "refusal does not name the options"

cmake -S "$src" -B "$out/old" -DDPAMT_TESTS=OFF >"$out/old.log" 2>&1 ||
	fail "configure with DPAMT_TESTS=OFF"
grep -q "^DPAMT_BUILD_TESTS:BOOL=OFF" "$out/old/CMakeCache.txt" ||
	fail "DPAMT_TESTS=OFF did not turn DPAMT_BUILD_TESTS off"
rm -rf "$out"
echo "build_options: library-only build without pkg-config; option checks hold"
