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
if [ ! -f "$design" ]; then
	echo "check-design-refs: $design is missing" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Sections that exist: "## 4. Title" -> 4, "### 1.3 Title" -> 1.3
sed -n -E 's/^##+ ([0-9]+(\.[0-9]+)*)\.? .*/\1/p' "$design" >"$tmp/sections"

# One pass over the tree (no build trees, no .git, not this script).
scan() {
	(cd "$root" && grep -rIn -o "$@" --exclude-dir=.git \
		--exclude-dir='build*' --exclude=check-design-refs.sh . ) |
		sed 's|^\./||'
}
scan -E 'design\.md §[0-9]+(\.[0-9]+)*' >"$tmp/refs" || true
scan -E 'DESIGN( §|\.md| section)|/work/shared' >"$tmp/outside" || true

: >"$tmp/bad"
while IFS= read -r hit; do
	loc=${hit%:*}           # file:line
	sec=${hit##*§}
	if ! grep -qx "$sec" "$tmp/sections"; then
		echo "$loc: docs/design.md has no section §$sec" >>"$tmp/bad"
	fi
done <"$tmp/refs"
sed 's|^\([^:]*:[0-9]*\):.*|\1: reference to a design file outside the tree|' \
	"$tmp/outside" >>"$tmp/bad"

if [ -s "$tmp/bad" ]; then
	cat "$tmp/bad" >&2
	echo "check-design-refs: $(wc -l <"$tmp/bad") bad reference(s)" >&2
	exit 1
fi
echo "check-design-refs: $(wc -l <"$tmp/refs") reference(s), $(wc -l <"$tmp/sections") sections, none dangling"
