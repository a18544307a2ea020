#!/bin/sh
# install_examples.sh - install the build tree into a scratch prefix and
# build and run examples/ from that prefix ALONE, twice: with pkg-config
# (shared libraries) and with find_package(dpamt) (shared and static).
# An empty or partial install fails here.  Also checks the installed CLI
# version, the man page header and the completion script.
# Usage: install_examples.sh BUILD_DIR SRC_DIR LIBDIR VERSION CC
set -eu
build=$1
src=$2
libdir=$3
version=$4
cc=$5
prefix="$build/test-install"
exb="$build/test-examples"
rm -rf "$prefix" "$exb"
mkdir -p "$exb/pc"

cmake --install "$build" --prefix "$prefix" >/dev/null
fail() { echo "install_examples: FAIL: $*" >&2; exit 1; }

for f in bin/dpamt include/dpamt/dpamt.h include/dpamt/version.h \
	"$libdir/libdpamt.so.0" "$libdir/libdpamt.a" \
	"$libdir/libdpamt-tdxmod.so.0" "$libdir/libdpamt-tdxmod.a" \
	"$libdir/pkgconfig/dpamt.pc" "$libdir/pkgconfig/dpamt-tdxmod.pc" \
	"$libdir/cmake/dpamt/dpamtConfig.cmake" share/man/man1/dpamt.1 \
	share/bash-completion/completions/dpamt; do
	[ -e "$prefix/$f" ] || fail "$f not installed"
done
got=$("$prefix/bin/dpamt" --version)
[ "$got" = "dpamt $version" ] || fail "dpamt --version said '$got'"
grep -q "^\.TH DPAMT 1 \"[^\"]*\" \"dpamt $version\"" \
	"$prefix/share/man/man1/dpamt.1" || fail "man page header lacks $version"
bash -n "$prefix/share/bash-completion/completions/dpamt" ||
	fail "completion script does not parse"

# 1. pkg-config, nothing but the prefix on the paths
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
export PKG_CONFIG_LIBDIR="$prefix/$libdir/pkgconfig"
[ "$(pkg-config --modversion dpamt)" = "$version" ] ||
	fail "pkg-config --modversion dpamt"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror "$src/examples/size_layout.c" \
	$(pkg-config --cflags --libs dpamt) -o "$exb/pc/size_layout"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -pthread \
	"$src/examples/host_two_threads.c" \
	$(pkg-config --cflags --libs dpamt dpamt-tdxmod) \
	-o "$exb/pc/host_two_threads"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -pthread \
	"$src/examples/linux_seamcall.c" \
	$(pkg-config --cflags --libs dpamt-tdxmod) -o "$exb/pc/linux_seamcall"
LD_LIBRARY_PATH="$prefix/$libdir" "$exb/pc/linux_seamcall"
LD_LIBRARY_PATH="$prefix/$libdir" "$exb/pc/size_layout" 0:64 4096:64
LD_LIBRARY_PATH="$prefix/$libdir" "$exb/pc/host_two_threads"

# 2. find_package(dpamt) -> imported targets
cmake -S "$src/examples" -B "$exb/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$exb/cmake" >/dev/null
"$exb/cmake/size_layout" | grep -q "libdpamt $version" ||
	fail "size_layout (find_package) reports another version"
"$exb/cmake/host_two_threads"
"$exb/cmake/host_two_threads_static"
"$exb/cmake/linux_seamcall" >/dev/null

# 3. the uninstall path: every installed file goes, nothing is left
sh "$src/scripts/uninstall.sh" "$build/install_manifest.txt" >/dev/null
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
echo "install_examples: prefix $prefix: pkg-config and find_package builds" \
     "ran; uninstall removed every file"
