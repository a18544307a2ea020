#!/bin/sh
# bench_table_test.sh - scripts/bench-table.sh rewrites exactly the marked
# section of a file from a real (tiny) bench run and nothing else; a file
# without markers or a failing bench leaves the file untouched (exit 1).
#   bench_table_test.sh SRCDIR DPAMT
set -eu
src=$1
bin=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-table-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

printf 'head line\n<!-- bench-table:begin -->\nstale\n<!-- bench-table:end -->\ntail line\n' >"$tmp/f.md"
sh "$src/scripts/bench-table.sh" -b "$bin" -f "$tmp/f.md" -- \
	--strategy all --iters 1000 --reps 1 --slow-iters 10 --sim-rss 0 ||
	fail "the script failed"
[ "$(head -n 1 "$tmp/f.md")" = "head line" ] || fail "head changed"
[ "$(tail -n 1 "$tmp/f.md")" = "tail line" ] || fail "tail changed"
grep -q stale "$tmp/f.md" && fail "the old section is still there"
for want in "global-lock/cas" "lockless/cas" "churn:" "ADD+REMOVE" \
	"dpamt bench --strategy all --iters 1000"; do
	grep -q -- "$want" "$tmp/f.md" || fail "section lacks '$want'"
done
[ "$(grep -c 'bench-table:begin' "$tmp/f.md")" = 1 ] || fail "markers"

printf 'no markers\n' >"$tmp/g.md"
if sh "$src/scripts/bench-table.sh" -b "$bin" -f "$tmp/g.md" 2>/dev/null; then
	fail "no markers: should fail"
fi
[ "$(cat "$tmp/g.md")" = "no markers" ] || fail "markerless file changed"
cp "$tmp/f.md" "$tmp/h.md"
if sh "$src/scripts/bench-table.sh" -b "$bin" -f "$tmp/h.md" -- \
	--reps 0 2>/dev/null; then
	fail "bad bench arguments: should fail"
fi
cmp -s "$tmp/f.md" "$tmp/h.md" || fail "a failed run changed the file"
echo "PASS: bench-table.sh rewrites only the marked section"
