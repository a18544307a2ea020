#!/bin/sh
# design_refs_selftest.sh - the design-reference check must fail on a
# dangling section and on a design file outside the tree, and pass on a
# good reference.  Runs the real script on a scratch tree.
set -eu
src=$1
chk="$src/scripts/check-design-refs.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/docs" "$tmp/src"
cp "$src/docs/design.md" "$tmp/docs/"

printf '/* see docs/design.md §7 and §1.3 */\n' >"$tmp/src/good.c"
printf '/* see docs/design.md §1.3 */\n' >>"$tmp/src/good.c"
sh "$chk" "$tmp" || { echo "FAIL: good references rejected"; exit 1; }

printf '/* see docs/design.md §%s */\n' 42 >"$tmp/src/bad.c"
if sh "$chk" "$tmp" 2>"$tmp/err"; then
	echo "FAIL: dangling §42 accepted"; exit 1
fi
grep -q 'src/bad.c:1: docs/design.md has no section §42' "$tmp/err" ||
	{ echo "FAIL: no file:line for §42"; cat "$tmp/err"; exit 1; }

printf '/* see %s §2 */\n' DESI""GN >"$tmp/src/bad.c"
if sh "$chk" "$tmp" 2>"$tmp/err"; then
	echo "FAIL: outside DESIGN reference accepted"; exit 1
fi
grep -q 'src/bad.c:1: reference to a design file outside' "$tmp/err" ||
	{ echo "FAIL: no file:line for DESIGN"; cat "$tmp/err"; exit 1; }
echo "design_refs_selftest: dangling and outside references rejected"
