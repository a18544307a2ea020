#!/bin/sh
# check-freestanding.sh - prove src/host/ is freestanding: compile every
# src/host/*.c with -ffreestanding -fno-builtin -nostdlib, link them into
# one relocatable object and fail if anything is left undefined except the
# compiler's memset/memcpy.  Also fails on a forbidden #include, in
# src/host/ or in a src/util/ header it includes.
# Usage: check-freestanding.sh [SRCDIR] (default: the repository root).
set -eu

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

allowed='^(stdint|stddef|stdbool|stdatomic|limits)\.h$'
bad=0
# src/host/ and every src/util/ header it includes (util/bitmap.h).
util=$(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\(util\/[^"]*\)".*/\1/p' \
	"$root"/src/host/*.c "$root"/src/host/*.h | sort -u |
	sed "s|^|$root/src/|")
for f in "$root"/src/host/*.c "$root"/src/host/*.h $util; do
	for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$f"); do
		if ! echo "$inc" | grep -Eq "$allowed"; then
			echo "check-freestanding: $f includes <$inc>" >&2
			bad=1
		fi
	done
done

objs=
for f in "$root"/src/host/*.c; do
	o="$tmp/$(basename "$f" .c).o"
	"$cc" -std=c11 -ffreestanding -fno-builtin -nostdlib -O2 \
		-Wall -Wextra -Werror -Wno-unused-parameter \
		-I"$root/include" -I"$root/src" -c "$f" -o "$o"
	objs="$objs $o"
done
# shellcheck disable=SC2086
ld -r -o "$tmp/host.o" $objs
undef=$(nm -u "$tmp/host.o" | awk '{print $NF}' | grep -Ev '^(memset|memcpy)$' || true)
if [ -n "$undef" ]; then
	echo "check-freestanding: undefined symbols in src/host:" >&2
	echo "$undef" | sed 's/^/  /' >&2
	bad=1
fi
if [ "$bad" -ne 0 ]; then
	exit 1
fi
n=$(echo $objs | wc -w)
echo "check-freestanding: $n files, no undefined symbol but memset/memcpy"
