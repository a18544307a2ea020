#!/bin/sh
# check-design-refs.sh - every design reference in the tree must resolve.
#   * "docs/design.md §N" / "design.md §N.M" must name a section heading
#     ("## N." or "### N.M") that exists in docs/design.md;
#   * nothing may point at a design file outside the tree: the old
#     "DESIGN §N" / "DESIGN section N" / DESIGN.md forms, or /work/shared.
# Usage: check-design-refs.sh [SRCDIR] (default: the repository root).
# Prints every bad reference as file:line and exits 1 if there is one.
set -eu

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
design="$root/docs/design.md"
self="scripts/check-design-refs.sh"
if [ ! -f "$design" ]; then
	echo "check-design-refs: $design is missing" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Sections that exist: "## 4. Title" -> 4, "### 1.3 Title" -> 1.3
sed -n -E 's/^##+ ([0-9]+(\.[0-9]+)*)\.? .*/\1/p' "$design" >"$tmp/sections"

# Every tracked-looking text file, minus build trees and this script.
(cd "$root" && find . -path ./.git -prune -o -path './build*' -prune \
	-o -type f -print) | sed 's|^\./||' | grep -v "^$self\$" >"$tmp/files"

bad=0
while IFS= read -r f; do
	case $f in *.png|*.svg|*.gz) continue ;; esac
	grep -I -n -o -E 'design\.md §[0-9]+(\.[0-9]+)*' "$root/$f" 2>/dev/null |
	while IFS= read -r hit; do
		line=${hit%%:*}
		sec=${hit##*§}
		if ! grep -qx "$sec" "$tmp/sections"; then
			echo "$f:$line: docs/design.md has no section §$sec"
		fi
	done
	grep -I -n -E 'DESIGN( §|\.md| section)|/work/shared' "$root/$f" \
		2>/dev/null | sed "s|^\([0-9]*\):.*|$f:\1: reference to a design file outside the tree|"
done <"$tmp/files" >"$tmp/bad"

if [ -s "$tmp/bad" ]; then
	cat "$tmp/bad" >&2
	echo "check-design-refs: $(wc -l <"$tmp/bad") bad reference(s)" >&2
	exit 1
fi
n=$(cat "$tmp/files" | xargs -I{} grep -I -c -E 'design\.md §' "$root/{}" 2>/dev/null | awk '{s+=$1} END {print s+0}')
echo "check-design-refs: $n reference line(s), $(wc -l <"$tmp/sections") sections, none dangling"
