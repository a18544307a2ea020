#!/bin/sh
# check-contracts.sh - the public API's contracts are written down and the
# docs index matches them.  Fails if a public dpamt_*() function declared in
# include/dpamt/dpamt.h, a function of include/dpamt/tdxmod.h or of
# linux_seamcall.h,
# or a callback of struct dpamt_ops, is not directly
# preceded by its own kernel-doc block ("/** name() - ..." for a function,
# "@name:" for a callback) holding a "Context:" line; or if the table
# between <!-- contracts:begin --> and <!-- contracts:end --> in
# docs/host.md misses one of dpamt.h's or lists one that does not exist.
# The table is checked, not generated: its prose is written by hand.
# Usage: check-contracts.sh [ROOT] (default: the repository root).
set -eu

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
hdr=$root/include/dpamt/dpamt.h
doc=$root/docs/host.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# One line per public name: "<name> ok" or "<name> <what is wrong>".
contracts() { # HEADER PREFIX
awk -v pfx="$2" '
function flush_doc() {
	doc_name = ""; doc_ctx = 0
	if (match(doc, "^[ \t]*/[*][*][ \t]*\n?[ \t]*[*]?[ \t]*" pfx "[a-z0-9_]*[(][)] -")) {
		s = doc; sub(/\(\) -.*/, "", s); sub(/.*[^a-z0-9_]/, "", s)
		doc_name = s "()"
	} else if (match(doc, /@[a-z0-9_]+:/)) {
		doc_name = "ops->" substr(doc, RSTART + 1, RLENGTH - 2)
	}
	doc_ctx = (doc ~ /(^|\n)[ \t]*\*?[ \t]*Context: /)
	pending = 1
}
function want(name) {
	if (!pending || doc_name != name) print name, "has no kernel-doc block of its own"
	else if (!doc_ctx) print name, "kernel-doc block has no Context: line"
	else print name, "ok"
}
in_doc { doc = doc "\n" $0; if ($0 ~ /\*\//) { in_doc = 0; flush_doc() } next }
/^[ \t]*\/\*\*/ {
	doc = $0
	if ($0 ~ /\*\//) flush_doc(); else in_doc = 1
	next
}
/^[ \t]*$/ { next }
/^struct dpamt_ops \{/ { in_ops = 1; pending = 0; next }
in_ops && /^\};/ { in_ops = 0; pending = 0; next }
in_ops && /\(\*[a-z0-9_]+\)\(/ {
	s = $0; sub(/^[^(]*\(\*/, "", s); sub(/\).*/, "", s)
	want("ops->" s); pending = 0; next
}
$0 ~ ("^[a-z].*[^a-z0-9_]" pfx "[a-z0-9_]*[(]") && $0 !~ /^#/ {
	s = $0; sub(/\(.*/, "", s); sub(/.*[^a-z0-9_]/, "", s)
	want(s "()"); pending = 0; next
}
{ if ($0 !~ /^[ \t]*(\/\*|\*)/) pending = 0 }
' "$1"
}
contracts "$hdr" dpamt_ >"$tmp/hdr"
contracts "$root/include/dpamt/tdxmod.h" tdxmod_ >"$tmp/mod"
contracts "$root/include/dpamt/linux_seamcall.h" \
	'(tdxmod_|__seamcall|seamcall)' >>"$tmp/mod"

bad=0
if ! [ -s "$tmp/hdr" ]; then
	echo "check-contracts: no public function found in $hdr" >&2
	exit 1
fi
if grep -v ' ok$' "$tmp/hdr" >"$tmp/missing"; then
	sed 's/^/check-contracts: dpamt.h: /' "$tmp/missing" >&2
	bad=1
fi
if grep -v ' ok$' "$tmp/mod" >"$tmp/missing"; then
	sed 's/^/check-contracts: tdxmod.h|linux_seamcall.h: /' "$tmp/missing" >&2
	bad=1
fi
n_mod=$(grep -c ' ok$' "$tmp/mod" || true)
cut -d' ' -f1 "$tmp/hdr" | sort -u >"$tmp/hdr.names"

# First cell of every row of the marked table: `dpamt_x()` or `ops->x`.
sed -n '/<!-- contracts:begin -->/,/<!-- contracts:end -->/p' "$doc" |
	sed -n 's/^| *`\([^`]*\)`.*/\1/p' | sort >"$tmp/doc.all"
if ! [ -s "$tmp/doc.all" ]; then
	echo "check-contracts: no contracts table in $doc" >&2
	exit 1
fi
uniq -d "$tmp/doc.all" | sed 's/^/check-contracts: host.md: listed twice: /' >&2
sort -u "$tmp/doc.all" >"$tmp/doc.names"
comm -23 "$tmp/hdr.names" "$tmp/doc.names" >"$tmp/undoc"
comm -13 "$tmp/hdr.names" "$tmp/doc.names" >"$tmp/stale"
if [ -s "$tmp/undoc" ]; then
	sed 's/^/check-contracts: host.md table misses: /' "$tmp/undoc" >&2
	bad=1
fi
if [ -s "$tmp/stale" ]; then
	sed 's/^/check-contracts: host.md table lists unknown: /' "$tmp/stale" >&2
	bad=1
fi
[ "$(uniq -d "$tmp/doc.all" | wc -l)" -eq 0 ] || bad=1
n_fn=$(grep -c '()$' "$tmp/hdr.names" || true)
n_op=$(grep -c '^ops->' "$tmp/hdr.names" || true)
if [ "$bad" -ne 0 ]; then
	echo "check-contracts: FAILED" >&2
	exit 1
fi
echo "check-contracts: $n_fn dpamt_* functions, $n_op ops callbacks and $n_mod model functions (tdxmod.h, linux_seamcall.h) documented with Context:, host.md table matches"
